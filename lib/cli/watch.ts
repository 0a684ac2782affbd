// `synth --watch` (and validate, diff): runs the command, then again each time a file the fleet is
// made from changes, until Ctrl-C. A fleet file runs in this process, so that a re-synth after an edit
// finds V8's code compiled and warm and its folder survey's thread loaded (1000 clusters, one changed,
// in a slow hour: 1.56 s from the save to the end of the run, against 2.41 s for a fresh process;
// docs/performance.md); a TypeScript or JavaScript fleet, whose modules Node cannot load twice, runs
// each time in a fresh process of its own.
//
// What is watched is what the last run read: the fleet file, its trust anchor and vendored bundles
// (lib/model/file-access.ts noteInput), a module fleet's own modules. Their folders are watched, not
// the files, as editors replace a file by renaming another over it. A run starts once the files have
// been quiet for a moment (editors write in steps) and only when one's content differs from what the
// last run read (its fingerprint as the run read it); changes made during a run start another after it.
import { spawn } from 'node:child_process';
import { statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectGarbage } from '../full-collection.ts';
import { inputFingerprint, observeInputs } from '../model/file-access.ts';
import type { CliIo } from './io.ts';

/** One run of the command: its exit status, and the files and folders the fleet was read from, each with its fingerprint as read (inputFingerprint). */
export interface WatchedRun {
  readonly exitCode: number;
  readonly inputs: readonly (readonly [path: string, fingerprint: string])[];
}

export interface WatchOptions {
  /** Runs the command once, printing to the io it is given (held until the run is over); never throws. */
  readonly run: (io: CliIo) => Promise<WatchedRun>;
  readonly io: CliIo;
  /** No line of its own (--json: stdout holds one JSON object per run). */
  readonly quiet?: boolean;
  /** How long the files must be quiet before a run. @default 50 */
  readonly settleMs?: number;
  /** Ends the watch, once a run in progress has ended (tests); SIGINT and SIGTERM end it between runs. */
  readonly signal?: AbortSignal;
}

/** Runs, then runs again on every change, until stopped: exit status 0. */
export async function watchFleet(options: WatchOptions): Promise<number> {
  const { run, io, quiet = false, settleMs = 50 } = options;
  const watchers = new Map<string, FSWatcher>();
  // What the last run read of each input (inputFingerprint: its content's hash, '' missing), and the folders' watched names.
  let read = new Map<string, string>();
  let names = new Map<string, Set<string> | 'any'>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let changedMeanwhile = false;
  let stopped = false;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    for (const w of watchers.values()) w.close();
    watchers.clear();
    if (!running) finish();
  };
  // Between runs Ctrl-C ends the watch with status 0. During a run Node's own handling ends the
  // process at once (a synth on this thread could not be told before it ends): the output folder is
  // then as a synth stopped at any point leaves it, the previous output, which the next run tidies.
  // What a run prints is held until the handlers are back (heldOutput): a Ctrl-C sent on seeing a
  // run's report (a user's, an editor's, a test's) then meets them, not Node's own handling.
  const onSignal = () => stop();
  const signals = (on: boolean) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      if (on) process.on(signal, onSignal);
      else process.off(signal, onSignal);
    }
  };
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) stop();

  // Whether what an input holds now differs from what the last run read of it.
  const differs = () => [...read].some(([path, then]) => inputFingerprint(path) !== then);
  const schedule = () => {
    if (stopped) return;
    if (running) {
      changedMeanwhile = true;
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(() => void (differs() && cycle()), settleMs);
  };

  const cycle = async () => {
    running = true;
    try {
      for (;;) {
        changedMeanwhile = false;
        const held = heldOutput(io);
        signals(false);
        let ran: WatchedRun;
        try {
          ran = await run(held.io);
        } finally {
          signals(true);
          held.release();
        }
        const { exitCode, inputs } = ran;
        const followed = new Set(read.keys());
        read = new Map(inputs);
        if (stopped) break;
        // Inputs no watcher followed while the run read them (all of the first run's): a change made
        // to one since is seen below, by its fingerprint; from here on the watchers see them.
        const unfollowed = inputs.some(([path]) => !followed.has(path));
        const paths = inputs.map(([path]) => path);
        follow(paths);
        if (!quiet) io.err(`meshfleet: ${exitCode === 0 ? 'done' : 'failed'}; watching ${describe(paths)} for changes (Ctrl-C to stop)\n`);
        // While the process waits for the next change, not on the way to this run's report.
        await new Promise((turned) => setImmediate(turned));
        // A re-synth of 1000 clusters allocates ~270 MB: collected while the process waits.
        collectGarbage();
        if (stopped || (!changedMeanwhile && !unfollowed) || !differs()) break;
      }
    } finally {
      running = false;
      if (stopped) finish();
    }
  };

  /** Watches the folders of the inputs: for a file, its name there; a folder input, any entry of it. */
  const follow = (inputs: readonly string[]) => {
    const wanted = new Map<string, Set<string> | 'any'>();
    for (const path of inputs) {
      if (isFolder(path)) wanted.set(path, 'any');
      else {
        const folder = dirname(path);
        const seen = wanted.get(folder);
        if (seen !== 'any') wanted.set(folder, (seen ?? new Set()).add(basename(path)));
      }
    }
    for (const [folder, w] of watchers) {
      if (!wanted.has(folder)) {
        w.close();
        watchers.delete(folder);
      }
    }
    names = wanted;
    for (const folder of wanted.keys()) {
      if (watchers.has(folder)) continue;
      try {
        const w = watch(folder, { persistent: true }, (_event, name) => {
          const watched = names.get(folder);
          if (watched === 'any' || name === null || watched?.has(name.toString())) schedule();
        });
        // A folder that goes away ends its watcher: the next change elsewhere, or none, decides.
        w.on('error', () => watchers.delete(folder));
        watchers.set(folder, w);
      } catch {
        // A folder that does not exist (a trust anchor not made yet) is not watched.
      }
    }
  };

  await cycle();
  if (!stopped) await finished;
  signals(false);
  return 0;
}

/**
 * An io whose out and err are kept, in the order written, until release() writes them to `io`
 * (its progress line and paint pass through: a terminal's alone, and rewritten in place).
 */
export function heldOutput(io: CliIo): { readonly io: CliIo; release(): void } {
  const kept: [write: (text: string) => void, text: string][] = [];
  return {
    io: { ...io, out: (text) => void kept.push([io.out, text]), err: (text) => void kept.push([io.err, text]) },
    release: () => {
      for (const [write, text] of kept.splice(0)) write(text);
    },
  };
}

function isFolder(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}

function describe(inputs: readonly string[]): string {
  return inputs.length === 1 ? basename(inputs[0]) : `${inputs.length} files`;
}

/**
 * One run of the command in a fresh process (a module fleet): its output passed on as it comes, and
 * the files it read, which it sends before it ends (runForWatch, as main.ts runs it with MESHFLEET_WATCH_CHILD set).
 */
export function childRun(bin: URL, args: readonly string[], io: CliIo): Promise<WatchedRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(bin), ...args], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, MESHFLEET_WATCH_CHILD: '1', ...(io.paint ? { FORCE_COLOR: '1' } : {}) },
    });
    let inputs: WatchedRun['inputs'] = [];
    child.stdout!.setEncoding('utf8').on('data', (text: string) => io.out(text));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => io.err(text));
    child.on('message', (message: { inputs?: WatchedRun['inputs'] }) => (inputs = message.inputs ?? inputs));
    child.on('error', (e) => {
      io.err(`meshfleet: cannot start a run: ${e.message}\n`);
      resolve({ exitCode: 1, inputs });
    });
    // 'close': its output has been read to the end.
    child.on('close', (code) => resolve({ exitCode: code ?? 1, inputs }));
  });
}

/**
 * One run, with the files the fleet was read from (lib/model/file-access.ts noteInput) and their
 * fingerprints when first noted (the fleet file's as the run starts); `fail` reports what it throws.
 */
export async function readingInputs(fleetFile: string, run: () => Promise<number>, fail: (e: unknown) => number): Promise<WatchedRun> {
  const file = resolve(fleetFile);
  const inputs = new Map<string, string>([[file, inputFingerprint(file)]]);
  const replaced = observeInputs((path, fingerprint) => void (inputs.has(path) || inputs.set(path, fingerprint())));
  try {
    return { exitCode: await run(), inputs: [...inputs] };
  } catch (e) {
    return { exitCode: fail(e), inputs: [...inputs] };
  } finally {
    observeInputs(replaced);
  }
}

/** The run of a process childRun started: it sends the watch the files it read before it ends. */
export async function runForWatch(fleetFile: string, run: () => Promise<number>, fail: (e: unknown) => number): Promise<number> {
  const { exitCode, inputs } = await readingInputs(
    fleetFile,
    async () => {
      const exitCode = await run();
      // tsx reports the modules it loaded from its own thread: what it sent has come once the loop turns.
      await new Promise((turned) => setImmediate(turned));
      return exitCode;
    },
    fail,
  );
  await new Promise<void>((sent) => process.send!({ inputs }, undefined, {}, () => sent()));
  return exitCode;
}
