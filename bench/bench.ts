// npm run bench: synthesizes generated fleets of 10, 100 and 1000 clusters, each in a fresh process,
// prints a table next to a floor measured in the same run, and fails when a target is missed.
// Targets: 1000 clusters ≤ 10 s, growth 100 → 1000 ≤ 11×, peak memory ≤ 1 GiB; start-up of the
// command (bench/startup.ts): --help and --version ≤ 0.2 s, lint of a small file ≤ 0.5 s (medians).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { measureStartup, startupTable } from './startup.ts';

const SIZES = [10, 100, 1000];
const runner = fileURLToPath(new URL('./run-one.ts', import.meta.url));
const routeRunner = fileURLToPath(new URL('./validate-routes.ts', import.meta.url));

interface Run {
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

const runs: Run[] = SIZES.map((n) => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', runner, String(n)]).toString().trim().split('\n').pop()!));

const rows = runs.map((r) => [
  String(r.clusters),
  `${(r.synthMs / 1000).toFixed(2)} s`,
  `${(r.synthMs / r.clusters).toFixed(2)} ms`,
  `${(r.validationMs / 1000).toFixed(2)} s (${Math.round((100 * r.validationMs) / r.synthMs)}%)`,
  `${Math.round(r.objects / (r.synthMs / 1000))}`,
  `${r.peakRssMiB.toFixed(0)} MiB`,
  `${(r.bytes / 1024 / 1024).toFixed(1)} MiB (${r.files} files)`,
  `${(r.floorMs / 1000).toFixed(2)} s`,
  `${(r.synthMs / r.floorMs).toFixed(1)}×`,
]);
const header = ['clusters', 'wall', 'per cluster', 'validation', 'objects/s', 'peak RSS', 'written', 'floor (YAML+write)', 'vs floor'];
const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
console.log(table);

// Synth emits no Gateway API objects yet; this measures CEL-heavy validation on its own.
const routes = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', routeRunner]).toString().trim().split('\n').pop()!) as { validations: number; ms: number };
console.log(
  `\nvalidation of Gateway API objects with CEL rules (valid corpus, every bundle it names): ` +
    `${routes.validations} objects in ${(routes.ms / 1000).toFixed(2)} s, ${(routes.ms / routes.validations).toFixed(3)} ms each`,
);

const startup = measureStartup();
console.log(`\nstart-up of the meshfleet command (fresh processes, compiled dist/):\n${startupTable(startup)}`);

const big = runs.find((r) => r.clusters === 1000)!;
const mid = runs.find((r) => r.clusters === 100)!;
const growth = big.synthMs / mid.synthMs;
const checks = [
  [`1000 clusters in ${(big.synthMs / 1000).toFixed(2)} s ≤ 10 s`, big.synthMs <= 10_000],
  [`growth 100 → 1000: ${growth.toFixed(1)}× ≤ 11×`, growth <= 11],
  [`peak memory ${Math.max(...runs.map((r) => r.peakRssMiB)).toFixed(0)} MiB ≤ 1024 MiB`, runs.every((r) => r.peakRssMiB <= 1024)],
  ...startup
    .filter((f) => f.targetMs !== undefined)
    .map((f) => [`${f.command}: median ${Math.round(f.medianMs)} ms ≤ ${f.targetMs} ms`, f.medianMs <= f.targetMs!] as const),
] as const;
console.log('');
for (const [text, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${text}`);
if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
