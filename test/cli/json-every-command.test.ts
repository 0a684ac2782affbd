// --json on every command but completion: lint (each problem as fields), graph (the topology), init
// (the files written), package (the charts and the index), schema (JSON anyway); each prints exactly
// one JSON object on stdout and nothing on stderr.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_OPTIONS } from '../../lib/cli/help.ts';
import { COMMAND_NAMES } from '../../lib/cli/main.ts';
import { exampleDocument, plan, REPO } from '../support/fleet.ts';
import { run } from '../support/cli.ts';

type Json = Record<string, any>;

/** Runs a command with --json; checks the one-object contract and returns the object. */
async function json(...argv: string[]): Promise<Json> {
  const r = await run(...argv, '--json');
  expect(r.stderr).toBe('');
  const out = JSON.parse(r.stdout);
  expect(out).toMatchObject({ command: argv[0], exitCode: r.code, ok: r.code === 0 });
  return out;
}

/** The example fleet (YAML) with its trust anchor in a temporary folder. */
function exampleCopy(edit: (text: string) => string = (t) => t): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshfleet-json-'));
  cpSync(join(REPO, 'apps', 'trust'), join(dir, 'trust'), { recursive: true });
  writeFileSync(join(dir, 'fleet.yaml'), edit(readFileSync(join(REPO, 'apps', 'fleet.yaml'), 'utf8')));
  return join(dir, 'fleet.yaml');
}

const example = plan(exampleDocument()).fleet!;

describe('--json on every command', () => {
  it('every command but completion lists --json for completion and documents it in its help', async () => {
    const commands = COMMAND_NAMES.filter((c) => c !== 'completion');
    expect(commands.filter((c) => !COMMAND_OPTIONS[c]!.includes('--json'))).toStrictEqual([]);
    for (const c of commands) expect((await run(c, '--help')).stdout, c).toMatch(/^ +--json +\S/m);
  });

  it('lint: every problem with file, line, column, document, kind, name, pointer and message; all of them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshfleet-json-lint-'));
    const broken = (i: number) => `apiVersion: v1\nkind: Service\nmetadata: { name: s${i}, namespace: shop }\nspec:\n  ports: [{ port: "http" }]\n`;
    // More problems than the text output shows (MAX_SHOWN): --json has every one.
    writeFileSync(join(dir, 'services.yaml'), Array.from({ length: 40 }, (_, i) => broken(i)).join('---\n'));
    const out = await json('lint', join(dir, 'services.yaml'));
    expect(out).toMatchObject({ ok: false, exitCode: 1, target: expect.stringContaining('Linkerd'), summary: { files: 1, documents: 40, invalid: 40 } });
    expect(out.problems).toHaveLength(out.summary.problems);
    expect(out.problems.length).toBeGreaterThanOrEqual(40);
    expect(out.problems[0]).toStrictEqual({ file: join(dir, 'services.yaml'), line: 5, column: 19, document: 1, kind: 'Service', name: 'shop/s0', pointer: '/spec/ports/0/port', message: expect.any(String) });
    expect(new Set(out.problems.map((p: Json) => p.name)).size).toBe(40);
    const text = await run('lint', join(dir, 'services.yaml'));
    expect(text.stdout.split('\n')[0]).toBe(`${join(dir, 'services.yaml')}:5:19: document 1: Service shop/s0: /spec/ports/0/port: ${out.problems[0].message}`);
  });

  it('lint: a valid file gives ok and no problems', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshfleet-json-lint-'));
    writeFileSync(join(dir, 'ok.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: { name: s, namespace: shop }\nspec:\n  ports: [{ port: 80 }]\n');
    expect(await json('lint', join(dir, 'ok.yaml'))).toMatchObject({ ok: true, summary: { documents: 1, invalid: 0, problems: 0 }, problems: [] });
  });

  it('graph: the topology as result (every cluster by environment and network, every link), no picture on stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshfleet-json-graph-'));
    const out = await json('graph', join(REPO, 'apps', 'fleet.yaml'), '--out', join(dir, 'fleet.svg'));
    expect(out.result.fleet).toBe(example.name);
    const drawn = out.result.environments.flatMap((e: Json) => e.networks.flatMap((n: Json) => n.clusters.map((c: Json) => c.name)));
    expect([...drawn].sort()).toStrictEqual(example.clusters.map((c) => c.name).sort());
    const pairs = new Set(out.result.links.flatMap((l: Json) => [`${l.source}>${l.target}`, ...(l.both ? [`${l.target}>${l.source}`] : [])]));
    for (const l of example.links) expect(pairs.has(`${l.source}>${l.target}`), `${l.source}>${l.target}`).toBe(true);
    // The picture still goes to --out.
    expect(readFileSync(join(dir, 'fleet.svg'), 'utf8')).toMatch(/<svg/);
  });

  it('graph: a fleet with errors gives its diagnostics and no result', async () => {
    const out = await json('graph', exampleCopy((t) => t.replace('{ mesh: [us-1, us-2], mode: flat }', '{ mesh: [us-1, us-3], mode: flat }')));
    expect(out.exitCode).toBe(1);
    expect(out.result).toBeUndefined();
    expect(out.diagnostics.filter((d: Json) => d.severity === 'error')).toMatchObject([{ code: 'MF4001', pointer: '/spec/links/1/mesh/1', line: expect.any(Number) }]);
  });

  it('init: the files written; a second run lists the existing ones and writes nothing', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'meshfleet-json-init-')), 'mesh');
    const out = await json('init', dir);
    expect(out.files).toContain('fleet.yaml');
    expect(out.files).toContain('trust/anchor.crt');
    for (const f of out.files) expect(existsSync(join(dir, f)), f).toBe(true);
    const again = await json('init', dir);
    expect(again).toMatchObject({ exitCode: 2, files: [], existing: out.files, error: expect.stringContaining('nothing written') });
  });

  it('package: the charts packaged (name, version, file, digest) and the index path', async () => {
    const file = exampleCopy();
    const outdir = join(file, '..', 'charts-out');
    const to = join(file, '..', 'packages');
    expect((await run('synth', file, '--out', outdir)).code).toBe(0);
    const out = await json('package', file, '--out', outdir, '--to', to, '--all');
    expect(out.result.index).toBe(join(to, 'index.yaml'));
    expect(out.result.charts).toHaveLength(example.clusters.length);
    for (const chart of out.result.charts) {
      expect(chart.digest).toBe(createHash('sha256').update(readFileSync(chart.file)).digest('hex'));
      expect(readFileSync(out.result.index, 'utf8')).toContain(chart.digest);
    }
    expect(out.summary.errors).toBe(0);
  });

  it('schema: --json is accepted and prints the same JSON schema', async () => {
    const plain = await run('schema');
    const r = await run('schema', '--json');
    expect(r).toStrictEqual({ code: 0, stdout: plain.stdout, stderr: '' });
    expect(JSON.parse(r.stdout).$schema).toBeDefined();
  });
});
