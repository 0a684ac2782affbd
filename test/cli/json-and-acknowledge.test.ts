// --json prints one machine-readable object; spec.acknowledge moves a warning into the summary count;
// --strict fails on the warnings left.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { REPO } from '../support/fleet.ts';
import { run } from '../support/cli.ts';

type Json = Record<string, any>;

/** The example fleet in a temporary folder, edited; returns the fleet file. */
function fleetFile(edit: (doc: Json) => void = () => {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshfleet-json-'));
  cpSync(join(REPO, 'apps', 'trust'), join(dir, 'trust'), { recursive: true });
  const doc = parse(readFileSync(join(REPO, 'apps', 'fleet.yaml'), 'utf8'));
  edit(doc);
  writeFileSync(join(dir, 'fleet.yaml'), stringify(doc));
  return join(dir, 'fleet.yaml');
}

// The motivating case: prod (Flux) after staging (Argo CD) in the rollout order warns on every run.
const mixedRollout = (doc: Json) => (doc.spec.delivery.rollout = ['dev', 'staging', 'prod']);
const EXAMPLE_WARNINGS = ['MF3211', 'MF3212', 'MF5022', 'MF5022'];

describe('--json', () => {
  it('validate prints one object with each diagnostic\'s code, pointer, file, line, column and fix, and nothing on stderr', async () => {
    const file = fleetFile((doc) => (doc.spec.links[2].spokes = ['eu-1', 'eu-3']));
    const r = await run('validate', file, '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ command: 'validate', ok: false, exitCode: 1, summary: { errors: 1, acknowledged: 0 } });
    const [d] = out.diagnostics.filter((x: Json) => x.severity === 'error');
    expect(d).toMatchObject({ code: 'MF4001', severity: 'error', pointer: '/spec/links/2/spokes/1', file: expect.stringMatching(/fleet\.yaml$/), line: expect.any(Number), column: expect.any(Number) });
    expect(d.fix).toMatch(/^did you mean "eu-1" or "eu-2"\?/);
  });

  it('synth and diff add their result; the output is the same on every run', async () => {
    const file = fleetFile();
    const outdir = join(file, '..', 'charts-out');
    const synth = JSON.parse((await run('synth', file, '--out', outdir, '--json')).stdout);
    expect(synth).toMatchObject({ ok: true, result: { clusters: 6, written: true } });
    expect(synth.diagnostics.map((d: Json) => d.code)).toEqual(EXAMPLE_WARNINGS);
    const first = await run('diff', file, '--out', outdir, '--json');
    expect(JSON.parse(first.stdout).result.changes).toEqual([]);
    expect((await run('diff', file, '--out', outdir, '--json')).stdout).toBe(first.stdout);
  });
});

describe('spec.acknowledge and --strict', () => {
  it('an acknowledged warning is only counted, in text and in --json', async () => {
    const plainFile = fleetFile(mixedRollout);
    expect((await run('validate', plainFile)).stderr).toContain('warning MF7004 /spec/delivery/rollout/2');
    const file = fleetFile((doc) => {
      mixedRollout(doc);
      doc.spec.acknowledge = [{ code: 'MF7004', pointer: '/spec/delivery/rollout/2', reason: 'prod follows a tag we move by hand' }];
    });
    const text = await run('validate', file);
    expect(text.code).toBe(0);
    expect(text.stderr).not.toContain('MF7004');
    expect(text.stdout).toMatch(/4 warning\(s\), 1 acknowledged warning\(s\)\n$/);
    const json = JSON.parse((await run('validate', file, '--json')).stdout);
    expect(json.summary).toEqual({ errors: 0, warnings: 4, acknowledged: 1 });
    expect(json.diagnostics.map((d: Json) => d.code)).toEqual(EXAMPLE_WARNINGS);
  });

  it('--strict fails on unacknowledged warnings and passes once all are acknowledged', async () => {
    const some = fleetFile(mixedRollout);
    expect((await run('validate', some, '--strict')).code).toBe(1);
    const all = fleetFile((doc) => {
      mixedRollout(doc);
      doc.spec.acknowledge = [{ code: 'MF7004' }, { code: 'MF3211' }, { code: 'MF3212' }, { code: 'MF5022', pointer: '/spec/policy' }];
    });
    const r = await run('validate', all, '--strict');
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('5 acknowledged warning(s)');
    // synth --strict writes nothing when it fails.
    const outdir = join(some, '..', 'charts-out');
    expect((await run('synth', some, '--strict', '--out', outdir)).code).toBe(1);
    expect(() => readFileSync(join(outdir, 'index.json'))).toThrow();
  });

  it('reports an unknown code, an error code and an acknowledgement that covers nothing', async () => {
    const file = fleetFile((doc) => (doc.spec.acknowledge = [{ code: 'MF7040' }, { code: 'MF4014' }, { code: 'MF7004' }]));
    const out = JSON.parse((await run('validate', file, '--json')).stdout);
    expect(out.diagnostics.filter((d: Json) => d.pointer.startsWith('/spec/acknowledge')).map((d: Json) => [d.code, d.pointer])).toEqual([
      ['MF1301', '/spec/acknowledge/0/code'],
      ['MF1302', '/spec/acknowledge/1/code'],
      ['MF1303', '/spec/acknowledge/2'],
    ]);
    const stale = fleetFile((doc) => (doc.spec.acknowledge = [{ code: 'MF7004' }]));
    expect((await run('validate', stale)).stderr).toContain('warning MF1303 /spec/acknowledge/0');
  });
});
