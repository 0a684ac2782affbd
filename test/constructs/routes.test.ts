// What each route kind and option renders to, per Linkerd version; declared Services; the
// TypeScript front door's typed values and its early errors.
import { App, Chart, Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Fleet } from '../../lib/fleet/fleet.ts';
import { GatewayApi } from '../../lib/fleet/gateway-api.ts';
import { HttpRoute } from '../../lib/fleet/routes/http-route.ts';
import { AppProtocol } from '../../lib/fleet/app-protocol.ts';
import { ServiceDeclaration } from '../../lib/fleet/routes/service-declaration.ts';
import { Backend, GrpcRetry, HttpRetry, PathMatch, RetryStatus } from '../../lib/fleet/routes/values.ts';
import { TrustAnchor } from '../../lib/fleet/trust.ts';
import { DeclaredService } from '../../lib/constructs/routes/declared-service.ts';
import { GammaHttpRoute } from '../../lib/constructs/routes/http-route.ts';
import { gatewayDuration } from '../../lib/model/route-values.ts';
import { ANCHOR_PEM, fleetDocument, render } from '../support/fleet.ts';

const LABELS = (cluster: string) => ({ 'meshfleet.dev/cluster': cluster, 'meshfleet.dev/fleet': 'test' });
const PARENT = (name: string, port: number) => [{ group: 'core', kind: 'Service', name, port }];

/** The objects of routes.yaml (or services.yaml) of cluster a, rendered with these routes. */
function emitted(edit: (doc: any) => void, cluster = 0, file = 'routes.yaml') {
  const rendered = render(fleetDocument(edit));
  expect(rendered.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
  return rendered.clusters[cluster].routeFiles.find((f) => f.name === file)?.objects ?? [];
}

describe('HTTPRoute', () => {
  it('renders matches, filters, weighted backends, rule timeouts and Linkerd annotations', () => {
    const [route] = emitted((doc) => {
      doc.spec.links = [{ from: 'a', to: 'b', mode: 'gateway' }];
      doc.spec.routes = [
        {
          kind: 'HTTPRoute',
          name: 'web',
          namespace: 'shop',
          clusters: ['a'],
          service: { name: 'web', port: 8080 },
          retry: { http: ['5xx', 429, '500-504', 'gateway-error'], limit: 3, timeout: '250ms' },
          timeouts: { request: '10s', response: '2s', idle: '5m' },
          rules: [
            {
              matches: [
                { path: { value: '/api' }, method: 'GET' },
                { path: { type: 'RegularExpression', value: '^/v[0-9]+/' }, headers: [{ name: 'x-canary', value: 'true' }], queryParams: [{ type: 'RegularExpression', name: 'v', value: '^2' }] },
              ],
              filters: {
                requestHeaderModifier: { set: [{ name: 'x-env', value: 'prod' }], add: [{ name: 'x-hop', value: 'a' }], remove: ['x-debug'] },
                responseHeaderModifier: { remove: ['server'] },
              },
              backendRefs: [{ name: 'web', weight: 90 }, { name: 'web-v2', port: 8081, weight: 10 }, { name: 'web-b', weight: 0 }],
              timeouts: { request: '3s' },
            },
            { matches: [{ path: { type: 'Exact', value: '/old' } }], filters: { requestRedirect: { scheme: 'https', hostname: 'web.example.com', port: 443, statusCode: 301, path: { type: 'ReplaceFullPath', replaceFullPath: '/new' } } } },
            {},
          ],
        },
      ];
    });
    expect(route).toStrictEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: {
        name: 'web',
        namespace: 'shop',
        labels: LABELS('a'),
        annotations: {
          'retry.linkerd.io/http': '5xx,429,500-504,gateway-error',
          'retry.linkerd.io/limit': '3',
          'retry.linkerd.io/timeout': '250ms',
          'timeout.linkerd.io/idle': '5m',
          'timeout.linkerd.io/request': '10s',
          'timeout.linkerd.io/response': '2s',
        },
      },
      spec: {
        parentRefs: PARENT('web', 8080),
        rules: [
          {
            matches: [
              { path: { type: 'PathPrefix', value: '/api' }, method: 'GET' },
              { path: { type: 'RegularExpression', value: '^/v[0-9]+/' }, headers: [{ type: 'Exact', name: 'x-canary', value: 'true' }], queryParams: [{ type: 'RegularExpression', name: 'v', value: '^2' }] },
            ],
            filters: [
              { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-env', value: 'prod' }], add: [{ name: 'x-hop', value: 'a' }], remove: ['x-debug'] } },
              { type: 'ResponseHeaderModifier', responseHeaderModifier: { remove: ['server'] } },
            ],
            backendRefs: [
              { name: 'web', port: 8080, weight: 90 },
              { name: 'web-v2', port: 8081, weight: 10 },
              { name: 'web-b', port: 8080, weight: 0 },
            ],
            timeouts: { request: '3s' },
          },
          {
            matches: [{ path: { type: 'Exact', value: '/old' } }],
            filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', hostname: 'web.example.com', path: { type: 'ReplaceFullPath', replaceFullPath: '/new' }, port: 443, statusCode: 301 } }],
          },
          // No backends given: the route's own service.
          { backendRefs: [{ name: 'web', port: 8080 }] },
        ],
      },
    });
  });

  it('writes no annotations when the route sets no retry or timeout', () => {
    const [route] = emitted((doc) => (doc.spec.routes = [{ kind: 'HTTPRoute', name: 'web', namespace: 'shop', clusters: ['a'], service: { name: 'web', port: 80 }, rules: [{}] }]));
    expect(route.metadata).toStrictEqual({ name: 'web', namespace: 'shop', labels: LABELS('a') });
  });

  it('refuses rule timeouts unless the Linkerd version reads them', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    const props = { name: 'web', namespace: 'shop', service: { name: 'web', port: 80 }, rules: [{ timeouts: { request: '1s' } }] };
    expect(() => new GammaHttpRoute(chart, 'r1', props)).toThrow(/timeouts.request "1s" needs a Linkerd that reads rules\[\]\.timeouts \(2\.20 or later\)\. Fix: use the route's timeouts\.request/);
    expect(() => new GammaHttpRoute(chart, 'r2', { ...props, ruleTimeouts: true })).not.toThrow();
    expect(() => new GammaHttpRoute(chart, 'r3', { ...props, rules: [{}], retry: { http: [700] } })).toThrow(/HTTPRoute shop\/web retry\.http: 700 is outside the HTTP status codes 100-599\. Fix:/);
    expect(() => new GammaHttpRoute(chart, 'r4', { ...props, rules: [{}], timeouts: { idle: '1d' } })).toThrow(/timeouts\.idle: "1d" is not a Gateway API duration/);
  });
});

describe('GRPCRoute, TCPRoute, TLSRoute', () => {
  it('renders a GRPCRoute with method and header matches, header filters and gRPC retries', () => {
    const [route] = emitted(
      (doc) =>
        (doc.spec.routes = [
          {
            kind: 'GRPCRoute',
            name: 'cart',
            namespace: 'shop',
            clusters: ['a'],
            service: { name: 'cart', port: 9090 },
            retry: { grpc: ['unavailable', 'resource-exhausted'], limit: 2 },
            timeouts: { request: '1s' },
            rules: [
              {
                matches: [{ method: { service: 'shop.Cart', method: 'Add' } }, { method: { service: 'shop.Search' }, headers: [{ name: 'x-tenant', value: 'acme' }] }],
                filters: { responseHeaderModifier: { set: [{ name: 'x-served-by', value: 'a' }] } },
                backendRefs: [{ name: 'cart', weight: 1 }, { name: 'cart-v2', weight: 1 }],
              },
            ],
          },
        ]),
    );
    expect(route).toStrictEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GRPCRoute',
      metadata: {
        name: 'cart',
        namespace: 'shop',
        labels: LABELS('a'),
        annotations: { 'retry.linkerd.io/grpc': 'unavailable,resource-exhausted', 'retry.linkerd.io/limit': '2', 'timeout.linkerd.io/request': '1s' },
      },
      spec: {
        parentRefs: PARENT('cart', 9090),
        rules: [
          {
            matches: [
              { method: { type: 'Exact', service: 'shop.Cart', method: 'Add' } },
              { method: { type: 'Exact', service: 'shop.Search' }, headers: [{ type: 'Exact', name: 'x-tenant', value: 'acme' }] },
            ],
            filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'x-served-by', value: 'a' }] } }],
            backendRefs: [
              { name: 'cart', port: 9090, weight: 1 },
              { name: 'cart-v2', port: 9090, weight: 1 },
            ],
          },
        ],
      },
    });
  });

  it('renders TCPRoute and TLSRoute at v1alpha2, the version Linkerd reads', () => {
    const routes = emitted((doc) => {
      doc.spec.federatedServices = [{ name: 'ledger', namespace: 'shop', clusters: ['a', 'b'] }];
      doc.spec.routes = [
        { kind: 'TCPRoute', name: 'ledger', namespace: 'shop', clusters: ['a'], service: { name: 'ledger', port: 7000 }, backendRefs: [{ name: 'ledger', weight: 3 }, { name: 'ledger-federated', weight: 1 }] },
        { kind: 'TLSRoute', name: 'vault', namespace: 'shop', clusters: ['a'], service: { name: 'vault', port: 8200 }, hostnames: ['vault.example.com', '*.vault.example.com'] },
      ];
    });
    expect(routes).toStrictEqual([
      {
        apiVersion: 'gateway.networking.k8s.io/v1alpha2',
        kind: 'TCPRoute',
        metadata: { name: 'ledger', namespace: 'shop', labels: LABELS('a') },
        spec: { parentRefs: PARENT('ledger', 7000), rules: [{ backendRefs: [{ name: 'ledger', port: 7000, weight: 3 }, { name: 'ledger-federated', port: 7000, weight: 1 }] }] },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1alpha2',
        kind: 'TLSRoute',
        metadata: { name: 'vault', namespace: 'shop', labels: LABELS('a') },
        spec: { parentRefs: PARENT('vault', 8200), hostnames: ['vault.example.com', '*.vault.example.com'], rules: [{ backendRefs: [{ name: 'vault', port: 8200 }] }] },
      },
    ]);
  });

  it('writes each kind at the version every supported Linkerd reads', () => {
    for (const linkerd of ['2.18', '2.19', '2.20', 'edge-26.8.3']) {
      const routes = emitted((doc) => {
        doc.spec.defaults = { linkerd, kubernetes: '1.31', gatewayAPI: { channel: 'experimental' } };
        doc.spec.routes = ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute'].map((kind) => ({ kind, name: 'x', namespace: 'shop', clusters: ['a'], service: { name: 'x', port: 80 }, ...(kind === 'HTTPRoute' || kind === 'GRPCRoute' ? { rules: [{}] } : {}) }));
      });
      expect(routes.map((r) => `${r.kind} ${r.apiVersion}`)).toStrictEqual([
        'HTTPRoute gateway.networking.k8s.io/v1',
        'GRPCRoute gateway.networking.k8s.io/v1',
        'TCPRoute gateway.networking.k8s.io/v1alpha2',
        'TLSRoute gateway.networking.k8s.io/v1alpha2',
      ]);
    }
  });
});

describe('declared Services', () => {
  it('writes Services that have a selector, with their appProtocol, and only those', () => {
    const services = emitted((doc) => {
      doc.spec.services = [
        { name: 'db', namespace: 'shop', clusters: ['a'], selector: { app: 'db' }, ports: [{ port: 5432, name: 'pg', targetPort: 'postgres', appProtocol: 'linkerd.io/opaque' }, { port: 8080, name: 'http', targetPort: 8081, appProtocol: 'http' }] },
        { name: 'web', namespace: 'shop', clusters: ['a'], ports: [{ port: 80, appProtocol: 'http' }] },
      ];
    }, 0, 'services.yaml');
    expect(services).toStrictEqual([
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'db', namespace: 'shop', labels: LABELS('a') },
        spec: {
          selector: { app: 'db' },
          ports: [
            { name: 'pg', port: 5432, protocol: 'TCP', targetPort: 'postgres', appProtocol: 'linkerd.io/opaque' },
            { name: 'http', port: 8080, protocol: 'TCP', targetPort: 8081, appProtocol: 'http' },
          ],
        },
      },
    ]);
  });

  it('refuses an appProtocol Linkerd would treat as opaque, with the fix', () => {
    const chart = new Chart(new App(), 'c');
    expect(() => new DeclaredService(chart, 's', { name: 'api', namespace: 'shop', selector: { app: 'api' }, ports: [{ port: 9090, appProtocol: 'grpc' }] })).toThrow(
      /Service shop\/api: appProtocol "grpc" is not one Linkerd knows.*Fix: write appProtocol: kubernetes\.io\/h2c/,
    );
  });
});

describe('TypeScript front door values', () => {
  const fleet = () => new Fleet(new App(), 'test', { trustAnchor: TrustAnchor.fromPem(ANCHOR_PEM) });

  it('builds the same route entry as a fleet file would', () => {
    const f = fleet();
    const eu2 = f.addCluster('eu-2', { environment: 'prod' });
    new HttpRoute(f.routes, 'web', {
      namespace: 'shop',
      clusters: ['eu-1'],
      service: { name: 'web', port: 8080 },
      retry: HttpRetry.on([RetryStatus.serverErrors(), RetryStatus.gatewayErrors(), RetryStatus.code(429), RetryStatus.range(500, 504)], { limit: 2, timeout: Duration.millis(1500) }),
      timeouts: { request: Duration.minutes(1), idle: Duration.hours(2) },
      rules: [{ matches: [{ path: PathMatch.exact('/x') }], backends: [Backend.service('web', { weight: 9 }), Backend.mirrored('web', eu2, { weight: 1 }), Backend.federated('web', { port: 81, weight: 0 })], timeout: Duration.seconds(90) }],
    });
    expect(f.toDocument().spec.routes).toStrictEqual([
      {
        kind: 'HTTPRoute',
        name: 'web',
        namespace: 'shop',
        clusters: ['eu-1'],
        service: { name: 'web', port: 8080 },
        retry: { http: ['5xx', 'gateway-error', 429, '500-504'], limit: 2, timeout: '1s500ms' },
        timeouts: { request: '1m', idle: '2h' },
        rules: [{ matches: [{ path: { type: 'Exact', value: '/x' } }], backendRefs: [{ name: 'web', weight: 9 }, { name: 'web-eu-2', weight: 1 }, { name: 'web-federated', port: 81, weight: 0 }], timeouts: { request: '1m30s' } }],
      },
    ]);
  });

  it('throws early with the value and the fix', () => {
    const f = fleet();
    expect(() => RetryStatus.code(600)).toThrow('retry status: 600 is outside the HTTP status codes 100-599. Fix:');
    expect(() => RetryStatus.range(504, 500)).toThrow('range "504-500" runs backwards. Fix: write it as "500-504"');
    expect(() => GrpcRetry.on(['unavailable', 'oops' as never])).toThrow('"oops" is not a gRPC status Linkerd retries on');
    expect(() => HttpRetry.on([], { limit: -1 })).toThrow('retry limit -1 is not a whole number of retries');
    expect(() => Backend.service('web', { weight: 2_000_000 })).toThrow('weight 2000000 is not a whole number from 0 to 1000000');
    expect(() => PathMatch.prefix('api')).toThrow('path "api" does not start with "/". Fix: write "/api"');
    expect(() => new HttpRoute(f.routes, 'web', { namespace: 'shop', service: { name: 'web', port: 80 }, rules: [{}] })).toThrow('test/routes/web: route shop/web names no cluster. Fix:');
    expect(() => new ServiceDeclaration(f.services, 'api', { namespace: 'shop', clusters: ['a'], ports: [] })).toThrow('declares no port');
    expect(() => GatewayApi.managed({ version: 'v1.2.1' })).toThrow('Gateway API version "v1.2.1" is not a bundle version. Fix: write it without the "v", e.g. "1.2.1"');
    expect(() => gatewayDuration(1.5)).toThrow('is not a whole, non-negative number of milliseconds');
    expect(() => gatewayDuration(100_000 * 3_600_000)).toThrow('is not a Gateway API duration');
  });

  it('offers the three protocols Linkerd knows, and the three Gateway API modes', () => {
    expect([AppProtocol.opaque(), AppProtocol.http(), AppProtocol.h2c()].map((p) => p.value)).toStrictEqual(['linkerd.io/opaque', 'http', 'kubernetes.io/h2c']);
    expect(GatewayApi.managed().settings).toStrictEqual({ mode: 'managed' });
    expect(GatewayApi.external({ version: '1.2.1', channel: 'standard' }).settings).toStrictEqual({ mode: 'external', version: '1.2.1', channel: 'standard' });
    expect(GatewayApi.linkerdLegacy({ migration: 'release' }).settings).toStrictEqual({ mode: 'linkerd-legacy', migration: 'release' });
  });

  it('converts durations to the exact Gateway API form', () => {
    expect([0, 250, 1000, 1500, 90_000, 3_600_000, 3_723_004].map(gatewayDuration)).toStrictEqual(['0s', '250ms', '1s', '1s500ms', '1m30s', '1h', '1h2m3s4ms']);
  });
});
