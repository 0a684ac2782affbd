// The example fleet in TypeScript: the cdk8s app that `npm run synth` and `cdk8s synth` run.
// apps/fleet.yaml describes the same fleet as a fleet file.
import { App } from 'cdk8s';
import { AnchorIssuer, Fleet, isMainModule, LinkMode, LinkTopology, runApp, TrustAnchor } from '../lib/index.ts';

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
  },
  // GitOps: where charts-out/ is committed, and who applies it. Argo CD app-of-apps per environment
  // (generator 'list' or 'clusters' for one ApplicationSet), dev before staging; prod is Flux's (below).
  delivery: {
    engine: 'argocd',
    repo: { url: 'https://git.acme.example/platform/mesh.git', branch: 'main', path: 'charts-out' },
    argocd: { project: 'mesh' },
    rollout: ['dev', 'staging'],
  },
});

fleet.addEnvironment('dev', {
  linkerd: 'edge-26.8.3',
  kubernetes: '1.34',
  // Audit mode: see what would be denied before enforcing.
  proxy: { logLevel: 'debug', defaultInboundPolicy: 'audit' },
});
fleet.addEnvironment('staging', { linkerd: '2.19', kubernetes: '1.32' });
const prod = fleet.addEnvironment('prod', {
  // A management cluster's Flux, following the "prod" tag (promote by moving it).
  delivery: { engine: 'flux', repo: { tag: 'prod' }, flux: { interval: '5m' } },
  ha: true,
  proxy: { resources: { cpu: { request: '100m' }, memory: { request: '64Mi', limit: '256Mi' } } },
  controlPlane: { values: { controllerLogFormat: 'json' } },
});

fleet.addCluster('dev-1', {
  environment: 'dev',
  network: 'dev',
  podCIDR: '10.0.0.0/16',
  serviceCIDR: '10.1.0.0/16',
  apiServer: 'https://dev-1.k8s.acme.example:6443',
  delivery: { argocd: { server: 'https://dev-1.k8s.acme.example:6443' } },
});
fleet.addCluster('staging-1', {
  environment: 'staging',
  network: 'staging',
  podCIDR: '10.2.0.0/16',
  serviceCIDR: '10.3.0.0/16',
  apiServer: 'https://staging-1.k8s.acme.example:6443',
  proxy: { opaquePorts: [25, 3306, 5432, '4000-4010'] },
});
fleet.addCluster('eu-1', {
  environment: 'prod',
  network: 'eu',
  podCIDR: '10.10.0.0/16',
  serviceCIDR: '10.11.0.0/16',
  apiServer: 'https://eu-1.k8s.acme.example:6443',
  // The gateway LoadBalancer's address, once it exists.
  gateway: { address: '203.0.113.11' },
});
const eu2 = fleet.addCluster('eu-2', {
  environment: 'prod',
  network: 'eu',
  podCIDR: '10.20.0.0/16',
  serviceCIDR: '10.21.0.0/16',
  apiServer: 'https://eu-2.k8s.acme.example:6443',
  gateway: { address: '203.0.113.12' },
});
fleet.addCluster('us-1', {
  environment: 'prod',
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
});
fleet.addCluster('us-2', {
  environment: 'prod',
  network: 'us',
  podCIDR: '100.73.0.0/16',
  serviceCIDR: '198.18.16.0/20',
  apiServer: 'https://us-2.k8s.acme.example:6443',
  delivery: { flux: { kubeConfigSecret: 'us-2-admin-kubeconfig' } },
});
prod.overrideCluster(eu2, { controlPlane: { values: { controllerReplicas: 5 } } });

// One flat network per region (pod to pod, identity end to end); gateways across regions.
fleet.addLinks(
  LinkTopology.fullMesh(['eu-1', 'eu-2'], LinkMode.flat()),
  LinkTopology.fullMesh(['us-1', 'us-2'], LinkMode.flat()),
  LinkTopology.hubAndSpoke('us-1', ['eu-1', 'eu-2'], LinkMode.gateway()),
);
// Callers use checkout-federated.
fleet.federateService({ name: 'checkout', namespace: 'shop', clusters: ['eu-1', 'eu-2'] });
fleet
  .exportService({ name: 'catalog', namespace: 'shop', cluster: 'us-1', export: 'gateway' })
  .exportService({ name: 'orders', namespace: 'shop', cluster: 'eu-1', export: 'gateway', consumers: ['us-1'] })
  .exportService({ name: 'orders', namespace: 'shop', cluster: 'eu-2', export: 'gateway', consumers: ['us-1'] })
  .exportService({ name: 'inventory', namespace: 'shop', cluster: 'us-2', export: 'remote-discovery', consumers: ['us-1'] })
  .exportService({ name: 'pricing', namespace: 'shop', cluster: 'us-1', export: 'remote-discovery', consumers: ['us-2'] });

export default fleet;

if (isMainModule(import.meta.url)) runApp(fleet);
