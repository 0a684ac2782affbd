// How fast this machine is while the bench runs. A shared machine's speed varies (this project's
// varies by up to 2.2× between hours, and by tens of percent within minutes), so each bench run
// times the same single-threaded JavaScript work in fresh processes before and after its runs:
// two tables whose calibrations differ were measured at different speeds, and are compared as such.
// The same work on every core at once (machineSpeedAllCores) shows what one thread does not: the
// command renders on every core, and in this machine's slow spells two busy threads lose more than
// one does.
import { execFile, execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { promisify } from 'node:util';
import { median } from './cli-runs.ts';

/** Allocation and arithmetic, as the command's own work is, in one thread; prints its time in ms. */
const WORKLOAD = `
const start = performance.now();
let kept = [];
let sum = 0;
for (let i = 0; i < 3e6; i++) {
  const item = { i, text: 'x' + (i % 1000) };
  kept.push(item);
  if (kept.length > 1000) kept = [];
  sum += item.text.length;
}
for (let i = 0; i < 2e7; i++) sum = (sum * 31 + i) | 0;
process.stdout.write(String(performance.now() - start) + ' ' + sum);
`;

/**
 * Memory the process has not touched before, written once: 128 MiB in 8 MiB buffers. Each first
 * touch of a page costs a page fault, and on this project's virtual machines that cost varies far
 * more than arithmetic does: on 2026-12-04 the workload above was 10% slower than in the README's
 * table while every synth was 50–90% slower, and this took ~350 ms (some 10 µs per 4 KiB page). A
 * synth touches several hundred MiB (its heaps, its threads, the files it writes to a RAM folder).
 */
const MEMORY_WORKLOAD = `
const start = performance.now();
const kept = [];
for (let i = 0; i < 16; i++) kept.push(Buffer.alloc(8 << 20).fill(i + 1));
process.stdout.write(String(performance.now() - start) + ' ' + kept.length);
`;

/** The median time (ms) of the memory workload in `runs` fresh processes: lower is faster. */
export function memorySpeed(runs = 3): number {
  return medianTime(MEMORY_WORKLOAD, runs);
}

/** The median time (ms) of the workload in `runs` fresh Node.js processes: lower is faster. */
export function machineSpeed(runs = 3): number {
  return medianTime(WORKLOAD, runs);
}

/** The median of the times a workload printed, run `runs` times, each in a fresh process. */
function medianTime(workload: string, runs: number): number {
  return median(timesPrinted(Array.from({ length: runs }, () => execFileSync(process.execPath, ['-e', workload]).toString())));
}

/** The times (ms) the workload's runs printed; throws when one printed none. */
function timesPrinted(outputs: readonly string[]): number[] {
  const times = outputs.map((out) => Number(out.split(' ')[0]));
  if (times.some((t) => !Number.isFinite(t) || t <= 0)) throw new Error(`bench: the calibration workload printed no time (${times.join(', ')})`);
  return times;
}

/**
 * The workload in one fresh process per core, all started at once: the slowest process's time (ms),
 * median over `runs` rounds. On an idle machine whose cores are its own, about machineSpeed's.
 */
export async function machineSpeedAllCores(runs = 3): Promise<number> {
  const run = promisify(execFile);
  const rounds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = await Promise.all(cpus().map(() => run(process.execPath, ['-e', WORKLOAD])));
    rounds.push(Math.max(...timesPrinted(started.map(({ stdout }) => stdout))));
  }
  return median(rounds);
}
