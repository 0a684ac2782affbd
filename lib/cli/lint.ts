// `meshfleet lint <file|dir>…`: validates hand-written Kubernetes YAML exactly as synth validates its
// own output (built-in kinds, CRD schemas with defaults, CEL rules, list-map keys), against the
// Gateway API bundle and Linkerd release a cluster runs. One line per problem, grep- and
// editor-friendly: `file:line:column: document N: Kind namespace/name: /json/path: message`; with
// --json one object on stdout with every problem as fields. Exit 0 when every document is valid, 1 when one is not, 2 when the command line is wrong.
import { linkerdGatewayAPI } from '../compat/gateway-api.ts';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LineCounter, parseAllDocuments, type Node } from 'yaml';
import { inRange, LINKERD_RELEASES, linkerdRelease, NEWEST_STABLE_LINKERD, type LinkerdRelease } from '../compat/linkerd-releases.ts';
import { MAX_SHOWN, pointerSegments } from '../model/diagnostics.ts';
import { formatBytes, INPUT_LIMITS, readRegularFile } from '../model/file-access.ts';
import { DUPLICATE_KEY, duplicateKeys, firstTooDeeplyNested, nodeAt } from '../model/load-yaml.ts';
import { scanFiles, sourceSetsFor, validateObjects, type GatewayAPIChannel, type KubeObject, type SchemaSources } from '../validate/index.ts';
import { fileRoleProblems, outputFolderPlans, outputIndexOf, renderedTemplateValue, type FilePlan, type LintTarget } from './lint-output.ts';
import { selectedTemplateYaml } from '../output/helm-chart.ts';
import { parseCommandLine, UsageError } from './usage-error.ts';
import type { CliIo } from './io.ts';

/** Deeper than any Kubernetes object or CRD (about 40 levels), far below what the YAML parser survives. */
const LINT_MAX_NESTING = 100;

// Without options, lint for the newest stable Linkerd and the Gateway API bundle it recommends.
const DEFAULT_LINKERD = NEWEST_STABLE_LINKERD;

export const LINT_HELP = `usage: meshfleet lint <file | dir>… [--gateway-api <version>] [--channel standard|experimental] [--linkerd <version>] [--json]

Validates Kubernetes YAML (multi-document files; folders are searched for .yaml and .yml files) the
way the API server would: built-in kinds, Gateway API and Linkerd CRD schemas with their defaults,
CEL rules and list keys, Linkerd's policy admission rules, and the secret scan synth runs. A
meshfleet output folder (with index.json) is linted per cluster with that cluster's Linkerd version
and Gateway API bundle; its kustomization.yaml, Chart.yaml and upstream values files are checked too.
  --gateway-api  Gateway API bundle version (default: the one the Linkerd version recommends)
  --channel      Gateway API channel (default: standard)
  --linkerd      Linkerd version, e.g. 2.18, 2.20, edge-26.8.3 (default: ${DEFAULT_LINKERD.version})
  --json         print one JSON object on stdout: the summary and every problem (file, line, column,
                 document, kind, name, pointer, message), for CI bots and editors; nothing else
Exit status: 0 all valid, 1 some document invalid, 2 wrong command line.
Examples:
  meshfleet lint charts-out/                       # meshfleet's output, per cluster
  meshfleet lint k8s/ --linkerd 2.18 --gateway-api 1.1.1 --channel experimental
  meshfleet lint charts-out/ --json | jq '.problems[] | "\\(.file):\\(.line): \\(.message)"'
`;

/** One problem lint found, as --json prints it; the text line joins the parts present with ": ". */
export interface LintProblem {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** The document's number in its file, from 1. */
  readonly document?: number;
  /** The object the problem is in, when the document is a Kubernetes object. */
  readonly kind?: string;
  /** "namespace/name" or "name". */
  readonly name?: string;
  /** JSON pointer in the document ("" the whole document). */
  readonly pointer?: string;
  readonly message: string;
}

/** `file:line:column: document N: Kind namespace/name: /pointer: message`, the parts there are. */
export function formatLintProblem(p: LintProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}${p.column === undefined ? '' : `:${p.column}`}`;
  return [
    where,
    ...(p.document === undefined ? [] : [`document ${p.document}`]),
    ...(p.kind === undefined ? [] : [`${p.kind} ${p.name}`]),
    ...(p.pointer === undefined ? [] : [p.pointer || '/']),
    p.message,
  ].join(': ');
}

export async function runLint(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine('lint', LINT_HELP, () => {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        'gateway-api': { type: 'string' },
        channel: { type: 'string' },
        linkerd: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return undefined;
    const target = lintTarget(values.linkerd, values['gateway-api'], values.channel);
    return { json: Boolean(values.json), ...filePlans(positionals, target) };
  });
  if (!parsed) {
    io.out(LINT_HELP);
    return 0;
  }
  const { plans, description, json } = parsed;

  let documents = 0;
  let invalid = 0;
  const problems: LintProblem[] = [];
  // The first problems are enough to act on; a thousand-error file would bury them (--json has them all).
  const report = (problem: LintProblem) => {
    problems.push(problem);
    if (!json && problems.length <= MAX_SHOWN) io.out(`${formatLintProblem(problem)}\n`);
  };
  for (const plan of plans) {
    const result = lintFile(plan, report);
    documents += result.documents;
    invalid += result.invalid;
  }
  const exitCode = invalid === 0 ? 0 : 1;
  if (json) {
    const summary = { files: plans.length, documents, invalid, problems: problems.length };
    io.out(JSON.stringify({ command: 'lint', ok: exitCode === 0, exitCode, target: description, summary, problems }, null, 2) + '\n');
    return exitCode;
  }
  if (problems.length > MAX_SHOWN) io.out(`… and ${problems.length - MAX_SHOWN} more problem(s) not shown\n`);
  const where = `${documents} document(s) in ${plans.length} file(s), ${description}`;
  io.out(invalid === 0 ? `meshfleet lint: all valid: ${where}\n` : `meshfleet lint: ${invalid} invalid: ${where}\n`);
  return exitCode;
}

function lintTarget(linkerd: string | undefined, gatewayAPI: string | undefined, channel: string | undefined): LintTarget {
  const release = linkerdRelease(linkerd ?? DEFAULT_LINKERD.version);
  if (!release) throw new UsageError(`unknown Linkerd version ${linkerd}; known: ${LINKERD_RELEASES.map((r) => r.version).join(', ')}`);
  if (channel !== undefined && channel !== 'standard' && channel !== 'experimental') throw new UsageError(`--channel must be standard or experimental, got ${channel}`);
  const support = linkerdGatewayAPI(release).bundles;
  const version = (gatewayAPI ?? support.recommended).replace(/^v/, '');
  const target = targetFor(release, version, (channel ?? 'standard') as GatewayAPIChannel);
  // The same table synth checks a cluster against (lib/check/gateway-api-rules.ts).
  if (!inRange(version, support)) {
    throw new UsageError(
      `Linkerd ${release.version} supports Gateway API v${support.min}–v${support.max}, not v${version}; pass --gateway-api ${support.recommended} (recommended) or another version from ${support.min} to ${support.max}, or choose a Linkerd version that supports v${version}`,
    );
  }
  return target;
}

/** Schema sources for a Linkerd release and Gateway API bundle; a UsageError when no schemas exist. */
function targetFor(release: LinkerdRelease, version: string, channel: GatewayAPIChannel): LintTarget {
  const sources: SchemaSources = { linkerd: release.valuesSet, gatewayAPI: { version, channel } };
  try {
    sourceSetsFor(sources);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return { sources, description: `Gateway API v${version} ${channel}, Linkerd ${release.version}` };
}

/**
 * The files to lint and how, in a stable order: files as given, folders searched recursively; a
 * meshfleet output folder (with its index.json) is linted per cluster (lint-output.ts).
 */
function filePlans(paths: readonly string[], target: LintTarget): { plans: FilePlan[]; description: string } {
  if (paths.length === 0) throw new UsageError('give at least one file or folder to lint');
  const plans: FilePlan[] = [];
  let outputFolders = 0;
  for (const path of paths) {
    const files = yamlFilesOf(path);
    const index = files.folder ? outputIndexOf(path) : undefined;
    if (index) {
      outputFolders++;
      plans.push(...outputFolderPlans(path, index, files.files));
    } else {
      plans.push(...files.files.map((file) => ({ file, target, role: { kind: 'objects' } }) as const));
    }
  }
  const description = outputFolders === 0 ? target.description : outputFolders === paths.length ? "each cluster's Linkerd and Gateway API bundle from index.json" : `${target.description}; output folders per index.json`;
  return { plans, description };
}

/** The YAML files of a path: a file as given, a folder searched recursively. */
function yamlFilesOf(path: string): { folder: boolean; files: string[] } {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`no such file or folder: ${path}`);
  }
  if (!isDirectory) return { folder: false, files: [path] };
  const found = yamlFilesUnder(path);
  if (found.length === 0) throw new UsageError(`no .yaml or .yml files in ${path}`);
  return { folder: true, files: found };
}

function yamlFilesUnder(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(folder, entry.name);
    // Hidden folders (.git, .github) hold no manifests; symlinked folders could loop.
    if (entry.isDirectory() && !entry.name.startsWith('.')) found.push(...yamlFilesUnder(path));
    else if (/\.ya?ml$/.test(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && statSync(path, { throwIfNoEntry: false })?.isFile()))) found.push(path);
  }
  return found;
}

function lintFile(plan: FilePlan, report: (problem: LintProblem) => void): { documents: number; invalid: number } {
  const { file, role } = plan;
  const { sources } = plan.target;
  const read = readRegularFile(file, { limit: INPUT_LIMITS.lintFile, what: 'file', display: file });
  if (!('text' in read)) {
    report({ file, message: `${read.problem} (fix: ${read.fix})` });
    return { documents: 0, invalid: 1 };
  }
  // A meshfleet chart template is read as what it renders to with every file selected.
  const text = role.kind === 'objects' && role.helmTemplate ? selectedTemplateYaml(read.text) : read.text;
  // Bounded before parsing: the parser's memory grows with the text, its stack with the nesting.
  const refused: LintProblem[] = oversizedDocuments(text).map(({ line, index, size }) => ({
    file,
    line,
    column: 1,
    document: index,
    message: `larger than the limit of ${formatBytes(INPUT_LIMITS.lintDocument)} (${formatBytes(size)}); the API server refuses request bodies over 3 MiB`,
  }));
  const tooDeep = firstTooDeeplyNested(text, LINT_MAX_NESTING);
  if (tooDeep !== undefined) refused.push({ file, ...positionIn(text, tooDeep), message: `nests lists or maps more than ${LINT_MAX_NESTING} levels deep` });
  if (refused.length) {
    refused.forEach(report);
    return { documents: 0, invalid: 1 };
  }
  const lineCounter = new LineCounter();
  // YAML 1.1, as kubectl and the API server read YAML: `on`, `yes`, `y` are booleans there. Duplicate
  // keys are found below, in linear time.
  const parsed = parseAllDocuments(text, { lineCounter, version: '1.1', uniqueKeys: false, prettyErrors: false });
  const yamlDocuments = Array.isArray(parsed) ? parsed : [];
  const at = (offset: number | undefined) => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { file, line, column: col };
  };
  let documents = 0;
  let invalid = 0;
  yamlDocuments.forEach((document, index) => {
    const which = { document: index + 1 };
    const problems: LintProblem[] = document.errors.map((error) => ({ ...at(error.pos[0]), ...which, message: `not valid YAML: ${error.message.split('\n')[0]}` }));
    for (const key of duplicateKeys(document)) problems.push({ ...at(key.range?.[0]), ...which, message: `not valid YAML: ${DUPLICATE_KEY}` });
    let object: unknown;
    if (problems.length === 0) {
      try {
        object = document.toJS({ maxAliasCount: 100 });
        if (role.kind === 'objects' && role.helmTemplate) object = renderedTemplateValue(object);
      } catch (e) {
        problems.push({ ...at(document.range[0]), ...which, message: (e as Error).message });
      }
    }
    if (problems.length === 0 && (object === null || object === undefined)) return; // an empty document, as kubectl skips it
    documents++;
    if (problems.length === 0 && role.kind !== 'objects') {
      for (const problem of fileRoleProblems(plan, object)) {
        const node = nodeAt(document.contents as Node | null, pointerSegments(problem.path));
        problems.push({ ...at(node?.range?.[0] ?? document.range[0]), ...which, pointer: problem.path, message: problem.message });
      }
    } else if (problems.length === 0) {
      if (!isKubernetesObject(object)) {
        problems.push({ ...at(document.range[0]), ...which, message: 'not a Kubernetes object: a mapping with apiVersion and kind is expected' });
      } else {
        const subject = { kind: String(object.kind), name: nameOf(object) };
        for (const issue of validateObjects([object], sources)) {
          const node = nodeAt(document.contents as Node | null, pointerSegments(issue.path));
          problems.push({ ...at(node?.range?.[0] ?? document.range[0]), ...which, ...subject, pointer: issue.path, message: issue.message });
        }
      }
    }
    if (problems.length > 0) invalid++;
    problems.forEach(report);
  });
  // The secret scan synth runs on every file it writes, on the text: private keys, kubeconfigs,
  // tokens, Secrets with data, in objects, values and chart files alike.
  const findings = scanFiles({ [file]: text });
  for (const finding of findings) report({ file: finding.file, line: finding.line, message: `${finding.kind} (${finding.fingerprint}): secret material` });
  if (findings.length > 0) invalid++;
  return { documents, invalid };
}

function isKubernetesObject(value: unknown): value is KubeObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'apiVersion' in value && 'kind' in value;
}

function nameOf(object: KubeObject): string {
  const metadata = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const name = typeof metadata.name === 'string' ? metadata.name : '(no name)';
  return typeof metadata.namespace === 'string' ? `${metadata.namespace}/${name}` : name;
}

/** Documents longer than the per-document limit; a line starting with `---` always starts a document. */
function oversizedDocuments(text: string): { line: number; index: number; size: number }[] {
  const found: { line: number; index: number; size: number }[] = [];
  if (text.length <= INPUT_LIMITS.lintDocument) return found;
  const starts = [0];
  for (const match of text.matchAll(/^---(?=[ \t\r\n]|$)/gm)) if (match.index > 0) starts.push(match.index);
  starts.push(text.length);
  for (let i = 0; i + 1 < starts.length; i++) {
    const size = Buffer.byteLength(text.slice(starts[i], starts[i + 1]));
    if (size > INPUT_LIMITS.lintDocument) found.push({ line: lineOf(text, starts[i]), index: i + 1, size });
  }
  return found;
}

function positionIn(text: string, offset: number): { line: number; column: number } {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return { line: lineOf(text, offset), column: offset - lineStart + 1 };
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
