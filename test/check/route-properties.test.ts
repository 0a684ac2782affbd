// Property: whatever routes a fleet holds, either the checks reject them with a path, or every
// emitted object is valid for its cluster's own bundle. A route that passes the checks and then fails
// the emitted-object validation would reach users as a "meshfleet defect".
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fleetDocument, plan } from '../support/fleet.ts';
import { renderFleet } from '../../lib/synth/render.ts';

// Mostly values the checks accept, sometimes ones they must reject.
const mostly = <T>(good: readonly T[], bad: readonly T[]) => fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
const path = mostly(['/', '/api', '/v1/', '/a-b/c_d.e'], ['/a//b', 'api', '/a b', '/x/..', '']);
const headerName = mostly(['x-canary', 'X-Tenant', 'accept'], ['X Canary', '']);
const value = mostly(['true', 'v2', '^2$'], ['']);
const hostname = mostly(['example.com', 'a.example.com'], ['*.example.com', '10.0.0.1', 'Example.COM']);
const grpcName = mostly(['shop.Cart', 'Add', '.shop.v1.Cart'], ['not a service', 'a.b', '']);
const name = mostly(['web', 'web-v2', 'web-b', 'web-federated', 'api'], ['web-a']);
const backend = fc.record({ name, port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), weight: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }) }, { requiredKeys: ['name'] });
const nameValue = fc.record({ name: headerName, value });
const headerChanges = fc.record({ set: fc.array(nameValue, { maxLength: 2 }), remove: fc.array(headerName, { maxLength: 2 }) }, { requiredKeys: [] });

const httpRule = fc.record(
  {
    matches: fc.array(
      fc.record({ path: fc.record({ type: fc.constantFrom('Exact', 'PathPrefix', 'RegularExpression'), value: path }, { requiredKeys: ['value'] }), headers: fc.array(nameValue, { maxLength: 2 }), method: fc.constantFrom('GET', 'POST') }, { requiredKeys: [] }),
      { maxLength: 2 },
    ),
    filters: fc.record(
      {
        requestHeaderModifier: headerChanges,
        requestRedirect: fc.record({ hostname, statusCode: fc.constantFrom(301, 302), path: fc.oneof(fc.record({ type: fc.constant('ReplaceFullPath'), replaceFullPath: path }), fc.record({ type: fc.constant('ReplacePrefixMatch'), replacePrefixMatch: path })) }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    ),
    backendRefs: fc.array(backend, { minLength: 1, maxLength: 3 }),
    timeouts: fc.record({ request: fc.constantFrom('1s', '250ms', '1m30s') }),
  },
  { requiredKeys: [] },
).map((rule) => (rule.filters?.requestRedirect && rule.backendRefs && Math.abs(rule.backendRefs.length % 2) === 1 ? { ...rule, backendRefs: undefined } : rule));

const route = fc.oneof(
  fc.record({ kind: fc.constant('HTTPRoute'), rules: fc.array(httpRule, { minLength: 1, maxLength: 3 }), retry: fc.record({ http: fc.array(fc.constantFrom('5xx', 503, '500-504', 'gateway-error'), { minLength: 1, maxLength: 2 }), limit: fc.integer({ min: 0, max: 5 }) }) }),
  fc.record({
    kind: fc.constant('GRPCRoute'),
    rules: fc.array(fc.record({ matches: fc.array(fc.record({ method: fc.record({ type: fc.constant('Exact' as const), service: grpcName, method: grpcName }, { requiredKeys: [] }), headers: fc.array(nameValue, { maxLength: 2 }) }, { requiredKeys: [] }), { maxLength: 2 }), backendRefs: fc.array(backend, { minLength: 1, maxLength: 2 }) }, { requiredKeys: [] }), { minLength: 1, maxLength: 2 }),
  }),
  fc.record({ kind: fc.constant('TCPRoute'), backendRefs: fc.array(backend, { minLength: 1, maxLength: 2 }) }, { requiredKeys: ['kind'] }),
  fc.record({ kind: fc.constant('TLSRoute'), hostnames: fc.array(hostname, { minLength: 1, maxLength: 2 }), backendRefs: fc.array(backend, { minLength: 1, maxLength: 2 }) }, { requiredKeys: ['kind'] }),
);

const cluster = mostly(
  [
    { linkerd: '2.18', gatewayAPI: { version: '1.2.1', channel: 'experimental' } },
    { linkerd: '2.19', gatewayAPI: { version: '1.1.1', channel: 'experimental' } },
    { linkerd: '2.20', gatewayAPI: { version: '1.5.1', channel: 'experimental' } },
    { linkerd: '2.20', gatewayAPI: { version: '1.3.0', channel: 'standard' } },
    { linkerd: 'edge-26.8.3', gatewayAPI: { version: '1.4.1', channel: 'experimental' } },
  ],
  [{ linkerd: '2.18', gatewayAPI: { version: '1.5.1', channel: 'standard' } }],
);

describe('routes either fail the checks with a path, or render valid objects', () => {
  it('holds for generated fleets', () => {
    let rendered = 0;
    fc.assert(
      fc.property(cluster, fc.array(route, { minLength: 1, maxLength: 3 }), (settings, routes) => {
        const doc = fleetDocument((d) => {
          d.spec.defaults = { linkerd: settings.linkerd, kubernetes: '1.31', gatewayAPI: settings.gatewayAPI };
          d.spec.links = [{ from: 'a', to: 'b', mode: 'flat' }];
          d.spec.federatedServices = [{ name: 'web', namespace: 'shop', clusters: ['a', 'b'] }];
          d.spec.routes = routes.map((r, i) => ({ ...r, name: `r${i}`, namespace: 'shop', clusters: ['a'], service: { name: 'web', port: 8080 } }));
        });
        const result = plan(doc);
        if (!result.fleet) {
          // Rejected: every error points into the document.
          expect(result.diagnostics.filter((d) => d.severity === 'error').every((d) => d.path.startsWith('/spec/'))).toBe(true);
          return;
        }
        rendered++;
        const output = renderFleet(result.fleet, { charts: {} });
        expect(output.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
      }),
      { numRuns: 150, seed: 20261121 },
    );
    // The generator leans to valid values, so the property is not held by rejections alone.
    expect(rendered).toBeGreaterThan(30);
  });
});
