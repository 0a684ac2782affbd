// The fleet as a cdk8s app. `npx meshfleet synth` (or `npx cdk8s synth`) writes charts-out/; commit it.
// See README.md before the first deployment.
import { App } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AnchorIssuer, Caller, Fleet, isMainModule, MeshedWorkload, runApp, TrustAnchor } from 'meshfleet';

const app = new App();
const fleet = new Fleet(app, '{{name}}', {
  // Public certificate only: a placeholder until you replace it (README.md).
  trustAnchor: TrustAnchor.fromFile('trust/anchor.crt'),
  // The anchor's key stays in your secret store; External Secrets brings it to cert-manager.
  anchorIssuer: AnchorIssuer.externalSecret({ store: 'secret-store', storeKind: 'ClusterSecretStore', remoteKey: 'linkerd/trust-anchor' }),
  // kubernetes: the minor version your clusters run.
  defaults: { linkerd: '{{linkerd}}', kubernetes: '{{kubernetes}}' },
});

// Constructs are passed as objects: the environment and cluster returned here go wherever one is named.
const dev = fleet.addEnvironment('dev');
const dev1 = fleet.addCluster('dev-1', { environment: dev });

// An application of your own, meshed: its objects go into the cluster's mesh chart (app-hello.yaml).
fleet.addNamespace('hello', { clusters: [dev1] });
fleet.addApp('hello', { clusters: [dev1], namespace: 'hello' }, (scope) => {
  const workload = new kplus.Deployment(scope, 'hello', {
    metadata: { name: 'hello' },
    containers: [{ image: 'ghcr.io/linkerd/hello:1.0.0', ports: [{ name: 'http', number: 8080 }], securityContext: { user: 10001, group: 10001 } }],
  });
  const service = new kplus.Service(scope, 'hello-service', { metadata: { name: 'hello' }, selector: workload, ports: [{ name: 'http', port: 8080 }] });
  new MeshedWorkload(scope, 'hello-mesh', { workload, service, protocols: { http: 'HTTP/1' }, policy: { allow: [Caller.namespace('hello')] } });
});

export default fleet;

if (isMainModule(import.meta.url)) runApp(fleet);
