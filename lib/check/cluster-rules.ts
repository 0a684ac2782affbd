// Rules over each resolved cluster: versions against the compat table, control plane overrides
// against the upstream chart, network ranges. Paths point at the layer that set the value.
import { compareVersions, inRange, supportedKubernetes } from '../compat/linkerd-releases.ts';
import { upstreamKeys } from '../compat/upstream-values.ts';
import { error, show, type Diagnostic } from '../model/diagnostics.ts';
import { originOf } from '../model/merge.ts';
import type { ResolvedCluster } from '../resolve/resolve.ts';
import { overlaps, parseCidr } from '../model/cidr.ts';
import { unknownControllerKeys, unknownValueKeys, upstreamValueProblems } from './upstream-values.ts';

/** Native sidecars (KEP-753) are on by default from Kubernetes 1.29. */
const NATIVE_SIDECAR_MIN_KUBERNETES = '1.29';

/**
 * Control plane values meshfleet owns: identity and webhook certificates come from cert-manager and
 * Gateway API CRDs are never installed by Linkerd. Overriding them would put keys in git or cause drift.
 */
const OWNED_VALUES: readonly string[] = [
  '/identityTrustAnchorsPEM',
  '/identityTrustDomain',
  '/identity/issuer',
  '/identity/externalCA',
  '/proxyInjector/externalSecret',
  '/proxyInjector/injectCaFrom',
  '/proxyInjector/keyPEM',
  '/profileValidator/externalSecret',
  '/profileValidator/injectCaFrom',
  '/profileValidator/keyPEM',
  '/policyValidator/externalSecret',
  '/policyValidator/injectCaFrom',
  '/policyValidator/keyPEM',
  '/heartbeatSchedule',
  '/disableHeartBeat',
  '/clusterDomain',
  '/cniEnabled',
];

export function checkCluster(cluster: ResolvedCluster): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const at = (settingPath: string) => originOf(cluster.settings, settingPath, cluster.path);

  const supported = supportedKubernetes(cluster.release);
  if (!inRange(cluster.kubernetes, supported)) {
    const { min, max } = supported;
    const tooOld = compareVersions(cluster.kubernetes, min) < 0;
    const fix = tooOld
      ? `upgrade the cluster to Kubernetes ${min} or later, or choose an older Linkerd version`
      : `choose a Linkerd version that supports Kubernetes ${cluster.kubernetes}, or stay on Kubernetes ${max}`;
    // Below the charts' kubeVersion, Helm itself refuses: say so, since the release notes name a lower floor.
    const helmRefuses = tooOld && compareVersions(cluster.kubernetes, cluster.release.kubernetes.min) >= 0;
    const message = helmRefuses
      ? `the Linkerd ${cluster.linkerdVersion} charts (${cluster.release.chartVersion}) declare kubeVersion ${cluster.release.chartKubeVersion}, so Helm refuses to install them on Kubernetes ${cluster.kubernetes}`
      : `Linkerd ${cluster.linkerdVersion} supports Kubernetes ${min}–${max}, not ${cluster.kubernetes}`;
    diagnostics.push(error('MF3001', at('/kubernetes'), message, fix));
  }
  const nativeSidecar = cluster.proxy.nativeSidecar ?? cluster.release.nativeSidecarDefault;
  if (nativeSidecar && compareVersions(cluster.kubernetes, NATIVE_SIDECAR_MIN_KUBERNETES) < 0) {
    diagnostics.push(error('MF3002', at('/proxy/nativeSidecar'), `native sidecars need Kubernetes ${NATIVE_SIDECAR_MIN_KUBERNETES} or later; the cluster runs ${cluster.kubernetes}`, 'set proxy.nativeSidecar: false'));
  }

  // Raw overrides of the upstream charts: every key must exist in that chart at this version.
  const overrides = [
    { setting: '/controlPlane/values', chart: 'linkerd-control-plane', values: cluster.controlPlane.values },
    { setting: '/multicluster/values', chart: 'linkerd-multicluster', values: cluster.multicluster.values },
  ] as const;
  for (const { setting, chart, values: given } of overrides) {
    if (!given) continue;
    const tree = upstreamKeys(cluster.release, chart);
    for (const key of [...unknownValueKeys(given, tree), ...unknownControllerKeys(given, tree)]) {
      diagnostics.push(error('MF3003', at(`${setting}${key}`), `${chart} ${cluster.release.chartVersion} has no value ${show(key.slice(1).replace(/\//g, '.'))}`, 'check the key against the chart\'s values.yaml for this Linkerd version (keys are renamed between versions), or remove it'));
    }
    // Known keys, against what the chart's templates do with them.
    for (const problem of upstreamValueProblems(chart, given, tree)) {
      diagnostics.push(error('MF3004', at(`${setting}${problem.pointer}`), `${chart} value ${show(problem.pointer.slice(1).replace(/\//g, '.') || '/')}: ${problem.message}`, problem.fix));
    }
  }

  const values = cluster.controlPlane.values;
  if (values) {
    for (const owned of OWNED_VALUES) {
      if (hasPath(values, owned)) {
        diagnostics.push(error('MF3005', at(`/controlPlane/values${owned}`), `meshfleet sets ${show(owned.slice(1).replace(/\//g, '.'))} itself`, 'remove it: use spec.trust for identity, clusterDomain/cni/controlPlane.heartbeatSchedule for the others'));
      }
    }
  }

  const pod = checkCidr(cluster.podCIDR, `${cluster.path}/podCIDR`, diagnostics);
  const service = checkCidr(cluster.serviceCIDR, `${cluster.path}/serviceCIDR`, diagnostics);
  if (pod && service && overlaps(pod, service)) {
    diagnostics.push(error('MF3006', `${cluster.path}/serviceCIDR`, `service CIDR ${service.text} overlaps pod CIDR ${pod.text}`, 'give pods and services disjoint ranges, as the cluster itself does'));
  }

  (cluster.proxy.opaquePorts ?? []).forEach((port, i) => {
    if (typeof port !== 'string' || !port.includes('-')) return;
    const [from, to] = port.split('-').map(Number);
    if (from < 1 || to > 65535 || from > to) {
      diagnostics.push(error('MF3007', at(`/proxy/opaquePorts/${i}`), `port range ${show(port)} is not valid`, 'write ranges as "from-to" with 1 ≤ from ≤ to ≤ 65535'));
    }
  });
  return diagnostics;
}

function checkCidr(text: string | undefined, path: string, diagnostics: Diagnostic[]) {
  if (text === undefined) return undefined;
  const cidr = parseCidr(text);
  if (!cidr) diagnostics.push(error('MF3008', path, `${show(text)} is not a CIDR`, 'use CIDR notation such as "10.10.0.0/16" or "fd00:10::/56"'));
  return cidr;
}

function hasPath(values: unknown, path: string): boolean {
  let current = values;
  for (const key of path.slice(1).split('/')) {
    if (!current || typeof current !== 'object' || !(key in current)) return false;
    current = (current as Record<string, unknown>)[key];
  }
  return true;
}
