// Mesh charts packaged the way `helm package` does (a gzipped tar of <name>/…) and the index.yaml
// of a Helm chart repository listing them (Helm's repo.IndexFile: entries per chart name, each
// version with its Chart.yaml fields, urls and sha256 digest). Byte-identical for the same charts:
// files in a fixed order, fixed modes, owners and times, gzip without a name or time; the index has
// no `created`/`generated` times (both optional when Helm reads an index).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { toYaml } from './yaml.ts';

/** A chart folder's files, relative to the folder (Chart.yaml, values.yaml, templates/…). */
export type ChartFiles = ReadonlyMap<string, string>;

export interface PackagedChart {
  readonly name: string;
  readonly version: string;
  /** `<name>-<version>.tgz`, the name `helm package` gives it. */
  readonly file: string;
  readonly bytes: Buffer;
  /** sha256 of the bytes, hexadecimal. */
  readonly digest: string;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** Chart.yaml fields a repository index carries for each version (Helm's chart.Metadata). */
const INDEX_FIELDS = ['apiVersion', 'name', 'version', 'appVersion', 'description', 'type', 'kubeVersion', 'annotations'] as const;

export function packageChart(files: ChartFiles): PackagedChart {
  const chartYaml = files.get('Chart.yaml');
  if (chartYaml === undefined) throw new Error('a chart needs a Chart.yaml');
  const metadata = parse(chartYaml) as Record<string, unknown>;
  const name = String(metadata.name);
  const version = String(metadata.version);
  // Chart.yaml first, like helm package; the rest in byte order of their paths.
  const paths = ['Chart.yaml', ...[...files.keys()].filter((p) => p !== 'Chart.yaml').sort()];
  const blocks: Buffer[] = [];
  for (const path of paths) {
    const content = Buffer.from(files.get(path)!, 'utf8');
    blocks.push(tarHeader(`${name}/${path}`, content.length), content, Buffer.alloc(padding(content.length)));
  }
  blocks.push(Buffer.alloc(1024));
  const bytes = gzipSync(Buffer.concat(blocks), { level: 9 });
  // RFC 1952: MTIME 0 (no time), OS 255 (unknown), so the bytes do not depend on the platform.
  bytes.writeUInt32LE(0, 4);
  bytes[9] = 255;
  return { name, version, file: `${name}-${version}.tgz`, bytes, digest: createHash('sha256').update(bytes).digest('hex'), metadata };
}

/**
 * The index.yaml of a chart repository holding these packages, with URLs relative to the
 * repository (Helm resolves them against the URL the repository was added with).
 */
export function repositoryIndex(packages: readonly PackagedChart[]): string {
  const entries: Record<string, Record<string, unknown>[]> = {};
  const sorted = [...packages].sort((a, b) => (a.name === b.name ? compareVersions(b.version, a.version) : a.name < b.name ? -1 : 1));
  for (const chart of sorted) {
    const fields = Object.fromEntries(INDEX_FIELDS.filter((k) => chart.metadata[k] !== undefined).map((k) => [k, chart.metadata[k]]));
    (entries[chart.name] ??= []).push({ ...fields, urls: [chart.file], digest: chart.digest });
  }
  return toYaml({ apiVersion: 'v1', entries });
}

/** Newest first, as Helm sorts an index: by major, minor, patch. */
function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split('.').map((n) => Number.parseInt(n, 10)));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

function padding(size: number): number {
  return (512 - (size % 512)) % 512;
}

/** A ustar header for a regular file: mode 0644, owner 0:0, time 0. */
function tarHeader(path: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  const [prefix, name] = splitPath(path);
  header.write(name, 0, 100, 'utf8');
  header.write(octal(0o644, 7), 100);
  header.write(octal(0, 7), 108);
  header.write(octal(0, 7), 116);
  header.write(octal(size, 11), 124);
  header.write(octal(0, 11), 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\u000000', 257);
  header.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148);
  return header;
}

/** ustar keeps 100 bytes of name and 155 of prefix, split at a "/". */
function splitPath(path: string): [string, string] {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
    const [prefix, name] = [path.slice(0, i), path.slice(i + 1)];
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return [prefix, name];
  }
  throw new Error(`the path ${path} is too long for a chart package`);
}

function octal(value: number, digits: number): string {
  return `${value.toString(8).padStart(digits, '0')}\u0000`;
}
