// The index.json of the previous output, read alone (not the whole tree): synth compares staged
// operations (trust anchor rotation, version changes, retired clusters) with what was delivered
// last, and plan derives the steps of a removal from it. Only what those readers read is kept
// (previousIndexView): at 1000 clusters the file is ~9 MB, its parse ~40 MB of objects, the part
// they read well under a tenth of that.
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

/** What to keep of a value: an object's fields (each cut as given) or only its field names, an array's items (each cut). */
type Cut = { readonly fields?: Readonly<Record<string, Cut>>; readonly items?: Cut; readonly names?: true };
const KEEP: Cut = {};
const LINK: Cut = { fields: { name: KEEP, target: KEEP, object: KEEP, credentials: { items: { fields: { secret: KEEP } } } } };
const CLUSTER: Cut = { fields: { name: KEEP, linkerd: KEEP, upstreamCharts: { names: true }, links: { items: LINK } } };
const ENVIRONMENT: Cut = { fields: { name: KEEP, gitops: { fields: { engine: KEEP } }, clusters: { items: CLUSTER } } };
const INDEX: Cut = { fields: { trustAnchors: { items: { fields: { sha256: KEEP } } }, trustRotation: { fields: { stage: KEEP, previous: KEEP } }, environments: { items: ENVIRONMENT } } };

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
