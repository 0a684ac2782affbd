// Changes that must happen in stages, checked against the previous output (its index.json) at
// synth time: the trust anchor rotation (trust-rotation.ts), Linkerd version changes
// (version-change.ts), retired clusters (retire.ts). One entry point for synth and plan.
import type { Diagnostic } from '../model/diagnostics.ts';
import type { PreviousIndex } from '../output/previous-index.ts';
import type { ResolvedFleet } from '../resolve/resolve.ts';
import { retireDiagnostics } from './retire.ts';
import { trustRotationDiagnostics } from './trust-rotation.ts';
import { versionChangeDiagnostics } from './version-change.ts';

export function stagedChangeDiagnostics(previous: PreviousIndex | undefined, fleet: ResolvedFleet): Diagnostic[] {
  return [...trustRotationDiagnostics(previous, fleet.trust), ...versionChangeDiagnostics(previous, fleet), ...retireDiagnostics(previous, fleet)];
}
