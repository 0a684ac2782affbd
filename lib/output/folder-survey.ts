// The ownership walk of a large output folder on a thread of its own. Incremental synth stats every
// file of the folder it may reuse clusters from (~28,000 files at 1000 clusters, ~0.4 s of walking
// and stat calls), which the main thread would otherwise do while the other core idles: the walk is
// started when the folder is opened, before the fleet is planned, and its result taken when needed.
import { lstatSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { moduleWorkerCode, siblingModule } from '../worker-code.ts';
import { OUTPUT_MARKER, surveyOwnership, type OwnershipSurvey } from './folder-ownership.ts';

/** A marker this large lists some 1,000 files: below it, starting a thread (~30 ms) costs more than the walk. */
const THREAD_THRESHOLD = 64 * 1024;
/** A thread that has not answered by then (it died) is given up for the walk on the main thread. */
const ANSWER_TIMEOUT_MS = 60_000;

export interface PendingSurvey {
  /** The survey (blocks until the thread has it): the same as surveyOwnership's on this thread. */
  result(): OwnershipSurvey;
  /** Stops the thread, when the folder is closed before its survey was taken. */
  stop(): void;
  /** Where result()'s walk ran: on the survey's thread, or here (a small folder, or a thread that failed). */
  where(): 'thread' | 'here';
}

interface SurveyData {
  readonly target: string;
  readonly display: string;
  readonly withStats: boolean;
  readonly control: Int32Array;
  readonly port: MessagePort;
}

type SurveyMessage = { readonly survey: OwnershipSurvey } | { readonly error: string };

/** surveyOwnership of the folder, on a thread of its own when its marker is at least `threshold` bytes. */
export function startSurvey(target: string, display: string, withStats: boolean, threshold = THREAD_THRESHOLD): PendingSurvey {
  const marker = lstatSync(`${target}/${OUTPUT_MARKER}`, { throwIfNoEntry: false });
  if (!marker?.isFile() || marker.size < threshold) {
    let survey: OwnershipSurvey | undefined;
    return { result: () => (survey ??= surveyOwnership(target, display, withStats)), stop: () => {}, where: () => 'here' };
  }
  const control = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const { port1, port2 } = new MessageChannel();
  const data: SurveyData = { target, display, withStats, control, port: port2 };
  const failed = `(e) => { const { workerData: w } = require('node:worker_threads'); w.port.postMessage({ error: String(e) }); Atomics.store(w.control, 0, 1); Atomics.notify(w.control, 0); }`;
  const code = moduleWorkerCode(siblingModule('folder-survey', import.meta.url), `(m) => m.surveyInWorker(require('node:worker_threads').workerData)`, failed);
  const worker = new Worker(code, { eval: true, workerData: data, transferList: [port2] });
  // The process never waits for it: result() or stop() ends it.
  worker.unref();
  let survey: OwnershipSurvey | undefined;
  let where: 'thread' | 'here' = 'thread';
  const stop = () => {
    port1.close();
    void worker.terminate();
  };
  return {
    result() {
      if (survey) return survey;
      Atomics.wait(control, 0, 0, ANSWER_TIMEOUT_MS);
      const message = receiveMessageOnPort(port1)?.message as SurveyMessage | undefined;
      stop();
      // A thread that failed (or an error the walk met, such as a folder it may not read): the walk
      // again here, which throws that error as the main thread's own.
      if (message && 'survey' in message) survey = message.survey;
      else {
        where = 'here';
        survey = surveyOwnership(target, display, withStats);
      }
      return survey;
    },
    stop,
    where: () => where,
  };
}

/** The survey thread: walks the folder and sends what it found (or the error it met). */
export function surveyInWorker({ target, display, withStats, control, port }: SurveyData): void {
  let message: SurveyMessage;
  try {
    message = { survey: surveyOwnership(target, display, withStats) };
  } catch (e) {
    message = { error: String(e) };
  }
  const stats = 'survey' in message ? message.survey.files?.stats : undefined;
  port.postMessage(message, stats ? [stats.buffer as ArrayBuffer] : []);
  Atomics.store(control, 0, 1);
  Atomics.notify(control, 0);
}
