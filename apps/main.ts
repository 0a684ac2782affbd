// The example fleet in TypeScript: the cdk8s app that `npm run synth` and `cdk8s synth` run.
// apps/fleet.yaml describes the same fleet as a fleet file.
import { App, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import {
  AnchorIssuer,
  Caller,
  Delivery,
  Fleet,
  GitRepo,
  isMainModule,
  LinkMode,
  LinkTopology,
  MeshDelivery,
  MeshedWorkload,
  RoutePolicy,
  runApp,
  TrustAnchor,
  type MeshedWorkloadProps,
  type ProxyProtocol,
  AppProtocol,
  Backend,
  GatewayApi,
  GrpcRetry,
  GrpcRoute,
  HttpRetry,
  HttpRoute,
  ServiceDeclaration,
  PathMatch,
  RetryStatus,
  TcpRoute,
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
  // GitOps: where charts-out/ is committed, and who applies it. Argo CD app-of-apps per environment
  // (generator 'list' or 'clusters' for one ApplicationSet); prod is Flux's (below).
  delivery: Delivery.argocd({
    repo: GitRepo.branch('main', { url: 'https://git.acme.example/platform/mesh.git', path: 'charts-out' }),
    project: 'mesh',
  }),
});

const dev = fleet.addEnvironment('dev', {
  linkerd: 'edge-26.8.3',
  kubernetes: '1.34',
  // Audit mode: see what would be denied before enforcing.
  proxy: { logLevel: 'debug', defaultInboundPolicy: 'audit' },
  // Experimental channel: dev-1 has a TCPRoute.
  gatewayAPI: GatewayApi.override({ version: '1.5.1' }),
});
const staging = fleet.addEnvironment('staging', {
  linkerd: '2.19',
  kubernetes: '1.32',
  // Installed by the cloud provider.
  gatewayAPI: GatewayApi.external({ version: '1.2.1', channel: 'standard' }),
  // The versioned mesh charts, packaged (meshfleet package) and pushed to a registry; Argo CD asks for each chart's version.
  delivery: Delivery.override({ mesh: MeshDelivery.chartRepository('oci://registry.acme.example/mesh') }),
});
const prod = fleet.addEnvironment('prod', {
  // A management cluster's Flux, following the "prod" tag (promote by moving it).
  // Each cluster's mesh objects as Helm releases of its mesh/ chart, read from the Git folder.
  delivery: Delivery.flux({ repo: GitRepo.tag('prod'), interval: '5m', mesh: MeshDelivery.gitChart() }),
  ha: true,
  // What the clusters run today.
  gatewayAPI: GatewayApi.override({ current: { version: '1.2.1', channel: 'standard' } }),
  proxy: { resources: { cpu: { request: '100m' }, memory: { request: '64Mi', limit: '256Mi' } } },
  controlPlane: { values: { controllerLogFormat: 'json' } },
});
// Dev before staging: staging's root waits for dev's.
fleet.setRolloutOrder(dev, staging);

const dev1 = fleet.addCluster('dev-1', {
  environment: dev,
  network: 'dev',
  podCIDR: '10.0.0.0/16',
  serviceCIDR: '10.1.0.0/16',
  apiServer: 'https://dev-1.k8s.acme.example:6443',
  delivery: { argocd: { server: 'https://dev-1.k8s.acme.example:6443' } },
});
fleet.addCluster('staging-1', {
  environment: staging,
  network: 'staging',
  podCIDR: '10.2.0.0/16',
  serviceCIDR: '10.3.0.0/16',
  apiServer: 'https://staging-1.k8s.acme.example:6443',
  proxy: { opaquePorts: [25, 3306, 5432, '4000-4010'] },
});
const eu1 = fleet.addCluster('eu-1', {
  environment: prod,
  network: 'eu',
  podCIDR: '10.10.0.0/16',
  serviceCIDR: '10.11.0.0/16',
  apiServer: 'https://eu-1.k8s.acme.example:6443',
  // The gateway LoadBalancer's address, once it exists.
  gateway: { address: '203.0.113.11' },
});
const eu2 = fleet.addCluster('eu-2', {
  environment: prod,
  network: 'eu',
  podCIDR: '10.20.0.0/16',
  serviceCIDR: '10.21.0.0/16',
  apiServer: 'https://eu-2.k8s.acme.example:6443',
  gateway: { address: '203.0.113.12' },
});
const us1 = fleet.addCluster('us-1', {
  environment: prod,
  network: 'us',
  linkerd: '2.18',
  kubernetes: '1.31',
  podCIDR: '100.72.0.0/16',
  serviceCIDR: '198.18.0.0/20',
  apiServer: 'https://us-1.k8s.acme.example:6443',
  gateway: {
    address: 'gw.us-1.acme.example',
    serviceAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing' },
  },
  delivery: { flux: { kubeConfigSecret: 'us-1-admin-kubeconfig' } },
  // Linkerd 2.18 installed the CRDs; meshfleet takes them over.
  gatewayAPI: GatewayApi.linkerdLegacy({ migration: 'adopt', current: { version: '1.1.1', channel: 'experimental' } }),
});
const us2 = fleet.addCluster('us-2', {
  environment: prod,
  network: 'us',
  podCIDR: '100.73.0.0/16',
  serviceCIDR: '198.18.16.0/20',
  apiServer: 'https://us-2.k8s.acme.example:6443',
  delivery: { flux: { kubeConfigSecret: 'us-2-admin-kubeconfig' } },
});
prod.overrideCluster(eu2, { controlPlane: { values: { controllerReplicas: 5 } } });

// One flat network per region (pod to pod, identity end to end); gateways across regions.
fleet.addLinks(
  LinkTopology.fullMesh([eu1, eu2], LinkMode.flat()),
  LinkTopology.fullMesh([us1, us2], LinkMode.flat()),
  LinkTopology.hubAndSpoke(us1, [eu1, eu2], LinkMode.gateway()),
);
fleet
  .exportService({ name: 'inventory', namespace: 'shop', cluster: us2, export: 'remote-discovery', consumers: [us1] })
  .exportService({ name: 'pricing', namespace: 'shop', cluster: us1, export: 'remote-discovery', consumers: [us2] });

// Namespaces: meshfleet writes the first two (meshed, annotated); the others belong to other tools
// and are declared so that policies can name their service accounts.
fleet
  .addNamespace('shop', {
    clusters: [dev1, eu1, eu2, us1, us2],
    serviceAccounts: ['web', 'checkout', 'orders', 'catalog', 'inventory', 'pricing'],
  })
  // Audit mode for a namespace being brought under policy: see what would be denied first.
  .addNamespace('payments', { clusters: [eu1, eu2], defaultInboundPolicy: 'audit' })
  .addNamespace('ingress-nginx', { clusters: [dev1, eu1, eu2], manage: false, serviceAccounts: ['ingress-nginx'] })
  .addNamespace('monitoring', { manage: false, serviceAccounts: ['prometheus'] })
  .addNamespace('ops', { clusters: [eu1, eu2], manage: false });

// Services declared directly (the same entries a fleet file has).
fleet
  .addMeshService('inventory', {
    namespace: 'shop',
    clusters: [us2],
    serviceAccount: 'inventory',
    ports: [{ name: 'http', port: 8080, protocol: 'HTTP/1' }],
    // us-1 is flat-linked: catalog keeps its own identity.
    allow: [Caller.serviceAccount('catalog', { clusters: [us1] })],
    // Audit mode for one server.
    accessPolicy: 'audit',
  })
  .addMeshService('payments', {
    namespace: 'payments',
    clusters: [eu1, eu2],
    serviceAccount: 'payments',
    ports: [{ name: 'http', port: 8080, protocol: 'HTTP/2' }],
    allow: [Caller.serviceAccount('checkout', { namespace: 'shop' })],
  })
  // See the traffic that leaves the clusters; shop pods in eu may reach only what a route names.
  .addEgressNetwork('external', { trafficPolicy: 'Allow' })
  .addEgressNetwork('shop-egress', { namespace: 'shop', clusters: [eu1, eu2], trafficPolicy: 'Deny' });

/** A Deployment and its Service as an application team writes them, meshed in one call. */
function meshedService(
  scope: Construct,
  name: string,
  ports: Readonly<Record<string, { port: number; protocol: ProxyProtocol }>>,
  mesh: Omit<MeshedWorkloadProps, 'workload' | 'service' | 'protocols'>,
): void {
  const serviceAccount = new kplus.ServiceAccount(scope, `${name}-sa`, { metadata: { name } });
  // Pods selected by a label of our own, so that the policy is the same on every cluster.
  const workload = new kplus.Deployment(scope, name, {
    metadata: { name },
    select: false,
    podMetadata: { labels: { app: name } },
    serviceAccount,
    containers: [
      {
        image: `ghcr.io/acme/${name}:1.4.0`,
        ports: Object.entries(ports).map(([portName, p]) => ({ name: portName, number: p.port })),
        securityContext: { user: 10001, group: 10001 },
      },
    ],
  });
  workload.select(kplus.LabelSelector.of({ labels: { app: name } }));
  const service = new kplus.Service(scope, `${name}-service`, {
    metadata: { name },
    selector: workload,
    ports: Object.entries(ports).map(([portName, p]) => ({ name: portName, port: p.port })),
  });
  const protocols = Object.fromEntries(Object.entries(ports).map(([portName, p]) => [portName, p.protocol]));
  new MeshedWorkload(scope, `${name}-mesh`, { workload, service, protocols, ...mesh });
}

// The shop application on dev and in eu: each cluster gets it in app-shop.yaml of its mesh chart.
fleet.addApp('shop', { clusters: [dev1, eu1, eu2], namespace: 'shop' }, (scope, cluster) => {
  const inEu = cluster !== dev1.name;
  meshedService(scope, 'web', { http: { port: 8080, protocol: 'HTTP/1' } }, {
    proxy: { cpuRequest: '50m', memoryLimit: '128Mi' },
    policy: {
      allow: [Caller.serviceAccount('ingress-nginx', { namespace: 'ingress-nginx' })],
      rateLimits: { http: { total: 1000, identity: 100, overrides: [{ requestsPerSecond: 500, clients: [{ serviceAccount: 'ingress-nginx', namespace: 'ingress-nginx' }] }] } },
    },
  });
  // Callers use checkout-federated, which spans eu-1 and eu-2.
  meshedService(scope, 'checkout', { grpc: { port: 9090, protocol: 'gRPC' } }, {
    federated: inEu,
    policy: { allow: [Caller.serviceAccount('web')] },
  });
  meshedService(scope, 'orders', { grpc: { port: 9090, protocol: 'gRPC' }, metrics: { port: 9102, protocol: 'HTTP/1' } }, {
    export: inEu ? { mode: 'gateway', consumers: [us1] } : undefined,
    policy: {
      allow: [Caller.serviceAccount('prometheus', { namespace: 'monitoring', ports: ['metrics'] })],
      // Route-level policy: the routes are inbound (their parent is the orders-grpc Server).
      routes: [
        RoutePolicy.grpcRoute('orders-api', { allow: [Caller.serviceAccount('checkout'), Caller.serviceAccount('catalog', { clusters: [us1] })] }),
        RoutePolicy.grpcRoute('orders-admin', { allow: [Caller.namespace('ops')] }),
      ],
    },
  });
});

// The catalog application on us-1, exported through its gateway.
fleet.addApp('catalog', { clusters: [us1], namespace: 'shop' }, (scope) => {
  meshedService(scope, 'catalog', { http: { port: 8080, protocol: 'HTTP/1' } }, {
    export: 'gateway',
    policy: {
      // eu callers come through the gateway (a warning says so); us-2 is on us-1's flat network.
      allow: [Caller.serviceAccount('web', { clusters: [eu1, eu2] }), Caller.cluster(us2)],
    },
  });
});

// A federated service for the search GrpcRoute below.
fleet.federateService({ name: 'search', namespace: 'shop', clusters: [eu1, eu2] });

// meshfleet writes this Service (it has a selector).
new ServiceDeclaration(fleet.services, 'ledger', { namespace: 'shop', clusters: [dev1], selector: { app: 'ledger' }, ports: [{ port: 7000, protocol: AppProtocol.opaque() }] });
// Declared in the application's own Service; checked here.
new ServiceDeclaration(fleet.services, 'checkout', { namespace: 'shop', environments: [staging, prod], ports: [{ port: 8080, protocol: AppProtocol.http() }] });
new ServiceDeclaration(fleet.services, 'search', { namespace: 'shop', clusters: [eu1, eu2], ports: [{ port: 9090, protocol: AppProtocol.h2c() }] });

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
