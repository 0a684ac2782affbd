// Protocol declarations as Linkerd reads them (docs/reference/routes-and-policy.md), and the ports whose protocol
// detection fails or stalls. Data only; lib/model/route-values.ts and the checks ask it.

/** Service `appProtocol` values Linkerd 2.18+ understands, with what each makes of the port. */
export const LINKERD_APP_PROTOCOLS: Readonly<Record<string, string>> = {
  'linkerd.io/opaque': 'opaque TCP',
  'linkerd.io/tcp': 'opaque TCP',
  http: 'HTTP/1',
  'kubernetes.io/h2c': 'HTTP/2 (h2c, gRPC)',
};

/** appProtocol values people write that Linkerd would silently treat as opaque TCP, and what they meant. */
export const APP_PROTOCOL_CORRECTIONS: Readonly<Record<string, string>> = {
  grpc: 'kubernetes.io/h2c',
  h2c: 'kubernetes.io/h2c',
  h2: 'kubernetes.io/h2c',
  http2: 'kubernetes.io/h2c',
  'kubernetes.io/h2': 'kubernetes.io/h2c',
  http1: 'http',
  'http/1.1': 'http',
  tcp: 'linkerd.io/opaque',
  opaque: 'linkerd.io/opaque',
};

/**
 * Ports of protocols where the server speaks first (or the client sends no preamble), so Linkerd's
 * protocol detection waits up to 10 s before giving up. The first eight are linkerd-control-plane's
 * default `proxy.opaquePorts`; the rest are other well-known server-first protocols.
 */
export const SERVER_SPEAKS_FIRST_PORTS: Readonly<Record<number, string>> = {
  25: 'SMTP',
  587: 'SMTP submission',
  3306: 'MySQL',
  4444: 'Galera',
  5432: 'PostgreSQL',
  6379: 'Redis',
  9300: 'Elasticsearch transport',
  11211: 'Memcached',
  21: 'FTP',
  22: 'SSH',
  110: 'POP3',
  143: 'IMAP',
};

/** linkerd-control-plane's default `proxy.opaquePorts` (the same in every release meshfleet knows; tested). */
export const DEFAULT_OPAQUE_PORTS: readonly number[] = [25, 587, 3306, 4444, 5432, 6379, 9300, 11211];

/** Whether `port` is in an opaquePorts list of numbers and "from-to" ranges. */
export function inPortList(port: number, list: readonly (number | string)[]): boolean {
  return list.some((entry) => {
    if (typeof entry === 'number') return entry === port;
    const [from, to] = entry.split('-').map(Number);
    return to === undefined ? from === port : from <= port && port <= to;
  });
}
