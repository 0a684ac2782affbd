// Objects a CRD schema's checks found valid in earlier runs, kept between runs by content: a fleet
// synthesized again (in CI, after an edit elsewhere) emits mostly the objects it emitted before, and
// checking them again costs each thread loading the schema's generated code and CEL (~0.1–0.25 s
// before its first cluster is done) and ~0.5 ms a cluster after. A check is a pure function of the
// object (schema-registry.ts rememberedByContent says which part of it), of the schema and of
// meshfleet's code, so a verdict is kept as the digest of those: the synth names the file by its code
// stamp (which covers schemas/, the code and the dependencies' versions) and each check by its schema
// file. Only "valid" is kept: an invalid object is checked again and reported every time.
//
// Each thread reads the file once; what a render worker finds is sent to the main thread with its
// clusters (takeFound / addFound), which writes the file at exit (merged with what it read, aside
// and renamed). A missing, unreadable or unwritable file only costs the checks.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { ensureCacheFolder, removeOlderVersions, saveAtExit, writeCacheFile } from '../compiled-cache.ts';

/** What a thread found valid that the file did not hold: digests, and each check's trait (whether its rules read metadata). */
export interface FoundValid {
  readonly digests: Uint8Array;
  readonly traits: readonly (readonly [check: string, seesMetadata: boolean])[];
}

const DIGEST_BYTES = 16;
/** Past this many digests (16 MB) the file starts again from this run's. */
const MAX_DIGESTS = 1 << 20;

interface Store {
  readonly file: string;
  /** Digests as one-byte strings (Set lookups hash those natively). */
  readonly valid: Set<string>;
  readonly traits: Map<string, boolean>;
  /** Found by this thread (or sent to it) since the file was read. */
  readonly found: string[];
  readonly foundTraits: Map<string, boolean>;
  /** How many of `found` were handed on by takeFound. */
  taken: number;
  saving: boolean;
}

let store: Store | undefined;

/**
 * Verdicts from and to `file` on this thread (the synth's: lib/synth/render-workers.ts); undefined
 * turns them off. Reading is deferred to the first check.
 */
export function useValidBefore(file: string | undefined): void {
  if (store?.file === file) return;
  store = file === undefined ? undefined : { file, valid: new Set(), traits: new Map(), found: [], foundTraits: new Map(), taken: 0, saving: false };
  loaded = false;
}

let loaded = false;

function opened(): Store | undefined {
  if (store && !loaded) {
    loaded = true;
    read(store);
  }
  return store;
}

/** The file: a line of JSON (each check's trait), then the digests, 16 bytes each. */
function read(into: Store): void {
  try {
    const bytes = readFileSync(into.file);
    const newline = bytes.indexOf(0x0a);
    const traits = JSON.parse(bytes.toString('utf8', 0, newline)) as Record<string, unknown>;
    for (const [check, sees] of Object.entries(traits)) if (typeof sees === 'boolean') into.traits.set(check, sees);
    for (let at = newline + 1; at + DIGEST_BYTES <= bytes.length; at += DIGEST_BYTES) into.valid.add(bytes.toString('latin1', at, at + DIGEST_BYTES));
  } catch {
    // None yet, or not ours to read: every object is checked.
  }
}

/** Whether the check's rules read metadata, as found before (undefined: not known, the schema must be read). */
export function seesMetadataBefore(check: string): boolean | undefined {
  return opened()?.traits.get(check);
}

/** The digest of an object's key for a check (one update of one string: half the cost of three while code is cold). */
function digest(check: string, key: string): string {
  return createHash('sha256').update(`${check}\0${key}`).digest().toString('latin1', 0, DIGEST_BYTES);
}

/** True when the check found the object of this key valid before (always false with no file in use). */
export function validBefore(check: string, key: string): boolean {
  const s = opened();
  return s !== undefined && s.valid.size > 0 && s.valid.has(digest(check, key));
}

/** The check found the object of this key valid (and its rules read metadata or not). */
export function foundValid(check: string, key: string, seesMetadata: boolean): void {
  const s = opened();
  if (!s) return;
  const d = digest(check, key);
  if (s.valid.has(d)) return;
  s.valid.add(d);
  s.found.push(d);
  if (s.traits.get(check) !== seesMetadata) {
    s.traits.set(check, seesMetadata);
    s.foundTraits.set(check, seesMetadata);
  }
  saveLater(s);
}

/** What this thread found since the last call, for the main thread (a render worker's). */
export function takeFound(): FoundValid | undefined {
  const s = store;
  if (!s || s.taken === s.found.length) return undefined;
  const fresh = s.found.slice(s.taken);
  s.taken = s.found.length;
  const traits = [...s.foundTraits];
  s.foundTraits.clear();
  return { digests: Buffer.from(fresh.join(''), 'latin1'), traits };
}

/** What a render worker found, kept with this thread's (the main thread writes the file). */
export function addFound(found: FoundValid): void {
  const s = opened();
  if (!s) return;
  const bytes = Buffer.from(found.digests.buffer, found.digests.byteOffset, found.digests.length);
  for (let at = 0; at + DIGEST_BYTES <= bytes.length; at += DIGEST_BYTES) {
    const d = bytes.toString('latin1', at, at + DIGEST_BYTES);
    if (!s.valid.has(d)) {
      s.valid.add(d);
      s.found.push(d);
    }
  }
  for (const [check, sees] of found.traits) s.traits.set(check, sees);
  saveLater(s);
}

/** Written at exit, once, with everything known, by the main thread (a render worker hands on what it found instead). */
function saveLater(s: Store): void {
  if (s.saving || !isMainThread || !ensureCacheFolder()) return;
  s.saving = true;
  saveAtExit(() => {
    if (store === s) saveValidBefore();
  });
}

/** Writes the file in use with everything this thread knows (at exit; tests call it). */
export function saveValidBefore(): void {
  const s = store;
  if (!s) return;
  const digests = s.valid.size > MAX_DIGESTS ? s.found.slice(-MAX_DIGESTS) : [...s.valid];
  if (writeCacheFile(s.file, Buffer.concat([Buffer.from(`${JSON.stringify(Object.fromEntries(s.traits))}\n`), Buffer.from(digests.join(''), 'latin1')]))) removeOlderVersions(s.file, OTHER_VERSIONS);
}

/** The file's name in the cache folder, by the code stamp it holds verdicts of (lib/synth names it). */
export function validBeforeFileName(stamp: string): string {
  return `valid-before-${stamp.slice(0, 32)}.bin`;
}
const OTHER_VERSIONS = /^valid-before-[0-9a-f]{32}\./;
