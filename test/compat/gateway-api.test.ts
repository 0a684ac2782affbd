// The Gateway API table's answers as the docs state them (docs/reference/gateway-api.md); the rows
// themselves are re-derived from the upstream CRD files by test/upstream/gateway-api-bundles.test.ts.
import { describe, expect, it } from 'vitest';
import {
  bundleServes,
  GATEWAY_API_BUNDLES,
  LINKERD_GATEWAY_API,
  LINKERD_LEGACY_BUNDLE,
} from '../../lib/compat/gateway-api.ts';
import { inRange, LINKERD_RELEASES } from '../../lib/compat/linkerd-releases.ts';

describe('Gateway API bundles table', () => {
  it('answers the serving questions the docs state', () => {
    expect(bundleServes('1.5.1', 'standard', 'TLSRoute', 'v1alpha2')).toBe(false);
    expect(bundleServes('1.5.1', 'experimental', 'TLSRoute', 'v1alpha2')).toBe(true);
    for (const version of ['1.1.1', '1.2.1', '1.3.0', '1.4.1', '1.5.1', '1.6.1']) {
      expect(bundleServes(version, 'standard', 'GRPCRoute', 'v1alpha2')).toBe(false);
      expect(bundleServes(version, 'standard', 'GRPCRoute', 'v1')).toBe(true);
    }
    expect(bundleServes('1.6.1', 'standard', 'TCPRoute', 'v1alpha2')).toBe(false);
    expect(bundleServes('1.6.1', 'experimental', 'TCPRoute', 'v1alpha2')).toBe(true);
    expect(bundleServes('9.9.9', 'standard', 'HTTPRoute', 'v1')).toBe(false);
  });
});

describe('Linkerd Gateway API support', () => {
  // docs/reference/gateway-api.md, written out again here on purpose.
  const EXPECTED: Record<string, [string, string]> = {
    '2.18': ['1.1.1', '1.2.1'],
    '2.19': ['1.1.1', '1.2.1'],
    '2.20': ['1.2.1', '1.5.1'],
    'edge-26.8.3': ['1.2.1', '1.5.1'],
  };

  it.each(LINKERD_RELEASES.map((r) => r.version))('Linkerd %s has a row with the documented range and a recommended bundle inside it', (version) => {
    const support = LINKERD_GATEWAY_API[version];
    expect([support.bundles.min, support.bundles.max]).toStrictEqual(EXPECTED[version]);
    expect(inRange(support.bundles.recommended, support.bundles)).toBe(true);
    expect(GATEWAY_API_BUNDLES.some((b) => b.version === support.bundles.recommended)).toBe(true);
    expect(support.reads).toStrictEqual({ HTTPRoute: 'v1', GRPCRoute: 'v1', TCPRoute: 'v1alpha2', TLSRoute: 'v1alpha2' });
  });

  it('reads rules[].timeouts from 2.20 on, and ignores fields beyond 1.2.1 (2.20) or 1.5.1 (edge)', () => {
    expect(Object.fromEntries(Object.entries(LINKERD_GATEWAY_API).map(([v, s]) => [v, [s.ruleTimeouts, s.fieldsUpTo]]))).toStrictEqual({
      '2.18': [false, undefined],
      '2.19': [false, undefined],
      '2.20': [true, '1.2.1'],
      'edge-26.8.3': [true, '1.5.1'],
    });
  });

  it("starts the legacy migration from Linkerd 2.18's own copy: v1.1.1 experimental", () => {
    expect(LINKERD_LEGACY_BUNDLE).toStrictEqual({ version: '1.1.1', channel: 'experimental' });
  });
});
