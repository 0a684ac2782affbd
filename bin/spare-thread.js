// A worker thread the command starts before it loads the CLI bundle: Node takes 60–80 ms to start a
// thread (an isolate, Node's own start-up in it), which then overlaps the bundle's load instead of
// following it. It runs nothing of meshfleet's until it is given a job: the first thread meshfleet
// starts (a render worker, or the survey of the output folder) takes it and sends it its code and
// data (lib/spare-thread.ts); one that nothing takes is ended before the fleet file is read.
'use strict';

const { lstatSync, statSync } = require('node:fs');
const { basename, dirname, join, resolve } = require('node:path');

/**
 * What the thread runs: it reads the file its workerData names to read ahead (readAheadFor), then
 * waits for the code of the thread it becomes and that thread's workerData (its ports transferred
 * with the message), sets the data where that code reads it (with the file read, as `spareRead`:
 * its path, bytes and what tells it from a later file), and runs it as the main script of a thread
 * started with the code (`new Worker(code, { eval: true })`) runs.
 */
const SPARE_CODE = `const threads = require('node:worker_threads');
const path = threads.workerData?.readAhead;
let spareRead;
if (path !== undefined) {
  const fs = require('node:fs');
  try {
    const fd = fs.openSync(path, 'r');
    try {
      const { dev, ino, size, mtimeMs, ctimeMs } = fs.fstatSync(fd);
      spareRead = { path, bytes: fs.readFileSync(fd), stats: { dev, ino, size, mtimeMs, ctimeMs } };
    } finally {
      fs.closeSync(fd);
    }
  } catch {}
}
threads.parentPort.once('message', ({ code, workerData }) => {
  threads.workerData = spareRead ? { ...workerData, spareRead } : workerData;
  (0, eval)(code);
});`;

/** A render worker's heap limits by default (lib/synth/render-workers.ts workerResourceLimits): a thread with others is not taken as one. */
const SPARE_LIMITS = { maxOldGenerationSizeMb: 1536, maxYoungGenerationSizeMb: 16 };

/** A fleet file of this many bytes or more has its threads started ahead (lib/synth/render-workers.ts LARGE_FLEET_FILE_BYTES). */
const LARGE_FLEET_FILE_BYTES = 8192;

/** The commands that synthesize a fleet, and so may start threads. */
const FLEET_COMMANDS = ['synth', 'validate', 'diff'];

/**
 * A spare thread when the arguments (the command's, after `meshfleet`) name a command that synthesizes
 * and a YAML or JSON file large enough for threads, on a machine with a core beside the main thread;
 * else undefined. A guess: a thread nothing takes only costs its start. `packageRoot` (the folder of
 * package.json) finds the incremental cache the thread reads meanwhile (readAheadFor).
 */
function startSpareThread(argv, packageRoot) {
  // Required here: other commands (help, the version) load neither module.
  if (!FLEET_COMMANDS.includes(argv[0]) || require('node:os').availableParallelism() < 2) return undefined;
  if (!argv.slice(1).some(isLargeFleetFile)) return undefined;
  const { Worker } = require('node:worker_threads');
  const readAhead = packageRoot === undefined ? undefined : readAheadFor(argv, packageRoot);
  const worker = new Worker(SPARE_CODE, { eval: true, resourceLimits: SPARE_LIMITS, ...(readAhead ? { workerData: { readAhead } } : {}) });
  // The process never waits for it; a thread that fails to start is noticed by the one that takes it
  // (a lifeline closes) or never taken.
  worker.unref();
  worker.on('error', () => {});
  return worker;
}

/** The marker's size from which the output folder is surveyed on a thread (lib/output/folder-survey.ts THREAD_THRESHOLD). */
const SURVEY_THREAD_BYTES = 64 * 1024;

/**
 * The incremental cache (lib/synth/incremental.ts incrementalCacheFile) of the output folder the
 * arguments name (--out, -o, or charts-out), when it exists and the folder is large enough to be
 * surveyed on a thread: that synth's survey takes this thread, and reads the cache first
 * (lib/output/folder-survey.ts). Read here, as the command starts, that read (~0.13 s at 1000
 * clusters) overlaps the bundle's load instead of coming before the walk. Else undefined. The survey
 * uses what was read only while the file is unchanged (its inode, size and times).
 */
function readAheadFor(argv, packageRoot) {
  try {
    const { values } = require('node:util').parseArgs({ args: argv.slice(1), strict: false, allowPositionals: true, options: { out: { type: 'string', short: 'o', default: 'charts-out' } } });
    const target = resolve(typeof values.out === 'string' ? values.out : 'charts-out');
    // lstat, as the survey's own check (surveyedOnThread): a marker that is a link is not meshfleet's.
    const marker = lstatSync(join(target, '.meshfleet-output'), { throwIfNoEntry: false });
    if (!marker?.isFile() || marker.size < SURVEY_THREAD_BYTES) return undefined;
    const file = incrementalCacheFile(target, packageRoot);
    return statSync(file, { throwIfNoEntry: false })?.isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

/** lib/synth/incremental.ts incrementalCacheFile, for the package at `packageRoot` (test/package/spare-thread.test.ts compares them). */
function incrementalCacheFile(target, packageRoot) {
  let real;
  try {
    real = join(require('node:fs').realpathSync(dirname(target)), basename(target));
  } catch {
    real = target;
  }
  const folder = process.env.MESHFLEET_CACHE_DIR || join(packageRoot, 'node_modules/.cache/meshfleet/');
  return join(folder, `synth-${require('node:crypto').createHash('sha256').update(real).digest('hex').slice(0, 32)}.v8`);
}

function isLargeFleetFile(arg) {
  if (!/\.(ya?ml|json)$/i.test(arg)) return false;
  try {
    const stats = statSync(arg, { throwIfNoEntry: false });
    return stats !== undefined && stats.isFile() && stats.size >= LARGE_FLEET_FILE_BYTES;
  } catch {
    return false;
  }
}

module.exports = { startSpareThread, readAheadFor, incrementalCacheFile, SPARE_LIMITS, LARGE_FLEET_FILE_BYTES, SURVEY_THREAD_BYTES };
