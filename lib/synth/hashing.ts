// What meshfleet's caches hash: a canonical JSON of plain data (canonical), its digest, and a stamp
// of the code and data that render (codeStamp). The incremental cache keys each cluster's inputs with
// them (incremental.ts), the rollout check its fleet-wide key (rollout-key.ts).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageFile } from '../package-files.ts';

/** A digest of the text (sha256, base64). */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}

/**
 * A digest of the texts, each ended by a NUL (which canonical JSON and digests never hold): the
 * digest of them joined so, without the joined copy V8 makes to hash it (~8 MB in all for a
 * 1000-cluster fleet's input keys).
 */
export function digestOf(...texts: string[]): string {
  const hash = createHash('sha256');
  for (const text of texts) hash.update(text).update('\0');
  return hash.digest('base64');
}

/**
 * JSON of plain data that keeps what JSON.stringify loses: Maps and Sets (as tagged entries, in
 * their order), undefined values. Anything else (a function, a class instance) throws: its effect
 * on the output cannot be known from its data. Key order is kept: it is the order of the input.
 * The text is the one JSON.stringify gives with a replacer doing the same (see tagged), made by
 * JSON.stringify without one: a replacer callback per value cost more than the stringify itself.
 */
export function canonical(value: unknown): string {
  return JSON.stringify(tagged(value, ''));
}

/**
 * The value JSON.stringify serializes for `value` (its toJSON's, as JSON.stringify calls it) with
 * Maps, Sets and undefined values replaced by their tags; the value itself where nothing in it is
 * replaced, else a copy (null-prototype objects, so a "__proto__" key stays a key).
 */
function tagged(value: unknown, key: string): unknown {
  let v = value;
  if (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON(key: string): unknown }).toJSON(key);
  switch (typeof v) {
    case 'undefined':
      return '\u0000undefined';
    case 'function':
    case 'symbol':
    case 'bigint':
      throw new Error(`incremental: a ${typeof v} in the inputs`);
    case 'object':
      break;
    default:
      return v;
  }
  if (v === null) return v;
  if (Array.isArray(v)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      const replaced = tagged(item, String(i));
      if (replaced !== item && copy === undefined) copy = v.slice(0, i);
      copy?.push(replaced);
    }
    return copy ?? v;
  }
  if (v instanceof Map) return { '\u0000Map': tagged([...v], '\u0000Map') };
  if (v instanceof Set) return { '\u0000Set': tagged([...v], '\u0000Set') };
  const prototype = Object.getPrototypeOf(v) as unknown;
  if (prototype !== Object.prototype && prototype !== null) throw new Error('incremental: a class instance in the inputs');
  const record = v as Record<string, unknown>;
  const keys = Object.keys(record);
  let copy: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const name = keys[i]!;
    const item = record[name];
    const replaced = tagged(item, name);
    if (replaced !== item && copy === undefined) {
      copy = Object.create(null) as Record<string, unknown>;
      for (let j = 0; j < i; j++) copy[keys[j]!] = record[keys[j]!];
    }
    if (copy) copy[name] = replaced;
  }
  return copy ?? v;
}

let stamp: string | undefined;

/**
 * The code and data that render, stamped once per process: every file of the running modules'
 * folders (lib/ or dist/lib/, imports/ or dist/imports/), schemas/ and templates/ by path, size and
 * modification time (a tenth of the cost of hashing their content; an edit or rebuild changes them),
 * the package's version, the installed versions of its dependencies, and Node's version. Compiled
 * code carries the hash of its folders in dist/.build-stamp, written by the build
 * (scripts/build.mjs): stat-ing some 450 files of dist/ cost more than the rest of the stamp.
 */
export function codeStamp(): string {
  if (stamp !== undefined) return stamp;
  const hash = createHash('sha256');
  const code = dirname(dirname(fileURLToPath(import.meta.url)));
  const manifest = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string; dependencies?: Record<string, string> };
  hash.update(`node ${process.version}\0meshfleet ${manifest.version}\0`);
  const versions = dependencyVersions(Object.keys(manifest.dependencies ?? {}), createRequire(import.meta.url));
  for (const [name, version] of versions) hash.update(`${name} ${version}\0`);
  const built = buildStampOf(code);
  if (built !== undefined) hash.update(`build ${built}\0`);
  else for (const folder of [code, join(dirname(code), 'imports')]) hashFolder(hash, folder);
  for (const folder of [fileURLToPath(packageFile('schemas')), fileURLToPath(packageFile('templates'))]) hashFolder(hash, folder);
  return (stamp = hash.digest('hex'));
}

/**
 * The stamp another thread of this process computed (a render worker's job carries the main
 * thread's): the same code, data and versions, not stat-ed again on a thread whose start the
 * synth waits for (~5 ms).
 */
export function assumeCodeStamp(given: string): void {
  stamp = given;
}

/**
 * The hash of dist/lib and dist/imports the build wrote (`meshfleet-build <hex>` in dist/.build-stamp)
 * when `code` is a dist/lib folder; undefined for the sources or without a readable stamp.
 */
export function buildStampOf(code: string): string | undefined {
  if (basename(code) !== 'lib' || basename(dirname(code)) !== 'dist') return undefined;
  try {
    return /^meshfleet-build ([0-9a-f]{64})\n$/.exec(readFileSync(join(dirname(code), '.build-stamp'), 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * The installed version of each package (sorted by name), '-' where none is found, as Node resolves
 * it from this module. The node_modules folders on the way up are looked for once: most do not exist
 * (dist/lib/synth/node_modules, …), and a run stamps a dozen packages.
 */
export function dependencyVersions(names: readonly string[], require: NodeJS.Require): [name: string, version: string][] {
  const folders = new Map<string, boolean>();
  const exists = (folder: string) => {
    let found = folders.get(folder);
    if (found === undefined) folders.set(folder, (found = statSync(folder, { throwIfNoEntry: false })?.isDirectory() === true));
    return found;
  };
  return [...names].sort().map((name) => {
    for (const folder of require.resolve.paths(name) ?? []) {
      if (!exists(folder)) continue;
      try {
        return [name, (JSON.parse(readFileSync(join(folder, name, 'package.json'), 'utf8')) as { version: string }).version];
      } catch {
        // Not installed in this folder (or unreadable): the next one up.
      }
    }
    return [name, '-'];
  });
}

/**
 * Every file of the folder (recursively; declarations left out, as they are never run) by path,
 * size and modification time, in path order. Walked by hand: Node 20's recursive readdirSync
 * normalizes a relative path per entry, which cost more than stat-ing the files.
 */
export function hashFolder(hash: ReturnType<typeof createHash>, folder: string): void {
  const files: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(`${dir}/${entry.name}`, `${prefix}${entry.name}/`);
      else if (!entry.name.endsWith('.d.ts')) files.push(`${prefix}${entry.name}`);
    }
  };
  try {
    walk(folder, '');
  } catch {
    return;
  }
  for (const path of files.sort()) {
    // A link is followed, as statSync does; anything but a file (a socket, a dangling link) is left out.
    const stats = statSync(`${folder}/${path}`, { throwIfNoEntry: false });
    if (stats?.isFile()) hash.update(`${path}\0${stats.size}\0${stats.mtimeMs}\0`);
  }
}
