// `meshfleet lint <output folder>`: meshfleet's own output read the way it is meant. index.json says
// which Linkerd release and Gateway API bundle each cluster runs, so each cluster's files are
// validated against those; the files that are not Kubernetes objects are checked for what they are:
// kustomization.yaml (resources exist and every manifest is listed), a Helm Chart.yaml (apiVersion
// v2, name, SemVer version) and upstream values files (keys of that chart version).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { linkerdRelease, type LinkerdRelease } from '../compat/linkerd-releases.ts';
import { upstreamKeys, type UpstreamChart } from '../compat/upstream-values.ts';
import { unknownValueKeys } from '../check/upstream-values.ts';
import { type GatewayAPIChannel, type SchemaSources } from '../validate/index.ts';
import { escapePointer } from '../validate/json-pointer.ts';
import { UsageError } from './load-input.ts';

export interface LintTarget {
  readonly sources: SchemaSources;
  /** "Gateway API v1.2.1 standard, Linkerd 2.20" */
  readonly description: string;
}

/** How one file is checked. */
export type FileRole =
  | { readonly kind: 'objects'; readonly helmTemplate?: boolean }
  | { readonly kind: 'kustomization' }
  | { readonly kind: 'chart' }
  | { readonly kind: 'chart-values' }
  | { readonly kind: 'upstream-values'; readonly chart: UpstreamChart; readonly version: string; readonly release: LinkerdRelease };

export interface FilePlan {
  readonly file: string;
  readonly target: LintTarget;
  readonly role: FileRole;
}

export interface FileProblem {
  /** JSON pointer inside the document; `` for the document as a whole. */
  readonly path: string;
  readonly message: string;
}

interface OutputIndex {
  readonly environments?: readonly {
    readonly clusters?: readonly {
      readonly name: string;
      readonly linkerd: string;
      readonly gatewayAPI?: { readonly version?: string; readonly channel?: string };
      readonly upstreamCharts?: Readonly<Record<string, { readonly version: string; readonly values: string }>>;
      readonly mesh?: { readonly chart?: string };
    }[];
  }[];
}

/** The parsed index.json when `dir` is a meshfleet output folder, else undefined. */
export function outputIndexOf(dir: string): OutputIndex | undefined {
  const file = join(dir, 'index.json');
  if (!existsSync(file)) return undefined;
  let index: unknown;
  try {
    index = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file} is not meshfleet's index.json: ${(e as Error).message}`);
  }
  return index !== null && typeof index === 'object' && Array.isArray((index as OutputIndex).environments) ? (index as OutputIndex) : undefined;
}

/**
 * The plan for each YAML file of an output folder: a cluster's files with its release and bundle,
 * the fleet's and environments' GitOps files with the unversioned schemas only.
 */
export function outputFolderPlans(dir: string, index: OutputIndex, files: readonly string[]): FilePlan[] {
  const clusterTargets = new Map<string, { target: LintTarget; release: LinkerdRelease; values: Map<string, { chart: UpstreamChart; version: string }> }>();
  for (const environment of index.environments ?? []) {
    for (const cluster of environment.clusters ?? []) {
      const release = linkerdRelease(cluster.linkerd);
      if (!release) throw new UsageError(`${join(dir, 'index.json')}: cluster ${cluster.name} runs Linkerd ${cluster.linkerd}, which this meshfleet does not know`);
      const folder = cluster.mesh?.chart ? dirname(cluster.mesh.chart) : undefined;
      if (!folder) continue;
      const gatewayAPI = cluster.gatewayAPI?.version
        ? { version: cluster.gatewayAPI.version, channel: (cluster.gatewayAPI.channel ?? 'standard') as GatewayAPIChannel }
        : undefined;
      const sources: SchemaSources = { linkerd: release.valuesSet, ...(gatewayAPI ? { gatewayAPI } : {}) };
      const description = `cluster ${cluster.name}: ${gatewayAPI ? `Gateway API v${gatewayAPI.version} ${gatewayAPI.channel}, ` : ''}Linkerd ${release.version}`;
      const values = new Map<string, { chart: UpstreamChart; version: string }>();
      for (const [chart, entry] of Object.entries(cluster.upstreamCharts ?? {})) values.set(entry.values, { chart: chart as UpstreamChart, version: entry.version });
      clusterTargets.set(folder, { target: { sources, description }, release, values });
    }
  }
  const gitops: LintTarget = { sources: {}, description: 'GitOps objects' };
  return files.map((file) => {
    const path = relative(dir, file).split(sep).join('/');
    const folder = [...clusterTargets.keys()].find((prefix) => path.startsWith(`${prefix}/`));
    const cluster = folder !== undefined ? clusterTargets.get(folder)! : undefined;
    const target = cluster?.target ?? gitops;
    const name = basename(file);
    if (name === 'kustomization.yaml') return { file, target, role: { kind: 'kustomization' } };
    if (name === 'Chart.yaml') return { file, target, role: { kind: 'chart' } };
    const upstream = cluster?.values.get(path);
    if (upstream) return { file, target, role: { kind: 'upstream-values', chart: upstream.chart, version: upstream.version, release: cluster!.release } };
    if (name === 'values.yaml' && existsSync(join(dirname(file), 'Chart.yaml'))) return { file, target, role: { kind: 'chart-values' } };
    const helmTemplate = basename(dirname(file)) === 'templates' && existsSync(join(dirname(file), '..', 'Chart.yaml'));
    return { file, target, role: { kind: 'objects', helmTemplate } };
  });
}

/**
 * The object a Helm template of meshfleet's renders to: meshfleet writes a literal `{{` as
 * `{{ "{{" }}` (lib/output/helm-chart.ts escapeTemplate), which `helm template` turns back.
 */
export function renderedTemplateValue(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('{{ "{{" }}', '{{');
  if (Array.isArray(value)) return value.map(renderedTemplateValue);
  if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderedTemplateValue(item)]));
  return value;
}

/** Problems of one parsed document of a file that is not a Kubernetes object. */
export function fileRoleProblems(plan: FilePlan, value: unknown): FileProblem[] {
  switch (plan.role.kind) {
    case 'kustomization':
      return kustomizationProblems(plan.file, value);
    case 'chart':
      return chartProblems(value);
    case 'chart-values':
      return isMapping(value) || value === null || value === undefined ? [] : [{ path: '', message: 'chart values must be a mapping' }];
    case 'upstream-values': {
      const { chart, version, release } = plan.role;
      if (!isMapping(value) && value !== null && value !== undefined) return [{ path: '', message: `values for ${chart} ${version} must be a mapping` }];
      return unknownValueKeys(value ?? {}, upstreamKeys(release, chart)).map((path) => ({
        path,
        message: `${chart} ${version} has no value ${path.slice(1).split('/').join('.')}; remove it or use a key of that chart version`,
      }));
    }
    default:
      return [];
  }
}

const KUSTOMIZATION_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'commonLabels', 'commonAnnotations', 'labels', 'patches', 'components', 'namePrefix', 'nameSuffix', 'images', 'configMapGenerator', 'secretGenerator', 'generatorOptions', 'replicas', 'crds', 'buildMetadata', 'sortOptions', 'openapi', 'helmCharts', 'replacements', 'transformers', 'generators', 'validators']);

function kustomizationProblems(file: string, value: unknown): FileProblem[] {
  if (!isMapping(value)) return [{ path: '', message: 'a kustomization.yaml must be a mapping with apiVersion kustomize.config.k8s.io/v1beta1 and kind Kustomization' }];
  const problems: FileProblem[] = [];
  if (value.apiVersion !== 'kustomize.config.k8s.io/v1beta1') problems.push({ path: '/apiVersion', message: `must be "kustomize.config.k8s.io/v1beta1", got ${JSON.stringify(value.apiVersion)}` });
  if (value.kind !== 'Kustomization') problems.push({ path: '/kind', message: `must be "Kustomization", got ${JSON.stringify(value.kind)}` });
  for (const key of Object.keys(value)) if (!KUSTOMIZATION_FIELDS.has(key)) problems.push({ path: `/${escapePointer(key)}`, message: 'unknown field: not a kustomization field' });
  const resources = value.resources ?? [];
  if (!Array.isArray(resources)) return [...problems, { path: '/resources', message: 'must be a list of files or folders' }];
  const folder = dirname(file);
  const listed = new Set<string>();
  resources.forEach((resource: unknown, i: number) => {
    if (typeof resource !== 'string') {
      problems.push({ path: `/resources/${i}`, message: `must be a path, got ${JSON.stringify(resource)}` });
      return;
    }
    listed.add(resource.replace(/^\.\//, ''));
    if (!/^[a-z]+:\/\//.test(resource) && !existsSync(join(folder, resource))) {
      problems.push({ path: `/resources/${i}`, message: `${resource} does not exist next to this kustomization.yaml; write the file or remove the entry` });
    }
  });
  for (const entry of readdirSync(folder).sort()) {
    if (entry === 'kustomization.yaml' || !/\.ya?ml$/.test(entry) || listed.has(entry)) continue;
    problems.push({ path: '/resources', message: `${entry} is in this folder but not listed in resources, so it is never applied; list it or remove the file` });
  }
  return problems;
}

// https://semver.org (as Helm requires of a chart's version)
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const CHART_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** What `helm lint` refuses in a Chart.yaml: apiVersion v2 (Helm 3), a name, a SemVer 2 version. */
function chartProblems(value: unknown): FileProblem[] {
  if (!isMapping(value)) return [{ path: '', message: 'a Chart.yaml must be a mapping with apiVersion, name and version' }];
  const problems: FileProblem[] = [];
  if (value.apiVersion !== 'v2') problems.push({ path: '/apiVersion', message: `must be "v2" (Helm 3 charts), got ${JSON.stringify(value.apiVersion)}` });
  if (typeof value.name !== 'string' || !CHART_NAME.test(value.name)) problems.push({ path: '/name', message: `must be a chart name (lower-case alphanumerics and '-'), got ${JSON.stringify(value.name)}` });
  if (typeof value.version !== 'string' || !SEMVER.test(value.version)) problems.push({ path: '/version', message: `must be a SemVer 2 version such as "0.1.0", got ${JSON.stringify(value.version)}` });
  if (value.type !== undefined && value.type !== 'application' && value.type !== 'library') problems.push({ path: '/type', message: `must be "application" or "library", got ${JSON.stringify(value.type)}` });
  return problems;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
