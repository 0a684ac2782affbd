// V8's optimizing compiler (TurboFan) runs on background threads. Once render workers start, every
// core runs a render thread (one worker per core but one, and the main thread), so those compiles
// take their CPU from the render threads, and each thread's isolate compiles the same ~300 hot
// functions for itself: in a cold 1000-cluster synth on two cores, V8's background threads took
// 6.4–7.0 s of 22–26 s of CPU. Raising the tier-up threshold 4× and cutting the inlining budget to a
// quarter keeps the hottest code optimized and compiles less of the rest (interleaved measurements:
// README, Render workers). With a core to spare the compiler runs beside meshfleet's threads and V8's
// defaults stay: the tuned flags measured slower for a 10-cluster synth on the main thread alone, and
// no faster for a re-synth (its main thread, the one busy thread, runs less optimized code).
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';

/** The flags, as V8 11 (Node 20) spells them: a later V8 may name them differently, or not have them. */
export const COMPILER_FLAGS = [
  // The bytecode a function runs, by size, before V8's tiering considers it for TurboFan (V8 11's default: 67584).
  '--interrupt-budget=270336',
  // The bytecode TurboFan inlines into one function, in all (V8 11's default: 920).
  '--max-inlined-bytecode-size-cumulative=230',
] as const;

/** The flags for this V8 (`process.versions.v8`): none but on V8 11, where they were measured (an unknown flag prints an error). */
export function compilerFlagsFor(v8Version: string): readonly string[] {
  return /^11\./.test(v8Version) ? COMPILER_FLAGS : [];
}

let allowed = false;
let tuned = false;

/**
 * Lets shareCoresWithCompiler set the flags: bin/meshfleet.js does, as its process is meshfleet's
 * alone. A program calling the library keeps V8's defaults (flags are the whole process's).
 */
export function allowCompilerTuning(): void {
  allowed = true;
}

/** What shareCoresWithCompiler reads of the process; the tests give their own. */
export interface CompilerHost {
  readonly setFlags: (flag: string) => void;
  readonly v8Version: string;
  readonly cores: number;
}

const processHost = (): CompilerHost => ({ setFlags: setFlagsFromString, v8Version: process.versions.v8, cores: availableParallelism() });

/**
 * Called as meshfleet starts `threads` busy threads in all (the main thread counted): when they take
 * every core (render workers do) and the CLI allowed it, sets COMPILER_FLAGS for the process, once.
 * V8 reads them as it decides and compiles, so they apply from then on to every thread; the V8 code
 * caches' check (a flag hash V8 takes as it starts) does not change, so the caches stay valid. A
 * pool started on a fleet file's size and stopped once the clusters are counted (fewer than the
 * threshold) leaves them set for the main thread alone. Returns whether it set them.
 */
export function shareCoresWithCompiler(threads: number, host: CompilerHost = processHost()): boolean {
  if (!allowed || tuned || threads < host.cores) return false;
  tuned = true;
  const flags = compilerFlagsFor(host.v8Version);
  for (const flag of flags) host.setFlags(flag);
  return flags.length > 0;
}
