// spec.acknowledge: warnings a team has read and accepts are taken out of what a command prints and
// only counted, so a repeated warning does not bury a new one, and `--strict` can fail on the rest.
import { DIAGNOSTIC_CODES, isDiagnosticCode } from './diagnostic-codes.ts';
import { error, show, warning, type Diagnostic } from './diagnostics.ts';
import type { AcknowledgementSpec } from './types.ts';
import { didYouMean } from './suggest.ts';

export interface Acknowledged {
  /** What is still reported: errors, unacknowledged warnings, and problems with the acknowledgements themselves. */
  readonly diagnostics: Diagnostic[];
  /** The warnings an acknowledgement covers. */
  readonly acknowledged: Diagnostic[];
}

function acknowledgementsOf(document: unknown): readonly AcknowledgementSpec[] {
  const list = (document as { spec?: { acknowledge?: unknown } } | undefined)?.spec?.acknowledge;
  return Array.isArray(list) ? list.filter((a): a is AcknowledgementSpec => typeof a?.code === 'string') : [];
}

const covers = (a: AcknowledgementSpec, d: Diagnostic) =>
  a.code === d.code && (a.pointer === undefined || d.path === a.pointer || d.path.startsWith(`${a.pointer}/`));

/**
 * Splits the diagnostics by the document's acknowledgements. With `final`, an acknowledgement that
 * covers nothing is reported (the warning it was for is gone: remove it).
 */
export function applyAcknowledgements(document: unknown, diagnostics: readonly Diagnostic[], final = false): Acknowledged {
  const acks = acknowledgementsOf(document);
  if (!acks.length) return { diagnostics: [...diagnostics], acknowledged: [] };
  const kept: Diagnostic[] = [];
  const acknowledged: Diagnostic[] = [];
  const used = new Set<number>();
  for (const d of diagnostics) {
    const i = d.severity === 'warning' ? acks.findIndex((a) => covers(a, d)) : -1;
    if (i >= 0) {
      used.add(i);
      acknowledged.push(d);
    } else {
      kept.push(d);
    }
  }
  acks.forEach((a, i) => {
    const at = `/spec/acknowledge/${i}/code`;
    if (!isDiagnosticCode(a.code)) {
      const warnings = Object.keys(DIAGNOSTIC_CODES).filter((c) => DIAGNOSTIC_CODES[c as keyof typeof DIAGNOSTIC_CODES].severity === 'warning');
      kept.push(error('MF1301', at, `${show(a.code)} is not a meshfleet diagnostic code`, `${didYouMean(a.code, warnings)}acknowledge a warning by the code printed before its pointer (docs/reference/diagnostics.md)`));
    } else if (DIAGNOSTIC_CODES[a.code].severity === 'error') {
      kept.push(error('MF1302', at, `${a.code} is an error, and errors cannot be acknowledged`, `fix what ${a.code} reports, and remove this entry`));
    } else if (final && !used.has(i)) {
      kept.push(warning('MF1303', `/spec/acknowledge/${i}`, `no ${a.code} warning${a.pointer ? ` at ${a.pointer}` : ''} is left to acknowledge`, 'remove the entry: what it acknowledged is fixed'));
    }
  });
  return { diagnostics: kept, acknowledged };
}
