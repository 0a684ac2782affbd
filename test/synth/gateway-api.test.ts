// Gateway API end to end: every emitted route against the CRDs of its cluster's own bundle and
// channel, index.json per mode, and a vendored bundle copied into the output and built by kustomize.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { GATEWAY_API_BUNDLES, LINKERD_GATEWAY_API } from '../../lib/compat/gateway-api.ts';
import { inRange } from '../../lib/compat/linkerd-releases.ts';
import { synthesize } from '../../lib/synth/synthesize.ts';
import { validateObjects } from '../../lib/validate/index.ts';
import { fleetDocument, render, REPO } from '../support/fleet.ts';
import { expectVendoredOutput, synthVendored, writeGatewayApiBundle } from '../support/gateway-api-bundle.ts';
import { runKubectl } from '../support/tools.ts';

const KUBERNETES: Record<string, string> = { '2.18': '1.31', '2.19': '1.33', '2.20': '1.33', 'edge-26.8.3': '1.34' };

/** Routes with every option meshfleet writes, for a cluster whose Linkerd reads rule timeouts or not. */
function everyRoute(experimental: boolean, ruleTimeouts: boolean) {
  const routes: object[] = [
    {
      kind: 'HTTPRoute',
      name: 'web',
      namespace: 'shop',
      clusters: ['a'],
      service: { name: 'web', port: 8080 },
      retry: { http: ['5xx', 429, '500-504'], limit: 2, timeout: '300ms' },
      timeouts: { request: '10s', response: '2s', idle: '1m' },
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/api' }, headers: [{ name: 'x-canary', value: 'true' }], queryParams: [{ type: 'RegularExpression', name: 'v', value: '^2$' }], method: 'GET' }],
          filters: { requestHeaderModifier: { set: [{ name: 'x-a', value: '1' }], add: [{ name: 'x-b', value: '2' }], remove: ['x-c'] }, responseHeaderModifier: { remove: ['server'] } },
          backendRefs: [{ name: 'web', weight: 90 }, { name: 'web-b', weight: 10 }, { name: 'web-federated', weight: 0 }],
          ...(ruleTimeouts ? { timeouts: { request: '5s' } } : {}),
        },
        { matches: [{ path: { type: 'PathPrefix', value: '/old/' } }], filters: { requestRedirect: { scheme: 'https', hostname: 'web.example.com', port: 443, statusCode: 301, path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new/' } } } },
        { matches: [{ path: { type: 'Exact', value: '/x' } }], filters: { requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: '/y' } } } },
      ],
    },
    {
      kind: 'GRPCRoute',
      name: 'cart',
      namespace: 'shop',
      clusters: ['a'],
      service: { name: 'cart', port: 9090 },
      retry: { grpc: ['unavailable', 'cancelled'], limit: 1, timeout: '1s' },
      timeouts: { request: '3s' },
      rules: [{ matches: [{ method: { service: 'shop.Cart', method: 'Add' }, headers: [{ name: 'x', value: 'y' }] }], filters: { requestHeaderModifier: { set: [{ name: 'x', value: 'z' }] } }, backendRefs: [{ name: 'cart', weight: 1 }, { name: 'cart-b', weight: 1 }] }],
    },
  ];
  if (experimental) {
    routes.push(
      { kind: 'TCPRoute', name: 'ledger', namespace: 'shop', clusters: ['a'], service: { name: 'ledger', port: 7000 }, backendRefs: [{ name: 'ledger', weight: 1 }, { name: 'ledger-b', weight: 0 }] },
      { kind: 'TLSRoute', name: 'vault', namespace: 'shop', clusters: ['a'], service: { name: 'vault', port: 8200 }, hostnames: ['vault.example.com'], backendRefs: [{ name: 'vault' }] },
    );
  }
  return routes;
}

describe('every emitted route against its own cluster bundle', () => {
  const cases = Object.keys(KUBERNETES).flatMap((linkerd) =>
    GATEWAY_API_BUNDLES.filter((b) => inRange(b.version, LINKERD_GATEWAY_API[linkerd].bundles)).flatMap((b) => (['standard', 'experimental'] as const).map((channel) => [linkerd, b.version, channel] as const)),
  );

  it('covers every supported combination', () => {
    expect(cases).toHaveLength(2 * 2 + 2 * 2 + 4 * 2 + 4 * 2);
  });

  it.each(cases)('Linkerd %s on Gateway API v%s %s', (linkerd, version, channel) => {
    const ruleTimeouts = linkerd === '2.20' || linkerd.startsWith('edge');
    const rendered = render(
      fleetDocument((doc) => {
        doc.spec.defaults = { linkerd, kubernetes: KUBERNETES[linkerd], gatewayAPI: { version, channel } };
        doc.spec.links = [{ from: 'a', to: 'b', mode: 'flat' }];
        doc.spec.federatedServices = [{ name: 'web', namespace: 'shop', clusters: ['a', 'b'] }];
        doc.spec.routes = everyRoute(channel === 'experimental', ruleTimeouts);
      }),
    );
    expect(rendered.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
    // The route namespace comes with them (routes/namespaces.yaml) when nothing else creates it.
    const routes = rendered.clusters[0].routeFiles.flatMap((f) => f.objects).filter((o) => o.kind !== 'Namespace');
    expect(routes.map((r) => r.kind)).toStrictEqual(channel === 'experimental' ? ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute'] : ['HTTPRoute', 'GRPCRoute']);
    expect(validateObjects(routes, { gatewayAPI: { version, channel } })).toStrictEqual([]);
  });

  it('is a real check: a route the bundle does not serve, or a field it lacks, is reported', () => {
    const tls = { apiVersion: 'gateway.networking.k8s.io/v1alpha2', kind: 'TLSRoute', metadata: { name: 't', namespace: 'shop' }, spec: { parentRefs: [{ group: 'core', kind: 'Service', name: 't', port: 443 }], rules: [{ backendRefs: [{ name: 't', port: 443 }] }] } };
    expect(validateObjects([tls], { gatewayAPI: { version: '1.5.1', channel: 'experimental' } })).toStrictEqual([]);
    expect(validateObjects([tls], { gatewayAPI: { version: '1.5.1', channel: 'standard' } }).map((i) => i.message)).toStrictEqual([
      expect.stringMatching(/^no schema for gateway\.networking\.k8s\.io\/v1alpha2 TLSRoute .*the selected CRDs serve TLSRoute as gateway\.networking\.k8s\.io\/v1/),
    ]);
    const http = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'h', namespace: 'shop' }, spec: { rules: [{ timeouts: { request: '1s' } }] } };
    expect(validateObjects([http], { gatewayAPI: { version: '1.1.1', channel: 'standard' } }).map((i) => i.path)).toStrictEqual(['/spec/rules/0/timeouts']);
  });
});

describe('index.json', () => {
  it('lists each cluster\'s Gateway API mode, version, channel and source, and its routes folder', () => {
    const rendered = render(
      fleetDocument((doc) => {
        doc.spec.defaults = { linkerd: '2.18', kubernetes: '1.31' };
        doc.spec.clusters.push({ name: 'c', environment: 'prod', network: 'n3' });
        doc.spec.environments.prod = { clusters: { a: { gatewayAPI: { mode: 'external', version: '1.1.1', channel: 'standard' } }, b: { gatewayAPI: { mode: 'linkerd-legacy' } } } };
        doc.spec.routes = [{ kind: 'HTTPRoute', name: 'web', namespace: 'shop', clusters: ['c'], service: { name: 'web', port: 80 }, rules: [{}] }];
      }),
    );
    const clusters = JSON.parse(rendered.files.get('index.json')!).environments[0].clusters;
    expect(clusters.map((c: any) => c.gatewayAPI)).toStrictEqual([
      { mode: 'external', version: '1.1.1', channel: 'standard' },
      {
        mode: 'linkerd-legacy',
        version: '1.2.1',
        channel: 'experimental',
        source: { kind: 'upstream', repoURL: 'https://github.com/kubernetes-sigs/gateway-api', ref: 'v1.2.1', path: 'config/crd/experimental' },
        serverSideApply: true,
        prune: false,
        migration: 'keep-policy',
      },
      {
        mode: 'managed',
        version: '1.2.1',
        channel: 'standard',
        source: { kind: 'upstream', repoURL: 'https://github.com/kubernetes-sigs/gateway-api', ref: 'v1.2.1', path: 'config/crd/standard' },
        serverSideApply: true,
        prune: false,
      },
    ]);
    expect(clusters.map((c: any) => c.routes)).toStrictEqual([undefined, undefined, { manifests: 'prod/c/routes', routes: 1, services: 0 }]);
    expect(rendered.files.get('prod/c/routes/routes.yaml')).toContain('kind: HTTPRoute');
    expect(rendered.files.get('prod/c/routes/kustomization.yaml')).toContain('- routes.yaml');
    // Kept out of the mesh chart, whose version therefore does not move when routes change.
    expect([...rendered.files.keys()].filter((p) => p.startsWith('prod/c/mesh/') && p.includes('routes'))).toStrictEqual([]);
  });
});

describe('a vendored bundle', () => {
  const folder = writeGatewayApiBundle('1.5.1', 'experimental');

  it('is copied byte for byte into each cluster\'s gateway-api/ folder, with a kustomization, and named in index.json', () => {
    expect(readdirSync(folder)).toContain('gateway.networking.k8s.io_tcproutes.yaml');
    expectVendoredOutput(synthVendored(folder), folder);
  });

  it('builds with kubectl kustomize into the bundle\'s objects, protected from pruning and applied server-side', () => {
    const out = synthVendored(folder);
    const objects = parseAllDocuments(runKubectl(['kustomize', join(out, 'prod', 'a', 'gateway-api')])).map((d) => d.toJS());
    const kinds = objects.map((o) => o.kind);
    expect(kinds.filter((k) => k === 'CustomResourceDefinition')).toHaveLength(readdirSync(folder).length);
    for (const o of objects) {
      expect(o.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false,ServerSideApply=true');
      expect(o.metadata.annotations['kustomize.toolkit.fluxcd.io/prune']).toBe('disabled');
    }
    const httproutes = objects.find((o) => o.metadata.name === 'httproutes.gateway.networking.k8s.io');
    expect(httproutes.metadata.annotations['gateway.networking.k8s.io/bundle-version']).toBe('v1.5.1');
  });
});

describe('the example fleet\'s routes folders', () => {
  it('build with kubectl kustomize into the routes and Services of each cluster', async () => {
    const { loadInput } = await import('../../lib/cli/load-input.ts');
    const out = join(mkdtempSync(join(tmpdir(), 'meshfleet-routes-')), 'charts-out');
    const result = synthesize(await loadInput(join(REPO, 'apps', 'fleet.yaml')), { outdir: out });
    const built = Object.fromEntries(
      result.rendered.clusters.map((r) => [r.folder, parseAllDocuments(runKubectl(['kustomize', join(out, r.folder, 'routes')])).map((d) => `${d.toJS().kind} ${d.toJS().metadata.name}`).sort()]),
    );
    expect(built).toStrictEqual({
      'dev/dev-1': ['Service ledger', 'TCPRoute ledger'],
      // shop is created with the routes: no application of staging-1 declares it (defect 6 of issue 10).
      'staging/staging-1': ['HTTPRoute checkout', 'Namespace shop'],
      'prod/eu-1': ['GRPCRoute search', 'HTTPRoute catalog', 'HTTPRoute checkout'],
      'prod/eu-2': ['GRPCRoute search', 'HTTPRoute checkout'],
      'prod/us-1': ['HTTPRoute checkout'],
      'prod/us-2': ['HTTPRoute checkout'],
    });
  });
});
