// Files the user points meshfleet at are read only when they are regular files, with their size
// checked before reading (#15 reliability findings, #17 finding 10): /dev/zero and FIFOs as fleet
// file, trust anchor, vendored bundle file or lint input end at once with the path; over-large files
// and lint documents are refused with the documented limit; filesystem errors name the path and a fix.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, symlinkSync, writeFileSync, ftruncateSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../lib/cli/main.ts';
import { readFileSync } from 'node:fs';
import { explainFsError, formatBytes, INPUT_LIMITS, inputFingerprint, readRegularFile } from '../../lib/model/file-access.ts';
import { MAX_ENTRIES, MAX_NESTING } from '../../lib/model/load-yaml.ts';
import { fleetDocument, REPO } from '../support/fleet.ts';
import { capture } from '../support/cli.ts';

async function run(...argv: string[]) {
  const io = capture();
  const started = Date.now();
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr, ms: Date.now() - started };
}

function workspace(): string {
  return mkdtempSync(join(tmpdir(), 'meshfleet-input-'));
}

function fifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

/** A sparse file of `bytes` bytes: large on paper, nothing on disk. */
function sparse(path: string, bytes: number): string {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
  return path;
}

describe('the fleet file', () => {
  it.each([
    ['/dev/zero', () => '/dev/zero', 'is a character device, not a regular file'],
    ['a FIFO', (dir: string) => fifo(join(dir, 'fleet.yaml')), 'is a FIFO (named pipe), not a regular file'],
    ['a folder', (dir: string) => (mkdirSync(join(dir, 'fleet.yaml')), join(dir, 'fleet.yaml')), 'is a folder, not a regular file'],
    ['over 8 MiB', (dir: string) => sparse(join(dir, 'fleet.yaml'), INPUT_LIMITS.fleetFile + 1), 'is larger than the limit of 8 MiB'],
  ])('%s: refused at once with its path, exit 1', async (_, make, problem) => {
    const dir = workspace();
    const file = make(dir);
    const result = await run('validate', file, '--out', join(dir, 'out'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`the fleet file ${file} ${problem}`);
    expect(result.stderr).toContain('fix: ');
    expect(result.ms).toBeLessThan(10_000);
  });

  it('a map or list of more than 10,000 entries is refused with its position', async () => {
    const dir = workspace();
    const doc = fleetDocument();
    doc.metadata.labels = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, 'v']));
    writeFileSync(join(dir, 'fleet.yaml'), stringify(doc));
    const result = await run('validate', join(dir, 'fleet.yaml'), '--out', join(dir, 'out'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the map at line \d+, column \d+ holds 10001 entries, more than the limit of 10000/);
  });
});

describe('the trust anchor file', () => {
  it.each([
    ['/dev/zero', () => '/dev/zero', 'is a character device, not a regular file'],
    ['a FIFO', (dir: string) => fifo(join(dir, 'anchor.crt')), 'is a FIFO (named pipe), not a regular file'],
    ['over 1 MiB', (dir: string) => sparse(join(dir, 'anchor.crt'), INPUT_LIMITS.trustAnchor + 1), 'is larger than the limit of 1 MiB'],
  ])('%s: refused at once at /spec/trust/anchor/file', async (_, make, problem) => {
    const dir = workspace();
    const anchor = make(dir);
    writeFileSync(join(dir, 'fleet.yaml'), stringify(fleetDocument((doc) => (doc.spec.trust.anchor = { file: anchor }))));
    const result = await run('validate', join(dir, 'fleet.yaml'), '--out', join(dir, 'out'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error MF1205 /spec/trust/anchor/file');
    expect(result.stderr).toContain(`the trust anchor file ${JSON.stringify(anchor)} ${problem}`);
    expect(result.ms).toBeLessThan(10_000);
  });
});

describe('a vendored Gateway API bundle', () => {
  it('a FIFO among its files is refused with its path instead of hanging synth', async () => {
    const dir = workspace();
    mkdirSync(join(dir, 'bundle'));
    fifo(join(dir, 'bundle', 'standard-install.yaml'));
    writeFileSync(join(dir, 'fleet.yaml'), stringify(fleetDocument((doc) => (doc.spec.defaults.gatewayAPI = { mode: 'managed', version: '1.2.1', vendor: 'bundle' }))));
    const result = await run('validate', join(dir, 'fleet.yaml'), '--out', join(dir, 'out'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`the vendored bundle file ${join(dir, 'bundle', 'standard-install.yaml')} is a FIFO (named pipe), not a regular file`);
  });
});

describe('lint input', () => {
  it.each([
    ['/dev/zero', () => '/dev/zero', 'is a character device, not a regular file'],
    ['a FIFO', (dir: string) => fifo(join(dir, 'route.yaml')), 'is a FIFO (named pipe), not a regular file'],
    ['over 32 MiB (a 44 MB HTTPRoute)', (dir: string) => sparse(join(dir, 'route.yaml'), 44_000_000), 'is larger than the limit of 32 MiB'],
  ])('%s: one line with the path, exit 1', async (_, make, problem) => {
    const dir = workspace();
    const file = make(dir);
    const result = await run('lint', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${file}: the file ${file} ${problem}`);
    expect(result.ms).toBeLessThan(10_000);
  });

  it('a symlink to a FIFO inside a linted folder is not opened', async () => {
    const dir = workspace();
    fifo(join(dir, 'pipe'));
    symlinkSync(join(dir, 'pipe'), join(dir, 'route.yaml'));
    writeFileSync(join(dir, 'ok.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n');
    const result = await run('lint', dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('all valid: 1 document(s) in 1 file(s)');
  });

  it('a document over 3 MiB (the API server limit) is refused before it is parsed, naming its line', async () => {
    const dir = workspace();
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: "${'x'.repeat(INPUT_LIMITS.lintDocument)}"\n`;
    writeFileSync(join(dir, 'two.yaml'), `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n---\n${big}`);
    const result = await run('lint', join(dir, 'two.yaml'));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${join(dir, 'two.yaml')}:5:1: document 2: larger than the limit of 3 MiB (3.0 MiB); the API server refuses request bodies over 3 MiB`);
  });

  it('nesting deeper than 100 levels is refused with its position instead of overflowing the stack', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'deep.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    const result = await run('lint', join(dir, 'deep.yaml'));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${join(dir, 'deep.yaml')}:5:106: nests lists or maps more than 100 levels deep`);
  });

  it('prints the first 100 problems and counts the rest', async () => {
    const dir = workspace();
    const broken = Array.from({ length: 250 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata: 5\n`).join('---\n');
    writeFileSync(join(dir, 'many.yaml'), broken);
    const result = await run('lint', join(dir, 'many.yaml'));
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(102);
    expect(lines[100]).toMatch(/^… and \d+ more problem\(s\) not shown$/);
    expect(lines[101]).toMatch(/^meshfleet lint: 250 invalid: 250 document\(s\)/);
  });
});

describe('filesystem errors name the path and a fix', () => {
  it.each([
    ['EROFS', 'the file system is read-only', 'write the output to a writable folder with --out'],
    ['ENOSPC', 'no space left on the device', 'free space on that device (the previous output is untouched)'],
    ['EBUSY', 'it is busy (a mount point, or held by another program)', 'give --out a folder that is not a mount point'],
    ['EISDIR', 'it is a folder', 'give the path of a file in it'],
    ['EACCES', 'permission denied', 'give the user running meshfleet access to /x/out'],
    ['ELOOP', 'too many levels of symbolic links (a link loop)', 'fix or remove the links on the way to /x/out'],
  ])('%s', (code, problem, fix) => {
    const explained = explainFsError(Object.assign(new Error(`${code}: raw`), { code }), '/x/out', 'write the output');
    expect(explained.problem).toBe(`cannot write the output: /x/out: ${problem}`);
    expect(explained.fix).toContain(fix);
  });

  it('a read-only output folder: synth says where and what to do, exit 1', async () => {
    // As root, permissions do not stop writes; a path under /proc is read-only for everyone.
    const dir = workspace();
    writeFileSync(join(dir, 'fleet.yaml'), stringify(fleetDocument()));
    const result = await run('synth', join(dir, 'fleet.yaml'), '--out', '/proc/meshfleet-out');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^meshfleet: cannot create the lock file of the output folder: \/proc\/\.meshfleet-out\.lock: .+\n {2}fix: /);
  });

  it('reads at most the limit even when the size on record is smaller (files in /proc report 0)', () => {
    const read = readRegularFile('/proc/self/maps', { limit: 16, what: 'test file' });
    expect('problem' in read && read.problem).toMatch(/is larger than the limit of 16 bytes/);
  });
});

describe("an input's fingerprint (what synth --watch compares)", () => {
  it('hashes a regular file, lists a folder, and never reads a FIFO, a device or a file above the limits', () => {
    const dir = workspace();
    const file = join(dir, 'fleet.yaml');
    writeFileSync(file, 'a: 1\n');
    expect(inputFingerprint(file)).toBe(createHash('sha256').update('a: 1\n').digest('base64'));
    expect(inputFingerprint(join(dir, 'missing.yaml'))).toBe('');
    const listed = inputFingerprint(dir);
    writeFileSync(join(dir, 'added.yaml'), 'b: 1\n');
    expect(inputFingerprint(dir)).not.toBe(listed);
    // Each of these would block or never end if it were read.
    expect(inputFingerprint(fifo(join(dir, 'pipe.yaml')))).toMatch(/^a FIFO/);
    expect(inputFingerprint('/dev/zero')).toMatch(/device/);
    const large = join(dir, 'large.yaml');
    const fd = openSync(large, 'w');
    ftruncateSync(fd, INPUT_LIMITS.fleetFile + 1);
    closeSync(fd);
    expect(inputFingerprint(large)).toMatch(/^a regular file\0/);
  });
});

describe('the documented limits', () => {
  it('README: Limits shows the limits the code applies', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const row = (input: string) => readme.split('\n').find((line) => line.startsWith(`| ${input} |`));
    expect(row('fleet file')).toBe(`| fleet file | ${formatBytes(INPUT_LIMITS.fleetFile)}; a map or list holds at most ${MAX_ENTRIES.toLocaleString('en')} entries; nesting at most ${MAX_NESTING} levels |`);
    expect(row('trust anchor file')).toBe(`| trust anchor file | ${formatBytes(INPUT_LIMITS.trustAnchor)} |`);
    expect(row('vendored Gateway API bundle file')).toBe(`| vendored Gateway API bundle file | ${formatBytes(INPUT_LIMITS.vendoredFile)} each |`);
    expect(row('`meshfleet lint` file')).toContain(`| \`meshfleet lint\` file | ${formatBytes(INPUT_LIMITS.lintFile)}; each document at most ${formatBytes(INPUT_LIMITS.lintDocument)}`);
    expect(row('output file read by `diff` / `synth --check`')).toBe(`| output file read by \`diff\` / \`synth --check\` | ${formatBytes(INPUT_LIMITS.outputFile)} |`);
  });
});
