// V8's optimizing compiler (TurboFan) runs on background threads. Once render workers start, every
// core runs a render thread (one worker per core but one, and the main thread), so those compiles
// take their CPU from the render threads, and each thread's isolate compiles the same ~300 hot
// functions for itself: in a cold 1000-cluster synth on two cores, V8's background threads took
// 6.4–7.0 s of 22–26 s of CPU. Raising the tier-up threshold 4× and cutting the inlining budget to a
// quarter keeps the hottest code optimized and compiles less of the rest (interleaved measurements:
// README, Render workers). With a core to spare the compiler runs beside meshfleet's threads and V8's
// defaults stay: the tuned flags measured slower for a 10-cluster synth on the main thread alone.
//
// V8 writes the hash of its flags, as they are then, into every code cache it makes, and refuses
// data whose hash is not that of its flags as it reads it: data made once the flags are tuned is
// refused by the next process, which starts with V8's defaults. So each code cache is made with the
// flags it is read under (withCompilerFlags), and caches read under either are named by them
// (compilerFlagState): bin/meshfleet.js's, compiled-cache.ts's and the render workers'.
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';

/** A flag V8 11 (Node 20) spells so, its tuned value and V8 11's default. */
export interface CompilerFlag {
  readonly name: string;
  readonly tuned: number;
  readonly default: number;
}

/** The flags as V8 11 spells them: a later V8 may name them differently, or not have them. */
export const COMPILER_FLAGS: readonly CompilerFlag[] = [
  // The bytecode a function runs, by size, before V8's tiering considers it for TurboFan.
  { name: '--interrupt-budget', tuned: 270336, default: 67584 },
  // The bytecode TurboFan inlines into one function, in all.
  { name: '--max-inlined-bytecode-size-cumulative', tuned: 230, default: 920 },
];

/** The flags for this V8 (`process.versions.v8`): none but on V8 11, where they were measured (an unknown flag prints an error). */
export function compilerFlagsFor(v8Version: string): readonly CompilerFlag[] {
  return /^11\./.test(v8Version) ? COMPILER_FLAGS : [];
}

/** V8's defaults, or the tuned flags. */
export type CompilerFlagState = 'default' | 'tuned';

let allowed = false;
// The process's flags: set here on the thread that tunes them, and given to a render worker as it starts (assumeCompilerFlags).
let state: CompilerFlagState = 'default';

/**
 * Lets shareCoresWithCompiler set the flags: bin/meshfleet.js does, as its process is meshfleet's
 * alone. A program calling the library keeps V8's defaults (flags are the whole process's).
 */
export function allowCompilerTuning(): void {
  allowed = true;
}

/** What the flags of the process are now. */
export function compilerFlagState(): CompilerFlagState {
  return state;
}

/** A worker thread takes the state of the flags its parent set (flags are the process's; this module is each thread's own). */
export function assumeCompilerFlags(given: CompilerFlagState): void {
  state = given;
}

/** What the functions below read of the process; the tests give their own. */
export interface CompilerHost {
  readonly setFlags: (flag: string) => void;
  readonly v8Version: string;
  readonly cores: number;
}

const processHost = (): CompilerHost => ({ setFlags: setFlagsFromString, v8Version: process.versions.v8, cores: availableParallelism() });

function apply(to: CompilerFlagState, host: CompilerHost): void {
  for (const flag of compilerFlagsFor(host.v8Version)) host.setFlags(`${flag.name}=${to === 'tuned' ? flag.tuned : flag.default}`);
  state = to;
}

/**
 * Called as meshfleet starts `threads` busy threads in all (the main thread counted): when they take
 * every core (render workers do) and the CLI allowed it, tunes the flags for the process. V8 reads
 * them as it decides and compiles, so they apply from then on to every thread. Returns whether it
 * set them.
 */
export function shareCoresWithCompiler(threads: number, host: CompilerHost = processHost()): boolean {
  if (!allowed || state === 'tuned' || threads < host.cores || compilerFlagsFor(host.v8Version).length === 0) return false;
  apply('tuned', host);
  return true;
}

/** Back to V8's defaults: render workers started on a fleet file's size were stopped unused, and the main thread renders alone. */
export function releaseCoresToCompiler(host: CompilerHost = processHost()): void {
  if (state === 'tuned') apply('default', host);
}

/**
 * `make` (which makes a V8 code cache) run with the flags in `wanted`, the state the cache is read
 * under, and the flags set back after: only at exit do they differ (the code of bin/meshfleet.js is
 * read before any tuning, a module's validators may have been read before it).
 */
export function withCompilerFlags<T>(wanted: CompilerFlagState, make: () => T, host: CompilerHost = processHost()): T {
  const was = state;
  if (was === wanted) return make();
  apply(wanted, host);
  try {
    return make();
  } finally {
    apply(was, host);
  }
}
