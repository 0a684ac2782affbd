// The spare thread bin/meshfleet.js starts before it loads the CLI bundle (bin/spare-thread.js) is taken
// by the first thread meshfleet starts, render worker or survey, which then runs as a thread of its
// own would (lib/spare-thread.ts); the command starts no thread of its own beside it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { generateFleet } from '../../bench/generate-fleet.ts';
import { writeFleetFile } from '../../bench/cli-runs.ts';
import { OUTPUT_MARKER, ownerMarker, surveyOwnership } from '../../lib/output/folder-ownership.ts';
import { filesReadAtJob, prestartSurvey, releasePrestartedSurvey, startSurvey, THREAD_THRESHOLD } from '../../lib/output/folder-survey.ts';
import { hasSpareThread, offerSpareThread, releaseSpareThread, startWorkerThread } from '../../lib/spare-thread.ts';
import { LARGE_FLEET_FILE_BYTES, workerResourceLimits } from '../../lib/synth/render-workers.ts';
import { prepareSynthesis } from '../../lib/synth/synthesize.ts';
import { incrementalCacheFile } from '../../lib/synth/incremental.ts';
import { REPO } from '../support/fleet.ts';

const bin = createRequire(import.meta.url)('../../bin/spare-thread.js') as {
  startSpareThread(argv: readonly string[], packageRoot?: string): Worker | undefined;
  incrementalCacheFile(target: string, packageRoot: string): string;
  readAheadFor(argv: readonly string[], packageRoot: string): string | undefined;
  SPARE_LIMITS: { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number };
  LARGE_FLEET_FILE_BYTES: number;
  SURVEY_THREAD_BYTES: number;
};

const work = mkdtempSync(join(tmpdir(), 'meshfleet-spare-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => {
  releaseSpareThread();
  vi.unstubAllEnvs();
});

/** A file of `bytes` bytes in the work folder. */
function fileOf(name: string, bytes: number): string {
  const path = join(work, name);
  writeFileSync(path, 'x'.repeat(bytes));
  return path;
}

/** An output folder of 1500 files with its marker, large enough to be surveyed on a thread (lib/output/folder-survey.ts). */
function largeOutput(name: string): string {
  const target = join(work, name);
  const paths = Array.from({ length: 1500 }, (_, i) => `env-${i % 3}/cluster-${i % 97}/manifests/object-${String(i).padStart(4, '0')}.yaml`);
  for (const path of paths) {
    mkdirSync(join(target, dirname(path)), { recursive: true });
    writeFileSync(join(target, path), path);
  }
  writeFileSync(join(target, OUTPUT_MARKER), ownerMarker(paths));
  return target;
}

/** Code a thread runs: it answers on the port in its workerData with what it was given and its thread id. */
const ANSWER = `const { workerData, threadId } = require('node:worker_threads'); workerData.port.postMessage({ value: workerData.value, threadId });`;

/** The thread's answer on `port`, waited for (a few seconds at most). */
async function answerOn(port: MessagePort): Promise<unknown> {
  for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 5))) {
    const message = receiveMessageOnPort(port);
    if (message) return message.message;
  }
  throw new Error('no answer from the thread');
}

const exited = (worker: Worker) => new Promise<number>((resolve) => worker.once('exit', resolve));

describe('the spare thread bin/meshfleet.js starts', () => {
  it('starts for synth, validate and diff of a large YAML or JSON fleet file, not for other commands, small files, TypeScript fleets or folders', () => {
    const large = fileOf('large.yaml', LARGE_FLEET_FILE_BYTES);
    const started: string[] = [];
    for (const argv of [
      ['synth', large],
      ['validate', large, '--json'],
      ['diff', '--out', join(work, 'out'), large],
      ['synth', fileOf('large.json', LARGE_FLEET_FILE_BYTES)],
      ['synth', fileOf('small.yaml', LARGE_FLEET_FILE_BYTES - 1)],
      ['synth', fileOf('large.ts', 2 * LARGE_FLEET_FILE_BYTES)],
      ['lint', large],
      ['synth', join(work, 'missing.yaml')],
      ['synth', '--out', (mkdirSync(join(work, 'folder.yaml'), { recursive: true }), join(work, 'folder.yaml'))],
    ]) {
      const worker = bin.startSpareThread(argv);
      if (worker) {
        started.push(argv.join(' ').replaceAll(`${work}/`, ''));
        void worker.terminate();
      }
    }
    expect(started).toStrictEqual(['synth large.yaml', 'validate large.yaml --json', `diff --out out large.yaml`, 'synth large.json']);
  });

  it("has a render worker's default heap limits, and starts from the size at which render workers start for a fleet file", () => {
    expect(bin.SPARE_LIMITS).toStrictEqual(workerResourceLimits(''));
    expect(bin.LARGE_FLEET_FILE_BYTES).toBe(LARGE_FLEET_FILE_BYTES);
    const worker = bin.startSpareThread(['synth', fileOf('limits.yaml', LARGE_FLEET_FILE_BYTES)])!;
    expect(worker.resourceLimits).toMatchObject(workerResourceLimits(''));
    void worker.terminate();
  });
});

describe('a thread meshfleet starts', () => {
  it('is the spare thread, which runs its code with its data and the ports it transfers, as a new thread would', async () => {
    const answers = [];
    for (const offered of [true, false]) {
      const spare = offered ? bin.startSpareThread(['synth', fileOf('taken.yaml', LARGE_FLEET_FILE_BYTES)]) : undefined;
      offerSpareThread(spare);
      const { port1, port2 } = new MessageChannel();
      const worker = startWorkerThread(ANSWER, { workerData: { port: port2, value: 'given' }, transferList: [port2] });
      expect(worker === spare).toBe(offered);
      expect(hasSpareThread()).toBe(false);
      // Read now: a thread whose code has run ends, and has no id then.
      const id = worker.threadId;
      answers.push(await answerOn(port1));
      expect((answers.at(-1) as { threadId: number }).threadId).toBe(id);
      void worker.terminate();
    }
    expect(answers.map((a) => (a as { value: string }).value)).toStrictEqual(['given', 'given']);
  });

  it('with heap limits other than the spare thread\'s is a new thread, and the spare waits for another; one without takes it whatever its limits', async () => {
    const spare = bin.startSpareThread(['synth', fileOf('limits2.yaml', LARGE_FLEET_FILE_BYTES)])!;
    offerSpareThread(spare);
    const limited = { workerData: {}, transferList: [], resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 } };
    const other = startWorkerThread('', limited);
    expect(other).not.toBe(spare);
    expect(other.resourceLimits).toMatchObject(limited.resourceLimits);
    void other.terminate();
    expect(hasSpareThread()).toBe(true);
    expect(startWorkerThread('', { workerData: {}, transferList: [], resourceLimits: workerResourceLimits('') })).toBe(spare);
    offerSpareThread(bin.startSpareThread(['synth', fileOf('limits3.yaml', LARGE_FLEET_FILE_BYTES)]));
    const { port1, port2 } = new MessageChannel();
    const unlimited = startWorkerThread(ANSWER, { workerData: { port: port2, value: 1 }, transferList: [port2] });
    expect(hasSpareThread()).toBe(false);
    expect(await answerOn(port1)).toMatchObject({ value: 1 });
    void spare.terminate();
    void unlimited.terminate();
  });

  it('is a new thread when the spare one has ended; a spare thread nothing took ends when released', async () => {
    const ended = bin.startSpareThread(['synth', fileOf('ended.yaml', LARGE_FLEET_FILE_BYTES)])!;
    await ended.terminate();
    offerSpareThread(ended);
    const fresh = startWorkerThread('', { workerData: {}, transferList: [] });
    expect(fresh).not.toBe(ended);
    void fresh.terminate();

    const unused = bin.startSpareThread(['synth', fileOf('unused.yaml', LARGE_FLEET_FILE_BYTES)])!;
    offerSpareThread(unused);
    const exit = exited(unused);
    releaseSpareThread();
    expect(hasSpareThread()).toBe(false);
    await exit;
    expect(unused.threadId).toBe(-1);
  });

  it('takes the spare thread for the survey of a large output folder, which gives the same survey', () => {
    const target = largeOutput('surveyed');
    offerSpareThread(bin.startSpareThread(['synth', fileOf('survey.yaml', LARGE_FLEET_FILE_BYTES)]));
    const pending = startSurvey(target, 'surveyed', true);
    expect(hasSpareThread()).toBe(false);
    expect(pending.result()).toStrictEqual(surveyOwnership(target, 'surveyed', true));
    expect(pending.where()).toBe('thread');
    pending.stop();
  });

  it("reads the output folder's incremental cache as it starts, which the survey that takes it uses as read ahead without reading it again", () => {
    const target = largeOutput('cached');
    vi.stubEnv('MESHFLEET_CACHE_DIR', join(work, 'cache-dir'));
    const cache = incrementalCacheFile(target);
    mkdirSync(dirname(cache), { recursive: true });
    writeFileSync(cache, 'the cache');
    const fleet = fileOf('cached.yaml', LARGE_FLEET_FILE_BYTES);
    // A held survey (the watch mode's) keeps its thread, and what it read, for the counts.
    const readAtJob = (packageRoot?: string) => {
      offerSpareThread(bin.startSpareThread(['synth', fleet, '--out', target], packageRoot));
      prestartSurvey(target, true);
      expect(hasSpareThread()).toBe(false);
      const pending = startSurvey(target, 'cached', true, {}, cache);
      expect(Buffer.from(pending.readAhead()!).toString()).toBe('the cache');
      expect(pending.result()).toStrictEqual(surveyOwnership(target, 'cached', true));
      pending.previousIndex();
      pending.stop();
      const read = filesReadAtJob();
      releasePrestartedSurvey();
      return read;
    };
    // Read by the spare thread as it started: not at the job. A spare that did not read it: read at the job.
    expect(readAtJob(REPO)).toBe(0);
    expect(readAtJob(undefined)).toBe(1);
  });

  it("reads ahead only the cache that a synth of the arguments' output folder reads first, and only when that folder is surveyed on a thread", () => {
    expect(bin.SURVEY_THREAD_BYTES).toBe(THREAD_THRESHOLD);
    for (const cacheDir of ['', join(work, 'elsewhere')]) {
      vi.stubEnv('MESHFLEET_CACHE_DIR', cacheDir);
      for (const target of [join(work, 'some-out'), join(work, 'not-made', 'out'), 'relative-out']) {
        expect(bin.incrementalCacheFile(resolve(target), `${REPO}/`)).toBe(incrementalCacheFile(resolve(target)));
      }
    }
    // The folder: --out, -o, --out=, or charts-out; its cache is read only with a marker from the survey's threshold on.
    vi.stubEnv('MESHFLEET_CACHE_DIR', join(work, 'guess-cache'));
    const large = join(work, 'large-out');
    const small = join(work, 'small-out');
    const none = join(work, 'uncached-out');
    for (const [folder, marker] of [[large, THREAD_THRESHOLD], [small, THREAD_THRESHOLD - 1], [none, THREAD_THRESHOLD]] as const) {
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, OUTPUT_MARKER), 'x'.repeat(marker));
      if (folder !== none) {
        mkdirSync(dirname(incrementalCacheFile(folder)), { recursive: true });
        writeFileSync(incrementalCacheFile(folder), 'cache');
      }
    }
    const fleet = fileOf('guess.yaml', LARGE_FLEET_FILE_BYTES);
    const guess = (argv: string[]) => bin.readAheadFor(['synth', fleet, ...argv], `${REPO}/`);
    expect(guess(['--out', large])).toBe(incrementalCacheFile(large));
    expect(guess([`--out=${large}`, '--json'])).toBe(incrementalCacheFile(large));
    expect(guess(['-o', large])).toBe(incrementalCacheFile(large));
    expect(guess(['--out', small])).toBeUndefined();
    expect(guess(['--out', none])).toBeUndefined();
    // A marker that is a link is not the survey's to read (surveyedOnThread), whatever it leads to.
    const linked = join(work, 'linked-out');
    mkdirSync(linked, { recursive: true });
    symlinkSync(join(large, OUTPUT_MARKER), join(linked, OUTPUT_MARKER));
    mkdirSync(dirname(incrementalCacheFile(linked)), { recursive: true });
    writeFileSync(incrementalCacheFile(linked), 'cache');
    expect(guess(['--out', linked])).toBeUndefined();
    expect(guess(['--json'])).toBe(guess(['--out', 'charts-out']));
  });

  it('ends once the command has started the threads it needs: before the fleet file is read', () => {
    offerSpareThread(bin.startSpareThread(['synth', fileOf('prepared.yaml', LARGE_FLEET_FILE_BYTES)]));
    vi.stubEnv('MESHFLEET_WORKERS', '0');
    prepareSynthesis(fileOf('small-fleet.yaml', 100), { outdir: join(work, 'never-written') });
    expect(hasSpareThread()).toBe(false);
  });
});

describe('the command', () => {
  // Every thread the command starts is recorded by a module loaded before bin/meshfleet.js.
  const recorder = join(work, 'record-threads.cjs');
  writeFileSync(
    recorder,
    `const threads = require('node:worker_threads');
const Base = threads.Worker;
threads.Worker = class extends Base {
  constructor(code, options) {
    super(code, options);
    // The watchdog of a long wait (lib/thread-watchdog.ts) is left out: a busy machine may need one.
    const kind = String(code).startsWith('const threads = ') ? (options && options.workerData && options.workerData.readAhead ? 'spare reading the cache' : 'spare') : String(code).includes('workerData: { control, signal, gone, lines }') ? undefined : 'other';
    if (kind) require('node:fs').appendFileSync(process.env.THREADS, kind + '\\n');
    const post = this.postMessage.bind(this);
    this.postMessage = (message, transfer) => {
      if (message && typeof message.code === 'string') require('node:fs').appendFileSync(process.env.THREADS, message.code.includes('survey.bundle.cjs') ? 'spare taken by the survey bundle\\n' : 'spare taken\\n');
      return post(message, transfer);
    };
  }
};`,
  );
  const run = (argv: readonly string[], record: string) =>
    spawnSync(process.execPath, ['--require', recorder, join(REPO, 'bin', 'meshfleet.js'), ...argv], { encoding: 'utf8', cwd: work, env: { ...process.env, THREADS: record, MESHFLEET_WORKERS: '1' } });

  // 60 clusters: the output's marker is large enough for a survey on a thread (lib/output/folder-survey.ts).
  it('renders a large fleet file on the spare thread, and surveys the output of the next synth on it, starting no other thread', () => {
    const fleetFile = join(work, 'fleet-60.yaml');
    writeFleetFile(generateFleet(60), fleetFile);
    const out = join(work, 'out-60');
    const threadsOf = (argv: readonly string[], name: string) => {
      const record = join(work, `${name}.threads`);
      writeFileSync(record, '');
      const result = run(argv, record);
      expect(result.status, result.stderr).toBe(0);
      return readFileSync(record, 'utf8').trim().split('\n');
    };
    expect(threadsOf(['synth', fleetFile, '--out', out], 'cold')).toStrictEqual(['spare', 'spare taken']);
    // The synth again surveys its output on the spare thread, which read the cache as it started and
    // then requires the survey's own bundle (the build's, as a user's command has it).
    expect(threadsOf(['synth', fleetFile, '--out', out], 'again')).toStrictEqual(['spare reading the cache', 'spare taken by the survey bundle']);
    // With the main thread rendering alone and no output to survey, nothing takes it.
    vi.stubEnv('MESHFLEET_WORKERS', '0');
    const record = join(work, 'alone.threads');
    writeFileSync(record, '');
    const alone = spawnSync(process.execPath, ['--require', recorder, join(REPO, 'bin', 'meshfleet.js'), 'synth', fleetFile, '--out', join(work, 'out-alone')], { encoding: 'utf8', cwd: work, env: { ...process.env, THREADS: record } });
    expect(alone.status, alone.stderr).toBe(0);
    expect(readFileSync(record, 'utf8').trim().split('\n')).toStrictEqual(['spare']);
  }, 120_000);
});
