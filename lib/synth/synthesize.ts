// synth end to end: plan (check everything), render (in memory), write (atomic swap). On any error
// the output folder is left exactly as it was.
import { FleetError, type Diagnostic, type Locator } from '../model/diagnostics.ts';
import { writeTreeAtomically } from '../output/atomic-write.ts';
import { readLock } from '../output/versioning.ts';
import { planFleet, type PlanOptions } from './plan.ts';
import { renderFleet, type AppSource, type Rendered } from './render.ts';

export interface FleetInput {
  /** The fleet document (parsed YAML, or what the TypeScript API built). */
  readonly document: unknown;
  /** Folder that relative paths in the document are read from. */
  readonly baseDir: string;
  /** Where a document path came from (file:line:col, construct path), for messages. */
  readonly locate?: Locator;
  /** Application objects per cluster (TypeScript fleets). @default none */
  readonly apps?: AppSource;
}

export interface SynthOptions extends Omit<PlanOptions, 'baseDir'> {
  /** Output folder. @default "charts-out" */
  readonly outdir?: string;
  /** Check and render, but write nothing. @default false */
  readonly dryRun?: boolean;
}

export interface SynthResult {
  readonly outdir: string;
  readonly rendered: Rendered;
  /** Warnings (errors throw a FleetError). */
  readonly diagnostics: readonly Diagnostic[];
  readonly files: number;
  readonly bytes: number;
}

export function synthesize(input: FleetInput, options: SynthOptions = {}): SynthResult {
  const outdir = options.outdir ?? 'charts-out';
  const plan = planFleet(input.document, { baseDir: input.baseDir, now: options.now });
  if (!plan.fleet) throw new FleetError(plan.diagnostics, input.locate);

  const rendered = renderFleet(plan.fleet, readLock(outdir), {}, input.apps);
  const diagnostics = [...plan.diagnostics, ...rendered.diagnostics];
  if (diagnostics.some((d) => d.severity === 'error')) throw new FleetError(diagnostics, input.locate);

  if (!options.dryRun) writeTreeAtomically(outdir, rendered.files);
  let bytes = 0;
  for (const text of rendered.files.values()) bytes += Buffer.byteLength(text);
  return { outdir, rendered, diagnostics, files: rendered.files.size, bytes };
}
