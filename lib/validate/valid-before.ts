// Files whose objects passed every check in earlier runs, kept between runs by content: a fleet
// synthesized again (in CI, after an edit elsewhere) writes mostly the files it wrote before, and
// checking their objects again costs each thread loading the schemas' generated code and CEL
// (0.1–0.25 s before its first cluster is done) and ~0.5 ms a cluster after. The checks of an object
// are a pure function of it, of the schemas it is checked against and of meshfleet's code; a file's
// text tells its objects apart (lib/synth/validated-files.ts gives the objects of a file whose text
// passed to validateObjects as known). So a verdict is kept as the SHA-256 of the check (the schema
// sources, or another check's name) and the text, in a file the synth names by its code stamp (which covers schemas/, the code and the
// dependencies' versions). Only "valid" is kept: a file with an invalid object is checked again, and
// reported, every time. Other checks that are pure functions of a text keep theirs here under their
// own names: the route fields a Linkerd release reads, and the rollout check by its rollout key
// (lib/synth/render.ts). Linkerd's admission rules, which read the other objects of a cluster, are
// run for every object all the same (validateObjects' `known`).
//
// Each thread reads the file once; what a render worker finds is sent to the main thread with its
// clusters (takeFound / addFound), which writes the file at exit (what it read and what was found,
// aside and renamed). A missing, unreadable or unwritable file only costs the checks.
import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { ensureCacheFolder, removeOlderVersions, saveAtExit, writeCacheFile } from '../compiled-cache.ts';

const DIGEST_BYTES = 16;
/** Past this many digests (4 MB; a 1000-cluster synth keeps ~37,000: its object files, scanned texts and rollout key) the file keeps only what this run used and found. */
const MAX_DIGESTS = 1 << 18;
/** The file's first bytes: its format. */
const HEADER = 'meshfleet valid-before 2\n';

interface Store {
  readonly file: string;
  /** The file's digests (read on the first question). */
  kept: DigestTable;
  /** Found by this thread (or sent to it) and not in the file: digests as one-byte strings (Set lookups hash those natively). */
  readonly fresh: Set<string>;
  /** `fresh` in the order found. */
  readonly found: string[];
  /** Read from the file and asked for by this thread. */
  readonly used: Set<string>;
  /** How many of `found` were handed on by takeFound. */
  taken: number;
  /** The file was read (on the first question). */
  read: boolean;
  saving: boolean;
}

let store: Store | undefined;

/**
 * Verdicts from and to `file` on this thread (the synth's: lib/synth/render-workers.ts); undefined
 * turns them off. The file is read on the first question.
 */
export function useValidBefore(file: string | undefined): void {
  if (store?.file === file) return;
  store = file === undefined ? undefined : { file, kept: NO_DIGESTS, fresh: new Set(), found: [], used: new Set(), taken: 0, read: false, saving: false };
}

/** Whether verdicts are kept on this thread (useValidBefore was given a file): a caller whose verdict's text costs to make asks first. */
export function keepsVerdicts(): boolean {
  return store !== undefined;
}

function opened(): Store | undefined {
  if (store && !store.read) {
    store.read = true;
    try {
      const bytes = readFileSync(store.file);
      if (bytes.toString('latin1', 0, HEADER.length) === HEADER) store.kept = new DigestTable(bytes.subarray(HEADER.length));
    } catch {
      // None yet, or not ours to read: every object is checked.
    }
  }
  return store;
}

/**
 * Digests one after another (a file's), looked up without a string each: a table of their positions
 * by their first four bytes (SHA-256's, evenly spread), probed in turn. Each thread reads the file
 * (~37,000 digests after a 1000-cluster synth): as a Set of strings that took 15–19 ms a thread, as
 * this table 3–5 ms.
 */
class DigestTable {
  /** How many digests (a duplicate counted twice). */
  readonly count: number;
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(private readonly bytes: Uint8Array) {
    this.count = Math.floor(bytes.length / DIGEST_BYTES);
    let size = 1;
    while (size < 2 * this.count) size <<= 1;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < this.count; i++) {
      const at = i * DIGEST_BYTES;
      let slot = (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = i + 1;
    }
  }

  /** Whether the digest (a one-byte string) is one of them. */
  has(digest: string): boolean {
    const { bytes, slots, mask } = this;
    let slot = (digest.charCodeAt(0) | (digest.charCodeAt(1) << 8) | (digest.charCodeAt(2) << 16) | (digest.charCodeAt(3) << 24)) & mask;
    for (let held = slots[slot]!; held !== 0; slot = (slot + 1) & mask, held = slots[slot]!) {
      const at = (held - 1) * DIGEST_BYTES;
      let same = 0;
      while (same < DIGEST_BYTES && bytes[at + same] === digest.charCodeAt(same)) same++;
      if (same === DIGEST_BYTES) return true;
    }
    return false;
  }

  /** The digests, as the file holds them (one-byte text). */
  text(): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.count * DIGEST_BYTES).toString('latin1');
  }
}

const NO_DIGESTS = new DigestTable(new Uint8Array(0));

/**
 * The digest of a text under a check (`check`: the schema sources' key, or another check's name): of
 * the check and the text's own SHA-256, so that a long text is not copied behind the check's name.
 * One-shot hashes: a Hash object costs more than hashing a file of a few kilobytes. A file asked
 * about under two checks (its objects', the secret scan's) is hashed for each: a memo of digests
 * keyed by the texts cost more than the second hash (Map lookups of long strings).
 */
function digest(check: string, text: string): string {
  return hash('sha256', `${check}\0${hash('sha256', text, 'binary')}`, 'binary').slice(0, DIGEST_BYTES);
}

/** Whether the digest is the file's or was found since. */
function known(s: Store, d: string): boolean {
  return s.kept.has(d) || s.fresh.has(d);
}

/** True when a file of this text passed the check before (false with no file in use). */
export function validBefore(check: string, text: string): boolean {
  const s = opened();
  if (s === undefined || s.kept.count + s.fresh.size === 0) return false;
  const d = digest(check, text);
  if (!known(s, d)) return false;
  s.used.add(d);
  return true;
}

/** A file of this text passed the check. */
export function foundValid(check: string, text: string): void {
  const s = opened();
  if (!s) return;
  const d = digest(check, text);
  if (known(s, d)) return;
  s.fresh.add(d);
  s.found.push(d);
  saveLater(s);
}

/** What this thread found since the last call, for the main thread (a render worker's). */
export function takeFound(): Uint8Array | undefined {
  const s = store;
  if (!s || s.taken === s.found.length) return undefined;
  const fresh = s.found.slice(s.taken);
  s.taken = s.found.length;
  return Buffer.from(fresh.join(''), 'latin1');
}

/** What a render worker found, kept with this thread's (the main thread writes the file). */
export function addFound(digests: Uint8Array): void {
  const s = opened();
  if (!s) return;
  const bytes = Buffer.from(digests.buffer, digests.byteOffset, digests.length);
  for (let at = 0; at + DIGEST_BYTES <= bytes.length; at += DIGEST_BYTES) {
    const d = bytes.toString('latin1', at, at + DIGEST_BYTES);
    if (known(s, d)) continue;
    s.fresh.add(d);
    s.found.push(d);
  }
  saveLater(s);
}

/** Written at exit, once, by the main thread (a render worker hands on what it found instead). */
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
  const text = s.kept.count + s.fresh.size > MAX_DIGESTS ? [...s.used, ...s.found].slice(-MAX_DIGESTS).join('') : s.kept.text() + s.found.join('');
  if (writeCacheFile(s.file, Buffer.from(HEADER + text, 'latin1'))) removeOlderVersions(s.file, OTHER_VERSIONS);
}

/** The file's name in the cache folder, by the code stamp it holds verdicts of (lib/synth names it). */
export function validBeforeFileName(stamp: string): string {
  return `valid-before-${stamp.slice(0, 32)}.bin`;
}
const OTHER_VERSIONS = /^valid-before-[0-9a-f]{32}\./;
