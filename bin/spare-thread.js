// A worker thread the command starts before it loads the CLI bundle: Node takes 60–80 ms to start a
// thread (an isolate, Node's own start-up in it), which then overlaps the bundle's load instead of
// following it. It runs nothing of meshfleet's until it is given a job: the first thread meshfleet
// starts (a render worker, or the survey of the output folder) takes it and sends it its code and
// data (lib/spare-thread.ts); one that nothing takes is ended before the fleet file is read.
'use strict';

const { statSync } = require('node:fs');

/**
 * What the thread runs: it waits for the code of the thread it becomes and that thread's workerData
 * (its ports transferred with the message), sets the data where that code reads it, and runs it as
 * the main script of a thread started with the code (`new Worker(code, { eval: true })`) runs.
 */
const SPARE_CODE = `const threads = require('node:worker_threads');
threads.parentPort.once('message', ({ code, workerData }) => {
  threads.workerData = workerData;
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
 * else undefined. A guess: a thread nothing takes only costs its start.
 */
function startSpareThread(argv) {
  // Required here: other commands (help, the version) load neither module.
  if (!FLEET_COMMANDS.includes(argv[0]) || require('node:os').availableParallelism() < 2) return undefined;
  if (!argv.slice(1).some(isLargeFleetFile)) return undefined;
  const { Worker } = require('node:worker_threads');
  const worker = new Worker(SPARE_CODE, { eval: true, resourceLimits: SPARE_LIMITS });
  // The process never waits for it; a thread that fails to start is noticed by the one that takes it
  // (a lifeline closes) or never taken.
  worker.unref();
  worker.on('error', () => {});
  return worker;
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

module.exports = { startSpareThread, SPARE_LIMITS, LARGE_FLEET_FILE_BYTES };
