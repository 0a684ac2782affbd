// The secret scan of everything meshfleet writes, run once on the final files (path → content) so
// that no delivery, object kind or copied file can slip past it: mesh chart, manifests, values
// files, vendored bundles, GitOps files, index.json. What counts as secret is defined once, in
// lib/model/secret-material.ts. Public certificates (trust anchors, CA bundles) are not reported.
// A finding names the file, the line and a fingerprint, never the secret.
import { goTemplateLiteral } from '../constructs/go-template.ts';
import { fingerprintOf, findSecretMaterialParts, lineAt, standsClean } from '../model/secret-material.ts';
import { foundValid, validBefore } from './valid-before.ts';

export interface SecretIssue {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** What was found ("EC private key", "base64-encoded kubeconfig user token", "Secret data"). */
  readonly kind: string;
  /** "sha256:" + 8 hex digits of the secret, to match findings without printing them. */
  readonly fingerprint: string;
}

export const DELIVER_INSTEAD = 'keep it in a secret store and deliver it with External Secrets, SealedSecrets or SOPS';

/**
 * A file whose text is another file's between a head and a tail (a mesh chart template is its
 * manifest between the file selection's two lines): its findings are the other file's, moved by
 * the head, plus the head's and tail's own, so the text is not scanned twice.
 */
export interface WrappedFile {
  /** The path of the file whose text it wraps (in the same scan). */
  readonly of: string;
  readonly head: string;
  readonly tail: string;
  /** The text is the other file's as a Go template literal (goTemplateLiteral: every `{{` escaped). */
  readonly escaped?: boolean;
}

type Found = { index: number; kind: string; fingerprint: string };

/** Every piece of secret material in the files, in file order then line order. */
export function scanFiles(files: ReadonlyMap<string, string> | Readonly<Record<string, string>>, wrapped?: ReadonlyMap<string, WrappedFile>): SecretIssue[] {
  const entries = files instanceof Map ? [...files.entries()] : Object.entries(files as Record<string, string>);
  const texts = files instanceof Map ? (files as ReadonlyMap<string, string>) : new Map(entries);
  const scanned = new Map<string, Scanned>();
  const foundIn = (file: string, text: string): Scanned => {
    let found = scanned.get(file);
    if (!found) {
      found = wrappedFindings(file, text, wrapped?.get(file), texts, foundIn) ?? foundInText(file, text);
      scanned.set(file, found);
    }
    return found;
  };
  const issues: SecretIssue[] = [];
  for (const [file, text] of entries) {
    for (const f of foundIn(file, text).all) issues.push({ file, line: lineAt(text, f.index), kind: f.kind, fingerprint: f.fingerprint });
  }
  return issues;
}

/**
 * scanFiles' findings, without scanning the files whose text scanned clean in this or an earlier run
 * (valid-before.ts, under the check of its kind of file: a file's findings follow from its text and
 * whether it is YAML alone); the texts found clean now are kept for the next. A wrapping file whose
 * wrapped one was set aside is scanned whole. The same issues in the same order as scanFiles: the
 * files set aside had none.
 */
export function scanUnseenFiles(files: ReadonlyMap<string, string>, wrapped?: ReadonlyMap<string, WrappedFile>): SecretIssue[] {
  const unseen = new Map<string, string>();
  for (const [file, text] of files) if (!validBefore(scanCheck(file), text)) unseen.set(file, text);
  if (unseen.size === 0) return [];
  const issues = scanFiles(unseen, wrapped);
  const flagged = new Set(issues.map((issue) => issue.file));
  for (const [file, text] of unseen) if (!flagged.has(file)) foundValid(scanCheck(file), text);
  return issues;
}

function scanCheck(file: string): string {
  return isYaml(file) ? 'secret scan of YAML' : 'secret scan';
}

/**
 * Whether scanFiles finds nothing in a JSON file made of pieces set whole into the rest of it (index.json
 * and its clusters' entries), from what each piece's own scan found where it was made: every piece a
 * JSON object (`{` to `}`) that stood clean alone, and the rest (`outline`: the file with `{}` in each
 * piece's place) standing clean too (standsClean says why that is the whole file's verdict). Not for
 * YAML files, whose Secret data rule reads whole documents.
 */
export function piecesClean(file: string, outline: string, pieces: readonly { readonly text: string; readonly clean: boolean; readonly bytes?: Uint8Array }[]): boolean {
  if (isYaml(file)) return false;
  for (const piece of pieces) if (!piece.clean || !isObjectText(piece)) return false;
  // An outline that stood clean is kept by content, as files scanned clean are (index.json's at 1000
  // clusters: ~230 KB, 16–23 ms to scan, timed); one that does not is scanned every run.
  if (validBefore(OUTLINE_CHECK, outline)) return true;
  if (!standsClean(outline)) return false;
  foundValid(OUTLINE_CHECK, outline);
  return true;
}

/** Whether a piece runs from `{` to `}`: read from its bytes when it has them (its text is then never made). */
function isObjectText(piece: { readonly text: string; readonly bytes?: Uint8Array }): boolean {
  const { bytes } = piece;
  if (!bytes) return piece.text.startsWith('{') && piece.text.endsWith('}');
  return bytes.length > 1 && bytes[0] === 0x7b && bytes[bytes.length - 1] === 0x7d;
}

/** The valid-before file's check of an outline (piecesClean): standsClean's verdict, not a scan's. */
const OUTLINE_CHECK = 'secret scan of an outline';

/** A file's findings, and those of its base64 runs alone (undefined when they were not told apart). */
type Scanned = { readonly all: Found[]; readonly runs?: readonly Found[] };

function found(f: Found): Found {
  return { index: f.index, kind: f.kind, fingerprint: f.fingerprint };
}
function byIndex(a: Found, b: Found): number {
  return a.index - b.index;
}
function isYaml(file: string): boolean {
  return /\.ya?ml$/.test(file);
}

function foundInText(file: string, text: string): Scanned {
  const parts = findSecretMaterialParts(text);
  const runs = parts.runs.map(found);
  // The order findSecretMaterial gives, then the Secret data (a stable sort keeps ties in that order).
  const all = [...parts.text.map(found), ...runs];
  if (isYaml(file)) all.push(...secretData(text));
  return { all: all.sort(byIndex), runs };
}

/**
 * The findings of a wrapping file from those of the file it wraps, or undefined when the text is not
 * that file's between the head and the tail. Nothing can match across the seams: the head ends in
 * a line break, the tail starts a line, and neither holds a ':' (every key-value rule needs one).
 */
function wrappedFindings(file: string, text: string, wrap: WrappedFile | undefined, texts: ReadonlyMap<string, string>, foundIn: (file: string, text: string) => Scanned): Scanned | undefined {
  if (!wrap || wrap.of === file) return undefined;
  const inner = texts.get(wrap.of);
  const { head, tail } = wrap;
  if (inner === undefined || !head.endsWith('\n') || head.includes(':') || tail.includes(':') || (inner !== '' && !inner.endsWith('\n'))) return undefined;
  // An armoured key without its end line is read up to 4096 characters on, which may reach the tail.
  if (inner.includes('PRIVATE KEY') || inner.includes('PuTTY-User-Key-File-')) return undefined;
  if (wrap.escaped) return escapedFindings(file, text, inner, wrap, foundIn(wrap.of, inner).runs);
  if (text.length !== head.length + inner.length + tail.length || !text.startsWith(head) || !text.endsWith(tail) || text.slice(head.length, head.length + inner.length) !== inner) return undefined;
  const [own, wrapped, after] = [foundInText(file, head), foundIn(wrap.of, inner), foundInText(file, tail)];
  return { all: [...own.all, ...shift(wrapped.all, head.length), ...shift(after.all, head.length + inner.length)] };
}

/**
 * The findings of a text that is another's as a Go template literal between a head and a tail: the
 * rules that read around a match (kubeconfigs, Secret data, …) read this text, but its base64 runs
 * are the other text's, moved. Escaping puts ` "{{" }}` after each `{{`: no character of it can be
 * in a run or in what a run's checks read before it (a key and `:`, `=` or a quote), and the
 * character on each side of it is a brace, so every run, its neighbours and its findings are the
 * same, only further on.
 */
function escapedFindings(file: string, text: string, inner: string, wrap: WrappedFile, innerRuns: readonly Found[] | undefined): Scanned | undefined {
  const { head, tail } = wrap;
  if (!innerRuns) return undefined;
  const escaped = goTemplateLiteral(inner);
  if (text.length !== head.length + escaped.length + tail.length || !text.startsWith(head) || !text.endsWith(tail) || text.slice(head.length, head.length + escaped.length) !== escaped) return undefined;
  // Where each escape went in (offsets in `inner` after which ESCAPE_GROWTH characters were added).
  const escapes: number[] = [];
  for (let at = inner.indexOf('{{'); at !== -1; at = inner.indexOf('{{', at + 2)) escapes.push(at + 2);
  let passed = 0;
  const moved = innerRuns.map((f) => {
    while (passed < escapes.length && escapes[passed]! <= f.index) passed++;
    return { ...f, index: head.length + f.index + passed * ESCAPE_GROWTH };
  });
  const runs = [...findSecretMaterialParts(head).runs.map(found), ...moved, ...shift(findSecretMaterialParts(tail).runs.map(found), text.length - tail.length)];
  const all = [...findSecretMaterialParts(text, { runs: false }).text.map(found), ...runs];
  if (isYaml(file)) all.push(...secretData(text));
  return { all: all.sort(byIndex), runs };
}

/** Findings moved `by` characters on. (Module-level: the build keeps function names, at a cost per closure made.) */
function shift(list: readonly Found[], by: number): Found[] {
  return list.map((f) => ({ index: f.index + by, kind: f.kind, fingerprint: f.fingerprint }));
}

/** What goTemplateLiteral adds after each `{{`. */
const ESCAPE_GROWTH = goTemplateLiteral('{{').length - 2;

/** One line for a message: where, what, fingerprint. */
export function describeSecretIssue(issue: SecretIssue): string {
  return `${issue.file}:${issue.line}: ${issue.kind} (${issue.fingerprint})`;
}

const SECRET_KIND = /^kind:[ \t]*["']?Secret["']?[ \t]*$/m;
const DATA_FIELD = /^(data|stringData):[ \t]*(.*)$/gm;
const DATA_ENTRY = /^[ \t]+["']?([^"':\n]+)["']?:[ \t]*(.*)$/;

/**
 * A v1 Secret with data, whatever it holds: a Secret in git is readable by anyone with the
 * repository. Read from the text (top-level `kind: Secret` and a non-empty `data`/`stringData`
 * block) so that copied files that were never parsed are covered too.
 */
function secretData(text: string): { index: number; kind: string; fingerprint: string }[] {
  // A document's `kind: Secret` line is a line of the whole text: one search spares the split for
  // the many files that only mention Secret (ExternalSecret, SecretStore, secretKey).
  if (!text.includes('Secret') || !SECRET_KIND.test(text)) return [];
  const found: { index: number; kind: string; fingerprint: string }[] = [];
  let from = 0;
  for (const doc of text.split(/^---[ \t]*$/m)) {
    const at = text.indexOf(doc, from);
    from = at + doc.length;
    if (!SECRET_KIND.test(doc) || !/^apiVersion:[ \t]*["']?v1["']?[ \t]*$/m.test(doc)) continue;
    DATA_FIELD.lastIndex = 0;
    for (let m = DATA_FIELD.exec(doc); m; m = DATA_FIELD.exec(doc)) {
      const inline = m[2]!.replace(/#.*$/, '').trim();
      if (inline === '{}' || inline === 'null' || inline === '~') continue;
      if (inline !== '') {
        found.push({ index: at + m.index, kind: `Secret ${m[1]}`, fingerprint: fingerprintOf(inline) });
        continue;
      }
      const rest = doc.slice(m.index + m[0].length + 1).split('\n');
      for (const line of rest) {
        const entry = DATA_ENTRY.exec(line);
        if (!entry) break;
        const value = entry[2]!.trim().replace(/^["']|["']$/g, '');
        if (value === '' || value === 'null' || value === '~') continue;
        found.push({ index: at + m.index, kind: `Secret ${m[1]}`, fingerprint: fingerprintOf(value) });
        break;
      }
    }
  }
  return found;
}
