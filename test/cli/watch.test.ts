// `synth --watch` (lib/cli/watch.ts): a run each time a file the fleet is made from changes, with
// output byte-identical to a fresh synth of the same files, errors reported without ending the watch
// or touching the output, and Ctrl-C ending it with status 0. The loop itself on real files with a
// stand-in run; the command in a real process, as a user runs it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readingInputs, watchFleet, type WatchedRun } from '../../lib/cli/watch.ts';
import { inputFingerprint, noteInput } from '../../lib/model/file-access.ts';
import { REPO } from '../support/fleet.ts';
import { scratchFolderPerTest } from '../support/scratch.ts';
import { readTree } from '../support/tree.ts';
import { capture, run as runInProcess } from '../support/cli.ts';

const scratch = scratchFolderPerTest('meshfleet-watch-');
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Waits until `ready()` or fails after `ms`. */
async function until(ready: () => boolean, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; !ready(); await sleep(20)) if (Date.now() > end) throw new Error('timed out');
}

/**
 * watchFleet with a stand-in run over `inputs`: how many runs, and what stops it. A run lasts `runMs`,
 * or until `hold` (given the run's number, from 1) settles.
 */
function watching(inputs: readonly string[], runMs = 0, hold?: (run: number) => Promise<void> | undefined) {
  const runs: number[] = [];
  const ended = { count: 0 };
  const abort = new AbortController();
  const io = capture();
  const run = async (): Promise<WatchedRun> => {
    runs.push(Date.now());
    // Noted as the command notes them: each input's fingerprint as the run reads it, at its start.
    const read = inputs.map((path) => [path, inputFingerprint(path)] as const);
    const held = hold?.(runs.length);
    if (held) await held;
    else if (runMs) await sleep(runMs);
    ended.count++;
    return { exitCode: 0, inputs: read };
  };
  const done = watchFleet({ run, io, settleMs: 30, signal: abort.signal });
  looping.push(abort);
  return { runs, ended, io, done, stop: () => abort.abort() };
}

/** The loops a test started: one that fails before stopping its loop must not leave it (and its Ctrl-C handler) to the next. */
const looping: AbortController[] = [];
afterEach(() => {
  for (const abort of looping.splice(0)) abort.abort();
});

describe('the watch loop', () => {
  it('runs again when a file the fleet was read from changes, not when it is written unchanged', async () => {
    const fleet = join(scratch.path, 'fleet.yaml');
    writeFileSync(fleet, 'a: 1\n');
    const w = watching([fleet]);
    await until(() => w.runs.length === 1 && w.io.stderr.includes('watching'));
    expect(w.io.stderr).toBe('meshfleet: done; watching fleet.yaml for changes (Ctrl-C to stop)\n');
    writeFileSync(fleet, 'a: 2\n');
    await until(() => w.runs.length === 2);
    // The same content again (an editor's save with no change), and a file beside it: no run.
    writeFileSync(fleet, 'a: 2\n');
    writeFileSync(join(scratch.path, 'other.yaml'), 'b: 1\n');
    await sleep(400);
    expect(w.runs).toHaveLength(2);
    // An editor's save by renaming a new file over the old one.
    writeFileSync(join(scratch.path, '.fleet.yaml.swp'), 'a: 3\n');
    renameSync(join(scratch.path, '.fleet.yaml.swp'), fleet);
    await until(() => w.runs.length === 3);
    w.stop();
    expect(await w.done).toBe(0);
  });

  it('runs once more after a run during which the files changed, and ends a run in progress before it stops', async () => {
    const fleet = join(scratch.path, 'fleet.yaml');
    writeFileSync(fleet, 'a: 1\n');
    // The second run is held until both changes below are written, however slow the machine.
    let release = () => {};
    const held = new Promise<void>((done) => (release = done));
    const w = watching([fleet], 400, (run) => (run === 2 ? held : undefined));
    await until(() => w.io.stderr.includes('watching'));
    writeFileSync(fleet, 'a: 2\n');
    await until(() => w.runs.length === 2);
    // Two changes while the second run runs: one run after it, with both.
    writeFileSync(fleet, 'a: 3\n');
    await sleep(50);
    writeFileSync(fleet, 'a: 4\n');
    await sleep(100);
    release();
    await until(() => w.runs.length === 3);
    await sleep(700);
    expect(w.runs).toHaveLength(3);
    // Stopped while a run runs: the run ends first.
    writeFileSync(fleet, 'a: 5\n');
    await until(() => w.runs.length === 4);
    w.stop();
    expect(await w.done).toBe(0);
    expect(w.ended.count).toBe(4);
  });

  it('runs again when a file no watcher followed yet changed after the run read it (during the first run)', async () => {
    const fleet = join(scratch.path, 'fleet.yaml');
    writeFileSync(fleet, 'a: 1\n');
    const w = watching([fleet], 400);
    // The first run has read the file; its folder is watched only once the run has said what it read.
    await sleep(150);
    writeFileSync(fleet, 'a: 2\n');
    await until(() => w.runs.length === 2);
    await sleep(700);
    expect(w.runs).toHaveLength(2);
    w.stop();
    expect(await w.done).toBe(0);
  });

  it('a run reports each input with its fingerprint as it was read, not as it is when the run ends', async () => {
    const fleet = join(scratch.path, 'fleet.yaml');
    const anchor = join(scratch.path, 'anchor.crt');
    writeFileSync(fleet, 'a: 1\n');
    writeFileSync(anchor, 'x\n');
    const asRead = [inputFingerprint(fleet), inputFingerprint(anchor)];
    const { exitCode, inputs } = await readingInputs(fleet, async () => {
      noteInput(anchor);
      // Both change after the run read them, and the fleet file is noted again.
      writeFileSync(fleet, 'a: 2\n');
      writeFileSync(anchor, 'y\n');
      noteInput(fleet);
      return 0;
    }, () => 1);
    expect(exitCode).toBe(0);
    expect(inputs).toStrictEqual([[fleet, asRead[0]], [anchor, asRead[1]]]);
  });

  it('watches a folder input for any entry: a file added to a vendored bundle runs again', async () => {
    const fleet = join(scratch.path, 'fleet.yaml');
    const vendored = join(scratch.path, 'vendor');
    mkdirSync(vendored);
    writeFileSync(fleet, 'a: 1\n');
    const w = watching([fleet, vendored, join(scratch.path, 'missing', 'anchor.crt')]);
    await until(() => w.io.stderr.includes('watching 3 files'));
    writeFileSync(join(vendored, 'standard-install.yaml'), 'kind: X\n');
    await until(() => w.runs.length === 2);
    w.stop();
    expect(await w.done).toBe(0);
  });

  it("prints a run's output only once Ctrl-C ends the watch again: a Ctrl-C sent on seeing a report meets the watch's handler", async () => {
    const fleet = join(scratch.path, 'fleet.yaml');
    writeFileSync(fleet, 'a: 1\n');
    const abort = new AbortController();
    const written: [stream: string, text: string, handled: boolean][] = [];
    const handled = () => process.listenerCount('SIGINT') > 0 && process.listenerCount('SIGTERM') > 0;
    const io = { out: (text: string) => void written.push(['out', text, handled()]), err: (text: string) => void written.push(['err', text, handled()]) };
    let during: boolean | undefined;
    const done = watchFleet({
      io,
      settleMs: 30,
      signal: abort.signal,
      run: async (runIo) => {
        // During a run Node's own handling is on (it stops a synchronous synth at once).
        during = handled();
        runIo.err('warning\n');
        runIo.out('report\n');
        return { exitCode: 0, inputs: [[fleet, inputFingerprint(fleet)]] };
      },
    });
    await until(() => written.length === 3);
    abort.abort();
    expect(await done).toBe(0);
    expect(during).toBe(false);
    // In the order the run wrote them, then the watch's own line.
    expect(written).toStrictEqual([
      ['err', 'warning\n', true],
      ['out', 'report\n', true],
      ['err', 'meshfleet: done; watching fleet.yaml for changes (Ctrl-C to stop)\n', true],
    ]);
  });
});

/** The watches a test started: a test that fails before its Ctrl-C must not leave one running. */
const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** `meshfleet <args>` as a user runs it, in `cwd`; its output kept as it comes. */
function start(cwd: string, args: readonly string[]): { child: ChildProcess; out: () => string; err: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'meshfleet.js'), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  started.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, out: () => out, err: () => err, exit };
}

const runsDone = (text: string) => text.split(/meshfleet: (?:done|failed); watching/).length - 1;

describe('meshfleet synth --watch', () => {
  it('writes what a fresh synth writes after each change, reports an error without touching the output, and ends with status 0 on Ctrl-C', async () => {
    const project = scratch.path;
    cpSync(join(REPO, 'apps'), join(project, 'apps'), { recursive: true });
    const fleetFile = join(project, 'apps', 'fleet.yaml');
    const original = readFileSync(fleetFile, 'utf8');
    const w = start(project, ['synth', 'apps/fleet.yaml', '--out', 'out', '--watch']);
    await until(() => runsDone(w.err()) === 1);
    // The fleet file and its trust anchor.
    expect(w.err()).toContain('meshfleet: done; watching 2 files for changes (Ctrl-C to stop)');
    const fresh = (name: string) => {
      const result = spawnSync(process.execPath, [join(REPO, 'bin', 'meshfleet.js'), 'synth', 'apps/fleet.yaml', '--out', name], { cwd: project, encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
      return readTree(join(project, name));
    };
    expect(readTree(join(project, 'out'))).toStrictEqual(fresh('fresh-1'));

    const edited = original.replace('      environment: dev\n', '      environment: dev\n      ha: true\n');
    expect(edited).not.toBe(original);
    writeFileSync(fleetFile, edited);
    await until(() => runsDone(w.err()) === 2);
    const afterEdit = readTree(join(project, 'out'));
    expect(afterEdit).toStrictEqual(fresh('fresh-2'));
    expect(afterEdit).not.toStrictEqual(readTree(join(project, 'fresh-1')));

    // An error: named at its line, the output left as it was, the watch going on.
    writeFileSync(fleetFile, edited.replace('linkerd: edge-26.8.3', 'linkerd: not-a-version'));
    await until(() => runsDone(w.err()) === 3);
    expect(w.err()).toMatch(/error MF\d+ .*\(apps\/fleet\.yaml:\d+:\d+\)/);
    expect(w.err()).toContain('meshfleet: failed; watching');
    expect(readTree(join(project, 'out'))).toStrictEqual(afterEdit);

    writeFileSync(fleetFile, original);
    await until(() => runsDone(w.err()) === 4);
    expect(readTree(join(project, 'out'))).toStrictEqual(readTree(join(project, 'fresh-1')));
    w.child.kill('SIGINT');
    expect(await w.exit).toBe(0);
    // Nothing staged left beside the output.
    expect(readdirSync(project).filter((name) => name !== 'cache').sort()).toStrictEqual(['apps', 'fresh-1', 'fresh-2', 'out']);
  }, 90_000);

  it('a FIFO given as the fleet file: the error, the watch going on, and Ctrl-C ending it (nothing reads the FIFO)', async () => {
    const project = scratch.path;
    expect(spawnSync('mkfifo', [join(project, 'fleet.yaml')]).status).toBe(0);
    const w = start(project, ['synth', 'fleet.yaml', '--out', 'out', '--watch']);
    await until(() => runsDone(w.err()) === 1);
    expect(w.err()).toContain('is a FIFO (named pipe), not a regular file');
    expect(w.err()).toContain('meshfleet: failed; watching fleet.yaml for changes');
    w.child.kill('SIGINT');
    expect(await w.exit).toBe(0);
  }, 30_000);

  it('runs a TypeScript fleet in a fresh process each time, again when a module it imports changes', async () => {
    const project = scratch.path;
    symlinkSync(join(REPO, 'node_modules'), join(project, 'node_modules'));
    writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
    cpSync(join(REPO, 'apps', 'trust'), join(project, 'trust'), { recursive: true });
    writeFileSync(join(project, 'settings.ts'), `export const kubernetes: string = '1.33';\n`);
    writeFileSync(
      join(project, 'main.ts'),
      [
        `import { App } from 'cdk8s';`,
        `import { Fleet, TrustAnchor } from ${JSON.stringify(join(REPO, 'lib', 'index.ts'))};`,
        `import { kubernetes } from './settings.ts';`,
        `const fleet = new Fleet(new App(), 'watched', { trustAnchor: TrustAnchor.fromFile('trust/anchor.crt'), defaults: { linkerd: '2.20', kubernetes } });`,
        `fleet.addCluster('east', { environment: fleet.addEnvironment('prod') });`,
        `export default fleet;`,
        '',
      ].join('\n'),
    );
    const w = start(project, ['synth', 'main.ts', '--out', 'out', '--watch']);
    await until(() => runsDone(w.err()) === 1, 60_000);
    expect(w.err()).toContain('meshfleet: done; watching');
    expect(w.out()).toContain('1 cluster(s)');
    const kubeVersion = () => readFileSync(join(project, 'out', 'index.json'), 'utf8').match(/"kubernetes": ?"([^"]+)"/)?.[1];
    expect(kubeVersion()).toBe('1.33');
    writeFileSync(join(project, 'settings.ts'), `export const kubernetes: string = '1.32';\n`);
    await until(() => runsDone(w.err()) === 2, 60_000);
    expect(kubeVersion()).toBe('1.32');
    // An error in a module: reported, the watch going on.
    writeFileSync(join(project, 'settings.ts'), `export const kubernetes: string = 'not-a-version';\n`);
    await until(() => runsDone(w.err()) === 3, 60_000);
    expect(w.err()).toContain('not-a-version');
    expect(w.err()).toContain('meshfleet: failed; watching');
    expect(kubeVersion()).toBe('1.32');
    w.child.kill('SIGINT');
    expect(await w.exit).toBe(0);
  }, 120_000);

  it('validate --watch --json: one JSON object per run on stdout, nothing else', async () => {
    const project = scratch.path;
    cpSync(join(REPO, 'apps'), join(project, 'apps'), { recursive: true });
    const fleetFile = join(project, 'apps', 'fleet.yaml');
    const w = start(project, ['validate', 'apps/fleet.yaml', '--watch', '--json']);
    const reports = () => w.out().split(/^(?=\{)/m).filter(Boolean);
    await until(() => reports().length === 1 && reports()[0]!.trimEnd().endsWith('}'));
    writeFileSync(fleetFile, readFileSync(fleetFile, 'utf8').replace('linkerd: edge-26.8.3', 'linkerd: not-a-version'));
    await until(() => reports().length === 2 && reports()[1]!.trimEnd().endsWith('}'));
    // Sent as soon as the report is read: the watch prints a run's output once its handlers are back.
    w.child.kill('SIGINT');
    expect(await w.exit).toBe(0);
    const [first, second] = reports().map((text) => JSON.parse(text) as { command: string; ok: boolean; exitCode: number });
    expect([first!.command, first!.ok, first!.exitCode]).toStrictEqual(['validate', true, 0]);
    expect([second!.command, second!.ok, second!.exitCode]).toStrictEqual(['validate', false, 1]);
    expect(w.err()).toBe('');
  }, 60_000);

  it('is refused with --check or --exit-code, which are for one run', async () => {
    for (const argv of [['synth', '--watch', '--check'], ['diff', '--watch', '--exit-code']]) {
      const { code, stderr } = await runInProcess(...argv);
      expect(code).toBe(2);
      expect(stderr).toContain('--watch runs until stopped; --check and --exit-code are for one run');
    }
  });
});
