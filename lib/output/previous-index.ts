// The index.json of the previous output, read alone (not the whole tree): synth compares staged
// operations (trust anchor rotation, version changes, retired clusters) with what was delivered
// last, and plan derives the steps of a removal from it. Only what those readers read is kept
// (previousIndexView): at 1000 clusters the file is ~9 MB, its parse ~40 MB of objects, the part
// they read well under a tenth of that.
//
// A synth that writes also keeps that view of the index.json it wrote, beside its incremental cache
// (indexViewFileContent): the next run takes it instead of reading and parsing the file, while the
// file is the one written (its size and modification time).
import { join } from 'node:path';
import { lstatSync } from 'node:fs';
import { INPUT_LIMITS, readRegularFile } from '../model/file-access.ts';

/**
 * The previous index.json as parsed, with only the fields lib/rollout reads of it (trust-rotation.ts,
 * version-change.ts, retire.ts; see previousIndexView); a reader that needs another field adds it there.
 */
export type PreviousIndex = Readonly<Record<string, unknown>>;

/** undefined when the folder holds no readable index.json (first synth, or not meshfleet's). */
export function readPreviousIndex(outdir: string): PreviousIndex | undefined {
  const file = join(outdir, 'index.json');
  if (!lstatSync(file, { throwIfNoEntry: false })) return undefined;
  const read = readRegularFile(file, { limit: INPUT_LIMITS.outputFile, what: 'output index', noFollow: true });
  return 'text' in read ? parseIndex(read.text) : undefined;
}

export function parseIndex(text: string | undefined): PreviousIndex | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? previousIndexView(value as PreviousIndex) : undefined;
}

/**
 * The fields of index.json the readers read, each as it is in the file (any value, as a hand-edited
 * file may hold: the readers check types themselves), objects among them cut to the fields read:
 * trustAnchors[].sha256, trustRotation.{stage, previous}, and environments[].{name, gitops.engine,
 * clusters[].{name, linkerd, upstreamCharts (its chart names), links[].{name, target, object,
 * credentials[].secret}}}.
 */
export function previousIndexView(index: PreviousIndex): PreviousIndex {
  return pick(index, INDEX) as PreviousIndex;
}

/** A cluster's part of the view (its item of environments[].clusters[]), as JSON: from its entry in index.json before it is written. */
export function clusterIndexView(entry: object): string {
  return JSON.stringify(pick(entry, CLUSTER));
}

/** A cluster's view (clusterIndexView), as its text or that text's UTF-8 bytes. */
export type ClusterView = string | Uint8Array;

/**
 * The view (previousIndexView) of index.json as JSON in pieces of UTF-8, from the index without its
 * clusters (each environment's list empty, or left out) and each environment's clusters' views
 * (clusterIndexView), in the index's order of environments.
 */
export function indexViewPieces(index: { readonly environments: readonly object[] }, clusterViews: readonly (readonly ClusterView[])[]): Uint8Array[] {
  const { environments, ...rest } = index;
  const pieces: Uint8Array[] = [];
  const text = (t: string) => pieces.push(Buffer.from(t));
  const comma = Buffer.from(',');
  // An object's JSON with a list field added last: `{…,"field":[` here, the items, then `]}`.
  const open = (json: string, field: string) => `${json.slice(0, -1)}${json === '{}' ? '' : ','}${JSON.stringify(field)}:[`;
  text(open(JSON.stringify(pick(rest, INDEX)), 'environments'));
  environments.forEach((env, i) => {
    const { clusters: _, ...fields } = env as Record<string, unknown>;
    text(`${i === 0 ? '' : ','}${open(JSON.stringify(pick(fields, ENVIRONMENT)), 'clusters')}`);
    (clusterViews[i] ?? []).forEach((view, j) => {
      if (j > 0) pieces.push(comma);
      pieces.push(typeof view === 'string' ? Buffer.from(view) : view);
    });
    text(']}');
  });
  text(']}');
  return pieces;
}

/** What a view file says of the view it holds: the cut it was made with, and the index.json it is the view of. */
interface IndexViewHeader {
  readonly cut: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** A view file's content in pieces: its header line, then the view (indexViewPieces) of the index.json of this size and modification time. */
export function indexViewFileContent(index: { readonly size: number; readonly mtimeMs: number }, view: readonly Uint8Array[]): Uint8Array[] {
  return [Buffer.from(`${JSON.stringify({ cut: CUT, size: index.size, mtimeMs: index.mtimeMs } satisfies IndexViewHeader)}\n`), ...view];
}

/**
 * The view a view file holds (as JSON) when the folder's index.json is still the file it is the view
 * of, as the view file recorded it; else (no such file, another index.json, a view of another cut,
 * a file that does not parse) undefined.
 */
export function readIndexView(outdir: string, file: string): string | undefined {
  const view = indexViewText(outdir, file);
  if (view === undefined) return undefined;
  try {
    JSON.parse(view);
    return view;
  } catch {
    return undefined;
  }
}

/** readIndexView's view, not yet parsed: undefined when the view file does not describe the folder's index.json. */
function indexViewText(outdir: string, file: string): string | undefined {
  try {
    const read = readRegularFile(file, { limit: INPUT_LIMITS.outputFile, what: 'output index view', noFollow: true });
    if (!('text' in read)) return undefined;
    const line = read.text.indexOf('\n');
    if (line < 0) return undefined;
    const header = JSON.parse(read.text.slice(0, line)) as Partial<IndexViewHeader>;
    const index = lstatSync(join(outdir, 'index.json'), { throwIfNoEntry: false });
    if (header.cut !== CUT || !index?.isFile() || index.size !== header.size || index.mtimeMs !== header.mtimeMs) return undefined;
    return read.text.slice(line + 1);
  } catch {
    return undefined;
  }
}

/** The previous index's view: the view file's (readIndexView) when it holds that of the folder's index.json, else read from the file. */
export function previousIndexOf(outdir: string, viewFile?: string): PreviousIndex | undefined {
  const view = viewFile === undefined ? undefined : indexViewText(outdir, viewFile);
  if (view !== undefined) {
    // Parsed once (readIndexView parses to check, for the survey's thread, which sends the text on).
    try {
      return JSON.parse(view) as PreviousIndex;
    } catch {
      // Not the view's JSON: the file itself.
    }
  }
  return readPreviousIndex(outdir);
}

/** What to keep of a value: an object's fields (each cut as given) or only its field names, an array's items (each cut). */
type Cut = { readonly fields?: Readonly<Record<string, Cut>>; readonly items?: Cut; readonly names?: true };
const KEEP: Cut = {};
const LINK: Cut = { fields: { name: KEEP, target: KEEP, object: KEEP, credentials: { items: { fields: { secret: KEEP } } } } };
const CLUSTER: Cut = { fields: { name: KEEP, linkerd: KEEP, upstreamCharts: { names: true }, links: { items: LINK } } };
const ENVIRONMENT: Cut = { fields: { name: KEEP, gitops: { fields: { engine: KEEP } }, clusters: { items: CLUSTER } } };
const INDEX: Cut = { fields: { trustAnchors: { items: { fields: { sha256: KEEP } } }, trustRotation: { fields: { stage: KEEP, previous: KEEP } }, environments: { items: ENVIRONMENT } } };
/** The cut as text: a view made by code that keeps other fields is not this code's. */
const CUT = JSON.stringify(INDEX);

/** The value cut: a plain object to its fields (own ones), an array to its items, an object to its field names (null values); anything else as it is. */
function pick(value: unknown, cut: Cut): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return cut.items ? value.map((item) => pick(item, cut.items!)) : value;
  if (cut.names) return Object.fromEntries(Object.keys(value).map((name) => [name, null]));
  if (!cut.fields) return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const name in cut.fields) if (Object.hasOwn(record, name)) out[name] = pick(record[name], cut.fields[name]!);
  return out;
}
