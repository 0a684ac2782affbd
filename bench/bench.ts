// npm run bench: the meshfleet command end to end, as a user runs it (`meshfleet synth fleet.yaml`
// in a fresh process, bench/cli-runs.ts), on generated fleets of 10, 100 and 1000 clusters written
// to a RAM folder; then, each size in its own process, the in-process synth, its checks timed again on
// every object and file (none skipped as valid before, so above the synth's own time when it skipped
// most) and the floor: the same files made without meshfleet (every object and values document
// serialized to YAML, every file written with the same path and bytes), measured in the same run. Then the incremental case (and the same edits under `synth --watch`), `synth --check`, `diff`, `validate`, and start-up. It prints
// the tables and fails when a target of issue 13 is missed:
//   1000 clusters ≤ 5 s median wall, 100 ≤ 0.8 s, 10 ≤ 0.4 s, growth 100 → 1000 ≤ 10.5×,
//   peak resident memory ≤ 400 MiB (every thread), a re-synth after one cluster changed ≤ 1 s (in a
//   fresh process, and in synth --watch's),
//   synth --check, diff and validate no slower than synth; start-up: --help and --version ≤ 0.2 s, lint ≤ 0.5 s.
// The ratio to the floor is reported against its goal (≤ 2×), and the machine's speed before and after the
// runs, in one thread, on every core at once and in fresh memory (bench/machine-speed.ts), beside its load. MESHFLEET_BENCH_DIR picks the folder.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureSize, median, type SizeFigures, type WatchFigures } from './cli-runs.ts';
import { machineSpeed, machineSpeedAllCores, memorySpeed } from './machine-speed.ts';
import { measureStartup, startupTable } from './startup.ts';

const SIZES = [
  { clusters: 10, runs: 5, targetMs: 400 },
  { clusters: 100, runs: 5, targetMs: 800 },
  { clusters: 1000, runs: 3, targetMs: 5000 },
] as const;
const PEAK_TARGET_MIB = 400;
const INCREMENTAL_TARGET_MS = 1000;
const GROWTH_TARGET = 10.5;
const FLOOR_GOAL = 2;

const runner = fileURLToPath(new URL('./run-one.ts', import.meta.url));
const routeRunner = fileURLToPath(new URL('./validate-routes.ts', import.meta.url));

interface InProcess {
  clusters: number;
  synthMs: number;
  /** Part of synthMs: validating the emitted objects (schemas, CEL rules, secret scan). */
  validationMs: number;
  floorMs: number;
  objects: number;
  files: number;
  bytes: number;
  peakRssMiB: number;
}

// RAM-backed when the machine has it, so the figures measure meshfleet rather than the disk.
const base = process.env.MESHFLEET_BENCH_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
const work = mkdtempSync(join(base, 'meshfleet-bench-'));
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node.js ${process.version}`;
const loadBefore = loadavg()[0]!;
const speedBefore = machineSpeed();
const allCoresBefore = await machineSpeedAllCores();
const memoryBefore = memorySpeed();

let cli: SizeFigures[];
let watch: WatchFigures;
try {
  cli = SIZES.map(({ clusters, runs }) => measureSize(clusters, runs, work, { incremental: clusters === 1000 }));
  watch = await cli.find((f) => f.clusters === 1000)!.watching!();
} finally {
  rmSync(work, { recursive: true, force: true });
}
const inProcess: InProcess[] = SIZES.map(({ clusters }) => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', runner, String(clusters)]).toString().trim().split('\n').pop()!));

const wall = (f: SizeFigures) => median(f.cold.map((r) => r.wallMs));
const peak = (f: SizeFigures) => Math.max(...[...f.cold, ...(f.incremental ?? [])].map((r) => r.peakRssMiB), ...[f.check, f.diff, f.validate].map((r) => r?.peakRssMiB ?? 0));
// The slowest and fastest run beside each median: this machine's speed varies by tens of percent.
const spread = (runs: readonly { wallMs: number }[]) => `${(Math.min(...runs.map((r) => r.wallMs)) / 1000).toFixed(2)}–${(Math.max(...runs.map((r) => r.wallMs)) / 1000).toFixed(2)}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const loadAfter = loadavg()[0]!;
const speedAfter = machineSpeed();
const allCoresAfter = await machineSpeedAllCores();
const memoryAfter = memorySpeed();
console.log(`machine: ${machine}; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`);
console.log(`machine speed: a fixed JavaScript workload (bench/machine-speed.ts) took ${Math.round(speedBefore)} ms before the runs, ${Math.round(speedAfter)} ms after; on every core at once (${cpus().length} processes, the slowest) ${Math.round(allCoresBefore)} ms before, ${Math.round(allCoresAfter)} ms after; writing 128 MiB of fresh memory (page faults) ${Math.round(memoryBefore)} ms before, ${Math.round(memoryAfter)} ms after (lower is faster)\n`);
const header = ['clusters', 'CLI wall (median)', 'runs (range, s)', 'CPU (median)', 'peak RSS', 'in-process synth', 'checks, all again (vs synth)', 'objects', 'written', 'floor (YAML+write)', 'CLI vs floor'];
const rows = cli.map((f, i) => {
  const p = inProcess[i]!;
  return [
    String(f.clusters),
    seconds(wall(f)),
    `${f.cold.length} (${spread(f.cold)})`,
    seconds(median(f.cold.map((r) => r.cpuMs))),
    `${peak(f).toFixed(0)} MiB`,
    seconds(p.synthMs),
    `${seconds(p.validationMs)} (${Math.round((100 * p.validationMs) / p.synthMs)}%)`,
    String(p.objects),
    `${(p.bytes / 2 ** 20).toFixed(1)} MiB (${p.files} files)`,
    seconds(p.floorMs),
    `${(wall(f) / p.floorMs).toFixed(1)}×`,
  ];
});
console.log([header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n'));

const big = cli.find((f) => f.clusters === 1000)!;
const resynth = median(big.incremental!.map((r) => r.wallMs));
console.log(
  `\n1000 clusters, synth after one cluster's settings changed: median ${seconds(resynth)} of ${big.incremental!.length} (${spread(big.incremental!)} s; peak ${Math.max(...big.incremental!.map((r) => r.peakRssMiB)).toFixed(0)} MiB); ` +
    `of the unchanged fleet: synth --check ${seconds(big.check!.wallMs)}, diff ${seconds(big.diff!.wallMs)}, validate ${seconds(big.validate!.wallMs)}`,
);
const watched = median(watch.editsMs);
const watchRuns = watch.editsMs.map((wallMs) => ({ wallMs }));
console.log(
  `1000 clusters, synth --watch (one process kept between edits): from saving the fleet file with one cluster changed to the end of its run, ` +
    `median ${seconds(watched)} of ${watch.editsMs.length} (${spread(watchRuns)} s; peak ${watch.peakRssMiB.toFixed(0)} MiB)`,
);

// Synth emits few Gateway API objects; this measures CEL-heavy validation on its own.
const routes = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', routeRunner]).toString().trim().split('\n').pop()!) as { validations: number; ms: number };
console.log(
  `\nvalidation of Gateway API objects with CEL rules (valid corpus, every bundle it names): ` +
    `${routes.validations} objects in ${seconds(routes.ms)}, ${(routes.ms / routes.validations).toFixed(3)} ms each`,
);

const startup = measureStartup();
console.log(`\nstart-up of the meshfleet command (fresh processes, compiled dist/):\n${startupTable(startup)}`);

const mid = cli.find((f) => f.clusters === 100)!;
const growth = wall(big) / wall(mid);
const floorRatio = wall(big) / inProcess.find((p) => p.clusters === 1000)!.floorMs;
const peakAll = Math.max(...cli.map(peak), watch.peakRssMiB);
const checks: (readonly [string, boolean])[] = [
  ...SIZES.map(({ clusters, targetMs }) => {
    const ms = wall(cli.find((f) => f.clusters === clusters)!);
    return [`${clusters} clusters: CLI median ${seconds(ms)} ≤ ${seconds(targetMs)}`, ms <= targetMs] as const;
  }),
  [`growth 100 → 1000: ${growth.toFixed(1)}× ≤ ${GROWTH_TARGET}×`, growth <= GROWTH_TARGET],
  [`peak memory ${peakAll.toFixed(0)} MiB ≤ ${PEAK_TARGET_MIB} MiB`, peakAll <= PEAK_TARGET_MIB],
  [`re-synth after one cluster changed: median ${seconds(resynth)} ≤ ${seconds(INCREMENTAL_TARGET_MS)}`, resynth <= INCREMENTAL_TARGET_MS],
  [`re-synth in synth --watch after one cluster changed: median ${seconds(watched)} ≤ ${seconds(INCREMENTAL_TARGET_MS)}`, watched <= INCREMENTAL_TARGET_MS],
  // A single run against the median of three: 10% of slack for noise.
  ...(['check', 'diff', 'validate'] as const).map((command) => {
    const ms = big[command]!.wallMs;
    const name = command === 'check' ? 'synth --check' : command;
    return [`${name} ${seconds(ms)} no slower than synth ${seconds(wall(big))}`, ms <= wall(big) * 1.1] as const;
  }),
  ...startup
    .filter((f) => f.targetMs !== undefined)
    .map((f) => [`${f.command}: median ${Math.round(f.medianMs)} ms ≤ ${f.targetMs} ms`, f.medianMs <= f.targetMs!] as const),
];
console.log('');
for (const [text, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${text}`);
console.log(`${floorRatio <= FLOOR_GOAL ? 'ok  ' : 'goal'} 1000 clusters at ${floorRatio.toFixed(1)}× the floor (goal ≤ ${FLOOR_GOAL}×)`);
if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
