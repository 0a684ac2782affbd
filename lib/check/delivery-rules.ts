// Delivery rules that no single field can check: the rollout order against the declared
// environments, a repository for every engine, what each engine accepts, names the output needs.
import { error, pointer, show, warning, type Diagnostic } from '../model/diagnostics.ts';
import { chooseFrom } from '../model/suggest.ts';
import { originOf } from '../model/merge.ts';
import type { FleetSpec, GitRepoSpec } from '../model/types.ts';
import { GITOPS_FOLDER } from '../model/output-folder-names.ts';
import type { EnvironmentDelivery, FleetDelivery } from '../resolve/delivery.ts';

const ENGINE_NAMES = { argocd: 'Argo CD', flux: 'Flux', none: 'no engine' } as const;

export function checkDelivery(spec: FleetSpec, delivery: FleetDelivery): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const declared = Object.keys(spec.environments ?? {});
  const byName = new Map(delivery.environments.map((e) => [e.environment, e]));

  // Rollout order: every name declared, none twice, and an order the engines can keep.
  const rollout = spec.delivery?.rollout ?? [];
  rollout.forEach((name, i) => {
    const at = `/spec/delivery/rollout/${i}`;
    if (!declared.includes(name)) {
      diagnostics.push(error('MF7001', at, `environment ${show(name)} in the rollout order is not declared`, declared.length ? `${chooseFrom(name, declared)}, or declare it under spec.environments` : 'declare it under spec.environments'));
    } else if (rollout.indexOf(name) !== i) {
      diagnostics.push(error('MF7002', at, `environment ${show(name)} appears twice in the rollout order (also /spec/delivery/rollout/${rollout.indexOf(name)})`, 'list each environment once'));
    } else if (byName.get(name)!.engine === 'none') {
      diagnostics.push(warning('MF7003', at, `environment ${show(name)} has no delivery engine, so the rollout order cannot hold anything back for it`, `set delivery.engine for ${name}, or remove it from spec.delivery.rollout`));
    }
  });
  const ordered = delivery.rollout.map((name) => byName.get(name)!).filter((e) => e.engine !== 'none');
  for (let i = 1; i < ordered.length; i++) {
    const [before, after] = [ordered[i - 1], ordered[i]];
    if (orderingOf(before) !== orderingOf(after)) {
      diagnostics.push(warning('MF7004', `/spec/delivery/rollout/${rollout.indexOf(after.environment)}`, `${after.environment} (${orderingOf(after)}) cannot wait for ${before.environment} (${orderingOf(before)}): neither sees the other's health`, `deliver environments that must roll out in order the same way, or gate ${after.environment} with its own repo.branch or repo.tag and promote by moving it`));
    }
  }

  for (const env of delivery.environments) diagnostics.push(...checkEnvironment(spec, env));
  if (delivery.environments.some((e) => e.engine !== 'none') && declared.includes(GITOPS_FOLDER)) {
    diagnostics.push(error('MF7005', `/spec/environments${pointer(GITOPS_FOLDER)}`, `an environment named ${show(GITOPS_FOLDER)} would share charts-out/${GITOPS_FOLDER}/ with the fleet-wide GitOps files`, 'rename the environment'));
  }

  spec.clusters.forEach((cluster, index) => {
    const env = byName.get(cluster.environment);
    if (!env) return;
    const at = `/spec/clusters/${index}`;
    if (env.engine !== 'none' && cluster.name === GITOPS_FOLDER) {
      diagnostics.push(error('MF7006', `${at}/name`, `a cluster named ${show(GITOPS_FOLDER)} would share charts-out/${env.environment}/${GITOPS_FOLDER}/ with the environment's GitOps files`, 'rename the cluster'));
    }
    const argo = cluster.delivery?.argocd;
    if (argo?.server && argo.name) {
      diagnostics.push(error('MF7007', `${at}/delivery/argocd`, `cluster ${show(cluster.name)} sets both an Argo CD server and a cluster name`, 'keep one: server (the API server URL as registered in Argo CD) or name (the cluster name in Argo CD)'));
    }
    if (env.engine === 'argocd' && env.argocd.generator !== 'clusters' && env.argocd.destination === 'server' && !argo?.server && !cluster.apiServer) {
      diagnostics.push(error('MF7014', at, `Argo CD destinations of environment ${show(env.environment)} are named by server, and cluster ${show(cluster.name)} has no API server URL`, `set apiServer (or delivery.argocd.server, the URL as registered in Argo CD) on ${cluster.name}, or set argocd.destination: name`));
    }
    if (env.engine === 'argocd' && env.argocd.destination === 'name' && argo?.server) {
      diagnostics.push(warning('MF7015', `${at}/delivery/argocd/server`, `Argo CD destinations of environment ${show(env.environment)} are named by name, so this server is not used`, `remove it (and set delivery.argocd.name if ${cluster.name} is registered under another name), or set argocd.destination: server`));
    }
    if (argo && env.engine === 'argocd' && env.argocd.generator === 'clusters' && (argo.server || argo.name)) {
      diagnostics.push(warning('MF7008', `${at}/delivery/argocd`, `the cluster generator takes ${cluster.name}'s server from Argo CD, so this destination is not used`, `label ${cluster.name}'s cluster Secret in Argo CD with meshfleet.dev/cluster: ${cluster.name} and remove the destination, or use generator list or app-of-apps`));
    }
    for (const engine of ['argocd', 'flux'] as const) {
      if (cluster.delivery?.[engine] && env.engine !== engine) {
        diagnostics.push(warning('MF7009', `${at}/delivery/${engine}`, `environment ${show(env.environment)} is delivered by ${ENGINE_NAMES[env.engine]}, so these ${ENGINE_NAMES[engine]} settings are not used`, `remove them, or set spec.environments.${env.environment}.delivery.engine: ${engine}`));
      }
    }
  });
  return diagnostics;
}

function checkEnvironment(spec: FleetSpec, env: EnvironmentDelivery): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const name = env.environment;
  const envPath = `/spec/environments${pointer(name)}/delivery`;
  for (const [layer, at] of [[spec.delivery?.repo, '/spec/delivery/repo'], [spec.environments?.[name]?.delivery?.repo, `${envPath}/repo`]] as const) {
    const set = revisionFields(layer);
    if (set.length > 1) {
      diagnostics.push(error('MF7010', at, `the repository revision is given as ${set.join(' and ')}`, 'set exactly one of branch, tag or commit'));
    }
  }
  const meshAt = (field: string) => originOf(env.settings, `/mesh/${field}`, envPath);
  if (env.mesh.source === 'chart-repository' && !env.mesh.chartRepository) {
    diagnostics.push(error('MF7016', meshAt('source'), `environment ${show(name)} takes its mesh charts from a chart repository, but none is named`, `set mesh.chartRepository to where \`meshfleet package\` output is uploaded (an https:// Helm repository or an oci:// registry path), or use mesh.source: chart (the chart from Git)`));
  }
  if (env.mesh.source !== 'chart-repository' && env.mesh.chartRepository) {
    diagnostics.push(warning('MF7017', meshAt('chartRepository'), `environment ${show(name)} takes its mesh objects from ${env.mesh.source === 'chart' ? 'the mesh/ chart in Git' : 'manifests/'}, so this chart repository is not used`, 'remove it, or set mesh.source: chart-repository'));
  }
  if (env.engine === 'none') return diagnostics;

  const engineAt = originOf(env.settings, '/engine', envPath);
  if (!env.repo.url) {
    diagnostics.push(error('MF7011', engineAt, `environment ${show(name)} is delivered by ${ENGINE_NAMES[env.engine]} but no Git repository is set`, `set spec.delivery.repo.url (or ${envPath.slice(1).replace(/\//g, '.')}.repo.url) to the repository where charts-out/ is committed`));
  }
  if (env.engine === 'flux') {
    if (env.repo.url && !/^(https?|ssh):\/\//.test(env.repo.url)) {
      diagnostics.push(error('MF7012', originOf(env.settings, '/repo/url', envPath), `Flux cannot fetch ${show(env.repo.url)}: GitRepository takes http(s):// or ssh:// URLs`, `write it as ssh://${env.repo.url.replace(/^git@([^:]+):/, 'git@$1/')}`));
    }
    const clusters = spec.clusters.filter((c) => c.environment === name);
    if (!env.flux.remoteClusters && clusters.length > 1) {
      diagnostics.push(error('MF7013', originOf(env.settings, '/flux/remoteClusters', envPath), `Flux without remote clusters applies to the one cluster it runs in, but environment ${show(name)} has ${clusters.length} (${clusters.map((c) => c.name).join(', ')})`, 'set flux.remoteClusters: true (one Flux drives every cluster through a kubeConfig Secret), or split the environment'));
    }
  }
  return diagnostics;
}

/** What holds environments back: Flux dependsOn, one ApplicationSet's RollingSync, or app-of-apps waves. */
function orderingOf(env: EnvironmentDelivery): string {
  if (env.engine !== 'argocd') return ENGINE_NAMES[env.engine];
  return env.argocd.generator === 'app-of-apps' ? 'Argo CD app-of-apps' : 'Argo CD ApplicationSet';
}

function revisionFields(repo: GitRepoSpec | null | undefined): string[] {
  if (!repo) return [];
  return (['branch', 'tag', 'commit'] as const).filter((k) => repo[k] !== undefined && repo[k] !== null);
}
