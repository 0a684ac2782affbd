// Route and service declaration checks: values, shapes, cross-cluster backends against links, protocols.
import { describe, expect, it } from 'vitest';
import { backendTarget } from '../../lib/check/route-rules.ts';
import { fleetDocument, plan } from '../support/fleet.ts';

// Clusters a and b (environment prod, Linkerd 2.20) plus c (environment dev, Linkerd 2.19).
function fleet(edit: (doc: any) => void) {
  return fleetDocument((doc) => {
    doc.spec.environments.dev = { linkerd: '2.19' };
    doc.spec.clusters.push({ name: 'c', environment: 'dev', network: 'n2' });
    edit(doc);
  });
}
const http = (extra: object = {}) => ({ kind: 'HTTPRoute', name: 'web', namespace: 'shop', clusters: ['a'], service: { name: 'web', port: 8080 }, rules: [{}], ...extra });
const rowsOf = (edit: (doc: any) => void) => plan(fleet(edit)).diagnostics.map((d) => [d.severity, d.path, d.message]);
const withRoutes = (...routes: object[]) => rowsOf((doc) => (doc.spec.routes = routes));

describe('route entries', () => {
  it('accepts a route of each kind with every option', () => {
    const rows = rowsOf((doc) => {
      doc.spec.links = [{ from: 'a', to: 'b', mode: 'flat' }];
      doc.spec.routes = [
        http({
          retry: { http: ['5xx', 'gateway-error', 429, '500-504'], limit: 3, timeout: '250ms' },
          timeouts: { request: '10s', response: '1m30s', idle: '5m' },
          rules: [
            {
              matches: [{ path: { type: 'Exact', value: '/a' }, headers: [{ type: 'RegularExpression', name: 'x-v', value: '^2' }], queryParams: [{ name: 'q', value: '1' }], method: 'POST' }],
              filters: { requestHeaderModifier: { set: [{ name: 'x-a', value: '1' }], add: [{ name: 'x-b', value: '2' }], remove: ['x-c'] }, responseHeaderModifier: { remove: ['server'] } },
              backendRefs: [{ name: 'web', weight: 9 }, { name: 'web-b', port: 8081, weight: 1 }],
              timeouts: { request: '2s' },
            },
            { matches: [{ path: { type: 'PathPrefix', value: '/old' } }], filters: { requestRedirect: { scheme: 'https', hostname: 'x.example.com', port: 443, statusCode: 301, path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' } } } },
          ],
        }),
        { kind: 'GRPCRoute', name: 'api', namespace: 'shop', environments: ['prod'], service: { name: 'api', port: 9090 }, retry: { grpc: ['unavailable', 'cancelled'], limit: 1 }, timeouts: { request: '3s' }, rules: [{ matches: [{ method: { service: 'a.B', method: 'C' }, headers: [{ name: 'x', value: 'y' }] }], filters: { requestHeaderModifier: { set: [{ name: 'x', value: 'z' }] } } }] },
        { kind: 'TCPRoute', name: 'q', namespace: 'shop', clusters: ['a', 'c'], service: { name: 'q', port: 7000 }, backendRefs: [{ name: 'q', weight: 1 }, { name: 'q-2', weight: 0 }] },
        { kind: 'TLSRoute', name: 't', namespace: 'shop', clusters: ['b'], service: { name: 't', port: 443 }, hostnames: ['*.example.com'] },
      ];
    });
    expect(rows).toStrictEqual([]);
  });

  it('needs a selection of existing clusters and environments', () => {
    expect(withRoutes(http({ clusters: undefined }), http({ name: 'x', clusters: ['zz'], environments: ['qa'] }))).toStrictEqual([
      ['error', '/spec/routes/0', 'the route shop/web names no cluster'],
      ['error', '/spec/routes/1/clusters/0', 'cluster "zz" does not exist'],
      ['error', '/spec/routes/1/environments/0', 'environment "qa" is not declared'],
    ]);
    expect(rowsOf((doc) => {
      doc.spec.environments.empty = {};
      doc.spec.routes = [http({ clusters: undefined, environments: ['empty'] })];
    })).toStrictEqual([['warning', '/spec/routes/0', 'the route shop/web applies to no cluster (its environments have none)']]);
  });

  it.each([
    [600, '600 is outside the HTTP status codes 100-599'],
    ['504-500', 'range "504-500" runs backwards'],
    ['4xx', '"4xx" is not an HTTP status, range, "5xx" or "gateway-error"'],
    [50.5, '50.5 is not valid'], // the schema: neither an integer nor a string
  ])('rejects the retry status %j', (status, message) => {
    expect(withRoutes(http({ retry: { http: [503, status] } }))).toStrictEqual([['error', '/spec/routes/0/retry/http/1', message]]);
  });

  it('rejects gRPC codes, limits and durations Linkerd does not take', () => {
    const paths = withRoutes(
      { kind: 'GRPCRoute', name: 'api', namespace: 'shop', clusters: ['a'], service: { name: 'api', port: 9090 }, retry: { grpc: ['unknown'], limit: 1.5, timeout: '1.5s' }, timeouts: { idle: '10 seconds' }, rules: [{}] },
    ).map(([, path]) => path);
    expect(paths).toStrictEqual(['/spec/routes/0/retry/limit', '/spec/routes/0/retry/timeout', '/spec/routes/0/retry/grpc/0', '/spec/routes/0/timeouts/idle']);
  });

  it('rejects retries and filters Linkerd does not apply to the kind', () => {
    const rows = withRoutes(
      { kind: 'GRPCRoute', name: 'api', namespace: 'shop', clusters: ['a'], service: { name: 'api', port: 9090 }, retry: { http: ['5xx'] }, rules: [{ filters: { requestRedirect: { scheme: 'https' } } }] },
      { kind: 'TCPRoute', name: 'q', namespace: 'shop', clusters: ['a'], service: { name: 'q', port: 7000 }, retry: { limit: 1 } },
      http({ rules: [{ filters: { urlRewrite: {} } }] }),
    );
    expect(rows.map(([, path, message]) => [path, message])).toStrictEqual([
      ['/spec/routes/0/retry/http', 'unknown field "http"'],
      ['/spec/routes/0/rules/0/filters/requestRedirect', 'unknown field "requestRedirect"'],
      ['/spec/routes/1/retry', 'unknown field "retry"'],
      ['/spec/routes/2/rules/0/filters/urlRewrite', 'unknown field "urlRewrite"'],
    ]);
  });

  it('rejects rule shapes that cannot work', () => {
    expect(
      withRoutes(
        http({
          rules: [
            { matches: [{ path: { value: 'api' } }] },
            { filters: { requestRedirect: { scheme: 'https' } }, backendRefs: [{ name: 'web' }] },
            { matches: [{ path: { type: 'Exact', value: '/x' } }], filters: { requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/y' } } } },
            { backendRefs: [{ name: 'web', weight: 0 }, { name: 'web-2', weight: 0 }] },
          ],
        }),
        { kind: 'GRPCRoute', name: 'api', namespace: 'shop', clusters: ['a'], service: { name: 'api', port: 9090 }, rules: [{ matches: [{ method: { type: 'Exact' } }] }] },
      ),
    ).toStrictEqual([
      ['error', '/spec/routes/0/rules/0/matches/0/path/value', 'path "api" does not start with "/"'],
      ['error', '/spec/routes/0/rules/1/backendRefs', 'a rule with requestRedirect answers the request itself, so its backendRefs would never be used'],
      ['error', '/spec/routes/0/rules/2/filters/requestRedirect/path', 'ReplacePrefixMatch replaces the matched prefix, so the rule needs exactly one match, with a PathPrefix path'],
      ['error', '/spec/routes/0/rules/3/backendRefs', 'every backend has weight 0, so every request would fail'],
      ['error', '/spec/routes/1/rules/0/matches/0/method', 'a gRPC method match names neither a service nor a method'],
    ]);
  });

  it('rejects what Gateway API\'s CEL rules would refuse (meshfleet does not run CEL on emitted objects)', () => {
    expect(
      withRoutes(
        http({
          rules: [
            { matches: [{ path: { value: '/a//b' } }, { path: { type: 'Exact', value: '/a/..' } }, { path: { value: '/a b' } }, { path: { type: 'RegularExpression', value: '^/a//b' } }] },
            { matches: [{ headers: [{ name: 'X-A', value: '1' }, { name: 'x-a', value: '2' }], queryParams: [{ name: 'q', value: '1' }, { name: 'q', value: '2' }] }] },
            { filters: { requestHeaderModifier: { set: [{ name: 'x', value: '1' }, { name: 'x', value: '2' }], remove: ['y', 'y'] } } },
            { matches: [{ path: { value: '/a' } }, { path: { value: '/b' } }], filters: { requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/c' } } } },
          ],
        }),
        { kind: 'GRPCRoute', name: 'api', namespace: 'shop', clusters: ['a'], service: { name: 'api', port: 9090 }, rules: [{ matches: [{ method: { service: 'not a service', method: 'a.b' } }] }] },
        { kind: 'TLSRoute', name: 't', namespace: 'shop', clusters: ['a'], service: { name: 't', port: 443 }, hostnames: ['10.0.0.1'] },
      ).map(([, path, message]) => [path, message]),
    ).toStrictEqual([
      ['/spec/routes/0/rules/0/matches/0/path/value', 'path "/a//b" contains "//", which Gateway API refuses'],
      ['/spec/routes/0/rules/0/matches/1/path/value', 'path "/a/.." contains "/..", which Gateway API refuses'],
      ['/spec/routes/0/rules/0/matches/2/path/value', 'path "/a b" has characters a URL path cannot hold unescaped'],
      ['/spec/routes/0/rules/1/matches/0/headers/1', 'header match "x-a" appears twice (also 0)'],
      ['/spec/routes/0/rules/1/matches/0/queryParams/1', 'query parameter match "q" appears twice (also 0)'],
      ['/spec/routes/0/rules/2/filters/requestHeaderModifier/set/1', 'header "x" appears twice (also 0)'],
      ['/spec/routes/0/rules/2/filters/requestHeaderModifier/remove/1', 'header "y" appears twice (also 0)'],
      ['/spec/routes/0/rules/3/filters/requestRedirect/path', 'ReplacePrefixMatch replaces the matched prefix, so the rule needs exactly one match, with a PathPrefix path'],
      ['/spec/routes/1/rules/0/matches/0/method/service', '"not a service" is not a gRPC service name'],
      ['/spec/routes/1/rules/0/matches/0/method/method', '"a.b" is not a gRPC method name'],
      ['/spec/routes/2/hostnames/0', '"10.0.0.1" is an IP address, but TLSRoute hostnames are SNI names'],
    ]);
    // Patterns the emitted CRD checks too, caught in the fleet document with a path.
    expect(withRoutes(http({ rules: [{ filters: { requestRedirect: { hostname: '*.example.com' } } }, { matches: [{ queryParams: [{ name: 'a b', value: '1' }] }] }] })).map(([, path]) => path)).toStrictEqual([
      '/spec/routes/0/rules/0/filters/requestRedirect/hostname',
      '/spec/routes/0/rules/1/matches/0/queryParams/0/name',
    ]);
  });

  it('rejects the same route twice on a cluster, from overlapping selections', () => {
    expect(withRoutes(http({ environments: ['prod'], clusters: undefined }), http())).toStrictEqual([
      ['error', '/spec/routes/1/name', 'cluster a already gets HTTPRoute shop/web from /spec/routes/0'],
    ]);
    // Same name, other kind: two objects, no clash.
    expect(withRoutes(http(), { ...http(), kind: 'GRPCRoute' })).toStrictEqual([]);
  });

  it('rejects rule timeouts on clusters whose Linkerd does not read them', () => {
    expect(withRoutes(http({ clusters: ['a', 'c'], rules: [{ timeouts: { request: '1s' } }] }))).toStrictEqual([
      ['error', '/spec/routes/0/rules/0/timeouts', 'Linkerd 2.19 ignores HTTPRoute rules[].timeouts (cluster c); 2.20 and later read it'],
    ]);
  });
});

describe('cross-cluster backends', () => {
  const failover = (backend: string, clusters = ['a']) => http({ clusters, rules: [{ backendRefs: [{ name: 'web', weight: 100 }, { name: backend, weight: 0 }] }] });

  it('needs a link from the route\'s cluster to the mirrored service\'s cluster', () => {
    const result = plan(fleet((doc) => (doc.spec.routes = [failover('web-b')])));
    expect(result.diagnostics).toStrictEqual([
      {
        code: 'MF6018',
        severity: 'error',
        path: '/spec/routes/0/rules/0/backendRefs/1/name',
        message: 'backend "web-b" is the mirror of web from cluster b, but cluster a does not link to b',
        fix: 'add { from: a, to: b, mode: gateway or flat } to spec.links, or apply the route only to clusters that link to b',
      },
    ]);
    expect(rowsOf((doc) => {
      doc.spec.links = [{ from: 'a', to: 'b', mode: 'gateway' }];
      doc.spec.routes = [failover('web-b')];
    })).toStrictEqual([]);
    // The link goes one way only: b does not mirror a.
    expect(rowsOf((doc) => {
      doc.spec.links = [{ from: 'a', to: 'b', mode: 'gateway' }];
      doc.spec.routes = [failover('web-a', ['b'])];
    })).toStrictEqual([['error', '/spec/routes/0/rules/0/backendRefs/1/name', 'backend "web-a" is the mirror of web from cluster a, but cluster b does not link to a']]);
  });

  it('rejects a cluster\'s mirror of itself', () => {
    expect(withRoutes(failover('web-a'))).toStrictEqual([
      ['error', '/spec/routes/0/rules/0/backendRefs/1/name', "backend \"web-a\" would be cluster a's mirror of its own service web, which Linkerd never creates"],
    ]);
  });

  it('needs the route\'s cluster to be a member of the federated service', () => {
    expect(withRoutes(failover('web-federated'))).toStrictEqual([
      ['error', '/spec/routes/0/rules/0/backendRefs/1/name', 'backend "web-federated" names the federated service shop/web, which spec.federatedServices does not declare'],
    ]);
    const member = (clusters: string[]) =>
      rowsOf((doc) => {
        doc.spec.federatedServices = [{ name: 'web', namespace: 'shop', clusters }];
        doc.spec.links = [{ mesh: ['a', 'b'], mode: 'flat' }];
        doc.spec.routes = [failover('web-federated', ['a', 'b'])];
      });
    expect(member(['a', 'b'])).toStrictEqual([]);
    expect(member(['a']).filter(([severity]) => severity === 'error')).toStrictEqual([
      ['error', '/spec/routes/0/rules/0/backendRefs/1/name', 'cluster b is not a member of the federated service shop/web, so it has no web-federated'],
    ]);
  });

  it('checks TCPRoute and TLSRoute backends too', () => {
    expect(withRoutes({ kind: 'TCPRoute', name: 'q', namespace: 'shop', clusters: ['a'], service: { name: 'q', port: 7000 }, backendRefs: [{ name: 'q-c' }] })).toStrictEqual([
      ['error', '/spec/routes/0/backendRefs/0/name', 'backend "q-c" is the mirror of q from cluster c, but cluster a does not link to c'],
    ]);
  });

  it('reads a backend name by Linkerd\'s naming: the longest cluster name wins', () => {
    const clusters = new Set(['eu-1', '1']);
    expect(backendTarget('web', clusters)).toStrictEqual({ kind: 'local' });
    expect(backendTarget('web-eu-1', clusters)).toStrictEqual({ kind: 'mirror', service: 'web', cluster: 'eu-1' });
    expect(backendTarget('my-web-1', clusters)).toStrictEqual({ kind: 'mirror', service: 'my-web', cluster: '1' });
    expect(backendTarget('eu-1', new Set(['eu-1']))).toStrictEqual({ kind: 'local' });
    expect(backendTarget('web-federated', clusters)).toStrictEqual({ kind: 'federated', service: 'web' });
  });

  it('reports links to clusters that do not exist', () => {
    expect(rowsOf((doc) => (doc.spec.links = [{ from: 'a', to: 'zz', mode: 'flat' }, { from: 'a', to: 'a', mode: 'flat' }]))).toStrictEqual([
      ['error', '/spec/links/0/to', 'no cluster named "zz"'],
      ['error', '/spec/links/1/to', 'cluster "a" links to itself'],
    ]);
  });
});

describe('protocols', () => {
  const declare = (port: number, appProtocol?: string, name = 'web') => ({ name, namespace: 'shop', clusters: ['a'], ports: [{ port, ...(appProtocol ? { appProtocol } : {}) }] });

  it('rejects routes Linkerd would never apply to the declared protocol', () => {
    expect(
      rowsOf((doc) => {
        doc.spec.services = [declare(8080, 'linkerd.io/opaque'), declare(9090, 'http', 'api'), declare(7000, 'http', 'q')];
        doc.spec.routes = [
          http(),
          { kind: 'GRPCRoute', name: 'api', namespace: 'shop', clusters: ['a'], service: { name: 'api', port: 9090 }, rules: [{}] },
          { kind: 'TCPRoute', name: 'q', namespace: 'shop', clusters: ['a'], service: { name: 'q', port: 7000 } },
        ];
      }),
    ).toStrictEqual([
      ['error', '/spec/routes/0/service/port', 'shop/web:8080 on cluster a is declared linkerd.io/opaque, so Linkerd never parses its traffic and this HTTPRoute never applies'],
      ['error', '/spec/routes/1/service/port', 'shop/api:9090 on cluster a is declared http (HTTP/1), but gRPC needs HTTP/2'],
      ['warning', '/spec/routes/2/service/port', 'shop/q:7000 on cluster a is declared http, so Linkerd routes it as HTTP and this TCPRoute does not apply'],
    ]);
  });

  it('warns about HTTP routes on opaque ports and server-speaks-first ports left to detection', () => {
    const rows = rowsOf((doc) => {
      doc.spec.clusters[1].proxy = { opaquePorts: [3306] };
      doc.spec.routes = [
        http({ service: { name: 'db', port: 5432 } }),
        { kind: 'TCPRoute', name: 'redis', namespace: 'shop', clusters: ['b'], service: { name: 'redis', port: 6379 } },
        { kind: 'TCPRoute', name: 'ssh', namespace: 'shop', clusters: ['a'], service: { name: 'ssh', port: 22 } },
        { kind: 'TCPRoute', name: 'mysql', namespace: 'shop', clusters: ['b'], service: { name: 'mysql', port: 3306 } },
      ];
    });
    expect(rows).toStrictEqual([
      ['warning', '/spec/routes/0/service/port', 'shop/db:5432 on cluster a is in proxy.opaquePorts, so Linkerd treats it as opaque TCP and this HTTPRoute never applies'],
      ['warning', '/spec/routes/2/service/port', "shop/ssh:22 on cluster a is the usual SSH port, where the server speaks first: without a declaration, Linkerd's protocol detection stalls each connection for up to 10 s"],
      // b replaced the chart's opaque ports with [3306]: Redis is left to detection there.
      ['warning', '/spec/routes/1/service/port', "shop/redis:6379 on cluster b is the usual Redis port, where the server speaks first: without a declaration, Linkerd's protocol detection stalls each connection for up to 10 s"],
    ]);
    expect(rowsOf((doc) => {
      doc.spec.services = [{ ...declare(22, 'linkerd.io/opaque', 'ssh') }];
      doc.spec.routes = [{ kind: 'TCPRoute', name: 'ssh', namespace: 'shop', clusters: ['a'], service: { name: 'ssh', port: 22 } }];
    })).toStrictEqual([]);
  });
});

describe('service declarations', () => {
  const service = (ports: object[], extra: object = {}) => ({ name: 'db', namespace: 'shop', environments: ['prod'], ports, ...extra });
  const serviceRows = (...services: object[]) => plan(fleet((doc) => (doc.spec.services = services))).diagnostics;

  it.each([
    ['grpc', 'write appProtocol: kubernetes.io/h2c'],
    ['h2c', 'write appProtocol: kubernetes.io/h2c'],
    ['HTTP2', 'write appProtocol: kubernetes.io/h2c'],
    ['tcp', 'write appProtocol: linkerd.io/opaque'],
    ['mysql', 'use one of "linkerd.io/opaque", "linkerd.io/tcp", "http", "kubernetes.io/h2c", or leave appProtocol unset to keep protocol detection'],
  ])('rejects appProtocol %s, which Linkerd would silently treat as opaque', (value, fix) => {
    const [d] = serviceRows(service([{ port: 9090, appProtocol: value }]));
    expect(d.path).toBe('/spec/services/0/ports/0/appProtocol');
    expect(d.message).toBe(`appProtocol "${value}" is not one Linkerd knows: it would treat port 9090 as opaque TCP, silently turning off HTTP routing, retries, timeouts and per-request metrics`);
    expect(d.fix).toBe(fix);
  });

  it('accepts every value Linkerd knows', () => {
    const ports = ['linkerd.io/opaque', 'linkerd.io/tcp', 'http', 'kubernetes.io/h2c'].map((appProtocol, i) => ({ port: 8000 + i, name: `p${i}`, appProtocol }));
    expect(serviceRows(service(ports, { selector: { app: 'db' } }))).toStrictEqual([]);
  });

  it('rejects what Kubernetes would refuse in a Service meshfleet writes', () => {
    expect(serviceRows(service([{ port: 1 }, { port: 1, name: 'a' }, { port: 2, name: 'a' }], { selector: { app: 'db' } })).map((d) => [d.path, d.message])).toStrictEqual([
      ['/spec/services/0/ports/0/name', 'port 1 has no name, and Kubernetes requires one on every port of a Service with several ports'],
      ['/spec/services/0/ports/1/port', 'port 1 is declared twice (also ports/0)'],
      ['/spec/services/0/ports/2/name', 'port name "a" is used twice (also ports/1)'],
    ]);
  });

  it('warns about a server-speaks-first port without appProtocol, unless the cluster lists it as opaque', () => {
    const rows = plan(fleet((doc) => {
      doc.spec.clusters[1].proxy = { opaquePorts: ['20-30'] };
      doc.spec.services = [service([{ port: 22 }, { port: 5432, name: 'pg' }].map((p, i) => ({ name: `p${i}`, ...p })))];
    })).diagnostics.map((d) => [d.severity, d.path, d.message]);
    expect(rows).toStrictEqual([
      ['warning', '/spec/services/0/ports/0', "port 22 of shop/db on cluster a is the usual SSH port, where the server speaks first: without appProtocol, Linkerd's protocol detection stalls each connection for up to 10 s"],
      ['warning', '/spec/services/0/ports/1', "port 5432 of shop/db on cluster b is the usual PostgreSQL port, where the server speaks first: without appProtocol, Linkerd's protocol detection stalls each connection for up to 10 s"],
    ]);
  });

  it('rejects the same service declared twice for a cluster', () => {
    expect(serviceRows(service([{ port: 1 }]), service([{ port: 2 }], { environments: undefined, clusters: ['a'] })).map((d) => [d.path, d.message])).toStrictEqual([
      ['/spec/services/1/name', 'cluster a already gets service shop/db from /spec/services/0'],
    ]);
  });
});
