// The meshfleet command timed as a user runs it: `meshfleet synth fleet.yaml --out <folder>` in a
// fresh child process (start-up, reading the fleet file and schema compilation included), on the
// bench's generated fleets written as fleet files to a RAM folder. Wall time is measured around the
// child; peak memory is the child's own (every thread), reported by bench/cpu-usage.cjs at exit.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { FleetDocument } from '../lib/model/types.ts';
import { generateFleet } from './generate-fleet.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'meshfleet.js');
const USAGE = join(REPO, 'bench', 'cpu-usage.cjs');

export interface CliRun {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakRssMiB: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function writeFleetFile(document: FleetDocument, file: string): void {
  writeFileSync(file, stringify(document));
}

/** One `meshfleet <args>` in a fresh process; throws when it fails. */
export function runCli(args: readonly string[], work: string): CliRun {
  const usage = join(work, 'usage');
  writeFileSync(usage, '');
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--require', USAGE, BIN, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, MESHFLEET_BENCH_CPU: usage }, maxBuffer: 64 << 20 });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`meshfleet ${args.join(' ')} exited ${result.status}: ${result.stderr.slice(-2000)}`);
  const [cpuMs, rssKiB] = readFileSync(usage, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  if (!Number.isFinite(cpuMs) || !Number.isFinite(rssKiB)) throw new Error(`meshfleet ${args.join(' ')}: no CPU and memory figures from bench/cpu-usage.cjs`);
  return { wallMs, cpuMs: cpuMs!, peakRssMiB: rssKiB! / 1024 };
}

export interface SizeFigures {
  readonly clusters: number;
  /** Cold synth into a new folder: each run. */
  readonly cold: readonly CliRun[];
  /** Synths after one cluster's settings changed (1000 clusters only): HA on, off, on again, each against the output of the one before. */
  readonly incremental?: readonly CliRun[];
  /** `synth --check`, `diff` and `validate` of the unchanged fleet against its output. */
  readonly check?: CliRun;
  readonly diff?: CliRun;
  readonly validate?: CliRun;
  /** `synth --watch` on the incremental case's output (measured when called: after the other fleets' runs). */
  readonly watching?: () => Promise<WatchFigures>;
}

export interface WatchFigures {
  readonly editsMs: readonly number[];
  readonly peakRssMiB: number;
}

/** Cold synths of a generated fleet of `clusters`, `runs` times, then (optionally) the incremental case. */
export function measureSize(clusters: number, runs: number, work: string, options: { incremental?: boolean } = {}): SizeFigures {
  const document = generateFleet(clusters);
  const fleet = join(work, `fleet-${clusters}.yaml`);
  const out = join(work, `out-${clusters}`);
  writeFleetFile(document, fleet);
  const cold: CliRun[] = [];
  for (let i = 0; i < runs; i++) {
    rmSync(out, { recursive: true, force: true });
    cold.push(runCli(['synth', fleet, '--out', out], work));
  }
  if (!options.incremental) return { clusters, cold };
  const check = runCli(['synth', '--check', fleet, '--out', out], work);
  const diff = runCli(['diff', fleet, '--out', out], work);
  const validate = runCli(['validate', fleet, '--out', out], work);
  // One cluster's settings change (HA on for a dev cluster, then off, then on): its charts and values
  // change, the rest not. Three runs, as the cold ones, for a median on a machine whose speed varies.
  const edited = structuredClone(document);
  (edited.spec.clusters[5] as { ha?: boolean }).ha = true;
  const incremental: CliRun[] = [];
  for (const version of [edited, document, edited]) {
    writeFleetFile(version, fleet);
    incremental.push(runCli(['synth', fleet, '--out', out], work));
  }
  return { clusters, cold, incremental, check, diff, validate, watching: () => measureWatch(fleet, out, work, edited, [document, edited, document, edited, document]) };
}

/**
 * `meshfleet synth fleet --out out --watch` on the output of `last`, as a user edits with it running:
 * for each of `edits`, the time from writing the fleet file to the end of the run it starts (the line
 * the command prints then); then Ctrl-C, and the process's peak memory.
 */
export async function measureWatch(fleet: string, out: string, work: string, last: FleetDocument, edits: readonly FleetDocument[]): Promise<WatchFigures> {
  writeFleetFile(last, fleet);
  const usage = join(work, 'usage');
  writeFileSync(usage, '');
  const child = spawn(process.execPath, ['--require', USAGE, BIN, 'synth', fleet, '--out', out, '--watch'], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MESHFLEET_BENCH_CPU: usage } });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  let stderr = '';
  // The lines that end a run, counted in all the text so far (a chunk may end mid-line).
  let runsEnded = 0;
  let ended: (line: string) => void = () => {};
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
    const lines = stderr.match(/^meshfleet: (?:done|failed); watching .*\n/gm) ?? [];
    if (lines.length > runsEnded) ended(lines[(runsEnded = lines.length) - 1]!);
  });
  const runEnd = () => new Promise<string>((done, failed) => {
    ended = done;
    void exited.then((code) => failed(new Error(`meshfleet synth --watch exited ${code}: ${stderr.slice(-2000)}`)));
  });
  const check = (line: string) => {
    if (!line.includes('done')) throw new Error(`meshfleet synth --watch: a run failed: ${stderr.slice(-2000)}`);
  };
  const editsMs: number[] = [];
  try {
    check(await runEnd());
    for (const version of edits) {
      const text = stringify(version);
      // Past the collection the watch makes after a run, as a user's next edit would be.
      await new Promise((done) => setTimeout(done, 500));
      const next = runEnd();
      const started = process.hrtime.bigint();
      writeFileSync(fleet, text);
      check(await next);
      editsMs.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  } catch (e) {
    // Not left running after the bench.
    child.kill('SIGKILL');
    throw e;
  }
  child.kill('SIGINT');
  if ((await exited) !== 0) throw new Error(`meshfleet synth --watch did not end with status 0 on Ctrl-C: ${stderr.slice(-2000)}`);
  const rssKiB = Number(readFileSync(usage, 'utf8').trim().split('\n').pop()!.split(' ')[1]);
  return { editsMs, peakRssMiB: rssKiB / 1024 };
}

// `node --import tsx bench/cli-runs.ts <clusters> <file>` writes a generated fleet file, for profiling.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) writeFleetFile(generateFleet(Number(process.argv[2])), process.argv[3]!);
