// Start-up of the meshfleet command (bin/meshfleet.js on the compiled dist/, which `npm run bench`
// builds first): the median wall time of repeated fresh processes, like hyperfine. Run on its own
// with `node --import tsx bench/startup.ts`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'meshfleet.js');
const CPU_USAGE = join(REPO, 'bench', 'cpu-usage.cjs');

// A small hand-written manifest, as `meshfleet lint` gets it in a repository.
const SMALL_MANIFEST = `apiVersion: v1
kind: Namespace
metadata: { name: web }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: "ghcr.io/acme/web:1.0.0", ports: [{ containerPort: 8080 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: web }
spec: { selector: { app: web }, ports: [{ port: 80, targetPort: 8080 }] }
`;

export interface StartupFigure {
  readonly command: string;
  readonly runs: number;
  readonly medianMs: number;
  readonly minMs: number;
  /** Median CPU time (user + system) of the process. */
  readonly cpuMs: number;
  /** The target for the median, if the command has one. */
  readonly targetMs?: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Times `node <nodeArgs>` (the bin and its arguments, or a baseline). */
function timeRuns(nodeArgs: readonly string[], runs: number, cpuFile: string): { medianMs: number; minMs: number; cpuMs: number } {
  const times: number[] = [];
  writeFileSync(cpuFile, '');
  const env = { ...process.env, MESHFLEET_BENCH_CPU: cpuFile };
  for (let i = 0; i < runs + 1; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['--require', CPU_USAGE, ...nodeArgs], { cwd: REPO, encoding: 'utf8', env });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`node ${nodeArgs.join(' ')} exited ${result.status}: ${result.stderr}`);
    if (i > 0) times.push(ms); // the first run warms the file cache
  }
  const cpu = readFileSync(cpuFile, 'utf8').trim().split('\n').slice(1).map((line) => Number(line.split(' ')[0]));
  return { medianMs: median(times), minMs: Math.min(...times), cpuMs: median(cpu) };
}

/**
 * The example fleet in TypeScript as a user's project holds it: apps/main.ts importing meshfleet by
 * its name (this checkout, compiled) beside cdk8s and cdk8s-plus, instead of the repository's sources.
 */
function typeScriptProject(dir: string): string {
  const project = join(dir, 'project');
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(REPO, join(project, 'node_modules', 'meshfleet'));
  for (const name of ['cdk8s', 'cdk8s-plus-28', 'constructs']) symlinkSync(join(REPO, 'node_modules', name), join(project, 'node_modules', name));
  const fleet = join(project, 'main.ts');
  const source = readFileSync(join(REPO, 'apps', 'main.ts'), 'utf8');
  // Else this would time the repository's sources through tsx, not a user's project.
  if (!source.includes("from '../lib/index.ts'")) throw new Error("bench: apps/main.ts no longer imports '../lib/index.ts'; say how a user's project imports meshfleet here");
  writeFileSync(fleet, source.replace("from '../lib/index.ts'", "from 'meshfleet'"));
  return fleet;
}

export function measureStartup(runs = 15): StartupFigure[] {
  const dir = mkdtempSync(join(tmpdir(), 'meshfleet-startup-'));
  try {
    const manifest = join(dir, 'web.yaml');
    writeFileSync(manifest, SMALL_MANIFEST);
    const typeScriptFleet = typeScriptProject(dir);
    const cases: { command: string; args: string[]; runs: number; targetMs?: number }[] = [
      { command: 'node -e 0 (Node.js itself, for reference)', args: ['-e', '0'], runs },
      { command: 'meshfleet --help', args: [BIN, '--help'], runs, targetMs: 200 },
      { command: 'meshfleet --version', args: [BIN, '--version'], runs, targetMs: 200 },
      { command: 'meshfleet lint <3 small documents>', args: [BIN, 'lint', manifest], runs, targetMs: 500 },
      { command: 'meshfleet synth apps/fleet.yaml', args: [BIN, 'synth', 'apps/fleet.yaml', '--out', join(dir, 'out')], runs: Math.max(3, Math.round(runs / 3)) },
      // The example through the TypeScript front door (tsx, cdk8s, cdk8s-plus, meshfleet's library), with
      // the application objects a fleet file cannot hold.
      { command: 'meshfleet synth main.ts (the example in TypeScript, with its apps)', args: [BIN, 'synth', typeScriptFleet, '--out', join(dir, 'out-ts')], runs: Math.max(3, Math.round(runs / 3)) },
    ];
    return cases.map(({ command, args, runs: n, targetMs }) => ({ command, runs: n, ...timeRuns(args, n, join(dir, 'cpu')), targetMs }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function startupTable(figures: readonly StartupFigure[]): string {
  const header = ['command', 'median', 'min', 'CPU (median)', 'runs', 'target (median)'];
  const rows = figures.map((f) => [f.command, `${Math.round(f.medianMs)} ms`, `${Math.round(f.minMs)} ms`, `${Math.round(f.cpuMs)} ms`, String(f.runs), f.targetMs ? `≤ ${f.targetMs} ms` : '']);
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(startupTable(measureStartup(Number(process.argv[2] ?? 15))));
}
