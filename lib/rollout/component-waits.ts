// The units a delivery component applies, each with its waits and what it provides: the objects of
// a mesh part or the routes folder, or an upstream chart taken as one unit (meshfleet does not see
// its objects, so the facts are read from its values and from the chart templates of each release:
// linkerd2 charts/linkerd-control-plane and multicluster/charts/linkerd-multicluster).
import { channelOfSourcePath } from '../compat/gateway-api.ts';
import type { UpstreamChart } from '../compat/upstream-values.ts';
import { HELM_STORAGE_NAMESPACE, type Component } from '../constructs/delivery/components.ts';
import type { KubeObject } from '../model/kube-object.ts';
import type { RenderedCluster } from '../output/rendered-cluster.ts';
import { ClusterFacts, type Provision, type Wait } from './facts.ts';
import { fileWaits, objectRef, PROXY_INJECTOR } from './object-waits.ts';

export interface Unit {
  /** "HTTPRoute shop/checkout", or "chart linkerd-control-plane". */
  readonly id: string;
  /** Output file the unit comes from, relative to charts-out/. */
  readonly file: string;
  readonly waits: readonly Wait[];
  readonly provides: readonly Provision[];
  readonly object?: KubeObject;
}

type Json = Record<string, any>;

/** CRD groups the Gateway API bundle and linkerd-crds install. */
export const GATEWAY_API_GROUPS = ['gateway.networking.k8s.io', 'gateway.networking.x-k8s.io'];
const LINKERD_CRD_GROUPS = ['policy.linkerd.io', 'linkerd.io', 'workload.linkerd.io'];
export const LINK_CRD_GROUP = 'multicluster.linkerd.io';

/** The webhook Secrets the control plane chart mounts when a webhook's externalSecret is set. */
const WEBHOOK_SECRETS: Readonly<Record<string, string>> = {
  proxyInjector: 'linkerd-proxy-injector-k8s-tls',
  profileValidator: 'linkerd-sp-validator-k8s-tls',
  policyValidator: 'linkerd-policy-validator-k8s-tls',
};

/**
 * An emitted object as a unit. Its id is made when read (messages and plan read it; a synth without
 * errors reads none of ~60,000 at 1000 clusters); its file is its output file's, shared.
 */
class ObjectUnit implements Unit {
  constructor(
    readonly object: KubeObject,
    readonly file: string,
    readonly waits: readonly Wait[],
    readonly provides: readonly Provision[],
  ) {}

  get id(): string {
    return objectRef(this.object);
  }
}

/** `facts`: the cluster's facts, shared by all its components' units (one per cluster and model). */
export function componentUnits(component: Component, rendered: RenderedCluster, facts = new ClusterFacts(rendered.cluster.name)): Unit[] {
  const cluster = rendered.cluster.name;
  switch (component.kind) {
    case 'gateway-api':
      return [{ id: 'Gateway API CRDs', file: component.source.kind === 'vendored' ? component.source.path : `gateway-api ${component.source.ref} ${channelOfSourcePath(component.source.path)}`, waits: [], provides: GATEWAY_API_GROUPS.map((g) => facts.provision('crd', g, 'applied')) }];
    case 'mesh': {
      // From the chart, the same objects: its templates are the manifests' files, selected by `files`.
      const folder = component.chart?.from === 'git' ? `${component.chart.path}/templates` : component.manifestsPath;
      const files = component.name === 'routes' ? rendered.routeFiles : rendered.objectFiles;
      const chosen = component.files ? files.filter((f) => component.files!.includes(f.name)) : files;
      const units: Unit[] = [];
      for (const f of chosen) {
        const file = `${folder}/${f.name}`;
        const waits = fileWaits(f.objects, facts);
        for (let i = 0; i < f.objects.length; i++) units.push(new ObjectUnit(f.objects[i], file, waits[i].waits, waits[i].provides));
      }
      // A Flux HelmRelease: Helm writes the release record before any object, so its namespace must exist.
      const record = component.chart && component.storageNamespace ? releaseRecordWait(component.storageNamespace, facts) : [];
      if (record.length) units.push({ id: `Helm release ${component.name} of chart ${component.chart!.name} ${component.chart!.version}`, file: folder, waits: record, provides: [] });
      return units;
    }
    case 'upstream-chart': {
      const { waits, provides } = chartWaits(component.chart, component.values, component.namespace, cluster, component.storageNamespace, facts);
      return [{ id: `chart ${component.chart} ${component.version}`, file: component.valuesFile, waits, provides }];
    }
  }
}

/** The namespace of a Helm release record, unless it is one every cluster has. */
function releaseRecordWait(storageNamespace: string, facts: ClusterFacts): Wait[] {
  return storageNamespace === HELM_STORAGE_NAMESPACE ? [] : [facts.wait('namespace', storageNamespace, 'apply')];
}

/**
 * What an upstream chart release waits on and provides, from its values. Its objects and its release
 * record go to `namespace` unless the record goes to `storageNamespace`.
 */
export function chartWaits(chart: UpstreamChart, chartValues: Readonly<Record<string, unknown>>, namespace: string, cluster: string, storageNamespace = namespace, facts = new ClusterFacts(cluster)): { waits: Wait[]; provides: Provision[] } {
  const values = chartValues as Json;
  const waits: Wait[] = releaseRecordWait(storageNamespace, facts);
  const provides: Provision[] = [facts.provision('ready', `chart ${chart}`, 'ready')];
  switch (chart) {
    case 'linkerd-crds':
      for (const g of LINKERD_CRD_GROUPS) provides.push(facts.provision('crd', g, 'applied'));
      if (values.installGatewayAPI === true) for (const g of GATEWAY_API_GROUPS) provides.push(facts.provision('crd', g, 'applied'));
      break;
    case 'linkerd-control-plane':
      for (const g of LINKERD_CRD_GROUPS.slice(0, 2)) waits.push(facts.wait('crd', g, 'apply'));
      // scheme kubernetes.io/tls: the identity controller mounts the Secret cert-manager makes.
      if (values.identity?.issuer?.scheme === 'kubernetes.io/tls') waits.push(facts.wait('secret', `${namespace}/linkerd-identity-issuer`, 'ready'));
      for (const [key, secret] of Object.entries(WEBHOOK_SECRETS)) {
        if (values[key]?.externalSecret) waits.push(facts.wait('secret', `${namespace}/${secret}`, 'ready'));
      }
      provides.push(facts.provision('webhook', PROXY_INJECTOR, 'ready'));
      break;
    case 'linkerd-multicluster': {
      // Its gateway and controllers are meshed pods; its gateway Server and policy need linkerd-crds.
      waits.push(facts.wait('crd', 'policy.linkerd.io', 'apply'), facts.wait('webhook', PROXY_INJECTOR, 'ready'));
      provides.push(facts.provision('crd', LINK_CRD_GROUP, 'applied'));
      // templates/remote-access-service-mirror-rbac.yaml: a token Secret per remote-access ServiceAccount.
      const names = values.remoteMirrorServiceAccount ? [values.remoteMirrorServiceAccountName ?? []].flat() : [];
      for (const sa of names as string[]) provides.push(facts.provision('secret', `${namespace}/${sa}-token`, 'applied'));
      break;
    }
  }
  return { waits, provides };
}
