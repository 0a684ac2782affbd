// How the main thread notices a worker thread of its own that stopped without a word (its heap limit,
// an uncaught exception, process.exit in it): it blocks in Atomics.wait while it waits for its
// threads, so it never sees their exit or error events. Each thread holds one end of a "lifeline"
// (a MessageChannel it never uses); once the main thread has waited a while, a watchdog thread takes
// the other ends, and its free event loop sees one close when its thread is gone, whatever stopped
// it. It then marks that thread gone in the shared array the main thread waits on, and wakes it.
// Used by the render workers (lib/synth/render-workers.ts) and the output folder's survey
// (lib/output/folder-survey.ts).
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';

/**
 * How long a wait of the main thread on its threads lasts before it starts a watchdog: their answers come
 * within tens of milliseconds (a cluster takes ~20 ms, a survey's part well under a second), and a
 * watchdog thread costs ~10 MiB, so a run whose threads all answer never starts one.
 */
const WATCH_AFTER_MS = 1000;

/** A thread's lifeline: `held` goes to the thread (in its workerData, transferred), `watched` stays for a watchdog. */
export function newLifeline(): { readonly held: MessagePort; readonly watched: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  return { held: port2, watched: port1 };
}

export interface Watch {
  /** The array the main thread waits on. */
  readonly control: Int32Array;
  /** The slot the main thread waits on: added 1 and notified when a thread is gone. */
  readonly signal: number;
  /** What a gone thread's state slot is set to. */
  readonly gone: number;
  /** Each thread's lifeline (the watched end) and its state slot. */
  readonly lines: readonly { readonly port: MessagePort; readonly state: number }[];
}

/** The main thread's wait on its threads, with the watchdog it starts when a wait runs long. */
export interface LifelineWatch {
  /**
   * Blocks until control[signal] is no longer `seen` (a thread's answer, or the watchdog's wake-up)
   * or `timeoutMs` have passed; once a wait has lasted WATCH_AFTER_MS, the watchdog starts.
   */
  wait(seen: number, timeoutMs?: number): void;
  /** Once the threads are done or stopped: the watchdog ends, or the lifelines it never took are closed. */
  end(): void;
}

/** The watch of these lifelines: the watchdog starts only when a wait runs long (a thread costs ~10 MiB). */
export function watchLifelines(watch: Watch): LifelineWatch {
  const { control, signal } = watch;
  let watchdog: Worker | undefined;
  return {
    wait(seen, timeoutMs = Infinity) {
      const deadline = Date.now() + timeoutMs;
      for (let left = timeoutMs; left > 0; left = deadline - Date.now()) {
        if (watchdog) return void Atomics.wait(control, signal, seen, left);
        if (Atomics.wait(control, signal, seen, Math.min(left, WATCH_AFTER_MS)) !== 'timed-out') return;
        if (left >= WATCH_AFTER_MS) watchdog = startWatchdog(watch);
      }
    },
    end() {
      if (watchdog) void watchdog.terminate();
      else for (const line of watch.lines) line.port.close();
    },
  };
}

/**
 * Starts a watchdog over the lifelines (which it takes: they are transferred). A lifeline that closed
 * before is seen closing as it is taken. The watchdog never keeps the process alive.
 */
function startWatchdog({ control, signal, gone, lines }: Watch): Worker {
  const watchdog = new Worker(WATCHDOG, { eval: true, workerData: { control, signal, gone, lines }, transferList: lines.map((line) => line.port) });
  watchdog.unref();
  return watchdog;
}

/** The watchdog's code. A port is noticed closing only once it has a message listener. */
const WATCHDOG = `const { workerData: { control, signal, gone, lines } } = require('node:worker_threads');
for (const { port, state } of lines) {
  port.on('message', () => {});
  port.on('close', () => { Atomics.store(control, state, gone); Atomics.add(control, signal, 1); Atomics.notify(control, signal); });
}`;
