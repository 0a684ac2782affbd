// Hostile input under a time and memory budget (#15 reliability findings, #17 finding 10): wide maps,
// deep lists in nested positions, huge scalars, many invalid entries and special files. Each case is
// refused with a located message (or, for lint, validated) within its budget; none crashes, none
// prints megabytes. The fixed cases run in their own process with a heap limit, so an unbounded
// allocation fails the test instead of the machine; the property covers the classes in process.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../lib/cli/main.ts';
import { REPO } from '../support/fleet.ts';
import { EXAMPLE_FLEET_TEXT } from './fleet-mutations.ts';

const CRASH_SIGNS = /\n\s+at .+:\d+:\d+|TypeError|RangeError|ReferenceError|Maximum call stack|heap out of memory|Cannot read propert|\[object Object\]/;
const LOCATED = /line \d+, column \d+|\.yaml:\d+:\d+|^error MF\d{4} \/\S+/m;

/** The example fleet with `fragment` added: under prod's upstream values, under metadata labels, or in the first cluster. */
const PLACES = {
  values: { anchor: '          controllerLogFormat: json\n', indent: '          ' },
  labels: { anchor: 'metadata:\n  name: acme\n', indent: '    ', prefix: '  labels:\n' },
  cluster: { anchor: '    - name: dev-1\n', indent: '      ' },
} as const;
type Place = keyof typeof PLACES;

function fleetWith(place: Place, fragment: (indent: string) => string): string {
  const { anchor, indent } = PLACES[place];
  const prefix = 'prefix' in PLACES[place] ? PLACES[place].prefix : '';
  if (!EXAMPLE_FLEET_TEXT.includes(anchor)) throw new Error(`the example fleet changed: no ${JSON.stringify(anchor)}`);
  return EXAMPLE_FLEET_TEXT.replace(anchor, `${anchor}${prefix}${fragment(indent)}`);
}

const deepBlockList = (depth: number) => (indent: string) => `${indent}deep:\n${indent}  ${'- '.repeat(depth)}x\n`;
const deepFlowList = (depth: number) => (indent: string) => `${indent}deep: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
const deepMaps = (depth: number) => (indent: string) => Array.from({ length: depth }, (_, i) => `${indent}${'  '.repeat(i)}k:`).join('\n') + ' x\n';
const wideMap = (width: number) => (indent: string) => `${indent}wide:\n${Array.from({ length: width }, (_, i) => `${indent}  k${i}: v`).join('\n')}\n`;
const hugeScalar = (size: number) => (indent: string) => `${indent}huge: "${'x'.repeat(size)}"\n`;

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshfleet-hostile-'));
  execFileSync('cp', ['-r', join(REPO, 'apps', 'trust'), join(dir, 'trust')]);
  return dir;
}

/** meshfleet in its own process with a heap limit; wall time and peak memory measured. */
function meshfleet(args: string[], cwd: string, heapMiB: number, timeoutMs: number) {
  const started = Date.now();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, `--max-old-space-size=${heapMiB}`, join(REPO, 'bin', 'meshfleet.js'), ...args], {
    cwd,
    timeout: timeoutMs,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
  });
  // time(1) appends the peak RSS, after "Command exited with non-zero status N" when there is one.
  const lines = result.stderr.trimEnd().split('\n');
  const peakMiB = Math.round(Number(lines.pop()) / 1024);
  if (/^Command exited with non-zero status \d+$/.test(lines[lines.length - 1] ?? '')) lines.pop();
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: lines.join('\n'), ms: Date.now() - started, peakMiB };
}

describe('hostile fleet files and lint inputs, each in a process with a heap limit', () => {
  // Budgets leave room for a loaded CI machine; before these fixes each case ran past 120 s or out of memory.
  const HEAP = 768;
  const BUDGET = 120_000;

  it.each([
    ['one map of 200,000 keys under upstream values', () => fleetWith('values', wideMap(200_000)), /holds 200000 entries, more than the limit of 10000/],
    ['a 10,000-deep block list under upstream values', () => fleetWith('values', deepBlockList(10_000)), /nests lists or maps more than 64 levels deep at line \d+, column \d+/],
    ['100,000 invalid clusters', () => EXAMPLE_FLEET_TEXT.replace('\n  clusters:\n', `\n  clusters:\n${Array.from({ length: 100_000 }, (_, i) => `    - { name: "BAD_${i}", environment: dev }`).join('\n')}\n`), /holds 100\d{3} entries, more than the limit of 10000/],
  ])('synth: %s is refused with its position', (_, text, message) => {
    const dir = workspace();
    writeFileSync(join(dir, 'fleet.yaml'), text());
    const run = meshfleet(['synth', 'fleet.yaml'], dir, HEAP, BUDGET);
    expect({ code: run.code, message: message.test(run.stderr), crash: CRASH_SIGNS.test(run.stderr) }).toStrictEqual({ code: 1, message: true, crash: false });
    expect(run.ms).toBeLessThan(BUDGET);
    expect(run.peakMiB).toBeLessThan(HEAP + 256);
  }, BUDGET + 30_000);

  it('synth: 9,000 invalid clusters print the first 100 errors and a count, not megabytes', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'fleet.yaml'), EXAMPLE_FLEET_TEXT.replace('\n  clusters:\n', `\n  clusters:\n${Array.from({ length: 9_000 }, (_, i) => `    - { name: "BAD_${i}", environment: dev }`).join('\n')}\n`));
    const run = meshfleet(['synth', 'fleet.yaml'], dir, HEAP, BUDGET);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^9\d{3} error\(s\)/);
    expect(run.stderr).toMatch(/\n… and 8900 more not shown$/);
    expect(run.stderr.length).toBeLessThan(100_000);
    expect(run.ms).toBeLessThan(BUDGET);
  }, BUDGET + 30_000);

  it('lint: a ConfigMap of 100,000 keys is validated in linear time', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'cm.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n${Array.from({ length: 100_000 }, (_, i) => `  k${i}: "v${i}"`).join('\n')}\n`);
    const run = meshfleet(['lint', 'cm.yaml'], dir, HEAP, BUDGET);
    expect(run.stdout).toContain('meshfleet lint: all valid: 1 document(s) in 1 file(s)');
    expect(run.ms).toBeLessThan(BUDGET);
    expect(run.peakMiB).toBeLessThan(HEAP + 256);
  }, BUDGET + 30_000);

  it('lint: a 44 MB HTTPRoute is refused by size before it is read', () => {
    const dir = workspace();
    const rule = '  - matches:\n    - path: { type: PathPrefix, value: /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa }\n    backendRefs: [{ name: svc, port: 80 }]\n';
    writeFileSync(join(dir, 'route.yaml'), `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: huge\nspec:\n  rules:\n${rule.repeat(Math.ceil(44e6 / rule.length))}`);
    const run = meshfleet(['lint', 'route.yaml'], dir, HEAP, BUDGET);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^route\.yaml: the file route\.yaml is larger than the limit of 32 MiB/);
    expect(run.peakMiB).toBeLessThan(HEAP);
  }, BUDGET + 30_000);
});

describe('hostile input classes, in process', () => {
  const hostile = fc.oneof(
    fc.record({ place: fc.constantFrom<Place>('values', 'labels', 'cluster'), depth: fc.integer({ min: 65, max: 20_000 }) }).map(({ place, depth }) => ({ description: `${depth}-deep block list in ${place}`, text: fleetWith(place, deepBlockList(depth)) })),
    fc.record({ place: fc.constantFrom<Place>('values', 'labels', 'cluster'), depth: fc.integer({ min: 65, max: 20_000 }) }).map(({ place, depth }) => ({ description: `${depth}-deep flow list in ${place}`, text: fleetWith(place, deepFlowList(depth)) })),
    fc.record({ place: fc.constantFrom<Place>('values', 'labels', 'cluster'), depth: fc.integer({ min: 65, max: 1_000 }) }).map(({ place, depth }) => ({ description: `${depth}-deep maps in ${place}`, text: fleetWith(place, deepMaps(depth)) })),
    fc.record({ place: fc.constantFrom<Place>('values', 'labels', 'cluster'), width: fc.integer({ min: 10_001, max: 60_000 }) }).map(({ place, width }) => ({ description: `map of ${width} keys in ${place}`, text: fleetWith(place, wideMap(width)) })),
    fc.record({ place: fc.constantFrom<Place>('labels', 'cluster'), size: fc.oneof(fc.integer({ min: 100_000, max: 2_000_000 }), fc.integer({ min: 8 * 1024 * 1024, max: 10 * 1024 * 1024 })) }).map(({ place, size }) => ({ description: `${size}-byte scalar in ${place}`, text: fleetWith(place, hugeScalar(size)) })),
  );

  it('deep lists and maps, wide maps and huge scalars: refused with a place, quickly, without a crash', async () => {
    const dir = workspace();
    await fc.assert(
      fc.asyncProperty(hostile, async ({ description, text }) => {
        writeFileSync(join(dir, 'fleet.yaml'), text);
        let stderr = '';
        const started = Date.now();
        const code = await runCli(['synth', join(dir, 'fleet.yaml'), '--out', join(dir, 'out')], { out: () => {}, err: (t) => void (stderr += t) });
        const verdict = { code, located: LOCATED.test(stderr), crash: stderr.match(CRASH_SIGNS)?.[0] ?? null, quick: Date.now() - started < 60_000, short: stderr.length < 100_000 };
        if (JSON.stringify(verdict) !== JSON.stringify({ code: 1, located: true, crash: null, quick: true, short: true })) {
          throw new Error(`${description}: ${JSON.stringify(verdict)}\n${stderr.slice(0, 1000)}`);
        }
      }),
      { seed: 20_261_130, numRuns: 25, endOnFailure: true },
    );
  }, 600_000);

  it('special files as the fleet file or the trust anchor: refused with the path, never opened for long', async () => {
    const dir = workspace();
    const kinds: Record<string, (path: string) => void> = {
      fifo: (path) => execFileSync('mkfifo', [path]),
      'dev-zero': (path) => symlinkSync('/dev/zero', path),
      folder: (path) => mkdirSync(path),
      'dangling link': (path) => symlinkSync(join(dir, 'nowhere'), path),
      'link loop': (path) => symlinkSync(path, path),
    };
    for (const [kind, make] of Object.entries(kinds)) {
      for (const role of ['fleet', 'anchor']) {
        const fleet = join(dir, 'fleet.yaml');
        const anchor = join(dir, 'trust', 'anchor.crt');
        rmSync(fleet, { recursive: true, force: true });
        writeFileSync(fleet, EXAMPLE_FLEET_TEXT);
        if (role === 'anchor') {
          rmSync(anchor, { recursive: true, force: true });
          make(anchor);
        } else {
          rmSync(fleet);
          make(fleet);
        }
        let stderr = '';
        const started = Date.now();
        const code = await runCli(['validate', fleet, '--out', join(dir, 'out')], { out: () => {}, err: (t) => void (stderr += t) });
        const verdict = { kind, role, code, named: stderr.includes(role === 'fleet' ? fleet : '"trust/anchor.crt"'), crash: CRASH_SIGNS.test(stderr), quick: Date.now() - started < 30_000 };
        // A fleet path that leads nowhere is a command-line error (exit 2), like a missing file.
        const expectedCode = role === 'fleet' && kind.includes('link') ? 2 : 1;
        expect(verdict).toStrictEqual({ kind, role, code: expectedCode, named: true, crash: false, quick: true });
        rmSync(role === 'anchor' ? anchor : fleet, { recursive: true, force: true });
        execFileSync('cp', [join(REPO, 'apps', 'trust', 'anchor.crt'), anchor]);
      }
    }
  }, 300_000);
});
