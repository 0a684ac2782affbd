// The index.json of the previous output, read alone (not the whole tree): synth compares staged
// operations (trust anchor rotation, version changes, retired clusters) with what was delivered last.
import { join } from 'node:path';
import { lstatSync } from 'node:fs';
import { INPUT_LIMITS, readRegularFile } from '../model/file-access.ts';

export type PreviousIndex = Readonly<Record<string, unknown>>;

/** undefined when the folder holds no readable index.json (first synth, or not meshfleet's). */
export function readPreviousIndex(outdir: string): PreviousIndex | undefined {
  const file = join(outdir, 'index.json');
  if (!lstatSync(file, { throwIfNoEntry: false })) return undefined;
  const read = readRegularFile(file, { limit: INPUT_LIMITS.outputFile, what: 'output index', noFollow: true });
  return 'text' in read ? parseIndex(read.text) : undefined;
}

export function parseIndex(text: string | undefined): PreviousIndex | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as PreviousIndex) : undefined;
  } catch {
    return undefined;
  }
}
