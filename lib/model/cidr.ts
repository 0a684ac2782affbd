// Just enough CIDR arithmetic for the fleet checks: parse IPv4/IPv6 prefixes and test overlap.
import { isIPv6 } from 'node:net';

export interface Cidr {
  readonly text: string;
  readonly family: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
}

export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0 || text.indexOf('/', slash + 1) >= 0) return undefined;
  const prefix = decimalAt(text, slash + 1, text.length, 3);
  if (prefix < 0) return undefined;
  const v4 = ipv4Value(text, slash);
  if (v4 >= 0) {
    if (prefix > 32) return undefined;
    // In numbers (32 bits fit a double exactly), two bigints made at the end: a fleet's ranges are
    // parsed thousands of times a synth, mostly before V8 has optimized this, where bigints are dear.
    const size = 2 ** (32 - prefix);
    const first = v4 - (v4 % size);
    return { text, family: 4, first: BigInt(first), last: BigInt(first + size - 1) };
  }
  const address = text.slice(0, slash);
  if (!isIPv6(address) || prefix > 128) return undefined;
  const value = ipv6ToBigInt(address);
  const hostBits = BigInt(128 - prefix);
  const first = (value >> hostBits) << hostBits;
  return { text, family: 6, first, last: first + (1n << hostBits) - 1n };
}

/** The number text[from, to) writes in 1 to `digits` decimal digits (leading zeros allowed), or -1 for any other text. */
function decimalAt(text: string, from: number, to: number, digits: number): number {
  if (to <= from || to - from > digits) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/**
 * The IPv4 address text[0, end) as a number, or -1 where net.isIPv4 would refuse it: four decimal
 * octets of 0–255 without leading zeros, joined by dots.
 */
function ipv4Value(text: string, end: number): number {
  let value = 0;
  let start = 0;
  for (let octet = 0; octet < 4; octet++) {
    let stop = start;
    while (stop < end && text.charCodeAt(stop) !== 46) stop++;
    if ((octet < 3) !== (stop < end)) return -1;
    const n = decimalAt(text, start, stop, 3);
    if (n < 0 || n > 255 || (stop - start > 1 && text.charCodeAt(start) === 48)) return -1;
    value = value * 256 + n;
    start = stop + 1;
  }
  return value;
}

function ipv6ToBigInt(address: string): bigint {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const expand = (parts: string[]) =>
    parts.flatMap((p) => {
      if (!p.includes('.')) return [p];
      // An embedded IPv4 tail ("::ffff:10.0.0.1") is two groups.
      const [a, b, c, d] = p.split('.').map(Number);
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  const h = expand(headParts);
  const t = expand(tailParts);
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}
