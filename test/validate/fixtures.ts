// Objects as meshfleet emits them (docs/reference/), shared by the validate tests.
import type { KubeObject } from '../../lib/validate/index.ts';

/** The identity issuer Certificate of docs/reference/identities.md. */
export function identityIssuerCertificate(): KubeObject {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: 'linkerd-identity-issuer', namespace: 'linkerd' },
    spec: {
      secretName: 'linkerd-identity-issuer',
      isCA: true,
      duration: '48h',
      renewBefore: '25h',
      commonName: 'identity.linkerd.cluster.local',
      dnsNames: ['identity.linkerd.cluster.local'],
      privateKey: { algorithm: 'ECDSA', size: 256 },
      usages: ['cert sign', 'crl sign', 'server auth', 'client auth'],
      issuerRef: { name: 'linkerd-trust-anchor', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    },
  };
}

/** A gateway-mode Link on the source cluster, named after the target (docs/reference/multicluster.md). */
export function gatewayLink(target = 'us-1'): KubeObject {
  return {
    apiVersion: 'multicluster.linkerd.io/v1alpha3',
    kind: 'Link',
    metadata: { name: target, namespace: 'linkerd-multicluster' },
    spec: {
      targetClusterName: target,
      targetClusterDomain: 'cluster.local',
      targetClusterLinkerdNamespace: 'linkerd',
      clusterCredentialsSecret: `cluster-credentials-${target}`,
      gatewayAddress: '203.0.113.10',
      gatewayPort: '4143',
      gatewayIdentity: 'linkerd-gateway.linkerd-multicluster.serviceaccount.identity.linkerd.cluster.local',
      probeSpec: { path: '/ready', port: '4191', period: '3s' },
      selector: { matchLabels: { 'mirror.linkerd.io/exported': 'true' } },
      remoteDiscoverySelector: { matchLabels: { 'mirror.linkerd.io/exported': 'remote-discovery' } },
      federatedServiceSelector: { matchLabels: { 'mirror.linkerd.io/federated': 'member' } },
    },
  };
}

export function linkerdServer(port: number | string = 8080): KubeObject {
  return {
    apiVersion: 'policy.linkerd.io/v1beta3',
    kind: 'Server',
    metadata: { name: 'web-http', namespace: 'app' },
    spec: {
      podSelector: { matchLabels: { app: 'web' } },
      port,
      proxyProtocol: 'HTTP/1',
      accessPolicy: 'all-authenticated',
    },
  };
}

export function meshNamespace(name = 'linkerd'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        'linkerd.io/is-control-plane': 'true',
        'config.linkerd.io/admission-webhooks': 'disabled',
        'linkerd.io/control-plane-ns': 'linkerd',
        'pod-security.kubernetes.io/enforce': 'privileged',
      },
      annotations: { 'linkerd.io/inject': 'disabled' },
    },
  };
}

/** A GAMMA HTTPRoute splitting traffic to a mirrored service (docs/reference/routes-and-policy.md). */
export function meshHttpRoute(): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web-split', namespace: 'app', annotations: { 'retry.linkerd.io/http': '5xx', 'retry.linkerd.io/limit': '2' } },
    spec: {
      parentRefs: [{ group: 'core', kind: 'Service', name: 'web', port: 80 }],
      rules: [{ backendRefs: [{ name: 'web', port: 80, weight: 90 }, { name: 'web-us-1', port: 80, weight: 10 }] }],
    },
  };
}

/** One realistic cluster's worth of objects (27), for the speed measurement. */
export function clusterObjects(index: number): KubeObject[] {
  const objects: KubeObject[] = [meshNamespace('linkerd'), meshNamespace('linkerd-multicluster'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } }];
  objects.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'linkerd-identity-trust-roots', namespace: 'linkerd' },
    data: { 'ca-bundle.crt': '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n' },
  });
  objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'linkerd-service-mirror-remote-access-default', namespace: 'linkerd-multicluster' } });
  objects.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'linkerd-service-mirror-remote-access-default' },
    rules: [{ apiGroups: [''], resources: ['services', 'endpoints'], verbs: ['get', 'list', 'watch'] }],
  });
  objects.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'linkerd-service-mirror-remote-access-default' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'linkerd-service-mirror-remote-access-default' },
    subjects: [{ kind: 'ServiceAccount', name: 'linkerd-service-mirror-remote-access-default', namespace: 'linkerd-multicluster' }],
  });
  objects.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `web-c${index}`, namespace: 'app' },
    spec: { ports: [{ port: 80, targetPort: 8080, appProtocol: 'http' }], selector: { app: 'web' } },
  });
  objects.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'app' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' }, annotations: { 'linkerd.io/inject': 'enabled' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
      },
    },
  });
  objects.push(identityIssuerCertificate());
  for (const webhook of ['linkerd-proxy-injector', 'linkerd-sp-validator', 'linkerd-policy-validator']) {
    objects.push({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: webhook, namespace: 'linkerd' },
      spec: {
        secretName: `${webhook}-k8s-tls`,
        commonName: `${webhook}.linkerd.svc`,
        dnsNames: [`${webhook}.linkerd.svc`],
        usages: ['server auth'],
        privateKey: { algorithm: 'ECDSA' },
        issuerRef: { name: 'webhook-issuer', kind: 'Issuer' },
      },
    });
  }
  objects.push({ apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'webhook-issuer', namespace: 'linkerd' }, spec: { ca: { secretName: 'webhook-issuer-tls' } } });
  for (const target of ['us-1', 'us-2', 'eu-2']) objects.push(gatewayLink(target));
  for (let server = 0; server < 4; server++) {
    const object = linkerdServer(8080 + server);
    objects.push({ ...object, metadata: { ...object.metadata, name: `web-${server}` } });
  }
  for (let route = 0; route < 4; route++) {
    const object = meshHttpRoute();
    objects.push({ ...object, metadata: { ...object.metadata, name: `web-split-${route}` } });
  }
  objects.push({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: `mesh-c${index}`, namespace: 'argocd', annotations: { 'argocd.argoproj.io/sync-wave': '-1' } },
    spec: {
      project: 'default',
      source: { repoURL: 'https://git.example.com/platform/mesh.git', path: `charts-out/prod/c${index}/mesh`, targetRevision: 'main' },
      destination: { server: `https://c${index}.example.com`, namespace: 'linkerd' },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true', 'RespectIgnoreDifferences=true'] },
    },
  });
  objects.push({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'cluster-credentials-us-1', namespace: 'linkerd-multicluster' },
    spec: {
      secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
      target: { name: 'cluster-credentials-us-1', template: { type: 'mirror.linkerd.io/remote-kubeconfig' } },
      data: [{ secretKey: 'kubeconfig', remoteRef: { key: 'mesh/us-1/kubeconfig' } }],
    },
  });
  return objects;
}
