// The spare thread bin/meshfleet.js may start before it loads the CLI bundle (bin/spare-thread.js):
// the first of meshfleet's own threads to start (a render worker, lib/synth/render-workers.ts, or
// the output folder's survey, lib/output/folder-survey.ts) takes it instead of starting one, and
// sends it its code and data. Starting a thread takes Node 60–80 ms; so taken, a render worker of a
// cold 100-cluster synth has its job 55–90 ms sooner. One that nothing took is ended
// (releaseSpareThread) before the fleet file is read: it would only hold memory.
import { Worker, type ResourceLimits, type TransferListItem } from 'node:worker_threads';

let spare: Worker | undefined;

/** The spare thread bin/meshfleet.js started, for the next startWorkerThread (a thread offered before is ended). */
export function offerSpareThread(worker: Worker | undefined): void {
  releaseSpareThread();
  spare = worker;
}

/** Ends the spare thread if nothing took it. */
export function releaseSpareThread(): void {
  if (spare) void spare.terminate();
  spare = undefined;
}

/** What a thread starts with: as `new Worker(code, { eval: true, workerData, transferList, resourceLimits })`. */
export interface ThreadStart {
  readonly workerData: unknown;
  readonly transferList: readonly TransferListItem[];
  /** The heap limits the thread needs; without them, a spare thread is taken whatever its own. */
  readonly resourceLimits?: ResourceLimits;
}

/**
 * A thread running `code` (JavaScript run as a thread's main script, reading its data from
 * worker_threads' workerData): the spare thread, when there is one and its heap limits are the ones
 * asked for, else a new one.
 */
export function startWorkerThread(code: string, start: ThreadStart): Worker {
  const taken = takeSpare(start.resourceLimits);
  if (!taken) return new Worker(code, { eval: true, workerData: start.workerData, transferList: [...start.transferList], ...(start.resourceLimits ? { resourceLimits: start.resourceLimits } : {}) });
  taken.postMessage({ code, workerData: start.workerData }, [...start.transferList]);
  return taken;
}

function takeSpare(limits: ResourceLimits | undefined): Worker | undefined {
  const worker = spare;
  // A thread that has ended has no id; limits a thread is started with cannot change after.
  if (worker === undefined || worker.threadId < 0 || (limits && !sameLimits(worker.resourceLimits, limits))) return undefined;
  spare = undefined;
  return worker;
}

function sameLimits(has: ResourceLimits | undefined, wanted: ResourceLimits): boolean {
  return (Object.keys(wanted) as (keyof ResourceLimits)[]).every((name) => has?.[name] === wanted[name]);
}

/** Whether a spare thread waits to be taken (tests). */
export function hasSpareThread(): boolean {
  return spare !== undefined;
}
