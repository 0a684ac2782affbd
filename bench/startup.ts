// Start-up of the meshfleet command (bin/meshfleet.js on the compiled dist/, which `npm run bench`
// builds first): the median wall time of repeated fresh processes, like hyperfine. Run on its own
// with `node --import tsx bench/startup.ts`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'bin', 'meshfleet.js');

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
  /** The target for the median, if the command has one. */
  readonly targetMs?: number;
}

function timeRuns(args: readonly string[], runs: number, expectStatus: number): { medianMs: number; minMs: number } {
  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== expectStatus) throw new Error(`meshfleet ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    if (i > 0) times.push(ms); // the first run warms the file cache
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  return { medianMs: times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2, minMs: times[0]! };
}

export function measureStartup(runs = 15): StartupFigure[] {
  const dir = mkdtempSync(join(tmpdir(), 'meshfleet-startup-'));
  try {
    const manifest = join(dir, 'web.yaml');
    writeFileSync(manifest, SMALL_MANIFEST);
    const cases: { command: string; args: string[]; runs: number; targetMs?: number }[] = [
      { command: 'meshfleet --help', args: ['--help'], runs, targetMs: 200 },
      { command: 'meshfleet --version', args: ['--version'], runs, targetMs: 200 },
      { command: 'meshfleet lint <3 small documents>', args: ['lint', manifest], runs, targetMs: 500 },
      { command: 'meshfleet synth apps/fleet.yaml', args: ['synth', 'apps/fleet.yaml', '--out', join(dir, 'out')], runs: Math.max(3, Math.round(runs / 3)) },
    ];
    return cases.map(({ command, args, runs: n, targetMs }) => ({ command, runs: n, ...timeRuns(args, n, 0), targetMs }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function startupTable(figures: readonly StartupFigure[]): string {
  const header = ['command', 'median', 'min', 'runs', 'target (median)'];
  const rows = figures.map((f) => [f.command, `${Math.round(f.medianMs)} ms`, `${Math.round(f.minMs)} ms`, String(f.runs), f.targetMs ? `≤ ${f.targetMs} ms` : '']);
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(startupTable(measureStartup(Number(process.argv[2] ?? 15))));
}
