// The command line: exit codes, messages with paths, and charts-out untouched on failure.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../lib/cli/main.ts';
import { readTree } from './support/tree.ts';
import { REPO } from './support/fleet.ts';

function capture() {
  const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  return io;
}

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshfleet-cli-'));
  cpSync(join(REPO, 'apps', 'fleet.yaml'), join(dir, 'fleet.yaml'));
  cpSync(join(REPO, 'apps', 'trust'), join(dir, 'trust'), { recursive: true });
  return dir;
}

describe('meshfleet CLI', () => {
  it('synthesizes a fleet file and exits 0', async () => {
    const dir = workspace();
    const io = capture();
    expect(await runCli(['synth', join(dir, 'fleet.yaml'), '--out', join(dir, 'charts-out')], io)).toBe(0);
    expect(io.stdout).toMatch(/^meshfleet: 5 cluster\(s\), 68 files \(\d+ bytes\) written to /);
    expect(readFileSync(join(dir, 'charts-out', 'prod', 'eu-1', 'values', 'linkerd-crds.yaml'), 'utf8')).toContain('installGatewayAPI: false');
  });

  it('exits 1 on bad input, names the field, line and fix, and leaves charts-out as it was', async () => {
    const dir = workspace();
    const out = join(dir, 'charts-out');
    await runCli(['synth', join(dir, 'fleet.yaml'), '--out', out], capture());
    const before = readTree(out);
    writeFileSync(join(dir, 'fleet.yaml'), readFileSync(join(dir, 'fleet.yaml'), 'utf8').replace('name: eu-2', 'name: eu-1'));
    const io = capture();
    expect(await runCli(['synth', join(dir, 'fleet.yaml'), '--out', out], io)).toBe(1);
    expect(io.stderr).toContain('error /spec/clusters/3/name (');
    expect(io.stderr).toMatch(/fleet\.yaml:72:13\): duplicate cluster name "eu-1" \(also \/spec\/clusters\/2\)/);
    expect(io.stderr).toContain('error /spec/environments/prod/clusters/eu-2 (');
    expect(io.stderr).toContain('fix: give every cluster a unique name');
    expect(readTree(out)).toStrictEqual(before);
  });

  it('validate checks without writing', async () => {
    const dir = workspace();
    const io = capture();
    expect(await runCli(['validate', join(dir, 'fleet.yaml'), '--out', join(dir, 'charts-out')], io)).toBe(0);
    expect(io.stdout).toMatch(/fleet is valid: 5 cluster\(s\), 68 files would be written/);
    expect(spawnSync('ls', [join(dir, 'charts-out')]).status).not.toBe(0);
  });

  it('exits 2 on a wrong command line', async () => {
    const io = capture();
    expect(await runCli(['deploy'], io)).toBe(2);
    expect(io.stderr).toContain('unknown command deploy');
  });

  it('runs as the meshfleet bin on the TypeScript example, from the repository root', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshfleet-bin-'));
    cpSync(join(REPO, 'charts-out'), join(dir, 'out'), { recursive: true });
    const stdout = execFileSync(process.execPath, [join(REPO, 'bin', 'meshfleet.js'), 'synth', 'apps/main.ts', '--out', join(dir, 'out')], { cwd: REPO }).toString();
    expect(stdout).toMatch(/5 cluster\(s\), 68 files/);
    expect(readTree(join(dir, 'out'))).toStrictEqual(readTree(join(REPO, 'charts-out')));
  });
});
