// Writes a cluster's objects as a Helm chart. cdk8s's own `--format helm` names the chart after the
// working folder, writes no values.yaml and does not escape `{{`, so meshfleet writes charts itself.
import { goTemplateLiteral } from '../constructs/go-template.ts';
import { FILES_VALUE } from '../model/mesh-chart.ts';
import { toYaml } from './yaml.ts';

export interface ChartMetadata {
  readonly name: string;
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
    name: meta.name,
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
  files.set(
    'values.yaml',
    `# meshfleet renders every object in templates/. A delivery step that applies part of them lists\n# their template files here (e.g. [links.yaml]); empty: all of them.\n${FILES_VALUE}: []\n`,
  );
  for (const [name, text] of objectYaml) files.set(`templates/${name}`, selectable(name, escapeTemplate(text)));
  return files;
}

const SELECT_LINE = /^\{\{- if or \(not \.Values\.files\) \(has "[^"\n]*" \.Values\.files\) \}\}$/m;
const END_LINE = /^\{\{- end \}\}$/m;

/**
 * A mesh template as the YAML it renders to with every file selected: its first and last lines (the
 * selection) become comments, so line numbers stay. (No other line starts with `{{`: literal ones
 * are escaped.) For readers of the chart folder that are not Helm, such as lint.
 */
export function selectedTemplateYaml(text: string): string {
  return SELECT_LINE.test(text) ? text.replace(SELECT_LINE, '#').replace(END_LINE, '#') : text;
}

/** A template rendered when the files value is empty or names it. */
function selectable(name: string, template: string): string {
  return `${templateHead(name)}${template}${TEMPLATE_TAIL}`;
}

/** The first line of a mesh template (the file selection), before its objects' YAML. */
export function templateHead(name: string): string {
  return `{{- if or (not .Values.${FILES_VALUE}) (has ${JSON.stringify(name)} .Values.${FILES_VALUE}) }}\n`;
}

/** The last line of a mesh template, after its objects' YAML. */
export const TEMPLATE_TAIL = '{{- end }}\n';
