// The command line: exit codes, messages with paths, and charts-out untouched on failure.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../lib/cli/main.ts';
import { readTree } from './support/tree.ts';
import { REPO } from './support/fleet.ts';
import { capture } from './support/cli.ts';

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
    expect(io.stdout).toMatch(/^meshfleet: 6 cluster\(s\), \d+ files \(\d+ bytes\) written to /);
    expect(readFileSync(join(dir, 'charts-out', 'prod', 'eu-1', 'values', 'linkerd-crds.yaml'), 'utf8')).toContain('installGatewayAPI: false');
  });

  it('exits 1 on bad input, names the field, line and fix, and leaves charts-out as it was', async () => {
    const dir = workspace();
    const out = join(dir, 'charts-out');
    await runCli(['synth', join(dir, 'fleet.yaml'), '--out', out], capture());
    const before = readTree(out);
    writeFileSync(join(dir, 'fleet.yaml'), readFileSync(join(dir, 'fleet.yaml'), 'utf8').replace('name: staging-1', 'name: dev-1'));
    const io = capture();
    expect(await runCli(['synth', join(dir, 'fleet.yaml'), '--out', out], io)).toBe(1);
    const line = readFileSync(join(REPO, 'apps', 'fleet.yaml'), 'utf8').split('\n').findIndex((l) => l.includes('name: staging-1')) + 1;
    expect(io.stderr).toContain('error MF3101 /spec/clusters/1/name (');
    expect(io.stderr).toMatch(new RegExp(`fleet\\.yaml:${line}:13\\): duplicate cluster name "dev-1" \\(also /spec/clusters/0\\)`));
    expect(io.stderr).toContain('fix: give every cluster a unique name');
    expect(readTree(out)).toStrictEqual(before);
  });

  it('validate checks without writing', async () => {
    const dir = workspace();
    const io = capture();
    expect(await runCli(['validate', join(dir, 'fleet.yaml'), '--out', join(dir, 'charts-out')], io)).toBe(0);
    expect(io.stdout).toMatch(/fleet is valid: 6 cluster\(s\), \d+ files would be written/);
    expect(spawnSync('ls', [join(dir, 'charts-out')]).status).not.toBe(0);
  });

  it('exits 2 on a wrong command line', async () => {
    const io = capture();
    expect(await runCli(['deploy'], io)).toBe(2);
    expect(io.stderr).toContain('unknown command deploy');
  });

  it('npm run synth, the README\'s first command, synthesizes the example', () => {
    const script = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts.synth as string;
    const [, ...args] = script.split(' ');
    expect(args.slice(0, 3)).toStrictEqual(['bin/meshfleet.js', 'synth', 'apps/main.ts']);
    const dir = mkdtempSync(join(tmpdir(), 'meshfleet-npm-synth-'));
    const result = spawnSync(process.execPath, [...args, '--out', join(dir, 'out')], { cwd: REPO });
    expect(result.status).toBe(0);
  });

  it('runs as the meshfleet bin on the TypeScript example, from the repository root', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshfleet-bin-'));
    cpSync(join(REPO, 'charts-out'), join(dir, 'out'), { recursive: true });
    // stdio piped: the example's warnings stay out of the test log.
    const stdout = execFileSync(process.execPath, [join(REPO, 'bin', 'meshfleet.js'), 'synth', 'apps/main.ts', '--out', join(dir, 'out')], { cwd: REPO, stdio: 'pipe' }).toString();
    expect(stdout).toMatch(/6 cluster\(s\), \d+ files/);
    expect(readTree(join(dir, 'out'))).toStrictEqual(readTree(join(REPO, 'charts-out')));
  });
});
