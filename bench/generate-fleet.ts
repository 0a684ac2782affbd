// Generated fleets for the benchmark: regions of 10 clusters, spread over three environments and
// every supported Linkerd version, HA in prod, with a meshed namespace and one service per region,
// every cluster with a routed service (a split); delivered like the example (Argo CD app-of-apps for
// dev and staging in rollout order, Flux for prod).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FleetDocument, LinkSpec, MeshServiceSpec } from '../lib/model/types.ts';

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
      environments: { dev: { proxy: { logLevel: 'debug' } }, staging: {}, prod: { ha: true, delivery: { engine: 'flux' } } },
      delivery: { engine: 'argocd', repo: { url: 'https://git.example.com/platform/mesh.git' }, rollout: ['dev', 'staging'] },
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
          // Region hubs run the gateway for the neighbouring regions' hubs.
          ...(i % 10 === 0 ? { gateway: { address: `192.0.2.${(region % 250) + 1}` } } : {}),
          ...VERSIONS[i % VERSIONS.length],
        };
      }),
      links: linksFor(clusters),
      namespaces: [{ name: 'app', serviceAccounts: ['client', 'api'] }],
      policy: { services: servicesFor(clusters), egress: [{ name: 'external', trafficPolicy: 'Allow' }] },
    },
  };
}

/**
 * One rate-limited service per region on all its clusters: called by local clients, by the whole
 * region hub (flat), and by the previous region's hub through the gateway.
 */
function servicesFor(clusters: number): MeshServiceSpec[] {
  return Array.from({ length: Math.ceil(clusters / 10) }, (_, r) => ({
    name: `api-${r}`,
    namespace: 'app',
    clusters: Array.from({ length: Math.min(10, clusters - r * 10) }, (_, j) => `c${r * 10 + j}`),
    serviceAccount: 'api',
    ports: [{ name: 'http', port: 8080, protocol: 'HTTP/1', rateLimit: { total: 1000, identity: 100 } }],
    allow: [
      { serviceAccount: 'client' },
      { cluster: `c${r * 10}` },
      ...(r > 0 ? [{ serviceAccount: 'client', clusters: [`c${(r - 1) * 10}`] }] : []),
    ],
  }));
}

/** Regions of 10 clusters fully meshed flat, plus gateway links both ways between neighbouring regions' hubs. */
function linksFor(clusters: number): LinkSpec[] {
  const regions = Math.ceil(clusters / 10);
  const links: LinkSpec[] = [];
  for (let r = 0; r < regions; r++) {
    const members = Array.from({ length: Math.min(10, clusters - r * 10) }, (_, j) => `c${r * 10 + j}`);
    if (members.length > 1) links.push({ mesh: members, mode: 'flat' });
    if (r + 1 < regions) links.push({ from: `c${r * 10}`, to: `c${(r + 1) * 10}`, mode: 'gateway' }, { from: `c${(r + 1) * 10}`, to: `c${r * 10}`, mode: 'gateway' });
  }
  return links;
}
