// A full garbage collection on request, for a thread of a process kept between runs (`synth --watch`):
// each run leaves its garbage to a heap V8 lets grow, and the next run's peak memory would start from
// there. Used by the watch mode's main thread (lib/cli/watch.ts) and by the survey thread it keeps
// for the next run (lib/output/folder-survey.ts), each while the process waits for a change.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * Collects this thread's garbage. V8 gives a context made while --expose-gc is set its gc(); the
 * flag is then unset, as V8 names code caches by its flags (lib/compiler-tuning.ts): called while
 * no code cache is read or made.
 */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    try {
      gc = runInNewContext('gc') as () => void;
    } catch {
      // Another thread unset the flag meanwhile (flags are the process's): collected next time.
      return;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  // Twice: the pages the first one's compaction frees are given back to the system by the second
  // (after a cold 1000-cluster synth, resident memory 300 MiB after one, 197 MiB after two).
  gc();
  gc();
}
