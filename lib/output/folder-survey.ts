// What an incremental synth reads of a large output folder, on a thread of its own: the file it reads
// first once the fleet is planned (its cache, ~32 MB at 1000 clusters), the ownership walk, which
// stats every file (~28,000), and the previous index.json (~9 MB, parsed and cut to what the
// staged-change checks read). The main thread would otherwise spend ~0.5 s on them while the other
// core idles: the CLI starts the thread before it reads the fleet file (prestartSurvey), so that it
// has loaded its modules, and read the cache, when the folder is opened and its job posted, before
// the fleet is planned; each result is taken when needed, in the order the thread makes them: the
// cache file, the walk (needed once the cache has been matched), the index (once the clusters are
// rendered). The walk (~0.4 s) often outlasts the main thread's planning: the index is then read
// here while it runs (synthesize's staged-change checks fill that wait), and the thread skips it. A
// thread that stops without answering (its heap limit, above all) is noticed by a watchdog
// (lib/thread-watchdog.ts), and its work done here.
import { closeSync, existsSync, fstatSync, lstatSync, openSync, readFileSync, statSync, type Stats } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { startWorkerThread } from '../spare-thread.ts';
import { newLifeline, watchLifelines, type LifelineWatch } from '../thread-watchdog.ts';
import { shareCoresWithCompiler } from '../compiler-tuning.ts';
import { collectGarbage } from '../full-collection.ts';
import { moduleWorkerCode, siblingModule } from '../worker-code.ts';
import { OUTPUT_MARKER, surveyOwnership, type OwnershipSurvey } from './folder-ownership.ts';
import { previousIndexOf, readIndexView, readPreviousIndex, type PreviousIndex } from './previous-index.ts';

/** A marker this large lists some 1,000 files: below it, starting a thread (~30 ms) costs more than the walk. */
export const THREAD_THRESHOLD = 64 * 1024;
/** A thread alive but silent this long (stuck) is given up for the work on the main thread; one that stopped is noticed at once. */
const ANSWER_TIMEOUT_MS = 60_000;
/** What the thread posts for each job, in this order (or `failed` for each): how many messages are in once each has come. */
const READ_AHEAD = 1;
const SURVEYED = 2;
const INDEXED = 3;
const MESSAGES = INDEXED;
/** Slots of the shared control array: how many messages the thread posted (or the watchdog's wake-ups), and the thread's state. */
const EVENTS = 0;
const STATE = 1;
/** control[COLLECTED]: the collections a held thread made when asked (collectHeldSurveyGarbage); then its heap in KiB before and after the last. */
const COLLECTED = 2;
const HEAP_BEFORE = 3;
const HEAP_AFTER = 4;
/** control[PREFETCHED]: the files the thread read before its job (PrefetchRequest; not one it had read as the spare thread), for the tests. */
const PREFETCHED = 5;
/** control[READ_AT_JOB]: the files to read ahead that the thread read when its job came, not before (tests). */
const READ_AT_JOB = 6;
/**
 * control[INDEX_CLAIM]: which thread reads the previous index, the first to claim it (compareExchange
 * from UNCLAIMED): the main thread when it asks for it while the walk is out (PendingSurvey.previousIndex),
 * else the survey's thread, once it has walked.
 */
const INDEX_CLAIM = 7;
const UNCLAIMED = 0;
const CLAIMED_HERE = 1;
const CLAIMED_THERE = 2;
/** control[INDEXES_READ]: the previous indexes the thread read (tests). */
const INDEXES_READ = 8;
const CONTROL_SLOTS = 9;
/** The thread's state once the watchdog saw it stop. */
const GONE = 1;

export interface PendingSurvey {
  /** The file the job named to read ahead, as the thread read it (blocks until then); undefined when none was, or it could not be read there. */
  readAhead(): Uint8Array | undefined;
  /** The survey (blocks until the thread has it): the same as surveyOwnership's on this thread. */
  result(): OwnershipSurvey;
  /** Whether result() would answer without waiting for the thread (it has, or is gone); never blocks. */
  answered(): boolean;
  /**
   * readPreviousIndex of the folder, or the view the last synth kept of its index.json
   * (SurveyJob.indexView). Asked while the thread still walks, it is read here, and the thread
   * skips it (the caller has the time: it would wait for the walk); else it blocks until the thread
   * has it, which is done then.
   */
  previousIndex(): PreviousIndex | undefined;
  /** Stops the thread, when the folder is closed before both were taken. */
  stop(): void;
  /** Where result()'s walk ran: on the survey's thread, or here (a small folder, or a thread that failed). */
  where(): 'thread' | 'here';
  /** Where previousIndex() read the index, once it has: on the survey's thread, or here (asked while the walk was out, a small folder, or a thread that failed). */
  indexFrom(): 'thread' | 'here' | undefined;
}

/** What the thread starts with; its job (SurveyJob) comes on the port, so that it can start before the folder is known. */
interface SurveyData {
  /** EVENTS and STATE. */
  readonly control: Int32Array;
  readonly port: MessagePort;
  /** Held, never used: the watchdog sees it close when the thread is gone. */
  readonly lifeline: MessagePort;
  /**
   * The file this thread read as the spare thread it was, as the command started (bin/spare-thread.js
   * readAheadFor: the output folder's cache, before the CLI's code was loaded): taken as read ahead.
   */
  readonly spareRead?: { readonly path: string; readonly bytes: Uint8Array; readonly stats: IdentityStats };
}

interface SurveyJob {
  readonly target: string;
  readonly display: string;
  readonly withStats: boolean;
  /** A file the caller reads first (an incremental synth's cache), read before the walk. */
  readonly readAhead?: string;
  /** The view of the folder's index.json the last synth kept (previous-index.ts readIndexView), taken instead of reading the file if it is still that one. */
  readonly indexView?: string;
}

/** Asks a held thread, between the watch mode's runs, to collect its garbage (collectHeldSurveyGarbage). */
interface CollectRequest {
  readonly collect: true;
}

/**
 * Asks a prestarted thread to read a file now, before its job comes: the job that names it to read
 * ahead (SurveyJob.readAhead) is then answered at once, with those bytes if the file is still the
 * one read (its inode, size and times), else with the file read again. The job comes once the folder
 * is locked; what reads the file checks it against the folder all the same (an incremental synth's
 * cache holds the sizes and times of the files it describes).
 */
interface PrefetchRequest {
  readonly prefetch: string;
}

/** A survey thread, started (and loading its modules) before its job is posted. */
interface SurveyThread {
  readonly worker: Worker;
  readonly control: Int32Array;
  readonly port: MessagePort;
  /** Waits for its messages; the thread is marked GONE once it stops (lib/thread-watchdog.ts). */
  readonly watch: LifelineWatch;
  /** Kept for the next survey once it answered (the watch mode's runs), instead of stopped. */
  held: boolean;
  /** It has surveyed: its heap holds what it read (~50 MB at 1000 clusters) until collected. */
  surveyed?: boolean;
}

/**
 * The thread posts the file read ahead (null for none), the survey, then the previous index; or
 * `failed` instead of what it could not make (the main thread then makes it, and meets the error itself).
 * The file's bytes are moved, not copied, to the main thread.
 * The index goes as JSON text (null for none): ~2 MB at 1000 clusters, which JSON.parse reads 2–4×
 * faster than the structured clone of its ~50,000 small objects (when it is asked for). When the main
 * thread claimed it (INDEX_CLAIM), the survey's message (or its failure's) is the last, and says so.
 */
type SurveyMessage =
  | { readonly readAhead: Uint8Array | null }
  | { readonly survey: OwnershipSurvey; readonly last?: true }
  | { readonly previousIndex: string | null }
  | { readonly failed: true; readonly last?: true };

export interface SurveyOptions {
  /** The marker's size from which the survey runs on a thread (THREAD_THRESHOLD). */
  readonly threshold?: number;
  /** Wraps the code the thread starts with (tests: a thread that stops). */
  readonly workerCode?: (code: string) => string;
}

/**
 * surveyOwnership (and readPreviousIndex) of the folder, on a thread of its own when its marker is at
 * least `threshold` bytes, which reads the file `readAhead` first, if given.
 */
export function startSurvey(target: string, display: string, withStats: boolean, options: SurveyOptions = {}, readAhead?: string, indexView?: string): PendingSurvey {
  const { threshold = THREAD_THRESHOLD, workerCode = (code: string) => code } = options;
  if (!surveyedOnThread(target, threshold)) {
    let survey: OwnershipSurvey | undefined;
    let indexFrom: 'here' | undefined;
    return {
      readAhead: () => undefined,
      previousIndex: () => ((indexFrom = 'here'), previousIndexOf(target, indexView)),
      result: () => (survey ??= surveyOwnership(target, display, withStats)),
      answered: () => true,
      stop: () => {},
      where: () => 'here',
      indexFrom: () => indexFrom,
    };
  }
  // The thread prestartSurvey started, unless the tests wrap the thread's code.
  let thread = prestarted;
  prestarted = undefined;
  if (thread && options.workerCode !== undefined) {
    stopThread(thread);
    thread = undefined;
  }
  const running = thread ?? startThread(workerCode);
  const { control, port: port1 } = running;
  // A held thread's last job left it claimed.
  Atomics.store(control, INDEX_CLAIM, UNCLAIMED);
  port1.postMessage({ target, display, withStats, ...(readAhead !== undefined ? { readAhead } : {}), ...(indexView !== undefined ? { indexView } : {}) } satisfies SurveyJob);
  // What came from the thread; a part it failed to make is made here.
  let ahead: Uint8Array | undefined;
  let previous: { readonly value: PreviousIndex | undefined } | undefined;
  // The index as the thread sent it (null: none), parsed when asked for; and whether it was read here instead.
  let indexText: string | null | undefined;
  let indexClaimed = false;
  let indexFrom: 'thread' | 'here' | undefined;
  let survey: OwnershipSurvey | undefined;
  let where: 'thread' | 'here' = 'thread';
  let stopped = false;
  let received = 0;
  let failed = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    ahead = undefined;
    // A held thread that answered all, its V8 warm, waits for the next survey; any other (one that
    // failed, whose module may not even have loaded) is stopped.
    if (running.held && received === MESSAGES && !failed && Atomics.load(control, STATE) !== GONE && !prestarted) {
      running.surveyed = true;
      prestarted = running;
    } else stopThread(running);
  };
  const drain = () => {
    for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) {
      const message = m.message as SurveyMessage;
      // The last message, with the index read here: it counts for the index's too.
      received += 'last' in message ? 2 : 1;
      if ('readAhead' in message) ahead = message.readAhead ?? undefined;
      else if ('survey' in message) survey = message.survey;
      else if ('previousIndex' in message) indexText = message.previousIndex;
      else failed = true;
    }
  };
  // Blocks until `count` messages came from the thread, or it is gone (the watchdog, started once a
  // wait runs long), or it has been silent ANSWER_TIMEOUT_MS; reads what came.
  const receive = (count: number) => {
    if (stopped) return;
    const deadline = Date.now() + ANSWER_TIMEOUT_MS;
    for (;;) {
      const seen = Atomics.load(control, EVENTS);
      drain();
      const left = deadline - Date.now();
      if (received >= count || Atomics.load(control, STATE) === GONE || left <= 0) break;
      running.watch.wait(seen, left);
    }
  };
  return {
    readAhead() {
      receive(READ_AHEAD);
      // Taken once: the caller holds it from here.
      const bytes = ahead;
      ahead = undefined;
      return bytes;
    },
    result() {
      if (!survey) receive(SURVEYED);
      // The index was read here: once the survey is in, the thread has nothing more to give.
      if (indexClaimed) stop();
      if (!survey) {
        // A thread that failed (or an error the walk met, such as a folder it may not read): the walk
        // again here, which throws that error as the main thread's own.
        where = 'here';
        survey = surveyOwnership(target, display, withStats);
      }
      return survey;
    },
    answered() {
      if (survey || stopped) return true;
      drain();
      return received >= SURVEYED || Atomics.load(control, STATE) === GONE;
    },
    previousIndex() {
      if (previous) return previous.value;
      if (!stopped && Atomics.compareExchange(control, INDEX_CLAIM, UNCLAIMED, CLAIMED_HERE) === UNCLAIMED) {
        // The thread still walks: read here (the caller has the time) while it does, and not there.
        indexClaimed = true;
      } else {
        receive(INDEXED);
        stop();
        if (indexText !== undefined) previous = { value: indexText === null ? undefined : (JSON.parse(indexText) as PreviousIndex) };
      }
      indexFrom = previous ? 'thread' : 'here';
      // Read here, or the thread failed to read it.
      previous ??= { value: previousIndexOf(target, indexView) };
      return previous.value;
    },
    stop,
    where: () => where,
    indexFrom: () => indexFrom,
  };
}

/** A file read ahead: its bytes (null: missing or unreadable) and, when they are the whole file as it stood, what tells that file from a later one. */
interface ReadFile {
  readonly path: string;
  readonly bytes: Uint8Array | null;
  readonly identity?: string;
}

/**
 * A file's bytes in an ArrayBuffer of their own, which can be moved to another thread whole; null
 * when it is missing or unreadable (the caller reads it then, and meets the error itself).
 */
function readWhole(path: string): ReadFile {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stats = fstatSync(fd);
    return readFile(path, readFileSync(fd), stats);
  } catch {
    return { path, bytes: null };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A file read whole, as ReadFile holds it: `stats` as it stood before the read. */
function readFile(path: string, read: Uint8Array, stats: IdentityStats): ReadFile {
  const bytes = read.byteOffset === 0 && read.byteLength === read.buffer.byteLength ? read : new Uint8Array(read);
  return { path, bytes, ...(bytes.length === stats.size ? { identity: fileIdentity(stats) } : {}) };
}

/** What fileIdentity reads of a file's stats. */
type IdentityStats = Pick<Stats, 'dev' | 'ino' | 'size' | 'mtimeMs' | 'ctimeMs'>;

/** A file's inode, size and times: any write, replacement or touch since changes one of them. */
function fileIdentity(stats: IdentityStats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}

/** Whether the file is still the one `read` was read from. */
function stillTheSame(read: ReadFile): boolean {
  if (read.identity === undefined) return false;
  try {
    const stats = statSync(read.path, { throwIfNoEntry: false });
    return stats !== undefined && fileIdentity(stats) === read.identity;
  } catch {
    return false;
  }
}

/** Whether the folder's output is large enough to be surveyed on a thread: its marker (which lists every file) holds at least `threshold` bytes. */
function surveyedOnThread(target: string, threshold: number): boolean {
  const marker = lstatSync(`${target}/${OUTPUT_MARKER}`, { throwIfNoEntry: false });
  return marker?.isFile() === true && marker.size >= threshold;
}

let threadsStarted = 0;

/** A survey thread, loading its modules; its job is posted on `port`. */
function startThread(workerCode: (code: string) => string): SurveyThread {
  threadsStarted++;
  // With the main thread it takes both cores of a two-core machine, where V8's optimizing compiler
  // then takes its CPU from them (lib/compiler-tuning.ts). 1000-cluster re-synths, interleaved, in
  // three batches (10, 12, 16 runs each): medians 1.11, 1.14, 0.99 s tuned; 1.14, 1.23, 1.04 s not.
  shareCoresWithCompiler(2);
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT));
  const { port1, port2 } = new MessageChannel();
  const line = newLifeline();
  const data: SurveyData = { control, port: port2, lifeline: line.held };
  const failed = `(e) => { const { workerData: w } = require('node:worker_threads'); for (let i = 0; i < ${MESSAGES}; i++) w.port.postMessage({ failed: true }); Atomics.add(w.control, ${EVENTS}, ${MESSAGES}); Atomics.notify(w.control, ${EVENTS}); }`;
  const code = workerCode(surveyWorkerCode(failed));
  const worker = startWorkerThread(code, { workerData: data, transferList: [port2, line.held] });
  // The process never waits for it: result() or stop() ends it.
  worker.unref();
  return { worker, control, port: port1, watch: watchLifelines({ control, signal: EVENTS, gone: GONE, lines: [{ port: line.watched, state: STATE }] }), held: false };
}

/** The survey's own bundle (scripts/build.mjs), beside dist/lib/output/ where this module's compiled code is. */
const SURVEY_BUNDLE = '../cli/survey.bundle.cjs';

/**
 * What the thread runs: surveyInWorker from the survey's bundle when the build made one (one file,
 * required at once: its ten ES modules took Node's loader 100–115 ms of the thread's start), else
 * this module (TypeScript sources, a build without esbuild).
 */
function surveyWorkerCode(failed: string): string {
  const run = `(m) => m.surveyInWorker(require('node:worker_threads').workerData)`;
  const bundle = fileURLToPath(new URL(SURVEY_BUNDLE, import.meta.url));
  if (import.meta.url.endsWith('.ts') || !existsSync(bundle)) return moduleWorkerCode(siblingModule('folder-survey', import.meta.url), run, failed);
  return `try { (${run})(require(${JSON.stringify(bundle)})); } catch (e) { (${failed})(e); }`;
}

/** Ends a survey thread and its watch. */
function stopThread(thread: SurveyThread): void {
  thread.port.close();
  void thread.worker.terminate();
  thread.watch.end();
}

/** A thread started ahead (prestartSurvey), for the next startSurvey of a large folder. */
let prestarted: SurveyThread | undefined;

/**
 * For the CLI, before it reads the fleet file: when `target` holds an output large enough to be
 * surveyed on a thread, starts that thread so that it loads its modules (~0.15 s) while the fleet
 * file is read; the next startSurvey gives it its job. Unused once the event loop turns (the command
 * ended early), it is stopped, unless `held`: the watch mode starts it after a run, to wait for the
 * next one (releasePrestartedSurvey ends it).
 */
export function prestartSurvey(target: string, held = false, readAhead?: string): void {
  if (prestarted) {
    prestarted.held ||= held;
    return;
  }
  if (!surveyedOnThread(target, THREAD_THRESHOLD)) return;
  const thread = startThread((code) => code);
  thread.held = held;
  prestarted = thread;
  if (held) return;
  // Read while the fleet file is: the walk then starts as soon as the job comes (a 1000-cluster cache: ~50 ms).
  if (readAhead !== undefined) thread.port.postMessage({ prefetch: readAhead } satisfies PrefetchRequest);
  setImmediate(() => {
    if (prestarted === thread) releasePrestartedSurvey();
  }).unref();
}

/**
 * The watch mode, between runs, after collectHeldSurveyGarbage: the held thread reads `file` (the
 * output folder's cache, which the run just ended wrote) now, so that the next run's survey starts
 * with its walk. Read at the job, the cache of a 1000-cluster fleet (~32 MB) took 0.19 s of the
 * survey's 0.7 s, while the main thread waited ~0.2 s for the walk (docs/performance.md).
 */
export function prefetchForHeldSurvey(file: string): void {
  if (prestarted?.held) prestarted.port.postMessage({ prefetch: file } satisfies PrefetchRequest);
}

/**
 * The watch mode, between runs: the held thread that surveyed for the last run collects its garbage
 * (what it read of the output folder and index.json, ~50 MB at 1000 clusters, would otherwise stay
 * and add to the next run's peak memory).
 */
export function collectHeldSurveyGarbage(): void {
  if (!prestarted?.surveyed) return;
  prestarted.port.postMessage({ collect: true } satisfies CollectRequest);
  prestarted.surveyed = false;
}

/** Stops the prestarted survey thread, if one waits. */
export function releasePrestartedSurvey(): void {
  if (!prestarted) return;
  stopThread(prestarted);
  prestarted = undefined;
}

/** The collections the prestarted thread made when asked, waiting up to `ms` for one more than `seen`, and its heap before and after the last (tests). */
export function heldSurveyCollections(seen = -1, ms = 0): { readonly count: number; readonly heapKiB: readonly [before: number, after: number] } | undefined {
  if (!prestarted) return undefined;
  const { control } = prestarted;
  Atomics.wait(control, COLLECTED, seen, ms);
  return { count: Atomics.load(control, COLLECTED), heapKiB: [Atomics.load(control, HEAP_BEFORE), Atomics.load(control, HEAP_AFTER)] };
}

/** How many files the prestarted thread read before its job, waiting up to `ms` for one more than `seen` (tests). */
export function prefetchedFiles(seen = -1, ms = 0): number | undefined {
  if (!prestarted) return undefined;
  Atomics.wait(prestarted.control, PREFETCHED, seen, ms);
  return Atomics.load(prestarted.control, PREFETCHED);
}

/** How many files to read ahead the prestarted thread read when its job came (none read before, or changed since), after its last job (tests). */
export function filesReadAtJob(): number | undefined {
  return prestarted && Atomics.load(prestarted.control, READ_AT_JOB);
}

/** How many previous indexes the prestarted thread read, in all its jobs (tests). */
export function indexesReadOnThread(): number | undefined {
  return prestarted && Atomics.load(prestarted.control, INDEXES_READ);
}

/** Whether a prestarted survey thread waits for its job, and how many survey threads this process started (tests). */
export function surveyThreads(): { readonly prestarted: boolean; readonly started: number } {
  return { prestarted: prestarted !== undefined, started: threadsStarted };
}

/**
 * The survey thread: takes its job, walks the folder, then reads the previous index, sending each (or
 * the error it met); then waits for another job (a held thread), until stopped.
 */
export function surveyInWorker(data: SurveyData): void {
  const spare = data.spareRead;
  let prefetched: ReadFile | undefined = spare && readFile(spare.path, spare.bytes, spare.stats);
  data.port.on('message', (message: SurveyJob | CollectRequest | PrefetchRequest) => {
    if ('prefetch' in message) {
      // Read already (as the spare thread) and unchanged since: not read again.
      if (prefetched?.path === message.prefetch && stillTheSame(prefetched)) return;
      prefetched = readWhole(message.prefetch);
      Atomics.add(data.control, PREFETCHED, 1);
      Atomics.notify(data.control, PREFETCHED);
      return;
    }
    if (!('collect' in message)) {
      const read = prefetched;
      prefetched = undefined;
      const ahead = read && read.path === message.readAhead && stillTheSame(read) ? read : undefined;
      return survey(message, data, ahead?.bytes);
    }
    const heapKiB = () => Math.round(getHeapStatistics().used_heap_size / 1024);
    Atomics.store(data.control, HEAP_BEFORE, heapKiB());
    collectGarbage();
    Atomics.store(data.control, HEAP_AFTER, heapKiB());
    Atomics.add(data.control, COLLECTED, 1);
    Atomics.notify(data.control, COLLECTED);
  });
}

/** `prefetched`: the file the job names to read ahead, as read before the job came (PrefetchRequest). */
function survey({ target, display, withStats, readAhead, indexView }: SurveyJob, { control, port }: SurveyData, prefetched?: Uint8Array | null): void {
  const send = (message: SurveyMessage, transfer: ArrayBuffer[] = []) => {
    port.postMessage(message, transfer);
    Atomics.add(control, EVENTS, 1);
    Atomics.notify(control, EVENTS);
  };
  let bytes = prefetched;
  if (bytes === undefined && readAhead !== undefined) {
    bytes = readWhole(readAhead).bytes;
    // Only this thread writes the slot (and an add would count as a message: the tests' stopAfter).
    Atomics.store(control, READ_AT_JOB, Atomics.load(control, READ_AT_JOB) + 1);
  }
  bytes ??= null;
  send({ readAhead: bytes }, bytes ? [bytes.buffer as ArrayBuffer] : []);
  let walked: SurveyMessage = { failed: true };
  let moved: ArrayBuffer[] = [];
  try {
    const survey = surveyOwnership(target, display, withStats);
    walked = { survey };
    moved = survey.files ? [survey.files.stats.buffer as ArrayBuffer] : [];
  } catch {
    // Made on the main thread instead; the index is read all the same.
  }
  // Claimed by the main thread while the walk was out (PendingSurvey.previousIndex): read there.
  if (Atomics.compareExchange(control, INDEX_CLAIM, UNCLAIMED, CLAIMED_THERE) === CLAIMED_HERE) return send({ ...walked, last: true }, moved);
  send(walked, moved);
  Atomics.store(control, INDEXES_READ, Atomics.load(control, INDEXES_READ) + 1);
  try {
    // The view the last synth kept of the index.json it wrote, while the file is that one: not read again (~9 MB at 1000 clusters).
    const kept = indexView === undefined ? undefined : readIndexView(target, indexView);
    const previous = kept === undefined ? readPreviousIndex(target) : undefined;
    send({ previousIndex: kept ?? (previous === undefined ? null : JSON.stringify(previous)) });
  } catch {
    send({ failed: true });
  }
}
