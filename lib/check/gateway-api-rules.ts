// Rules over a cluster's Gateway API dependency: the bundle against the cluster's Linkerd release,
// Kubernetes version and routes; upgrades against the bundle known to be installed; the legacy
// migration; a vendored folder against what it claims to be. Every fact comes from lib/compat/.
import { vendoredBundleProblem } from '../model/gateway-api-settings.ts';
import {
  bundleHasRouteField,
  bundleOfMinor,
  bundlesServing,
  GATEWAY_API_GROUP,
  gatewayAPIBundle,
  knownBundleVersions,
  linkerdGatewayAPI,
  routeFieldSince,
  safeUpgradesFloor,
  servedVersions,
  type GatewayAPIBundle,
  type LinkerdGatewayAPISupport,
} from '../compat/gateway-api.ts';
import { compareVersions, inRange } from '../compat/linkerd-releases.ts';
import { error, warning, type Diagnostic } from '../model/diagnostics.ts';
import type { GatewayAPISettings } from '../model/gateway-api-settings.ts';
import { originOf } from '../model/merge.ts';
import type { RouteKind } from '../model/routes.ts';
import type { ResolvedCluster } from '../resolve/resolve.ts';

const SAFE_UPGRADES_POLICY = 'ValidatingAdmissionPolicy safe-upgrades.gateway.networking.k8s.io';

export function checkGatewayAPI(cluster: ResolvedCluster): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const at = (settingPath: string) => originOf(cluster.settings, settingPath, cluster.path);
  const gw = cluster.gatewayAPI;
  const written = ((cluster.settings.value as { gatewayAPI?: GatewayAPISettings }).gatewayAPI ?? {}) as GatewayAPISettings;
  const support = linkerdGatewayAPI(cluster.release);

  diagnostics.push(...modeMismatches(cluster, written, at));

  const bundle = gatewayAPIBundle(gw.version);
  if (!bundle) {
    diagnostics.push(
      error('MF3201', at('/gatewayAPI/version'), `Gateway API v${gw.version} is not a bundle meshfleet knows (cluster ${cluster.name})`, `use one of ${knownBundleVersions().map((v) => `"${v}"`).join(', ')}; for an external bundle that is a patch release missing here, state the listed release of the same minor`),
    );
    return diagnostics;
  }

  const { min, max } = support.bundles;
  if (!inRange(gw.version, support.bundles)) {
    diagnostics.push(
      error('MF3202', at('/gatewayAPI/version'), `Linkerd ${cluster.linkerdVersion} supports Gateway API v${min}–v${max}, not v${gw.version} (cluster ${cluster.name})`, gw.mode === 'external' ? `have the bundle's owner install v${min}–v${max}, or choose a Linkerd version that supports v${gw.version}` : `set gatewayAPI.version to "${support.bundles.recommended}" (recommended) or another version from ${min} to ${max}, or leave it unset`),
    );
  }

  diagnostics.push(...unservedRoutes(cluster, bundle, support));
  diagnostics.push(...kubernetesTooOld(cluster, bundle, at));
  diagnostics.push(...upgradeProblems(cluster, bundle, written, at));
  if (gw.mode === 'linkerd-legacy') diagnostics.push(legacyNextStep(cluster, at('/gatewayAPI/mode')));
  diagnostics.push(...vendoredProblems(cluster, at('/gatewayAPI/vendor')));
  return diagnostics;
}

function modeMismatches(cluster: ResolvedCluster, written: GatewayAPISettings, at: (p: string) => string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const mode = cluster.gatewayAPI.mode;
  if (mode === 'external') {
    for (const key of ['vendor', 'current'] as const) {
      if (written[key] !== undefined) {
        diagnostics.push(error('MF3203', at(`/gatewayAPI/${key}`), `${key} applies to bundles meshfleet delivers, not to external Gateway API CRDs`, `remove ${key} (set it to null in the layer that makes the cluster external), or use mode managed`));
      }
    }
  }
  if (written.migration !== undefined && mode !== 'linkerd-legacy') {
    diagnostics.push(error('MF3204', at('/gatewayAPI/migration'), `migration applies to mode linkerd-legacy, not to mode ${mode}`, 'remove migration once the cluster has left linkerd-legacy'));
  }
  return diagnostics;
}

/** Routes whose kind, at the version Linkerd reads, the bundle's channel does not serve; fields it lacks. */
function unservedRoutes(cluster: ResolvedCluster, bundle: GatewayAPIBundle, support: LinkerdGatewayAPISupport): Diagnostic[] {
  const { version, channel } = cluster.gatewayAPI;
  const diagnostics: Diagnostic[] = [];
  for (const route of cluster.routes) {
    const kind = route.spec.kind;
    const apiVersion = support.reads[kind];
    if (!servedVersions(bundle, channel, kind).includes(apiVersion)) {
      const served = servedVersions(bundle, channel, kind);
      diagnostics.push(
        error('MF3205',
          `${route.path}/kind`,
          `${kind} ${GATEWAY_API_GROUP}/${apiVersion}, the version Linkerd ${cluster.linkerdVersion} reads, is not served by Gateway API v${version} ${channel} on cluster ${cluster.name}${served.length ? ` (it serves ${served.join(', ')}, which Linkerd ignores)` : ''}`,
          servingFix(kind, apiVersion, cluster.gatewayAPI.mode, version, support),
        ),
      );
    }
    if (kind === 'HTTPRoute') {
      route.spec.rules.forEach((rule, i) => {
        if (rule.timeouts && !bundleHasRouteField(version, channel, kind, 'rules[].timeouts')) {
          diagnostics.push(
            error('MF3206', `${route.path}/rules/${i}/timeouts`, `Gateway API v${version} ${channel} has no HTTPRoute rules[].timeouts (cluster ${cluster.name})`, `use Gateway API v${routeFieldSince(kind, 'rules[].timeouts', channel)} or later, or the route's timeouts.request (an annotation)`),
          );
        }
      });
    }
  }
  return diagnostics;
}

function servingFix(kind: RouteKind, apiVersion: string, mode: string, version: string, support: LinkerdGatewayAPISupport): string {
  const candidates = bundlesServing(kind, apiVersion, support.bundles);
  const sameVersion = candidates.find((c) => c.version === version);
  // An external bundle is changed by its owner, not by a meshfleet setting.
  const external = mode === 'external';
  if (sameVersion) {
    return external
      ? `have the bundle's owner install the ${sameVersion.channel} channel of v${version} (it serves ${kind} ${apiVersion}), then state channel: ${sameVersion.channel}`
      : `set gatewayAPI.channel: ${sameVersion.channel} (v${version} ${sameVersion.channel} serves ${kind} ${apiVersion})`;
  }
  const list = candidates.map((c) => `v${c.version} ${c.channel}`).join(', ');
  if (candidates.length) return external ? `have the bundle's owner install one that serves it (${list})` : `use a bundle that serves it: ${list}`;
  return `no bundle this Linkerd version supports serves ${kind} ${apiVersion}: remove the route or change the Linkerd version`;
}

function kubernetesTooOld(cluster: ResolvedCluster, bundle: GatewayAPIBundle, at: (p: string) => string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const requirement of bundle.requires ?? []) {
    // Someone else decides whether an external bundle's admission policy is installed.
    if (requirement.admissionPolicy && cluster.gatewayAPI.mode === 'external') continue;
    if (compareVersions(cluster.kubernetes, requirement.kubernetes) >= 0) continue;
    diagnostics.push(
      error('MF3207', at('/kubernetes'), `Gateway API v${bundle.version} needs Kubernetes ${requirement.kubernetes} or later for ${requirement.what}; cluster ${cluster.name} runs ${cluster.kubernetes}`, `upgrade the cluster to Kubernetes ${requirement.kubernetes}, or use an older Gateway API bundle (gatewayAPI.version)`),
    );
  }
  return diagnostics;
}

/** Against the bundle known to be installed: downgrades, channel switches, versions the CRD update would drop. */
function upgradeProblems(cluster: ResolvedCluster, bundle: GatewayAPIBundle, written: GatewayAPISettings, at: (p: string) => string): Diagnostic[] {
  const { current, version, channel, mode } = cluster.gatewayAPI;
  if (!current || mode === 'external') return [];
  const diagnostics: Diagnostic[] = [];
  const currentPath = written.current ? at('/gatewayAPI/current') : at('/gatewayAPI/mode');
  const floor = safeUpgradesFloor(current);
  const installed = `v${current.version} ${current.channel}`;

  const downgrade = compareVersions(version, current.version) < 0;
  if (downgrade) {
    const denied = floor !== undefined && compareVersions(version, floor) < 0;
    diagnostics.push(
      error('MF3208',
        at('/gatewayAPI/version'),
        denied
          ? `v${version} is a downgrade from the installed ${installed}, and its ${SAFE_UPGRADES_POLICY} denies CRDs older than v${floor}`
          : `v${version} is a downgrade from the installed ${installed}: stored routes may use API versions or fields the older CRDs lack`,
        `set gatewayAPI.version to "${current.version}" or later`,
      ),
    );
  }
  if (current.channel === 'standard' && channel === 'experimental' && floor !== undefined) {
    const why = written.channel === undefined ? ' (experimental because the cluster has TCPRoute or TLSRoute routes)' : '';
    diagnostics.push(
      error('MF3209',
        written.channel === undefined ? at('/gatewayAPI') : at('/gatewayAPI/channel'),
        `the installed ${installed} has the ${SAFE_UPGRADES_POLICY}, which denies experimental CRDs over standard ones: the switch to experimental${why} would be refused`,
        'stay on the standard channel (TCPRoute and TLSRoute at v1alpha2 need experimental, so drop them), or delete that ValidatingAdmissionPolicy and its binding before switching',
      ),
    );
  }
  if (current.channel === 'experimental' && channel === 'standard') {
    diagnostics.push(
      warning('MF3210', at('/gatewayAPI/channel'), `switching from the installed ${installed} to standard leaves experimental-only CRDs (TCPRoute, TLSRoute, …) at v${current.version}, no longer updated, and prunes experimental fields from stored routes`, 'delete the experimental-only CRDs you no longer need after the switch, or stay on experimental'),
    );
  }
  const installedBundle = bundleOfMinor(current.version);
  if (installedBundle && !downgrade) {
    const dropped = Object.entries(installedBundle.serves[current.channel]).flatMap(([kind, versions]) =>
      versions.filter((v) => !servedVersions(bundle, channel, kind).includes(v) && servedVersions(bundle, channel, kind).length > 0).map((v) => `${kind} ${v}`),
    );
    if (dropped.length) {
      diagnostics.push(
        warning('MF3211', currentPath, `v${version} ${channel} no longer serves ${dropped.join(', ')}, which the installed ${installed} serves: the CRD update fails while a CRD's status.storedVersions still lists a dropped version`, `before the upgrade, check kubectl get crd -o custom-columns=NAME:.metadata.name,STORED:.status.storedVersions; where a dropped version is listed, rewrite the objects at the storage version and remove it from status.storedVersions`),
      );
    }
  }
  return diagnostics;
}

function legacyNextStep(cluster: ResolvedCluster, path: string): Diagnostic {
  const { version, channel, migration, source } = cluster.gatewayAPI;
  const bundle = source?.kind === 'vendored' ? `the vendored bundle in ${source.path}/` : `the upstream bundle v${version} (${source?.kind === 'upstream' ? `${source.repoURL} ${source.ref} ${source.path}` : ''})`;
  const chart = `linkerd-crds ${cluster.release.chartVersion}`;
  switch (migration) {
    case 'adopt':
      return warning('MF3212', path, `Gateway API migration of cluster ${cluster.name}, next step 2 of 3: apply ${bundle}, ${channel} channel, server-side, so it takes over the CRDs from Linkerd. Do not apply values/linkerd-crds.yaml yet`, 'once the bundle is applied, set gatewayAPI.migration: release');
    case 'release':
      return warning('MF3213', path, `Gateway API migration of cluster ${cluster.name}, next step 3 of 3: apply values/linkerd-crds.yaml (installGatewayAPI: false) to ${chart}; the keep policy leaves the CRDs in place`, `once linkerd-crds is upgraded, set gatewayAPI: { mode: managed, current: { version: "${version}", channel: ${channel} } } and remove migration`);
    default:
      return warning('MF3214', path, `Gateway API migration of cluster ${cluster.name}, next step 1 of 3: upgrade ${chart} with installGatewayAPI left true (not with meshfleet's values/linkerd-crds.yaml) so every Gateway API CRD carries helm.sh/resource-policy: keep; applying installGatewayAPI: false first would delete the CRDs and every route`, 'once the CRDs carry the keep annotation, set gatewayAPI.migration: adopt');
  }
}

function vendoredProblems(cluster: ResolvedCluster, path: string): Diagnostic[] {
  const { vendored, version, channel } = cluster.gatewayAPI;
  if (!vendored) return [];
  const unreadable = vendoredBundleProblem(vendored, version, channel);
  if (unreadable) return [error('MF3215', path, unreadable.message, unreadable.fix)];
  const wrong = vendored.files.filter((f) => f.kind === 'CustomResourceDefinition' && (f.bundleVersion !== version || f.channel !== channel));
  if (!wrong.length) return [];
  const first = wrong[0];
  return [
    error('MF3216', path, `${vendored.folder}/${first.name} is from bundle ${first.bundleVersion ? `v${first.bundleVersion}` : '(no bundle-version)'} ${first.channel ?? '(no channel)'}, not v${version} ${channel}${wrong.length > 1 ? ` (${wrong.length} such files)` : ''}`, `point vendor at the v${version} ${channel} bundle, or set gatewayAPI.version and channel to what the folder holds`),
  ];
}
