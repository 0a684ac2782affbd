// How a command reports: diagnostics as text on stderr (coloured on a terminal only) or, with --json,
// one JSON object on stdout for CI bots and editors; the summary counts acknowledged warnings.
import { styleText } from 'node:util';
import { formatDiagnostic, whereOf, type Diagnostic, type Locator, type Paint } from '../model/diagnostics.ts';

/** Colour when FORCE_COLOR asks (not "0"), never with NO_COLOR (https://no-color.org), else on a terminal. */
export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

const STYLES = { error: ['red', 'bold'], warning: ['yellow', 'bold'], code: 'dim', where: 'cyan', fix: 'green' } as const;

/** node:util styleText, told not to second-guess the choice made above. */
export const colourPaint: Paint = (part, text) => styleText(STYLES[part] as Parameters<typeof styleText>[0], text, { validateStream: false } as never);

/** One diagnostic as --json prints it: where (pointer, file, line, column), what, and the fix. */
export interface DiagnosticJson {
  readonly code: string;
  readonly severity: string;
  readonly pointer: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
  readonly fix: string;
  readonly related?: { readonly pointer: string; readonly message: string };
}

export function diagnosticJson(d: Diagnostic, locate?: Locator): DiagnosticJson {
  const where = d.location ?? parseWhere(whereOf(d, locate));
  return {
    code: d.code,
    severity: d.severity,
    pointer: d.path,
    ...(where?.file !== undefined ? { file: where.file } : {}),
    ...(where?.line !== undefined ? { line: where.line } : {}),
    ...(where?.column !== undefined ? { column: where.column } : {}),
    message: d.message,
    fix: d.fix,
    ...(d.related ? { related: { pointer: d.related.path, message: d.related.message } } : {}),
  };
}

/** "fleet.yaml:37:16" → file, line, column; anything else (a construct path) is the file part. */
function parseWhere(where: string | undefined): { file: string; line?: number; column?: number } | undefined {
  if (!where) return undefined;
  const m = /^(.*):(\d+):(\d+)$/.exec(where);
  return m ? { file: m[1], line: Number(m[2]), column: Number(m[3]) } : { file: where };
}

export interface Summary {
  readonly errors: number;
  readonly warnings: number;
  readonly acknowledged: number;
}

export function summaryOf(diagnostics: readonly Diagnostic[], acknowledged: readonly Diagnostic[] = []): Summary {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return { errors, warnings: diagnostics.length - errors, acknowledged: acknowledged.length };
}

/** ", 2 warning(s) acknowledged" for a summary line, or "". */
export function acknowledgedNote(summary: Summary): string {
  return summary.acknowledged ? `, ${summary.acknowledged} acknowledged warning(s)` : '';
}

export function printDiagnostics(err: (text: string) => void, diagnostics: readonly Diagnostic[], locate: Locator | undefined, paint?: Paint): void {
  for (const d of diagnostics) err(formatDiagnostic(d, locate, paint) + '\n');
}

/** The --json document of a command: always these keys, then what the command adds. */
export function jsonReport(command: string, exitCode: number, diagnostics: readonly Diagnostic[], locate: Locator | undefined, acknowledged: readonly Diagnostic[] = [], result?: unknown): string {
  return (
    JSON.stringify(
      { command, ok: exitCode === 0, exitCode, summary: summaryOf(diagnostics, acknowledged), diagnostics: diagnostics.map((d) => diagnosticJson(d, locate)), ...(result === undefined ? {} : { result }) },
      null,
      2,
    ) + '\n'
  );
}

/**
 * A progress line on stderr, rewritten in place: only on a terminal, never with --json, and only when
 * the fleet is large enough to take a while (a log or a pipe gets nothing).
 */
export function progressLine(stream: { isTTY?: boolean; write: (t: string) => unknown }, enabled: boolean): (text?: string) => void {
  if (!enabled || !stream.isTTY) return () => {};
  let shown = false;
  return (text) => {
    if (text === undefined) {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
      return;
    }
    stream.write(`\r\x1b[2K${text}`);
    shown = true;
  };
}
