// Writes a cluster's objects as a Helm chart. cdk8s's own `--format helm` names the chart after the
// working folder, writes no values.yaml and does not escape `{{`, so meshfleet writes charts itself.
import { goTemplateLiteral } from '../constructs/go-template.ts';
import { toYaml } from './yaml.ts';

export const MESH_CHART_NAME = 'meshfleet-mesh';

export interface ChartMetadata {
  readonly version: string;
  /** The Linkerd version the chart belongs with. */
  readonly appVersion: string;
  readonly description: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * Helm would evaluate `{{` in a template; `{{ "{{" }}` prints it literally, so `helm template`
 * reproduces the object exactly.
 */
export function escapeTemplate(text: string): string {
  return goTemplateLiteral(text);
}

export function chartYaml(meta: ChartMetadata): string {
  return toYaml({
    apiVersion: 'v2',
    name: MESH_CHART_NAME,
    description: meta.description,
    type: 'application',
    version: meta.version,
    appVersion: meta.appVersion,
    ...(meta.annotations ? { annotations: meta.annotations } : {}),
  });
}

/**
 * The chart's templates and values.yaml (Chart.yaml comes last, once the version is known), from
 * the YAML of each object file (the manifests' text, serialized once for both).
 */
export function chartContent(objectYaml: ReadonlyMap<string, string>): Map<string, string> {
  const files = new Map<string, string>();
  files.set('values.yaml', '# meshfleet renders every object in templates/; this chart reads no values.\n');
  for (const [name, text] of objectYaml) files.set(`templates/${name}`, escapeTemplate(text));
  return files;
}
