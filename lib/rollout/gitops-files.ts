// The GitOps files of a fleet, from what was rendered for its clusters: per environment under
// <env>/gitops/<engine>/, and fleet-wide (what spans environments) under gitops/<engine>/. One cdk8s
// App per environment; each output file is one Chart, so a file's objects are that Chart's, except a
// cluster's own files (one per cluster, made a thousand times over), whose objects the constructs'
// functions make as plain objects (plainObjectJson): the same JSON without a construct tree.
import { ApiObject, App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { KubeObject } from '../model/kube-object.ts';
import { toYaml } from '../output/yaml.ts';
import type { ResolvedFleet } from '../resolve/resolve.ts';
import type { RenderedCluster } from '../output/rendered-cluster.ts';
import { ArgoCDConfig } from '../constructs/delivery/argocd/argocd-settings.ts';
import { clusterApplicationObjects } from '../constructs/delivery/argocd/cluster-applications.ts';
import { componentLabels } from '../constructs/delivery/argocd/component-application.ts';
import { EnvironmentRoot } from '../constructs/delivery/argocd/environment-root.ts';
import { FleetApplicationSet, type ApplicationSetCluster } from '../constructs/delivery/argocd/fleet-application-set.ts';
import { FleetRoot } from '../constructs/delivery/argocd/fleet-root.ts';
import { previousPhaseComponents, type Component, type GatewayAPISource } from '../constructs/delivery/components.ts';
import { componentsOf, gatewayAPISourceOf, type ComponentOptions } from './components.ts';
import { kubeConfigOf } from '../constructs/delivery/flux/object-fields.ts';
import { appliedByHelmRelease, clusterStepsObjects, stepName } from '../constructs/delivery/flux/cluster-steps.ts';
import { componentReleaseObjects } from '../constructs/delivery/flux/component-release.ts';
import { EnvironmentKustomizations } from '../constructs/delivery/flux/environment-kustomizations.ts';
import { FleetSources } from '../constructs/delivery/flux/fleet-sources.ts';
import { gitSourceName, helmSourceName, meshChartSourceName } from '../constructs/delivery/flux/source-names.ts';
import { meshReleaseObjects } from '../constructs/delivery/flux/mesh-release.ts';
import { gates } from '../constructs/delivery/phases.ts';
import { objectJson } from '../constructs/object-json.ts';
import { environmentGitopsFolder, fleetGitopsFolder } from '../output/gitops-paths.ts';
import { environmentDelivery, repoPath, type ClusterDelivery, type EnvironmentDelivery, type FleetDelivery } from '../resolve/delivery.ts';

export interface DeliveryOptions {
  /** The Gateway API source of a cluster. @default gatewayAPISourceOf (the cluster's resolved Gateway API source) */
  readonly gatewayAPI?: (rendered: RenderedCluster) => GatewayAPISource | undefined;
  /** Where a mesh object goes. @default phaseOfObject */
  readonly phaseOf?: ComponentOptions['phaseOf'];
}

/** Objects of one output file, for validation; `cluster` when they belong to one cluster. */
export interface DeliveryFile {
  readonly path: string;
  readonly objects: readonly KubeObject[];
  readonly cluster?: RenderedCluster;
}

/**
 * A cluster's own part of the GitOps files: its components and the files only it has (Argo CD's
 * clusters/<name>.yaml; Flux's clusters/<name>.yaml and steps/<name>/), in the order written.
 */
export interface ClusterDeliveryPart {
  readonly components: readonly Component[];
  /**
   * Each file's path and text; a byte size instead of the text when the file was already handed to
   * synth's sink (written into the staged output folder) by the thread that rendered the cluster.
   */
  readonly files: readonly (readonly [path: string, text: string | number])[];
}

/**
 * A part's components without the upstream charts' values, which are the rendered cluster's
 * (`upstreamValues`): how a part crosses between threads and is cached, without a second copy of them.
 */
export function withoutValues(components: readonly Component[]): Component[] {
  return components.map((c) => (c.kind === 'upstream-chart' ? { ...c, values: {} } : c));
}

/**
 * The components withoutValues left, with the rendered cluster's values again. Given as a function,
 * they are taken when first read: the GitOps files of a part an incremental synth reuses never read
 * them, and a cached cluster's values are decoded only then (lib/synth/cache-records.ts); each stays
 * where it was in the component. Given as they are (a cluster just rendered), they are set in place.
 */
export function withValues(components: readonly Component[], upstreamValues: UpstreamValues | (() => UpstreamValues)): Component[] {
  return components.map((c) => {
    if (c.kind !== 'upstream-chart') return c;
    if (typeof upstreamValues !== 'function') return { ...c, values: upstreamValues[c.chart]! };
    return Object.defineProperty({ ...c }, 'values', { enumerable: true, get: () => upstreamValues()[c.chart]! });
  });
}

type UpstreamValues = RenderedCluster['upstreamValues'];

/**
 * Per-cluster parts kept from a previous synth (incremental synth: lib/synth/incremental.ts). `get`
 * gives a cluster's part only when everything it is made from is unchanged; `set` records each part
 * this run makes or takes. A part taken over passed the checks of the run that made it (a run with
 * errors keeps nothing), so its objects are not validated again.
 */
export interface ClusterDeliveryParts {
  get(rendered: RenderedCluster): ClusterDeliveryPart | undefined;
  set(cluster: string, part: ClusterDeliveryPart): void;
}

export interface DeliveryOutput {
  /** Relative path → content. */
  readonly files: Map<string, string>;
  /** The files built in this run, with their objects (a part taken from ClusterDeliveryParts has none here). */
  readonly objectFiles: readonly DeliveryFile[];
  /**
   * The files of the parts taken from ClusterDeliveryParts (scanned and validated when they were
   * made); those not in `files` were handed to synth's sink already (ClusterDeliveryPart.files).
   */
  readonly takenFiles: ReadonlySet<string>;
  /** Fleet-wide files (gitops/…). */
  readonly fleetFiles: readonly string[];
  /** Per environment delivered by an engine: the engine, the file that starts it, and its files. */
  readonly environments: ReadonlyMap<string, EnvironmentFiles>;
  /** Each cluster's components in apply order (what lib/rollout models). */
  readonly components: ReadonlyMap<string, readonly Component[]>;
}

export interface EnvironmentFiles {
  readonly engine: 'argocd' | 'flux';
  /** What to apply (or what applies it): the environment's root, the fleet's ApplicationSet, its Flux Kustomization. */
  readonly entry: string;
  readonly files: readonly string[];
}

/** `parts`: clusters' parts kept from a previous synth (only with the default options, which they were made with). */
export function renderDelivery(fleet: ResolvedFleet, rendered: readonly RenderedCluster[], options: DeliveryOptions = {}, parts?: ClusterDeliveryParts): DeliveryOutput {
  const out = new DeliveryWriter();
  const gatewayAPI = options.gatewayAPI ?? gatewayAPISourceOf;
  const delivery = fleet.delivery;
  const clustersOf = (env: string) => rendered.filter((r) => r.cluster.environment === env);
  if (options.gatewayAPI || options.phaseOf) parts = undefined;
  const taken = new Map<string, ClusterDeliveryPart>();
  for (const r of rendered) {
    const part = parts?.get(r);
    if (part) taken.set(r.cluster.name, part);
  }
  // Each cluster's components when first read: a taken part decodes its own only then (a re-synth
  // reads those of an ApplicationSet's clusters and of the rollout model, if it is made).
  const made = new Map<string, readonly Component[]>();
  const componentsFor = (r: RenderedCluster): readonly Component[] => {
    const name = r.cluster.name;
    let components = made.get(name);
    if (components === undefined) {
      const part = taken.get(name);
      components = part ? part.components : clusterComponents(environmentDelivery(delivery, r.cluster.environment), r, gatewayAPI, options.phaseOf);
      made.set(name, components);
    }
    return components;
  };
  /** A cluster's own files: taken over whole, or written (and recorded for the next run). */
  const clusterPart = (r: RenderedCluster, write: () => void) => {
    let part = taken.get(r.cluster.name);
    if (part) out.take(part.files);
    else part = { components: componentsFor(r), files: out.recording(write) };
    parts?.set(r.cluster.name, part);
  };

  const appOfApps: { env: EnvironmentDelivery; root: string }[] = [];
  const applicationSet: { delivery: EnvironmentDelivery; clusters: ApplicationSetCluster[] }[] = [];
  const fluxEnvironments: { delivery: EnvironmentDelivery; folder: string }[] = [];

  for (const env of delivery.environments) {
    if (env.engine === 'none') continue;
    const folder = environmentGitopsFolder(env.environment, env.engine);
    const app = new App();
    out.startEnvironment(env.environment, env.engine);
    const clusters = clustersOf(env.environment).map((r) => ({
      rendered: r,
      get components() {
        return componentsFor(r);
      },
      clusterDelivery: delivery.clusters.get(r.cluster.name)!,
    }));

    for (const cluster of clusters) clusterPart(cluster.rendered, () => writeClusterFiles(out, fleet, env, cluster));
    if (env.engine === 'flux') {
      // Only the clusters' files: their steps/ folders are applied by the clusters' own steps.
      out.writeText(`${folder}/kustomization.yaml`, kustomization(clusters.map((c) => `clusters/${c.rendered.cluster.name}.yaml`)));
      out.entry(env.environment, `${fleetGitopsFolder('flux')}/${ENVIRONMENTS_FILE}`);
      fluxEnvironments.push({ delivery: env, folder });
    } else if (env.argocd.generator === 'app-of-apps') {
      const root = `${folder}/root.yaml`;
      out.write(root, app, (scope) => new EnvironmentRoot(scope, 'Root', { fleet: fleet.name, environment: env, applicationsPath: `${folder}/clusters` }));
      out.entry(env.environment, root);
      appOfApps.push({ env, root });
    } else {
      out.entry(env.environment, `${fleetGitopsFolder('argocd')}/${APPLICATION_SET_FILE}`);
      applicationSet.push({ delivery: env, clusters: clusters.map((c) => ({ name: c.rendered.cluster.name, delivery: c.clusterDelivery, components: c.components })) });
    }
  }

  // Fleet-wide files.
  const fleetApp = new App();
  out.startFleet();
  const argoEnvironments = delivery.environments.filter((e) => e.engine === 'argocd');
  if (argoEnvironments.length) {
    const argo = fleetGitopsFolder('argocd');
    if (appOfApps.length) {
      const repo = delivery.fleetRepo.url ? delivery.fleetRepo : appOfApps[0].env.repo;
      out.write(`${argo}/root.yaml`, fleetApp, (scope) =>
        new FleetRoot(scope, 'Root', { fleet: fleet.name, repo, namespace: delivery.fleetArgocd.namespace, project: delivery.fleetArgocd.project, environmentRoots: appOfApps.map((a) => a.root) }));
    }
    if (applicationSet.length) {
      out.write(`${argo}/${APPLICATION_SET_FILE}`, fleetApp, (scope) => new FleetApplicationSet(scope, 'ApplicationSet', { fleet: fleet.name, namespace: delivery.fleetArgocd.namespace, environments: applicationSet }));
    }
    out.write(`${argo}/argocd-cm-patch.yaml`, fleetApp, (scope) => new ArgoCDConfig(scope, 'Config', { namespace: delivery.fleetArgocd.namespace, progressiveSyncs: applicationSet.length > 0 }));
  }
  if (fluxEnvironments.length) {
    const flux = fleetGitopsFolder('flux');
    // The sources of the clusters' gateway-api components (componentsOf), read without their components.
    const upstreamGatewayAPI = rendered
      .filter((r) => environmentDelivery(delivery, r.cluster.environment).engine === 'flux')
      .flatMap((r) => {
        const source = gatewayAPI(r);
        return source?.kind === 'upstream' ? [source] : [];
      });
    out.write(`${flux}/sources.yaml`, fleetApp, (scope) => new FleetSources(scope, 'Sources', { fleet: fleet.name, delivery, environments: fluxEnvironments.map((e) => e.delivery), gatewayAPI: upstreamGatewayAPI }));
    out.write(`${flux}/${ENVIRONMENTS_FILE}`, fleetApp, (scope) => new EnvironmentKustomizations(scope, 'Environments', { fleet: fleet.name, delivery, environments: fluxEnvironments }));
    out.writeText(`${flux}/kustomization.yaml`, kustomization(['sources.yaml', ENVIRONMENTS_FILE]));
  }
  let components: Map<string, readonly Component[]> | undefined;
  return {
    ...out.result(),
    get components() {
      return (components ??= new Map(rendered.map((r) => [r.cluster.name, componentsFor(r)])));
    },
  };
}

/** A cluster's components as renderDelivery makes them for its environment. */
function clusterComponents(env: EnvironmentDelivery, rendered: RenderedCluster, gatewayAPI: (rendered: RenderedCluster) => GatewayAPISource | undefined, phaseOf?: ComponentOptions['phaseOf']): Component[] {
  return componentsOf(rendered, gatewayAPI(rendered), { phaseOf, mesh: { ...env.mesh, engine: env.engine } });
}

/** What renderDelivery writes of one cluster of an environment delivered by an engine. */
interface EnvironmentCluster {
  readonly rendered: RenderedCluster;
  readonly components: readonly Component[];
  readonly clusterDelivery: ClusterDelivery;
}

/** The files only this cluster has: Flux's clusters/<name>.yaml and steps/<name>/, Argo CD app-of-apps' clusters/<name>.yaml. */
function writeClusterFiles(out: DeliveryWriter, fleet: ResolvedFleet, env: EnvironmentDelivery, cluster: EnvironmentCluster): void {
  if (env.engine === 'none') return;
  const folder = environmentGitopsFolder(env.environment, env.engine);
  const { rendered: r, components, clusterDelivery } = cluster;
  if (env.engine === 'flux') writeFluxCluster(out, { fleet: fleet.name, delivery: fleet.delivery, env, folder, ...cluster });
  else if (env.argocd.generator === 'app-of-apps') {
    out.writeObjects(`${folder}/clusters/${r.cluster.name}.yaml`, clusterApplicationObjects({ fleet: fleet.name, cluster: r.cluster.name, environment: env, clusterDelivery, components }), r);
  }
  // An ApplicationSet's generator makes the cluster's Applications: no file of its own.
}

/**
 * One cluster's part of the GitOps files made on its own, as renderDelivery with its default
 * options makes it, with the objects of its files for their checks: what a render thread makes
 * right after the cluster (lib/synth/render-cluster.ts), so that renderDelivery only joins the parts.
 */
export function clusterDeliveryPart(fleet: ResolvedFleet, rendered: RenderedCluster): ClusterDeliveryPart & { readonly objectFiles: readonly DeliveryFile[] } {
  const env = environmentDelivery(fleet.delivery, rendered.cluster.environment);
  const components = clusterComponents(env, rendered, gatewayAPISourceOf);
  const out = new DeliveryWriter();
  const files = out.recording(() => writeClusterFiles(out, fleet, env, { rendered, components, clusterDelivery: fleet.delivery.clusters.get(rendered.cluster.name)! }));
  return { components, files, objectFiles: out.result().objectFiles };
}

interface FluxClusterContext {
  readonly fleet: string;
  readonly delivery: FleetDelivery;
  readonly env: EnvironmentDelivery;
  /** The environment's Flux folder. */
  readonly folder: string;
  readonly rendered: RenderedCluster;
  readonly components: readonly Component[];
  readonly clusterDelivery: ClusterDelivery;
}

/** A cluster's steps, the HelmRelease each upstream chart's step applies, the kustomization of each mesh part. */
function writeFluxCluster(out: DeliveryWriter, ctx: FluxClusterContext): void {
  const { env, folder, rendered: r, components, clusterDelivery } = ctx;
  const cluster = r.cluster.name;
  const labels = (component: Component) => componentLabels({ fleet: ctx.fleet, cluster, environment: env.environment }, component);
  const folderOf = (component: Component) => stepFolder(folder, cluster, component);
  out.writeObjects(`${folder}/clusters/${cluster}.yaml`, clusterStepsObjects({ cluster, environment: env, clusterDelivery, components, labels, gitSource: gitSourceName(ctx.delivery, env), stepFolder: folderOf }), r);

  let previousRelease: string | undefined;
  for (const component of components) {
    if (component.kind === 'mesh' && component.chart) {
      const name = stepName(cluster, component);
      out.writeObjects(
        `${folderOf(component)}/release.yaml`,
        meshReleaseObjects({
          name,
          namespace: env.flux.namespace,
          labels: labels(component),
          component,
          gitSourceName: gitSourceName(ctx.delivery, env),
          gitChartPath: repoPath(env.repo, component.chartPath),
          helmSourceName: meshChartSourceName(env),
          interval: env.flux.interval,
          // The releases among the components its step waits for: no gate beyond the step's dependsOn.
          dependsOn: previousPhaseComponents(components, component).filter(appliedByHelmRelease).map((c) => ({ name: stepName(cluster, c) })),
          kubeConfig: kubeConfigOf(clusterDelivery),
          wait: gates(component.phase),
        }),
        r,
      );
      continue;
    }
    if (component.kind === 'mesh' && component.files) {
      // Flux builds kustomizations with files anywhere in the source, so a part names its files in place.
      const up = folderOf(component).split('/').map(() => '..').join('/');
      out.writeText(`${folderOf(component)}/kustomization.yaml`, kustomization(component.files.map((f) => `${up}/${component.manifestsPath}/${f}`)));
    }
    if (component.kind !== 'upstream-chart') continue;
    const name = stepName(cluster, component);
    out.writeObjects(
      `${folderOf(component)}/release.yaml`,
      componentReleaseObjects({
        name,
        namespace: env.flux.namespace,
        labels: labels(component),
        component,
        helmRepository: env.helmRepository,
        helmSourceName: helmSourceName(ctx.delivery, env),
        interval: env.flux.interval,
        // The same order as the Kustomizations, stated on the releases as well.
        dependsOn: previousRelease ? [{ name: previousRelease }] : [],
        kubeConfig: kubeConfigOf(clusterDelivery),
        valuesFile: repoPath(env.repo, component.valuesFile),
      }),
      r,
    );
    previousRelease = name;
  }
}

/** A kustomize kustomization.yaml listing these resources. */
function kustomization(resources: readonly string[]): string {
  return toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources });
}

const APPLICATION_SET_FILE = 'applicationset.yaml';
const ENVIRONMENTS_FILE = 'environments.yaml';

/** A folder of the environment's GitOps files that one step of a cluster applies. */
function stepFolder(environmentFolder: string, cluster: string, component: Pick<Component, 'name'>): string {
  return `${stepsFolder(environmentFolder, cluster)}/${component.name}`;
}

function stepsFolder(environmentFolder: string, cluster: string): string {
  return `${environmentFolder}/steps/${cluster}`;
}

/**
 * The folder of a cluster's part that holds its files and nothing else (Flux's steps/<name>/), if
 * its engine gives it one: an incremental synth moves it whole instead of file by file.
 */
export function clusterPartFolder(env: EnvironmentDelivery, cluster: string): string | undefined {
  return env.engine === 'flux' ? stepsFolder(environmentGitopsFolder(env.environment, env.engine), cluster) : undefined;
}

/**
 * The unit a file of a cluster's part is moved (a re-synth's adopt) or counted (the swap's check of a
 * part its thread checked) with: the part's own folder (clusterPartFolder) when the file is in it,
 * else the file alone (it is among other clusters' files in the environment's folders).
 */
export function partUnitOf(path: string, partFolder: string | undefined): string {
  return partFolder !== undefined && path.startsWith(`${partFolder}/`) ? partFolder : path;
}

/** Collects files: each is a Chart of its own, its objects in construct order. */
class DeliveryWriter {
  private readonly files = new Map<string, string>();
  private readonly objectFiles: DeliveryFile[] = [];
  private readonly fleetFiles: string[] = [];
  private readonly environments = new Map<string, { engine: 'argocd' | 'flux'; entry: string; files: string[] }>();
  private current: string[] = this.fleetFiles;
  private readonly taken = new Set<string>();
  private recorded?: [string, string][];

  startEnvironment(environment: string, engine: 'argocd' | 'flux'): void {
    this.current = [];
    this.environments.set(environment, { engine, entry: '', files: this.current });
  }

  entry(environment: string, path: string): void {
    this.environments.get(environment)!.entry = path;
  }

  startFleet(): void {
    this.current = this.fleetFiles;
  }

  write(path: string, app: App, build: (scope: Construct) => void, cluster?: RenderedCluster): void {
    const chart = new Chart(app, path.replace(/[/.]/g, '-'), { disableResourceNameHashes: true });
    build(chart);
    const objects = chart.node.findAll().filter(ApiObject.isApiObject).map(objectJson);
    // Only the plain objects are kept: the constructs go (thousands of charts at 1000 clusters).
    app.node.tryRemoveChild(chart.node.id);
    this.writeObjects(path, objects, cluster);
  }

  /** A file of objects made without constructs (plainObjectJson), as `write` writes a Chart's. */
  writeObjects(path: string, objects: readonly KubeObject[], cluster?: RenderedCluster): void {
    this.objectFiles.push({ path, objects, cluster });
    this.writeText(path, objects.map((o) => toYaml(o)).join('---\n'));
  }

  writeText(path: string, text: string): void {
    this.files.set(path, text);
    this.current.push(path);
    this.recorded?.push([path, text]);
  }

  /** The files `write` writes, in order. */
  recording(write: () => void): [string, string][] {
    const recorded: [string, string][] = (this.recorded = []);
    try {
      write();
    } finally {
      this.recorded = undefined;
    }
    return recorded;
  }

  /** Files made before renderDelivery (ClusterDeliveryParts): their text, or only their path once handed to the sink. */
  take(files: ClusterDeliveryPart['files']): void {
    for (const [path, text] of files) {
      if (typeof text === 'string') this.writeText(path, text);
      else this.current.push(path);
      this.taken.add(path);
    }
  }

  result(): Omit<DeliveryOutput, 'components'> {
    return { files: this.files, objectFiles: this.objectFiles, takenFiles: this.taken, fleetFiles: this.fleetFiles, environments: this.environments };
  }
}
