// Where a marker text sits in a test file, as meshfleet names the user's code: "test/x.test.ts:12".
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * "<file relative to the working folder>:<line>" of the only line of `fileUrl` holding `marker`; lines
 * that look the marker up (a call to sourceLine or here) do not count.
 */
export function sourceLine(fileUrl: string, marker: string): string {
  const path = fileURLToPath(fileUrl);
  const lines = readFileSync(path, 'utf8').split('\n');
  const found = lines.flatMap((text, i) => (text.includes(marker) && !/\b(sourceLine|here)\(/.test(text) ? [i + 1] : []));
  if (found.length !== 1) throw new Error(`marker ${JSON.stringify(marker)} is on ${found.length} lines of ${path}`);
  return `${relative(process.cwd(), path)}:${found[0]}`;
}

/** A RegExp matching `text` literally, with `{at}` standing for "<sourceLine>:<column>". */
export function placed(text: string, at: string): RegExp {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(text.split('{at}').map(escape).join(`${escape(at)}:\\d+`));
}
