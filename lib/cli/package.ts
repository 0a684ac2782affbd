// `meshfleet package [fleet] [--out charts-out] [--to chart-packages] [--all]`: the mesh charts of
// the environments that take them from a chart repository (delivery mesh.source chart-repository),
// packaged as `helm package` would and listed in a chart repository index.yaml, for upload (copy the
// folder to an https:// chart repository, or `helm push` each .tgz to the oci:// registry). The
// charts are those of the output folder, which must be up to date: the engines ask for the versions
// committed there. Exit 0 written, 1 the fleet has errors or the output is stale, 2 wrong command line.
import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { applyAcknowledgements } from '../model/acknowledge.ts';
import { FleetError } from '../model/diagnostics.ts';
import { fileAccessError } from '../model/file-access.ts';
import { packageChart, repositoryIndex } from '../output/chart-package.ts';
import { openOutputFolder } from '../output/output-folder.ts';
import { readVersionLock } from '../output/versioning.ts';
import { environmentDelivery } from '../resolve/delivery.ts';
import { planFleet } from '../synth/plan.ts';
import { renderFleet } from '../synth/render.ts';
import { findInput, loadInput } from './load-input.ts';
import { jsonReport, printDiagnostics } from './report.ts';
import { parseCommandLine, UsageError } from './usage-error.ts';
import type { CliIo } from './io.ts';

export const PACKAGE_HELP = `usage: meshfleet package [fleet.yaml | app.ts] [--out charts-out] [--to chart-packages] [--all] [--json]

Packages the mesh/ chart of every cluster whose environment takes it from a chart repository
(delivery.mesh.source: chart-repository; --all: every cluster) into <name>-<version>.tgz files and
writes the index.yaml of a Helm chart repository listing them, into --to. Upload the folder to the
https:// chart repository, or push each .tgz to the oci:// registry (helm push <file> <registry>).
The charts are read from the output folder (--out), which must be up to date (meshfleet synth).
The same charts give byte-identical files.
  --json   print one JSON object on stdout: the diagnostics, the summary and as result the charts
           packaged (name, version, file, digest), the index path and any stale output files
Exit status: 0 written, 1 fleet errors or stale output, 2 wrong command line.
`;

export async function runPackage(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine('package', PACKAGE_HELP, () => {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o', default: 'charts-out' },
        to: { type: 'string', default: 'chart-packages' },
        all: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return undefined;
    if (positionals.length > 1) throw new UsageError(`unexpected arguments: ${positionals.slice(1).join(' ')}`);
    const { out, to } = values;
    const inside = relative(resolve(out), resolve(to));
    if (!inside.startsWith('..') && !isAbsolute(inside)) {
      throw new UsageError(`--to ${to} is inside the output folder ${out}, which meshfleet synth replaces whole; choose a folder outside it`);
    }
    return { file: findInput(positionals[0]), out, to, all: Boolean(values.all), json: Boolean(values.json) };
  });
  if (!parsed) {
    io.out(PACKAGE_HELP);
    return 0;
  }
  const { file, out, to, all, json } = parsed;

  const input = await loadInput(file);
  const checked = planFleet(input.document, { baseDir: input.baseDir });
  if (!checked.fleet) throw new FleetError(checked.diagnostics, input.locate);
  const folder = openOutputFolder(out, { write: false, protect: [...(input.file ? [input.file] : []), input.baseDir], workingFolder: process.cwd() });
  let committed: Map<string, string>;
  let rendered;
  try {
    committed = folder.read();
    rendered = renderFleet(checked.fleet, readVersionLock(folder.target, () => committed, out).lock, {}, input.apps);
  } finally {
    folder.close();
  }
  const { diagnostics, acknowledged } = applyAcknowledgements(input.document, [...checked.diagnostics, ...rendered.diagnostics]);
  const report = (exitCode: number, text: string, result: unknown) => {
    if (json) io.out(jsonReport('package', exitCode, diagnostics, input.locate, acknowledged, result));
    else if (exitCode === 0) io.out(text);
    else io.err(text);
    return exitCode;
  };
  if (!json) printDiagnostics(io.err, diagnostics, input.locate, io.paint);
  if (diagnostics.some((d) => d.severity === 'error')) return report(1, '', undefined);

  const clusters = rendered.clusters.filter((r) => all || environmentDelivery(checked.fleet!.delivery, r.cluster.environment).mesh.source === 'chart-repository');
  const packages = [];
  const stale: string[] = [];
  for (const r of clusters) {
    const prefix = `${r.folder}/mesh/`;
    const files = new Map<string, string>();
    for (const [path, text] of rendered.files) {
      if (!path.startsWith(prefix)) continue;
      files.set(path.slice(prefix.length), text);
      if (committed.get(path) !== text) stale.push(path);
    }
    packages.push(packageChart(files));
  }
  if (stale.length) {
    return report(
      1,
      `meshfleet package: the charts in ${out} are not up to date (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ` and ${stale.length - 3} more` : ''}); run meshfleet synth and commit the output first, so the packages hold the versions the engines ask for\n`,
      { to, charts: [], stale },
    );
  }
  if (!packages.length) {
    return report(0, `meshfleet package: no environment takes its mesh charts from a chart repository (delivery.mesh.source: chart-repository); --all packages every cluster's chart\n`, { to, charts: [] });
  }
  try {
    mkdirSync(to, { recursive: true });
    for (const p of packages) writeFileSync(join(to, p.file), p.bytes);
    writeFileSync(join(to, 'index.yaml'), repositoryIndex(packages));
  } catch (e) {
    throw fileAccessError(e, to, 'write the chart packages');
  }
  const charts = packages.map((p) => ({ name: p.name, version: p.version, file: join(to, p.file), digest: p.digest }));
  return report(0, `meshfleet package: ${packages.length} chart(s) and index.yaml written to ${to}\n`, { to, charts, index: join(to, 'index.yaml') });
}
