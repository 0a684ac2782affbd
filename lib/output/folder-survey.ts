// What an incremental synth reads of a large output folder, on a thread of its own: the previous
// index.json (~9 MB at 1000 clusters, parsed and cut to what the staged-change checks read) and the
// ownership walk, which stats every file (~28,000). The main thread would otherwise spend ~0.5 s on
// them while the other core idles: the thread starts when the folder is opened, before the fleet is
// planned, and each result is taken when needed.
import { lstatSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { moduleWorkerCode, siblingModule } from '../worker-code.ts';
import { OUTPUT_MARKER, surveyOwnership, type OwnershipSurvey } from './folder-ownership.ts';
import { readPreviousIndex, type PreviousIndex } from './previous-index.ts';

/** A marker this large lists some 1,000 files: below it, starting a thread (~30 ms) costs more than the walk. */
const THREAD_THRESHOLD = 64 * 1024;
/** A thread that has not answered by then (it died) is given up for the work on the main thread. */
const ANSWER_TIMEOUT_MS = 60_000;

export interface PendingSurvey {
  /** readPreviousIndex of the folder (blocks until the thread has it). */
  previousIndex(): PreviousIndex | undefined;
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
  /** [0]: how many messages the thread has posted. */
  readonly control: Int32Array;
  readonly port: MessagePort;
}

/**
 * The thread posts the previous index, then the survey; or `failed` instead of what it could not make
 * (the main thread then makes it, and meets the error itself).
 * The index goes as JSON text (null for none): ~2 MB at 1000 clusters, which JSON.parse reads 2–4×
 * faster than the structured clone of its ~50,000 small objects.
 */
type SurveyMessage = { readonly previousIndex: string | null } | { readonly survey: OwnershipSurvey } | { readonly failed: true };

/** surveyOwnership (and readPreviousIndex) of the folder, on a thread of its own when its marker is at least `threshold` bytes. */
export function startSurvey(target: string, display: string, withStats: boolean, threshold = THREAD_THRESHOLD): PendingSurvey {
  const marker = lstatSync(`${target}/${OUTPUT_MARKER}`, { throwIfNoEntry: false });
  if (!marker?.isFile() || marker.size < threshold) {
    let survey: OwnershipSurvey | undefined;
    return { previousIndex: () => readPreviousIndex(target), result: () => (survey ??= surveyOwnership(target, display, withStats)), stop: () => {}, where: () => 'here' };
  }
  const control = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const { port1, port2 } = new MessageChannel();
  const data: SurveyData = { target, display, withStats, control, port: port2 };
  const failed = `(e) => { const { workerData: w } = require('node:worker_threads'); w.port.postMessage({ failed: true }); Atomics.store(w.control, 0, 2); Atomics.notify(w.control, 0); }`;
  const code = moduleWorkerCode(siblingModule('folder-survey', import.meta.url), `(m) => m.surveyInWorker(require('node:worker_threads').workerData)`, failed);
  const worker = new Worker(code, { eval: true, workerData: data, transferList: [port2] });
  // The process never waits for it: result() or stop() ends it.
  worker.unref();
  // What came from the thread; a part it failed to make is made here.
  let previous: { readonly value: PreviousIndex | undefined } | undefined;
  let survey: OwnershipSurvey | undefined;
  let where: 'thread' | 'here' = 'thread';
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    port1.close();
    void worker.terminate();
  };
  // Blocks until the thread has posted `count` messages (or died: the timeout), and reads them.
  const receive = (count: number) => {
    if (stopped) return;
    const deadline = Date.now() + ANSWER_TIMEOUT_MS;
    for (let posted = Atomics.load(control, 0); posted < count && Date.now() < deadline; posted = Atomics.load(control, 0)) {
      Atomics.wait(control, 0, posted, deadline - Date.now());
    }
    for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) {
      const message = m.message as SurveyMessage;
      if ('previousIndex' in message) previous = { value: message.previousIndex === null ? undefined : (JSON.parse(message.previousIndex) as PreviousIndex) };
      else if ('survey' in message) survey = message.survey;
    }
  };
  return {
    previousIndex() {
      if (!previous) receive(1);
      // A thread that failed to read it: read here.
      previous ??= { value: readPreviousIndex(target) };
      return previous.value;
    },
    result() {
      if (survey) return survey;
      receive(2);
      stop();
      if (!survey) {
        // A thread that failed (or an error the walk met, such as a folder it may not read): the walk
        // again here, which throws that error as the main thread's own.
        where = 'here';
        survey = surveyOwnership(target, display, withStats);
      }
      return survey;
    },
    stop,
    where: () => where,
  };
}

/** The survey thread: reads the previous index, then walks the folder, sending each (or the error it met). */
export function surveyInWorker({ target, display, withStats, control, port }: SurveyData): void {
  const send = (message: SurveyMessage, transfer: ArrayBuffer[] = []) => {
    port.postMessage(message, transfer);
    Atomics.add(control, 0, 1);
    Atomics.notify(control, 0);
  };
  try {
    const previous = readPreviousIndex(target);
    send({ previousIndex: previous === undefined ? null : JSON.stringify(previous) });
  } catch {
    // Made on the main thread instead; the walk goes on.
    send({ failed: true });
  }
  try {
    const survey = surveyOwnership(target, display, withStats);
    send({ survey }, survey.files ? [survey.files.stats.buffer as ArrayBuffer] : []);
  } catch {
    send({ failed: true });
  }
}
