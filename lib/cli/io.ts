import type { Paint } from '../model/diagnostics.ts';

/** Where a command writes: stdout and stderr of the process, or a test's buffers. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Colours diagnostics on stderr (set for a terminal only). @default plain */
  readonly paint?: Paint;
  /** Rewrites one progress line on stderr (a terminal only); undefined clears it. @default none */
  readonly progress?: (text?: string) => void;
}
