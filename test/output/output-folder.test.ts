// meshfleet owns only what it made (#17, finding 1): the output paths it refuses with exit 2 before a
// byte is written, the marker that tells its folders apart, the folder's mode kept; and one writer at
// a time (finding 2): the lock, its stale-lock recovery, and a clear failure when it is held.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../lib/cli/main.ts';
import { FileAccessError } from '../../lib/model/file-access.ts';
import { OUTPUT_MARKER } from '../../lib/output/folder-ownership.ts';
import { acquireOutputLock, lockPathOf } from '../../lib/output/output-lock.ts';
import { fleetDocument, REPO } from '../support/fleet.ts';
import { readTree } from '../support/tree.ts';
import { capture } from '../support/cli.ts';

/** A workspace with a small fleet file (inline trust anchor) and the working folder set to it. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshfleet-own-'));
  writeFileSync(join(dir, 'fleet.yaml'), stringify(fleetDocument()));
  return dir;
}

let previousCwd: string;
beforeEach(() => {
  previousCwd = process.cwd();
});
afterEach(() => {
  process.chdir(previousCwd);
});

async function synth(dir: string, out: string, ...extra: string[]) {
  const io = capture();
  const code = await runCli(['synth', join(dir, 'fleet.yaml'), '--out', out, ...extra], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('output paths meshfleet refuses, with exit 2 and nothing touched', () => {
  it.each([
    ['.', 'is the working folder'],
    ['', 'is the working folder'],
    ['..', 'contains the working folder'],
    ['/', 'contains the working folder'],
  ])('--out %j: %s', async (out, problem) => {
    const dir = workspace();
    process.chdir(dir);
    const before = readTree(dir);
    const result = await synth(dir, out);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(problem);
    expect(result.stderr).toContain('fix: give --out a folder of its own');
    expect(readTree(dir)).toStrictEqual(before);
  });

  it('an ancestor of the fleet file (from another working folder)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'meshfleet-own-'));
    const dir = join(root, 'project');
    mkdirSync(dir);
    writeFileSync(join(dir, 'fleet.yaml'), stringify(fleetDocument()));
    const elsewhere = mkdtempSync(join(tmpdir(), 'meshfleet-cwd-'));
    process.chdir(elsewhere);
    for (const out of [dir, root]) {
      const result = await synth(dir, out);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/contains .*fleet\.yaml, which the fleet is read from/);
    }
    expect(readdirSync(dir)).toStrictEqual(['fleet.yaml']);
  });

  it('a regular file, which stays a file', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'afile'), 'mine');
    const result = await synth(dir, join(dir, 'afile'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is a regular file, not a folder');
    expect(readFileSync(join(dir, 'afile'), 'utf8')).toBe('mine');
  });

  it('a symbolic link, whose target stays as it was', async () => {
    const dir = workspace();
    expect((await synth(dir, join(dir, 'real'))).code).toBe(0);
    const before = readTree(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    const result = await synth(dir, join(dir, 'link'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`is a symbolic link to ${join(dir, 'real')}`);
    expect(statSync(join(dir, 'link'), { throwIfNoEntry: false })).toBeDefined();
    expect(readTree(join(dir, 'real'))).toStrictEqual(before);
  });

  it.each([
    ['a README', 'README.md', 'a file'],
    ['a fleet file', 'prod/fleet.yaml', 'a file'],
    ['a .git folder', '.git/HEAD', 'a folder'],
  ])('a folder meshfleet wrote that now holds %s: kept, named in the message', async (_, planted, kind) => {
    const dir = workspace();
    const out = join(dir, 'out');
    expect((await synth(dir, out)).code).toBe(0);
    mkdirSync(join(out, planted, '..'), { recursive: true });
    writeFileSync(join(out, planted), 'not meshfleet');
    const before = readTree(out);
    const result = await synth(dir, out);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`holds 1 entry meshfleet did not write: ${kind === 'a folder' ? '.git/ (a folder)' : `${planted} (a file)`}`);
    expect(readTree(out)).toStrictEqual(before);
  });

  it('a folder of someone else (no marker), whatever it holds', async () => {
    const dir = workspace();
    const out = join(dir, 'docs');
    mkdirSync(out);
    writeFileSync(join(out, 'index.md'), 'mine');
    const result = await synth(dir, out);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`holds files meshfleet did not write (index.md) and no ${OUTPUT_MARKER} marker`);
    expect(readdirSync(out)).toStrictEqual(['index.md']);
  });
});

describe('folders meshfleet writes', () => {
  it('a new folder, an empty one, and its own: the marker lists every file it wrote', async () => {
    const dir = workspace();
    const out = join(dir, 'empty');
    mkdirSync(out);
    expect((await synth(dir, out)).code).toBe(0);
    const marker = readFileSync(join(out, OUTPUT_MARKER), 'utf8');
    const listed = marker.split('\n').filter((line) => line && !line.startsWith('#'));
    expect(listed).toStrictEqual(Object.keys(readTree(out)).filter((path) => path !== OUTPUT_MARKER).sort());
    expect((await synth(dir, out)).code).toBe(0);
  });

  it('keeps the folder mode (750 stays 750), and a new folder gets the usual mode, not 700', async () => {
    const dir = workspace();
    const out = join(dir, 'out');
    expect((await synth(dir, out)).code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o777 & ~process.umask());
    chmodSync(out, 0o750);
    expect((await synth(dir, out)).code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o750);
  });

  it('adopts a folder written before the marker existed (a meshfleet version lock, nothing hidden)', async () => {
    const dir = workspace();
    const out = join(dir, 'out');
    expect((await synth(dir, out)).code).toBe(0);
    rmSync(join(out, OUTPUT_MARKER));
    expect((await synth(dir, out)).code).toBe(0);
    expect(existsSync(join(out, OUTPUT_MARKER))).toBe(true);
    // Without its marker, a hidden entry is not taken for meshfleet's.
    rmSync(join(out, OUTPUT_MARKER));
    mkdirSync(join(out, '.git'));
    expect((await synth(dir, out)).code).toBe(2);
  });

  it('the committed charts-out/ carries the marker', () => {
    expect(readFileSync(join(REPO, 'charts-out', OUTPUT_MARKER), 'utf8')).toMatch(/^# Written by meshfleet synth/);
  });
});

describe('one writer at a time', () => {
  it('a lock held by a running process: a second run waits, then fails naming the holder and the lock file', () => {
    const root = mkdtempSync(join(tmpdir(), 'meshfleet-lock-'));
    const target = join(root, 'out');
    const held = acquireOutputLock(target);
    const started = Date.now();
    let error: unknown;
    try {
      acquireOutputLock(target, { waitMs: 300 });
    } catch (e) {
      error = e;
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(error).toBeInstanceOf(FileAccessError);
    expect((error as Error).message).toContain(`another meshfleet run (pid ${process.pid} on ${hostname()}`);
    expect((error as Error).message).toContain(`delete the lock file ${lockPathOf(target)}`);
    held.release();
    expect(existsSync(lockPathOf(target))).toBe(false);
    acquireOutputLock(target, { waitMs: 0 }).release();
  });

  it('a stale lock (its process is gone, or it was left empty) is taken over', () => {
    const root = mkdtempSync(join(tmpdir(), 'meshfleet-lock-'));
    const target = join(root, 'out');
    // A pid that is not running: a child that has exited.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(lockPathOf(target), JSON.stringify({ pid: gone, hostname: hostname(), started: '2026-01-01T00:00:00.000Z' }));
    const lock = acquireOutputLock(target, { waitMs: 0 });
    expect(JSON.parse(readFileSync(lockPathOf(target), 'utf8')).pid).toBe(process.pid);
    lock.release();
    // An empty lock file, older than the grace period a starting run gets to fill it.
    writeFileSync(lockPathOf(target), '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockPathOf(target), old, old);
    acquireOutputLock(target, { waitMs: 0 }).release();
    expect(readdirSync(root)).toStrictEqual([]);
  });

  it('two synths started together into one folder: both succeed one after the other, the output is whole', async () => {
    const dir = workspace();
    const out = join(dir, 'out');
    const reference = join(dir, 'reference');
    expect((await synth(dir, reference)).code).toBe(0);
    const run = () =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [join(REPO, 'bin', 'meshfleet.js'), 'synth', join(dir, 'fleet.yaml'), '--out', out], { cwd: dir, env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('error', reject);
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
    const results = await Promise.all([run(), run(), run()]);
    expect(results.map((r) => [r.code, r.stderr])).toStrictEqual([
      [0, ''],
      [0, ''],
      [0, ''],
    ]);
    expect(results.every((r) => /written to/.test(r.stdout))).toBe(true);
    expect(readTree(out)).toStrictEqual(readTree(reference));
    expect(readdirSync(dir).sort()).toStrictEqual(['fleet.yaml', 'out', 'reference']);
  }, 180_000);
});
