// One shape for every problem meshfleet reports, whatever layer finds it: where (a JSON pointer into
// the fleet document), what is wrong (with the value), and how to fix it.

import type { DiagnosticCode } from './diagnostic-codes.ts';

export type { DiagnosticCode } from './diagnostic-codes.ts';

export type Severity = 'error' | 'warning';

/**
 * A rule's verdict on one value, written once: a check turns it into a diagnostic at the value's
 * path, a construct used directly throws it ("<where>: <message>. Fix: <fix>").
 */
export interface ValueProblem {
  readonly message: string;
  readonly fix: string;
}

/** Where the user wrote what a diagnostic is about: a fleet file position, or the TypeScript line that created a construct. */
export interface SourceLocation {
  readonly file: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly column?: number;
}

export interface Diagnostic {
  /** Stable code of the rule (docs/reference/diagnostics.md), e.g. "MF4001". */
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  /** JSON pointer into the fleet document, e.g. "/spec/clusters/1/name". */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
  /** Where the user wrote it, when the front door knows better than the document path (a TypeScript line). */
  readonly location?: SourceLocation;
  /** At most one note: what this follows from, or the other half of a conflict. */
  readonly related?: { readonly path: string; readonly message: string };
}

export function error(code: DiagnosticCode, path: string, message: string, fix: string): Diagnostic {
  return { code, severity: 'error', path, message, fix };
}

export function warning(code: DiagnosticCode, path: string, message: string, fix: string): Diagnostic {
  return { code, severity: 'warning', path, message, fix };
}

/** Renders a value for a message: short, quoted strings, elided long ones. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function pointer(...segments: (string | number)[]): string {
  let path = '';
  for (let i = 0; i < segments.length; i++) path += '/' + escapeSegment(String(segments[i]));
  return path;
}

/** A segment as a JSON pointer writes it (RFC 6901): `~` as `~0`, `/` as `~1`; most have neither. */
function escapeSegment(segment: string): string {
  return segment.includes('~') || segment.includes('/') ? segment.replace(/~/g, '~0').replace(/\//g, '~1') : segment;
}

export function pointerSegments(path: string): string[] {
  if (path === '') return [];
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Tells where a document path came from, for messages: a file position or a construct path. A front
 * door may also say a fix in its own terms (TypeScript: API calls instead of document places).
 */
export type Locator = ((path: string) => string | undefined) & { readonly phraseFix?: (fix: string) => string };

/** The fix as the fleet's front door says it. */
export function fixFor(d: Diagnostic, locate?: Locator): string {
  return locate?.phraseFix?.(d.fix) ?? d.fix;
}

/** Thrown by the pipeline when the fleet has errors; carries all of them at once. */
export class FleetError extends Error {
  constructor(
    readonly diagnostics: readonly Diagnostic[],
    readonly locate?: Locator,
  ) {
    super(formatDiagnostics(diagnostics, locate));
    this.name = 'FleetError';
  }
}

/** Where a diagnostic points in the user's files: its own location, else what the locator says. */
export function whereOf(d: Diagnostic, locate?: Locator): string | undefined {
  if (d.location) return [d.location.file, d.location.line, d.location.column].filter((part) => part !== undefined).join(':');
  return locate?.(d.path);
}

/** Colours a part of a message (the CLI passes one on a terminal); the default leaves it plain. */
export type Paint = (part: 'error' | 'warning' | 'code' | 'where' | 'fix', text: string) => string;
const plain: Paint = (_part, text) => text;

export function formatDiagnostic(d: Diagnostic, locate?: Locator, paint: Paint = plain): string {
  const where = whereOf(d, locate);
  const at = where ? ` (${paint('where', where)})` : '';
  const note = d.related ? `\n  note: ${d.related.path || '/'}${locatedAt(d.related.path, locate)}: ${d.related.message}` : '';
  return `${paint(d.severity, d.severity)} ${paint('code', d.code)} ${d.path || '/'}${at}: ${d.message}\n  ${paint('fix', 'fix:')} ${fixFor(d, locate)}${note}`;
}

function locatedAt(path: string, locate?: Locator): string {
  const where = locate?.(path);
  return where ? ` (${where})` : '';
}

/** How many problems a command prints; the rest are counted (100,000 broken clusters are not read). */
export const MAX_SHOWN = 100;

export function formatDiagnostics(diagnostics: readonly Diagnostic[], locate?: Locator, paint: Paint = plain): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const head = `${errors} error(s), ${diagnostics.length - errors} warning(s)`;
  // Past the cap, errors come first: they are what failed the run.
  const ordered = diagnostics.length > MAX_SHOWN ? [...diagnostics.filter((d) => d.severity === 'error'), ...diagnostics.filter((d) => d.severity !== 'error')] : diagnostics;
  const shown = ordered.slice(0, MAX_SHOWN).map((d) => formatDiagnostic(d, locate, paint));
  const rest = diagnostics.length > MAX_SHOWN ? [`… and ${diagnostics.length - MAX_SHOWN} more not shown`] : [];
  return [head, ...shown, ...rest].join('\n');
}
