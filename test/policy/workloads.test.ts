// Meshed workloads: an application team's cdk8s-plus Deployment and Service get their mesh behaviour
// in one call, and inside fleet.addApp their policy becomes fleet policy.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { fleetInput } from '../../lib/cli/load-input.ts';
import { placed, sourceLine } from '../support/source-line.ts';
import { AppProtocol, Caller, Credentials, Fleet, LinkMode, LinkTopology, MeshedWorkload, RoutePolicy, TrustAnchor, type MeshedWorkloadProps } from '../../lib/index.ts';
import { synthesize } from '../../lib/synth/synthesize.ts';
import { ANCHOR_PEM } from '../support/fleet.ts';

/** A Deployment with labelled pods and its Service, as an application team writes them. */
function workloadIn(scope: Chart, name = 'orders', ports: kplus.ServicePort[] = [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'metrics', port: 9102 }]) {
  const workload = new kplus.Deployment(scope, name, {
    metadata: { name },
    select: false,
    podMetadata: { labels: { app: name } },
    serviceAccount: kplus.ServiceAccount.fromServiceAccountName(scope, `${name}-sa`, name),
    containers: [{ image: 'ghcr.io/acme/orders:1', ports: [{ number: 8080, name: 'http' }, { number: 9102, name: 'metrics' }] }],
  });
  workload.select(kplus.LabelSelector.of({ labels: { app: name } }));
  const service = new kplus.Service(scope, `${name}-service`, { metadata: { name }, selector: workload, ports });
  return { workload, service };
}

const mesh = (props: Omit<MeshedWorkloadProps, 'workload' | 'service'>, withService = true) => {
  const chart = new Chart(new App(), 'app', { namespace: 'shop' });
  const { workload, service } = workloadIn(chart);
  new MeshedWorkload(chart, 'mesh', { workload, ...(withService ? { service } : {}), ...props });
  const objects = chart.toJson();
  return { deployment: objects.find((o: any) => o.kind === 'Deployment'), service: objects.find((o: any) => o.kind === 'Service') };
};

describe('MeshedWorkload', () => {
  it('injects the proxy and sets proxy overrides as pod template annotations', () => {
    const { deployment } = mesh({ proxy: { cpuRequest: '50m', memoryLimit: '128Mi', logLevel: 'warn,linkerd=info', logFormat: 'json', defaultInboundPolicy: 'audit', opaquePorts: [5432, '4000-4010'] } });
    expect(deployment.spec.template.metadata.annotations).toStrictEqual({
      'linkerd.io/inject': 'enabled',
      'config.linkerd.io/proxy-cpu-request': '50m',
      'config.linkerd.io/proxy-memory-limit': '128Mi',
      'config.linkerd.io/proxy-log-level': 'warn,linkerd=info',
      'config.linkerd.io/proxy-log-format': 'json',
      'config.linkerd.io/default-inbound-policy': 'audit',
      'config.linkerd.io/opaque-ports': '5432,4000-4010',
    });
    expect(mesh({ inject: false }).deployment.spec.template.metadata.annotations).toStrictEqual({ 'linkerd.io/inject': 'disabled' });
  });

  it('sets appProtocol on Service ports from their protocol, or as given', () => {
    const { service } = mesh({ protocols: { http: 'gRPC' }, appProtocols: { metrics: AppProtocol.http() } });
    expect(service.spec.ports).toStrictEqual([
      { name: 'http', port: 80, targetPort: 8080, appProtocol: 'kubernetes.io/h2c' },
      { name: 'metrics', port: 9102, appProtocol: 'http' },
    ]);
    const protocols = { a: 'HTTP/1', b: 'HTTP/2', c: 'gRPC', d: 'opaque', e: 'TLS', f: 'unknown' } as const;
    expect(Object.fromEntries(Object.entries(protocols).map(([k, p]) => [k, AppProtocol.forProxyProtocol(p)?.value]))).toStrictEqual({
      a: 'http', b: 'kubernetes.io/h2c', c: 'kubernetes.io/h2c', d: 'linkerd.io/opaque', e: 'linkerd.io/opaque', f: undefined,
    });
  });

  it('accepts only the appProtocols Linkerd reads; any other is opaque TCP by accident', () => {
    expect(AppProtocol.of('kubernetes.io/h2c')).toStrictEqual(AppProtocol.h2c());
    for (const value of ['grpc', 'h2c', 'HTTP', 'linkerd.io/tcp', 'https']) {
      expect(() => AppProtocol.of(value)).toThrow(`appProtocol ${JSON.stringify(value)} is not one Linkerd understands: it would be treated as opaque TCP. Fix: use "linkerd.io/opaque", "http", "kubernetes.io/h2c"`);
    }
    expect(() => mesh({ protocols: { http: 'gRPC' }, appProtocols: { http: AppProtocol.http() } })).toThrow(/port http is gRPC, which clients learn from appProtocol kubernetes.io\/h2c, but appProtocols says http/);
  });

  it('labels the Service for export and federation', () => {
    expect(mesh({ export: 'remote-discovery', federated: true }).service.metadata.labels).toStrictEqual({
      'mirror.linkerd.io/exported': 'remote-discovery',
      'mirror.linkerd.io/federated': 'member',
    });
  });

  it('throws early, with the value and the fix', () => {
    expect(() => mesh({ protocols: { grpc: 'gRPC' } })).toThrow('app/mesh: protocols names port "grpc", which Service orders does not have, so its Server would select no port. Fix: use one of "http", "metrics" or bind the port with that name');
    expect(() => mesh({ policy: { allow: [Caller.serviceAccount('web', { ports: ['admin'] })] } })).toThrow(/a caller names port "admin", which Service orders does not have/);
    expect(() => mesh({ policy: { rateLimits: { admin: { total: 1 } } } })).toThrow(/rateLimits names port "admin"/);
    expect(() => mesh({ policy: { allow: [] } })).toThrow('app/mesh: the policy of orders must be declared to a fleet. Fix: create the workload inside fleet.addApp(...), or declare the service with fleet.addMeshService');
    expect(() => mesh({ protocols: { http: 'HTTP/1' } }, false)).toThrow('app/mesh: protocols needs the workload\'s Service. Fix: pass service');
    expect(() => mesh({ proxy: { cpuRequest: 'lots' } })).toThrow('app/mesh: proxy cpuRequest "lots" is not a Kubernetes quantity. Fix: use a quantity such as "100m", "64Mi" or "1Gi"');
    expect(() => mesh({ proxy: { opaquePorts: ['10-5'] } })).toThrow(/opaque port "10-5" is not a port or range/);
    expect(() => Caller.network('10.0.0.0/40')).toThrow('Caller.network: "10.0.0.0/40" is not a CIDR. Fix: use CIDR notation such as "10.0.0.0/8" or "fd00::/8"');
    expect(() => RoutePolicy.httpRoute('r', { allow: [Caller.serviceAccount('web', { ports: ['http'] })] })).toThrow(/a route caller cannot name ports \(http\)/);
  });
});

describe('applications in a fleet', () => {
  function fleetWithApp(build: (f: Fleet) => void) {
    const fleet = new Fleet(new App(), 'acme', { trustAnchor: TrustAnchor.fromPem(ANCHOR_PEM), credentials: Credentials.external(), defaults: { linkerd: '2.20', kubernetes: '1.33' } });
    fleet.addEnvironment('prod');
    fleet.addCluster('a', { environment: 'prod', network: 'n', podCIDR: '10.1.0.0/16' });
    fleet.addCluster('b', { environment: 'prod', network: 'n', podCIDR: '10.2.0.0/16' });
    fleet.addLinks(LinkTopology.fullMesh(['a', 'b'], LinkMode.flat()));
    fleet.addNamespace('shop', { serviceAccounts: ['web'] });
    build(fleet);
    return fleet;
  }

  const fleet = fleetWithApp((f) =>
    f.addApp('shop', { clusters: ['a', 'b'], namespace: 'shop' }, (scope) => {
      const { workload, service } = workloadIn(scope);
      new MeshedWorkload(scope, 'orders-mesh', {
        workload,
        service,
        protocols: { http: 'HTTP/1' },
        export: { mode: 'remote-discovery', consumers: ['a', 'b'] },
        federated: true,
        policy: { allow: [Caller.serviceAccount('web'), Caller.namespace('shop', { ports: ['metrics'] })], rateLimits: { http: { total: 10 } } },
      });
    }),
  );

  it('declares the same entries a fleet file would, merged across clusters', () => {
    const spec = fleet.toDocument().spec;
    expect([spec.policy, spec.exports, spec.federatedServices]).toStrictEqual([
      {
        services: [
          {
            name: 'orders',
            namespace: 'shop',
            clusters: ['a', 'b'],
            podSelector: { app: 'orders' },
            serviceAccount: 'orders',
            ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'HTTP/1', rateLimit: { total: 10 } }, { name: 'metrics', port: 9102 }],
            allow: [{ serviceAccount: 'web' }, { namespace: 'shop', ports: ['metrics'] }],
          },
        ],
      },
      [
        { name: 'orders', namespace: 'shop', cluster: 'a', export: 'remote-discovery', consumers: ['a', 'b'] },
        { name: 'orders', namespace: 'shop', cluster: 'b', export: 'remote-discovery', consumers: ['a', 'b'] },
      ],
      [{ name: 'orders', namespace: 'shop', clusters: ['a', 'b'] }],
    ]);
  });

  it('writes the application to app-<name>.yaml of each cluster, next to its policy', () => {
    const result = synthesize(fleetInput(fleet), { dryRun: true });
    for (const cluster of result.rendered.clusters) {
      const files = Object.fromEntries(cluster.objectFiles.map((f) => [f.name, f.objects.map((o) => `${o.kind}/${o.metadata.name}`)]));
      expect(files['app-shop.yaml']).toStrictEqual(['Deployment/orders', 'Service/orders']);
      expect(files['policy.yaml']).toStrictEqual([
        'Namespace/shop',
        'Server/orders-http', 'Server/orders-metrics',
        'MeshTLSAuthentication/orders-http-identities', 'AuthorizationPolicy/orders-http-identities',
        'MeshTLSAuthentication/orders-metrics-identities', 'AuthorizationPolicy/orders-metrics-identities',
        'HTTPLocalRateLimitPolicy/orders-http',
      ]);
      // The Server selects the pods' port, which the Service maps from its own.
      expect(cluster.objects.find((o) => o.kind === 'Server' && o.metadata.name === 'orders-http')).toMatchObject({ spec: { port: 8080, proxyProtocol: 'HTTP/1' } });
    }
  });

  it('names the construct that declared a service in messages', () => {
    const bad = fleetWithApp((f) =>
      f.addApp('shop', { clusters: ['a'], namespace: 'shop' }, (scope) => {
        const { workload, service } = workloadIn(scope);
        new MeshedWorkload(scope, 'orders-mesh', { workload, service, policy: { allow: [Caller.serviceAccount('nobody')] } });
      }),
    );
    // The user's line that made the workload, then the construct.
    const at = sourceLine(import.meta.url, "new MeshedWorkload(scope, 'orders-mesh', { workload, service, policy: { allow: [Caller.serviceAccount('nobody')] } })");
    expect(() => synthesize(fleetInput(bad), { dryRun: true })).toThrow(
      placed('error MF5024 /spec/policy/services/0/allow/0/serviceAccount ({at}, construct acme/apps/shop/a/orders-mesh): no service account "nobody" in namespace shop on cluster a', at),
    );
  });

  it('keeps per-cluster differences as entries of their own', () => {
    const differing = fleetWithApp((f) =>
      f.addApp('shop', { clusters: ['a', 'b'], namespace: 'shop' }, (scope, cluster) => {
        const { workload, service } = workloadIn(scope);
        new MeshedWorkload(scope, 'orders-mesh', { workload, service, policy: { allow: [Caller.serviceAccount('web')], accessPolicy: cluster === 'a' ? 'audit' : undefined } });
      }),
    );
    expect(differing.toDocument().spec.policy!.services!.map((s) => [s.clusters, s.accessPolicy])).toStrictEqual([[['a'], 'audit'], [['b'], undefined]]);
  });

  it('throws for an application on a cluster the fleet does not have', () => {
    const stray = fleetWithApp((f) => f.addApp('shop', { clusters: ['a', 'zz'] }, () => {}));
    // Named at the addApp call: the cluster could still have been added after it.
    const at = sourceLine(import.meta.url, "f.addApp('shop', { clusters: ['a', 'zz'] }");
    expect(() => stray.toDocument()).toThrow(
      placed('{at}: acme/apps/shop/zz: application shop runs on cluster "zz", which the fleet does not have. Fix: add the cluster with fleet.addCluster, or remove it from the application\'s clusters', at),
    );
  });
});
