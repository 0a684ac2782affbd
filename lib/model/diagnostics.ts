// One shape for every problem meshfleet reports, whatever layer finds it: where (a JSON pointer into
// the fleet document), what is wrong (with the value), and how to fix it.

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly severity: Severity;
  /** JSON pointer into the fleet document, e.g. "/spec/clusters/1/name". */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

export function error(path: string, message: string, fix: string): Diagnostic {
  return { severity: 'error', path, message, fix };
}

export function warning(path: string, message: string, fix: string): Diagnostic {
  return { severity: 'warning', path, message, fix };
}

/** Renders a value for a message: short, quoted strings, elided long ones. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
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

export function formatDiagnostic(d: Diagnostic, locate?: Locator): string {
  const where = locate?.(d.path);
  const at = where ? ` (${where})` : '';
  return `${d.severity} ${d.path || '/'}${at}: ${d.message}\n  fix: ${fixFor(d, locate)}`;
}

/** How many problems a command prints; the rest are counted (100,000 broken clusters are not read). */
export const MAX_SHOWN = 100;

export function formatDiagnostics(diagnostics: readonly Diagnostic[], locate?: Locator): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const head = `${errors} error(s), ${diagnostics.length - errors} warning(s)`;
  // Past the cap, errors come first: they are what failed the run.
  const ordered = diagnostics.length > MAX_SHOWN ? [...diagnostics.filter((d) => d.severity === 'error'), ...diagnostics.filter((d) => d.severity !== 'error')] : diagnostics;
  const shown = ordered.slice(0, MAX_SHOWN).map((d) => formatDiagnostic(d, locate));
  const rest = diagnostics.length > MAX_SHOWN ? [`… and ${diagnostics.length - MAX_SHOWN} more not shown`] : [];
  return [head, ...shown, ...rest].join('\n');
}
