// The Gateway API compatibility checks, table-driven: every Linkerd version × every bundle × both
// channels, then Kubernetes, upgrades from a known installed bundle, the legacy migration, vendoring.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { routeFieldsBeyondLinkerd } from '../../lib/validate/linkerd-route-fields.ts';
import type { KubeObject } from '../../lib/validate/index.ts';
import { fleetDocument, plan, REPO } from '../support/fleet.ts';
import { writeGatewayApiBundle } from '../support/gateway-api-bundle.ts';

const LINKERD: Record<string, string> = { '2.18': '1.31', '2.19': '1.33', '2.20': '1.33', 'edge-26.8.3': '1.34' };
const BUNDLES = ['1.0.0', '1.1.1', '1.2.1', '1.3.0', '1.4.1', '1.5.1', '1.6.1'];

// Written out from docs/reference/gateway-api.md, independently of lib/compat.
const SUPPORTED: Record<string, string[]> = {
  '2.18': ['1.1.1', '1.2.1'],
  '2.19': ['1.1.1', '1.2.1'],
  '2.20': ['1.2.1', '1.3.0', '1.4.1', '1.5.1'],
  'edge-26.8.3': ['1.2.1', '1.3.0', '1.4.1', '1.5.1'],
};
// Whether bundle+channel serves each kind at the version Linkerd reads (HTTPRoute/GRPCRoute v1,
// TCPRoute/TLSRoute v1alpha2).
const SERVES = {
  HTTPRoute: () => true,
  GRPCRoute: (version: string) => version !== '1.0.0',
  TCPRoute: (_: string, channel: string) => channel === 'experimental',
  TLSRoute: (_: string, channel: string) => channel === 'experimental',
};

const route = (kind: string, name: string, extra: object = {}) => ({ kind, name, namespace: 'shop', environments: ['prod'], service: { name, port: 8080 }, ...extra });
const ALL_KINDS = [
  route('HTTPRoute', 'web', { rules: [{}] }),
  route('GRPCRoute', 'api', { rules: [{}] }),
  route('TCPRoute', 'queue'),
  route('TLSRoute', 'tls'),
];

type Row = [severity: string, path: string, message: string];
function diagnosticsOf(edit: (doc: any) => void): Row[] {
  return plan(fleetDocument(edit)).diagnostics.map((d) => [d.severity, d.path, d.message]);
}

describe('bundle against the Linkerd version and the routes it reads', () => {
  const cases = Object.keys(LINKERD).flatMap((linkerd) => BUNDLES.flatMap((bundle) => (['standard', 'experimental'] as const).map((channel) => [linkerd, bundle, channel] as const)));

  it.each(cases)('Linkerd %s, Gateway API v%s %s', (linkerd, bundle, channel) => {
    const rows = diagnosticsOf((doc) => {
      doc.spec.defaults = { linkerd, kubernetes: LINKERD[linkerd], gatewayAPI: { mode: 'managed', version: bundle, channel } };
      doc.spec.routes = ALL_KINDS;
    });
    const expected: [string, string][] = [];
    if (!SUPPORTED[linkerd].includes(bundle)) expected.push(['error', '/spec/defaults/gatewayAPI/version']);
    ALL_KINDS.forEach((r, i) => {
      if (!SERVES[r.kind as keyof typeof SERVES](bundle, channel)) expected.push(['error', `/spec/routes/${i}/kind`]);
    });
    // Both clusters inherit the same setting; an out-of-range bundle is one message for the layer.
    const seen = [...new Set(rows.map(([severity, path]) => `${severity} ${path}`))].sort();
    expect(seen).toStrictEqual(expected.map(([s, p]) => `${s} ${p}`).sort());
  });

  it('says which Linkerd range applies and how to fix it', () => {
    const rows = diagnosticsOf((doc) => (doc.spec.defaults.gatewayAPI = { version: '1.6.1' }));
    expect(rows).toStrictEqual([
      ['error', '/spec/defaults/gatewayAPI/version', 'Linkerd 2.20 supports Gateway API v1.2.1–v1.5.1, not v1.6.1 (cluster a)'],
      ['error', '/spec/defaults/gatewayAPI/version', 'Linkerd 2.20 supports Gateway API v1.2.1–v1.5.1, not v1.6.1 (cluster b)'],
    ]);
    const [d] = plan(fleetDocument((doc) => (doc.spec.defaults.gatewayAPI = { version: '1.6.1' }))).diagnostics;
    expect(d.fix).toBe('set gatewayAPI.version to "1.2.1" (recommended) or another version from 1.2.1 to 1.5.1, or leave it unset');
  });

  it('names the version Linkerd reads and the channel that serves it', () => {
    const result = plan(
      fleetDocument((doc) => {
        doc.spec.defaults.gatewayAPI = { version: '1.5.1', channel: 'standard' };
        doc.spec.routes = [route('TLSRoute', 'tls', { clusters: ['a'], environments: undefined })];
      }),
    );
    expect(result.diagnostics).toStrictEqual([
      {
        code: 'MF3205',
        severity: 'error',
        path: '/spec/routes/0/kind',
        message: 'TLSRoute gateway.networking.k8s.io/v1alpha2, the version Linkerd 2.20 reads, is not served by Gateway API v1.5.1 standard on cluster a (it serves v1, which Linkerd ignores)',
        fix: 'set gatewayAPI.channel: experimental (v1.5.1 experimental serves TLSRoute v1alpha2)',
      },
    ]);
  });

  it('defaults to the recommended bundle, standard channel, and to experimental only where TCPRoute or TLSRoute is used', () => {
    const { fleet } = plan(fleetDocument((doc) => (doc.spec.routes = [route('TCPRoute', 'queue', { clusters: ['b'], environments: undefined })])));
    expect(fleet!.clusters.map((c) => [c.name, c.gatewayAPI.mode, c.gatewayAPI.version, c.gatewayAPI.channel])).toStrictEqual([
      ['a', 'managed', '1.2.1', 'standard'],
      ['b', 'managed', '1.2.1', 'experimental'],
    ]);
    expect(fleet!.clusters[1].gatewayAPI.source).toStrictEqual({ kind: 'upstream', repoURL: 'https://github.com/kubernetes-sigs/gateway-api', ref: 'v1.2.1', path: 'config/crd/experimental' });
  });

  it('inherits fleet → environment → cluster with the merge rules, reporting at the layer that set the value', () => {
    const { fleet, diagnostics } = plan(
      fleetDocument((doc) => {
        doc.spec.defaults.gatewayAPI = { mode: 'managed', version: '1.3.0', vendor: 'somewhere' };
        doc.spec.environments.prod = { gatewayAPI: { channel: 'experimental', vendor: null } };
        doc.spec.clusters[1].gatewayAPI = { mode: 'external', version: '1.4.1', channel: 'standard' };
      }),
    );
    expect(diagnostics).toStrictEqual([]);
    expect(fleet!.clusters.map((c) => ({ ...c.gatewayAPI }))).toStrictEqual([
      { mode: 'managed', version: '1.3.0', channel: 'experimental', source: { kind: 'upstream', repoURL: 'https://github.com/kubernetes-sigs/gateway-api', ref: 'v1.3.0', path: 'config/crd/experimental' } },
      { mode: 'external', version: '1.4.1', channel: 'standard' },
    ]);
  });

  it('rejects a bundle version it does not know, listing the ones it does', () => {
    const d = plan(fleetDocument((doc) => (doc.spec.clusters[0].gatewayAPI = { mode: 'external', version: '1.2.0', channel: 'standard' }))).diagnostics;
    expect(d.map((x) => [x.path, x.message])).toStrictEqual([['/spec/clusters/0/gatewayAPI/version', 'Gateway API v1.2.0 is not a bundle meshfleet knows (cluster a)']]);
    expect(d[0].fix).toMatch(/^use one of "1\.0\.0", "1\.1\.1", "1\.2\.1", "1\.3\.0", "1\.4\.1", "1\.5\.1", "1\.6\.1"/);
  });

  it('rejects settings that do not fit the mode', () => {
    expect(diagnosticsOf((doc) => (doc.spec.clusters[0].gatewayAPI = { mode: 'external' }))).toStrictEqual([
      ['error', '/spec/clusters/0/gatewayAPI/mode', 'cluster a has external Gateway API CRDs but does not say which bundle is installed'],
    ]);
    expect(
      diagnosticsOf((doc) => {
        doc.spec.defaults.gatewayAPI = { vendor: 'crds', migration: 'adopt' };
        doc.spec.environments.prod = { gatewayAPI: { mode: 'external', version: '1.2.1', channel: 'standard' } };
      }).map(([, path, message]) => [path, message.split(',')[0]]),
    ).toStrictEqual([
      ['/spec/defaults/gatewayAPI/vendor', 'vendor applies to bundles meshfleet delivers'],
      ['/spec/defaults/gatewayAPI/migration', 'migration applies to mode linkerd-legacy'],
    ]);
  });

  it('never changes installGatewayAPI: false, whatever the mode', async () => {
    const { render } = await import('../support/fleet.ts');
    for (const gatewayAPI of [{ mode: 'managed' }, { mode: 'external', version: '1.2.1', channel: 'standard' }, { mode: 'linkerd-legacy' }]) {
      const rendered = render(fleetDocument((doc) => (doc.spec.defaults.gatewayAPI = gatewayAPI)));
      expect(rendered.clusters.map((c) => c.upstreamValues['linkerd-crds'])).toStrictEqual([{ installGatewayAPI: false }, { installGatewayAPI: false }]);
    }
  });
});

describe('Kubernetes too old for the bundle', () => {
  it('needs 1.31 for the TLSRoute CEL rules of v1.5+, and 1.30 for the admission policy meshfleet delivers', () => {
    const rows = diagnosticsOf((doc) => {
      doc.spec.defaults = { linkerd: '2.19', kubernetes: '1.29', gatewayAPI: { version: '1.5.1' } };
      doc.spec.clusters.pop();
    });
    expect(rows.filter(([, path]) => path === '/spec/defaults/kubernetes')).toStrictEqual([
      ['error', '/spec/defaults/kubernetes', 'Gateway API v1.5.1 needs Kubernetes 1.30 or later for its safe-upgrades ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1); cluster a runs 1.29'],
      ['error', '/spec/defaults/kubernetes', "Gateway API v1.5.1 needs Kubernetes 1.31 or later for TLSRoute's CEL validation rules (isIP); cluster a runs 1.29"],
    ]);
  });

  it('leaves the admission policy of an external bundle to its owner', () => {
    const rows = diagnosticsOf((doc) => {
      doc.spec.defaults = { linkerd: '2.19', kubernetes: '1.30', gatewayAPI: { mode: 'external', version: '1.5.1', channel: 'standard' } };
      doc.spec.clusters.pop();
    });
    expect(rows.filter(([, path]) => path === '/spec/defaults/kubernetes').map(([, , m]) => m)).toStrictEqual([
      "Gateway API v1.5.1 needs Kubernetes 1.31 or later for TLSRoute's CEL validation rules (isIP); cluster a runs 1.30",
    ]);
  });
});

describe('upgrades from the installed bundle', () => {
  const upgrade = (current: object, target: object, routes: object[] = []) =>
    diagnosticsOf((doc) => {
      doc.spec.defaults.gatewayAPI = { ...target, current };
      doc.spec.clusters.pop();
      doc.spec.routes = routes.length ? routes : undefined;
    });

  it.each([
    // [installed, target, expected severity, path, message start]
    [{ version: '1.5.1', channel: 'standard' }, { version: '1.4.1', channel: 'standard' }, 'error', '/spec/defaults/gatewayAPI/version', 'v1.4.1 is a downgrade from the installed v1.5.1 standard, and its ValidatingAdmissionPolicy safe-upgrades.gateway.networking.k8s.io denies CRDs older than v1.5.0'],
    [{ version: '1.6.1', channel: 'standard' }, { version: '1.5.1', channel: 'standard' }, 'error', '/spec/defaults/gatewayAPI/version', 'v1.5.1 is a downgrade from the installed v1.6.1 standard, and its ValidatingAdmissionPolicy safe-upgrades.gateway.networking.k8s.io denies CRDs older than v1.6.0'],
    [{ version: '1.6.1', channel: 'experimental' }, { version: '1.5.1', channel: 'experimental' }, 'error', '/spec/defaults/gatewayAPI/version', 'v1.5.1 is a downgrade from the installed v1.6.1 experimental: stored routes may use'],
    [{ version: '1.3.0', channel: 'standard' }, { version: '1.2.1', channel: 'standard' }, 'error', '/spec/defaults/gatewayAPI/version', 'v1.2.1 is a downgrade from the installed v1.3.0 standard: stored routes may use'],
    [{ version: '1.5.1', channel: 'standard' }, { version: '1.5.1', channel: 'experimental' }, 'error', '/spec/defaults/gatewayAPI/channel', 'the installed v1.5.1 standard has the ValidatingAdmissionPolicy safe-upgrades.gateway.networking.k8s.io, which denies experimental CRDs over standard ones'],
    [{ version: '1.2.1', channel: 'experimental' }, { version: '1.2.1', channel: 'standard' }, 'warning', '/spec/defaults/gatewayAPI/channel', 'switching from the installed v1.2.1 experimental to standard leaves experimental-only CRDs'],
    [{ version: '1.1.1', channel: 'experimental' }, { version: '1.2.1', channel: 'experimental' }, 'warning', '/spec/defaults/gatewayAPI/current', 'v1.2.1 experimental no longer serves GRPCRoute v1alpha2, ReferenceGrant v1alpha2, which the installed v1.1.1 experimental serves'],
    [{ version: '1.0.0', channel: 'standard' }, { version: '1.2.1', channel: 'standard' }, 'warning', '/spec/defaults/gatewayAPI/current', 'v1.2.1 standard no longer serves ReferenceGrant v1alpha2'],
  ])('installed %o, target %o: %s at %s', (current, target, severity, path, message) => {
    const rows = upgrade(current, target);
    expect(rows).toHaveLength(1);
    expect(rows[0].slice(0, 2)).toStrictEqual([severity, path]);
    expect(rows[0][2].startsWith(message)).toBe(true);
  });

  it('allows upgrades, and the switch to experimental before v1.5', () => {
    expect(upgrade({ version: '1.2.1', channel: 'standard' }, { version: '1.5.1', channel: 'standard' })).toStrictEqual([]);
    expect(upgrade({ version: '1.4.1', channel: 'standard' }, { version: '1.5.1', channel: 'experimental' })).toStrictEqual([]);
  });

  it('blames the layer holding gatewayAPI when TCPRoute or TLSRoute turned the channel experimental', () => {
    const rows = upgrade({ version: '1.5.1', channel: 'standard' }, { version: '1.5.1' }, [route('TCPRoute', 'queue')]);
    expect(rows.map(([s, p]) => [s, p])).toStrictEqual([['error', '/spec/defaults/gatewayAPI']]);
    expect(rows[0][2]).toContain('the switch to experimental (experimental because the cluster has TCPRoute or TLSRoute routes) would be refused');
  });
});

describe('linkerd-legacy: taking the CRDs over from Linkerd 2.18', () => {
  const legacy = (gatewayAPI: object) => plan(fleetDocument((doc) => {
    doc.spec.defaults = { linkerd: '2.18', kubernetes: '1.31', gatewayAPI: { mode: 'linkerd-legacy', ...gatewayAPI } };
    doc.spec.clusters.pop();
  }));

  it('starts from v1.1.1 experimental and moves to the recommended bundle, experimental channel', () => {
    const { fleet } = legacy({});
    expect(fleet!.clusters[0].gatewayAPI).toStrictEqual({
      mode: 'linkerd-legacy',
      version: '1.2.1',
      channel: 'experimental',
      source: { kind: 'upstream', repoURL: 'https://github.com/kubernetes-sigs/gateway-api', ref: 'v1.2.1', path: 'config/crd/experimental' },
      current: { version: '1.1.1', channel: 'experimental' },
      migration: 'keep-policy',
    });
  });

  it.each([
    [undefined, 'next step 1 of 3: upgrade linkerd-crds 2025.4.4 with installGatewayAPI left true', 'set gatewayAPI.migration: adopt'],
    ['adopt', 'next step 2 of 3: apply the upstream bundle v1.2.1', 'set gatewayAPI.migration: release'],
    ['release', 'next step 3 of 3: apply values/linkerd-crds.yaml (installGatewayAPI: false)', 'set gatewayAPI: { mode: managed, current: { version: "1.2.1", channel: experimental } }'],
  ])('at step %s, prints the next step as a warning', (migration, message, fix) => {
    const steps = legacy(migration ? { migration } : {}).diagnostics.filter((d) => d.message.startsWith('Gateway API migration'));
    expect(steps).toHaveLength(1);
    expect(steps[0].severity).toBe('warning');
    expect(steps[0].message).toContain(message);
    expect(steps[0].fix).toContain(fix);
  });

  it('warns that the first step must not use meshfleet\'s linkerd-crds values', () => {
    const [step] = legacy({}).diagnostics.filter((d) => d.message.startsWith('Gateway API migration'));
    expect(step.path).toBe('/spec/defaults/gatewayAPI/mode');
    expect(step.message).toContain('applying installGatewayAPI: false first would delete the CRDs and every route');
  });
});

describe('vendored bundles', () => {
  const vendored = (folder: string, version: string, channel: string) =>
    plan(fleetDocument((doc) => (doc.spec.defaults.gatewayAPI = { vendor: folder, version, channel })));

  it('reads the folder once and points GitOps at the cluster output folder', () => {
    const { fleet, diagnostics } = vendored(writeGatewayApiBundle('1.2.1', 'standard'), '1.2.1', 'standard');
    expect(diagnostics).toStrictEqual([]);
    const [a, b] = fleet!.clusters.map((c) => c.gatewayAPI);
    expect(a.source).toStrictEqual({ kind: 'vendored', path: 'prod/a/gateway-api' });
    expect(b.source).toStrictEqual({ kind: 'vendored', path: 'prod/b/gateway-api' });
    expect(a.vendored).toBe(b.vendored);
    expect(a.vendored!.files.map((f) => f.name)).toStrictEqual([
      'gateway.networking.k8s.io_gatewayclasses.yaml',
      'gateway.networking.k8s.io_gateways.yaml',
      'gateway.networking.k8s.io_grpcroutes.yaml',
      'gateway.networking.k8s.io_httproutes.yaml',
      'gateway.networking.k8s.io_referencegrants.yaml',
    ]);
  });

  it('accepts a relative folder, read from the fleet file\'s folder', () => {
    // plan() reads from apps/.
    const folder = relative(join(REPO, 'apps'), writeGatewayApiBundle('1.6.1', 'experimental'));
    expect(folder.startsWith('..')).toBe(true);
    expect(vendored(folder, '1.6.1', 'experimental').diagnostics.filter((d) => d.path.endsWith('/vendor'))).toStrictEqual([]);
  });

  it('rejects a folder holding another bundle than the one declared, and a folder that is not there', () => {
    const folder = writeGatewayApiBundle('1.2.1', 'standard');
    const wrong = vendored(folder, '1.3.0', 'standard').diagnostics;
    expect(wrong.map((d) => [d.path, d.message.replace(folder, '<bundle>')])).toStrictEqual([
      ['/spec/defaults/gatewayAPI/vendor', '<bundle>/gateway.networking.k8s.io_gatewayclasses.yaml is from bundle v1.2.1 standard, not v1.3.0 standard (5 such files)'],
    ]);
    const missing = vendored('/nonexistent/crds', '1.2.1', 'standard').diagnostics;
    expect(missing.map((d) => [d.path, d.message])).toStrictEqual([['/spec/defaults/gatewayAPI/vendor', 'cannot vendor the Gateway API bundle: /nonexistent/crds is not a folder']]);
  });
});

describe('fields beyond what a Linkerd release reads', () => {
  const clusterOn = (linkerd: string) => plan(fleetDocument((doc) => {
    doc.spec.defaults = { linkerd, kubernetes: '1.34', gatewayAPI: { version: '1.5.1', channel: 'experimental' } };
    doc.spec.routes = [route('HTTPRoute', 'web', { rules: [{}] })];
  })).fleet!.clusters[0];
  // useDefaultGateways arrived in the v1.4 experimental channel.
  const newer: KubeObject = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { parentRefs: [{ group: 'core', kind: 'Service', name: 'web', port: 8080 }], useDefaultGateways: 'All', rules: [{}] },
  };

  it('warns where Linkerd 2.20 would ignore a route using fields beyond Gateway API v1.2.1', () => {
    expect(routeFieldsBeyondLinkerd(clusterOn('2.20'), [[undefined, [newer]]]).map((d) => [d.severity, d.path, d.message])).toStrictEqual([
      ['warning', '/spec/routes/0', 'Linkerd 2.20 ignores HTTPRoute shop/web on cluster a: "/spec/useDefaultGateways" is beyond the Gateway API v1.2.1 spec it reads'],
    ]);
  });

  it('lets edge (which reads up to v1.5.1) and the routes meshfleet writes pass', () => {
    expect(routeFieldsBeyondLinkerd(clusterOn('edge-26.8.3'), [[undefined, [newer]]])).toStrictEqual([]);
    const { spec: _spec, ...plain } = newer;
    expect(routeFieldsBeyondLinkerd(clusterOn('2.20'), [[undefined, [{ ...plain, spec: { parentRefs: (newer.spec as any).parentRefs, rules: [{}] } }]]])).toStrictEqual([]);
  });

  it('keeps the text of a file whose routes read nothing beyond (valid-before.ts), and warns of a file with a field beyond every time', async () => {
    const { spec: _spec, ...plain } = newer;
    const within = { ...plain, spec: { parentRefs: (newer.spec as any).parentRefs, rules: [{}] } };
    const file = join(mkdtempSync(join(tmpdir(), 'meshfleet-route-fields-')), 'valid-before.bin');
    const cluster = clusterOn('2.20');
    for (let run = 0; run < 2; run++) {
      // A fresh process as far as validation goes, reading and writing the same file.
      vi.resetModules();
      const store = await import('../../lib/validate/valid-before.ts');
      const { routeFieldsBeyondLinkerd: check } = await import('../../lib/validate/linkerd-route-fields.ts');
      const { loadedSchemaFiles } = await import('../../lib/validate/schema-registry.ts');
      store.useValidBefore(file);
      expect(check(cluster, [['within', [within]]])).toStrictEqual([]);
      expect(loadedSchemaFiles()).toHaveLength(run === 0 ? 1 : 0);
      expect(check(cluster, [['beyond', [newer]]])).toHaveLength(1);
      store.saveValidBefore();
    }
  });
});

describe('fixes for external bundles', () => {
  it('asks the bundle\'s owner, not a meshfleet setting, to change the channel', () => {
    const [d] = plan(
      fleetDocument((doc) => {
        doc.spec.defaults.gatewayAPI = { mode: 'external', version: '1.2.1', channel: 'standard' };
        doc.spec.routes = [route('TCPRoute', 'queue', { clusters: ['a'], environments: undefined })];
      }),
    ).diagnostics;
    expect([d.path, d.fix]).toStrictEqual(['/spec/routes/0/kind', "have the bundle's owner install the experimental channel of v1.2.1 (it serves TCPRoute v1alpha2), then state channel: experimental"]);
  });
});
