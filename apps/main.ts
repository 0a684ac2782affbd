// The example fleet in TypeScript: the cdk8s app that `npm run synth` and `cdk8s synth` run.
// apps/fleet.yaml describes the same fleet as a fleet file.
import { App, Duration } from 'cdk8s';
import {
  AnchorIssuer,
  AppProtocol,
  Backend,
  FederatedService,
  Fleet,
  GatewayApi,
  GrpcRetry,
  GrpcRoute,
  HttpRetry,
  HttpRoute,
  isMainModule,
  Link,
  MeshService,
  PathMatch,
  RetryStatus,
  runApp,
  TcpRoute,
  TrustAnchor,
  ValueMatch,
} from '../lib/index.ts';

const app = new App();
const fleet = new Fleet(app, 'acme', {
  trustAnchor: TrustAnchor.fromFile('apps/trust/anchor.crt'),
  trustDomain: 'cluster.local',
  // The anchor's key stays in Vault; External Secrets brings it to cert-manager.
  anchorIssuer: AnchorIssuer.externalSecret({ store: 'vault-backend', storeKind: 'ClusterSecretStore', remoteKey: 'linkerd/trust-anchor' }),
  defaults: {
    linkerd: '2.20',
    kubernetes: '1.33',
    proxy: { logFormat: 'json', defaultInboundPolicy: 'cluster-authenticated' },
    // The bundle Linkerd recommends, from the upstream repository.
    gatewayAPI: GatewayApi.managed(),
  },
});

fleet.addEnvironment('dev', {
  linkerd: 'edge-26.8.3',
  kubernetes: '1.34',
  // Audit mode: see what would be denied before enforcing.
  proxy: { logLevel: 'debug', defaultInboundPolicy: 'audit' },
  // Experimental channel: dev-1 has a TCPRoute.
  gatewayAPI: { version: '1.5.1' },
});
const staging = fleet.addEnvironment('staging', {
  linkerd: '2.19',
  kubernetes: '1.32',
  // Installed by the cloud provider.
  gatewayAPI: GatewayApi.external({ version: '1.2.1', channel: 'standard' }),
});
const prod = fleet.addEnvironment('prod', {
  ha: true,
  // What the clusters run today.
  gatewayAPI: { current: { version: '1.2.1', channel: 'standard' } },
  proxy: { resources: { cpu: { request: '100m' }, memory: { request: '64Mi', limit: '256Mi' } } },
  controlPlane: { values: { controllerLogFormat: 'json' } },
});

const dev1 = fleet.addCluster('dev-1', {
  environment: 'dev',
  network: 'dev',
  podCIDR: '10.0.0.0/16',
  serviceCIDR: '10.1.0.0/16',
  apiServer: 'https://dev-1.k8s.acme.example:6443',
});
fleet.addCluster('staging-1', {
  environment: 'staging',
  network: 'staging',
  podCIDR: '10.2.0.0/16',
  serviceCIDR: '10.3.0.0/16',
  apiServer: 'https://staging-1.k8s.acme.example:6443',
  proxy: { opaquePorts: [25, 3306, 5432, '4000-4010'] },
});
const eu1 = fleet.addCluster('eu-1', {
  environment: 'prod',
  network: 'eu',
  podCIDR: '10.10.0.0/16',
  serviceCIDR: '10.11.0.0/16',
  apiServer: 'https://eu-1.k8s.acme.example:6443',
});
const eu2 = fleet.addCluster('eu-2', {
  environment: 'prod',
  network: 'eu',
  podCIDR: '10.20.0.0/16',
  serviceCIDR: '10.21.0.0/16',
  apiServer: 'https://eu-2.k8s.acme.example:6443',
});
const us1 = fleet.addCluster('us-1', {
  environment: 'prod',
  network: 'us',
  linkerd: '2.18',
  kubernetes: '1.31',
  podCIDR: '100.72.0.0/16',
  serviceCIDR: '198.18.0.0/20',
  apiServer: 'https://us-1.k8s.acme.example:6443',
  // Linkerd 2.18 installed the CRDs; meshfleet takes them over.
  gatewayAPI: GatewayApi.linkerdLegacy({ migration: 'adopt', current: { version: '1.1.1', channel: 'experimental' } }),
});
prod.overrideCluster(eu2, { controlPlane: { values: { controllerReplicas: 5 } } });

// eu-1 and eu-2 share a flat network; us-1 is reached through gateways.
new Link(fleet, 'eu-1-eu-2', { from: eu1, to: eu2, mode: 'flat' });
new Link(fleet, 'eu-2-eu-1', { from: eu2, to: eu1, mode: 'flat' });
new Link(fleet, 'eu-1-us-1', { from: eu1, to: us1, mode: 'gateway' });
new Link(fleet, 'eu-2-us-1', { from: eu2, to: us1, mode: 'gateway' });
new FederatedService(fleet, 'search', { namespace: 'shop', clusters: [eu1, eu2] });

// meshfleet writes this Service (it has a selector).
new MeshService(fleet.services, 'ledger', { namespace: 'shop', clusters: [dev1], selector: { app: 'ledger' }, ports: [{ port: 7000, protocol: AppProtocol.opaque() }] });
// Declared in the application's own Service; checked here.
new MeshService(fleet.services, 'checkout', { namespace: 'shop', environments: [staging, prod], ports: [{ port: 8080, protocol: AppProtocol.http() }] });
new MeshService(fleet.services, 'search', { namespace: 'shop', clusters: [eu1, eu2], ports: [{ port: 9090, protocol: AppProtocol.h2c() }] });

// Progressive delivery: 10% to v2, all of it for canary testers.
new HttpRoute(fleet.routes, 'checkout', {
  namespace: 'shop',
  environments: [staging, prod],
  service: { name: 'checkout', port: 8080 },
  retry: HttpRetry.on([RetryStatus.gatewayErrors(), RetryStatus.code(429)], { limit: 2, timeout: Duration.millis(500) }),
  timeouts: { request: Duration.seconds(5), response: Duration.seconds(2) },
  rules: [
    { matches: [{ headers: [ValueMatch.exact('x-canary', 'true')] }], backends: [Backend.service('checkout-v2')] },
    { backends: [Backend.service('checkout', { weight: 90 }), Backend.service('checkout-v2', { weight: 10 })] },
  ],
});
// Cross-cluster failover: us-1's mirror stands by at weight 0.
new HttpRoute(fleet.routes, 'catalog', {
  namespace: 'shop',
  clusters: [eu1],
  service: { name: 'catalog', port: 8080 },
  rules: [
    {
      matches: [{ path: PathMatch.prefix('/v1/') }],
      backends: [Backend.service('catalog', { weight: 100 }), Backend.mirrored('catalog', us1, { weight: 0 })],
      timeout: Duration.seconds(3),
    },
    {
      matches: [{ path: PathMatch.prefix('/legacy/') }],
      redirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v1/' }, statusCode: 301 },
    },
  ],
});
// Served by whichever member cluster is healthy.
new GrpcRoute(fleet.routes, 'search', {
  namespace: 'shop',
  clusters: [eu1, eu2],
  service: { name: 'search', port: 9090 },
  retry: GrpcRetry.on(['unavailable', 'deadline-exceeded'], { limit: 3 }),
  rules: [{ matches: [{ method: { service: 'acme.search.v1.Search' } }], backends: [Backend.federated('search')] }],
});
// Blue/green for an opaque protocol.
new TcpRoute(fleet.routes, 'ledger', {
  namespace: 'shop',
  clusters: [dev1],
  service: { name: 'ledger', port: 7000 },
  backends: [Backend.service('ledger', { weight: 50 }), Backend.service('ledger-green', { weight: 50 })],
});

export default fleet;

if (isMainModule(import.meta.url)) runApp(fleet);
