// `meshfleet plan [fleet] [--out charts-out] [--json]`: the rollout of the fleet as the engines would
// play it (lib/rollout): each cluster's steps in the order a first install from empty clusters
// completes them, with what each waits on; clusters coming up in any order; and the upgrade from
// the output folder when it holds a previous synth. Writes nothing. Exit 0 when the rollout
// converges and the fleet is valid, 1 otherwise, 2 when the command line is wrong.
import { parseArgs } from 'node:util';
import { applyAcknowledgements } from '../model/acknowledge.ts';
import { FleetError } from '../model/diagnostics.ts';
import { openOutputFolder } from '../output/output-folder.ts';
import { readVersionLock } from '../output/versioning.ts';
import { parseIndex } from '../output/previous-index.ts';
import { stagedChangeDiagnostics } from '../rollout/staged-changes.ts';
import { removedLinks, retiredClusters } from '../rollout/retire.ts';
import { linkerdVersionChanges } from '../rollout/version-change.ts';
import { formatPlan, planReport } from '../rollout/plan.ts';
import { upgradeFrom, type NextOutput } from '../rollout/upgrade.ts';
import { incrementalSynth } from '../synth/incremental.ts';
import { planFleet } from '../synth/plan.ts';
import { renderFleet } from '../synth/render.ts';
import { findInput, loadInput } from './load-input.ts';
import { jsonReport, printDiagnostics } from './report.ts';
import { parseCommandLine, UsageError } from './usage-error.ts';
import type { CliIo } from './io.ts';

export const PLAN_HELP = `usage: meshfleet plan [fleet.yaml | app.ts] [--out charts-out] [--json] [--strict]

Plays the rollout the GitOps engines would run, writing nothing: every cluster from empty (its steps
in the order they complete, what each waits on and who provides it), the clusters coming up one at
a time in rotations of the fleet order (up to 12), and the upgrade from the output folder when it holds a
previous synth (--out), with the staged operations it holds: each Linkerd version change in steps (CRDs,
control plane, multicluster, data plane restart) with the check between them, links removed in the
order they go, retired clusters, and what to delete outside Git.
  --out, -o  the output folder holding the previous synth (default charts-out)
  --json     print one JSON object on stdout: the diagnostics (code, pointer, file, line, fix), the
             summary and the plan as result
  --strict   fail on warnings spec.acknowledge does not cover
Exit status: 0 converges, 1 does not (or the fleet has errors), 2 wrong command line.
Examples:
  meshfleet plan fleet.yaml
  meshfleet plan --json | jq '.result.firstInstall.converged'
`;

export async function runPlan(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine('plan', PLAN_HELP, () => {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { out: { type: 'string', short: 'o', default: 'charts-out' }, json: { type: 'boolean' }, strict: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) return undefined;
    if (positionals.length > 1) throw new UsageError(`unexpected arguments: ${positionals.slice(1).join(' ')}`);
    return { file: findInput(positionals[0]), out: values.out, json: Boolean(values.json), strict: Boolean(values.strict) };
  });
  if (!parsed) {
    io.out(PLAN_HELP);
    return 0;
  }
  const { file, out, json, strict } = parsed;

  const input = await loadInput(file);
  const checked = planFleet(input.document, { baseDir: input.baseDir });
  if (!checked.fleet) throw new FleetError(applyAcknowledgements(input.document, checked.diagnostics).diagnostics, input.locate);
  // The output folder is opened like synth --check opens it (checked, an interrupted swap repaired,
  // links never followed) and read once: its lock gives the versions, its files the upgrade.
  const folder = openOutputFolder(out, { write: false, protect: [...(input.file ? [input.file] : []), input.baseDir], workingFolder: process.cwd() });
  let previous: Map<string, string>;
  let rendered;
  // Each new file is compared with the previous one as it is made and not kept, and the clusters keep
  // only their objects' rollout views (as synth does): a large fleet is not held twice in memory.
  const unchanged = new Set<string>();
  const compare = (path: string, text: string) => void (previous.get(path) === text && unchanged.add(path));
  // Clusters unchanged since synth wrote the folder are not rendered (synth's cache of it, read
  // only, as synth --check reads it): their views come from the cache, their files are the folder's.
  const incremental = incrementalSynth(folder.target, { readOnly: true });
  // Closed once the rollout model (read after the render) has read the reused clusters' views from the cache's cold file.
  try {
    try {
      previous = folder.read();
      // Rendered like synth, so versions follow the output folder's lock; rollout errors are shown with the plan.
      rendered = renderFleet(checked.fleet, readVersionLock(folder.target, () => previous, out).lock, {}, input.apps, compare, 'rollout', incremental);
    } finally {
      folder.close();
    }
    for (const [path] of incremental.reusedFiles()) unchanged.add(path);
    // The fleet-wide files, which renderFleet returns rather than hands on.
    for (const [path, text] of rendered.files) compare(path, text);
    const next: NextOutput = { index: rendered.files.get('index.json'), unchanged: (path) => unchanged.has(path) };
    const previousIndex = parseIndex(previous.get('index.json'));
    const { diagnostics, acknowledged } = applyAcknowledgements(input.document, [...checked.diagnostics, ...stagedChangeDiagnostics(previousIndex, checked.fleet), ...rendered.diagnostics], true);
    if (!json) printDiagnostics(io.err, diagnostics, input.locate, io.paint);
    const upgrade = upgradeFrom(rendered.rollout, previous, next);
    const report = planReport(rendered.rollout, upgrade, {
      linkerdVersions: linkerdVersionChanges(previousIndex, checked.fleet),
      removedLinks: removedLinks(previousIndex, checked.fleet),
      retiredClusters: retiredClusters(previousIndex, checked.fleet, previous),
    });
    const converges = report.firstInstall.converged && !report.orders.heldByWait.length && (report.upgrade?.converged ?? true);
    const failed = diagnostics.some((d) => d.severity === 'error') || (strict && diagnostics.length > 0);
    const exitCode = converges && !failed ? 0 : 1;
    io.out(json ? jsonReport('plan', exitCode, diagnostics, input.locate, acknowledged, report) : formatPlan(report));
    return exitCode;
  } finally {
    incremental.close();
  }
}
