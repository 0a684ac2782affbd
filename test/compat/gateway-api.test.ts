// The Gateway API table against its sources: every row is re-derived from the CRD files in
// ../shared/crds/gateway-api/, and the Linkerd rows against docs/reference/gateway-api.md.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import {
  bundleHasRouteField,
  bundleServes,
  GATEWAY_API_BUNDLES,
  GATEWAY_API_CHANNELS,
  LINKERD_GATEWAY_API,
  LINKERD_LEGACY_BUNDLE,
  ROUTE_FIELDS,
  safeUpgradesFloor,
} from '../../lib/compat/gateway-api.ts';
import { inRange, LINKERD_RELEASES } from '../../lib/compat/linkerd-releases.ts';
import { DEFAULT_OPAQUE_PORTS } from '../../lib/compat/protocols.ts';
import { SHARED } from '../support/fleet.ts';

const BUNDLES_DIR = join(SHARED, 'crds', 'gateway-api');

interface ChannelFiles {
  crds: any[];
  policies: any[];
  text: string;
}

function readChannel(version: string, channel: string): ChannelFiles {
  const folder = join(BUNDLES_DIR, `v${version}`, channel);
  const result: ChannelFiles = { crds: [], policies: [], text: '' };
  for (const file of readdirSync(folder).sort()) {
    const text = readFileSync(join(folder, file), 'utf8');
    result.text += text;
    for (const doc of parseAllDocuments(text).map((d) => d.toJS())) {
      if (doc?.kind === 'CustomResourceDefinition') result.crds.push(doc);
      if (doc?.kind === 'ValidatingAdmissionPolicy') result.policies.push(doc);
    }
  }
  return result;
}

const files = new Map<string, ChannelFiles>();
const channelFiles = (version: string, channel: string) => {
  const key = `${version}/${channel}`;
  if (!files.has(key)) files.set(key, readChannel(version, channel));
  return files.get(key)!;
};

describe('Gateway API bundles table', () => {
  it('has a row for every bundle folder in shared/crds/gateway-api, and no other', () => {
    const folders = readdirSync(BUNDLES_DIR).filter((d) => d.startsWith('v')).map((d) => d.slice(1));
    expect(GATEWAY_API_BUNDLES.map((b) => b.version).sort()).toStrictEqual(folders.sort());
  });

  describe.each(GATEWAY_API_BUNDLES.flatMap((b) => GATEWAY_API_CHANNELS.map((c) => [b.version, c] as const)))('v%s %s', (version, channel) => {
    const bundle = GATEWAY_API_BUNDLES.find((b) => b.version === version)!;

    it('serves exactly the kinds and versions of its CRD files', () => {
      const served: Record<string, string[]> = {};
      for (const crd of channelFiles(version, channel).crds) {
        if (crd.spec.group !== 'gateway.networking.k8s.io') continue;
        served[crd.spec.names.kind] = crd.spec.versions.filter((v: any) => v.served).map((v: any) => v.name).sort();
      }
      const table = Object.fromEntries(Object.entries(bundle.serves[channel]).map(([kind, versions]) => [kind, [...versions].sort()]));
      expect(table).toStrictEqual(served);
    });

    it('every CRD carries its bundle-version and channel annotations', () => {
      for (const crd of channelFiles(version, channel).crds) {
        expect(crd.metadata.annotations['gateway.networking.k8s.io/bundle-version']).toBe(`v${version}`);
        expect(crd.metadata.annotations['gateway.networking.k8s.io/channel']).toBe(channel);
      }
    });

    it('has a safe-upgrades floor exactly when the folder ships the admission policy, equal to what it admits', () => {
      const policies = channelFiles(version, channel).policies;
      const floor = safeUpgradesFloor({ version, channel });
      expect(floor !== undefined).toBe(policies.length > 0);
      if (!policies.length) return;
      // The policy refuses bundle-versions matching v1.[0-N]: the lowest it admits is 1.(N+1).0.
      const expressions = policies[0].spec.validations.map((v: any) => v.expression).join('\n');
      const denied = /v1\\*\.\[0-([0-9])\]/.exec(expressions);
      expect(denied).not.toBeNull();
      expect(floor).toBe(`1.${Number(denied![1]) + 1}.0`);
      expect(expressions).toMatch(/'experimental'/);
    });

    it('needs Kubernetes 1.30 for the admission policy and 1.31 where a CRD rule calls the IP library', () => {
      const { policies, crds } = channelFiles(version, channel);
      const usesIpLibrary = crds.some((crd) => JSON.stringify(crd).match(/\b(isIP|isCIDR|ip|cidr)\(/));
      const requires = bundle.requires ?? [];
      expect(requires.some((r) => r.admissionPolicy && r.kubernetes === '1.30')).toBe(policies.length > 0);
      expect(requires.some((r) => !r.admissionPolicy && r.kubernetes === '1.31')).toBe(Boolean(usesIpLibrary));
    });

    it('has each listed route field exactly from its "since" bundle on', () => {
      for (const { kind, field } of ROUTE_FIELDS) {
        const crd = channelFiles(version, channel).crds.find((c) => c.spec.names.kind === kind);
        const schema = crd?.spec.versions.find((v: any) => v.name === 'v1')?.schema.openAPIV3Schema;
        const [list, key] = field.split('[].');
        const present = Boolean(schema?.properties.spec.properties[list]?.items.properties[key]);
        expect(present, `${kind} ${field} in v${version} ${channel}`).toBe(bundleHasRouteField(version, channel, kind, field));
      }
    });
  });

  it('answers the serving questions of docs/reference/gateway-api.md', () => {
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

  it.each(LINKERD_RELEASES.map((r) => r.valuesSet))('default opaque ports match linkerd-control-plane %s', (valuesSet) => {
    const values = parse(readFileSync(join(SHARED, 'linkerd-values', valuesSet, 'linkerd-control-plane_values.yaml'), 'utf8'));
    expect(String(values.proxy.opaquePorts).split(',').map(Number)).toStrictEqual([...DEFAULT_OPAQUE_PORTS]);
  });
});
