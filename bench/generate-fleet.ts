// Generated fleets for the benchmark: regions of 10 clusters, spread over three environments and
// every supported Linkerd version, HA in prod, and every cluster with a routed service (a split).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FleetDocument } from '../lib/model/types.ts';

const ANCHOR = fileURLToPath(new URL('../apps/trust/anchor.crt', import.meta.url));
const VERSIONS = [
  { linkerd: '2.18', kubernetes: '1.31' },
  { linkerd: '2.19', kubernetes: '1.33' },
  { linkerd: '2.20', kubernetes: '1.33' },
  { linkerd: 'edge-26.8.3', kubernetes: '1.34' },
];
const ENVIRONMENTS = ['dev', 'staging', 'prod'];

export function generateFleet(clusters: number): FleetDocument {
  return {
    apiVersion: 'meshfleet.dev/v1alpha1',
    kind: 'Fleet',
    metadata: { name: 'bench' },
    spec: {
      trust: {
        anchor: { pem: readFileSync(ANCHOR, 'utf8') },
        issuer: { type: 'externalSecret', store: { name: 'vault' }, remoteKey: 'linkerd/anchor' },
      },
      defaults: { linkerd: '2.20', kubernetes: '1.33', proxy: { logFormat: 'json' } },
      environments: { dev: { proxy: { logLevel: 'debug' } }, staging: {}, prod: { ha: true } },
      routes: [
        {
          kind: 'HTTPRoute',
          name: 'web',
          namespace: 'shop',
          environments: ENVIRONMENTS,
          service: { name: 'web', port: 8080 },
          retry: { http: ['5xx'], limit: 2 },
          timeouts: { request: '10s' },
          rules: [{ backendRefs: [{ name: 'web', weight: 90 }, { name: 'web-v2', weight: 10 }] }],
        },
      ],
      clusters: Array.from({ length: clusters }, (_, i) => {
        const region = Math.floor(i / 10);
        return {
          name: `c${i}`,
          environment: ENVIRONMENTS[region % ENVIRONMENTS.length],
          network: `region-${region}`,
          // 10.<region>.<cluster*16>.0/20 keeps pod ranges disjoint for up to 2560 clusters.
          podCIDR: `10.${region % 256}.${(i % 10) * 16}.0/20`,
          serviceCIDR: `172.${16 + (region % 16)}.${(i % 10) * 16}.0/20`,
          apiServer: `https://c${i}.k8s.example:6443`,
          ...VERSIONS[i % VERSIONS.length],
        };
      }),
    },
  };
}
