// `meshfleet graph [fleet] [--format svg|dot|mermaid] [--out file]`: the fleet's topology as a
// picture. The fleet is checked first (the same plan as synth, nothing rendered or written), so the
// picture shows what synth would deploy; a fleet with errors gets its diagnostics and no picture.
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { drawTopology, GRAPH_FORMATS, type GraphFormat } from '../graph/draw.ts';
import { topologyOf } from '../graph/topology.ts';
import { applyAcknowledgements } from '../model/acknowledge.ts';
import { formatDiagnostic } from '../model/diagnostics.ts';
import type { FleetDocument } from '../model/types.ts';
import { planFleet } from '../synth/plan.ts';
import { findInput, loadInput } from './load-input.ts';
import { parseCommandLine, UsageError } from './usage-error.ts';
import { jsonReport } from './report.ts';
import type { CliIo } from './io.ts';

export const GRAPH_HELP = `usage: meshfleet graph [fleet.yaml | app.ts] [--format svg|dot|mermaid] [--out file] [--json]

Draws the fleet's topology: clusters grouped by environment and network, each with its Linkerd
version, HA, gateway and hub role; links as arrows from the cluster that mirrors to the cluster whose
services it mirrors (solid: gateway, dashed: flat; two heads: both ways); federated services.
  --format  svg (rendered in-process by Graphviz compiled to WebAssembly), dot (Graphviz source) or
            mermaid (a flowchart for Markdown). Default: from --out's extension (.svg, .dot/.gv,
            .mmd/.mermaid), else svg.
  --out     write to this file instead of printing.
  --json    print one JSON object on stdout instead of the picture: the diagnostics, the summary and
            the topology as result (environments → networks → clusters, links, federated services);
            with --out the picture is still written to the file.
Examples:
  meshfleet graph fleet.yaml --out topology.svg
  meshfleet graph --format mermaid >> README.md
  meshfleet graph --format dot | dot -Tpng > topology.png
  meshfleet graph --json | jq '.result.links[] | "\\(.source) -> \\(.target) (\\(.mode))"'
`;

const EXTENSIONS: Record<string, GraphFormat> = { '.svg': 'svg', '.dot': 'dot', '.gv': 'dot', '.mmd': 'mermaid', '.mermaid': 'mermaid' };

export async function runGraph(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine('graph', GRAPH_HELP, () => {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { format: { type: 'string', short: 'f' }, out: { type: 'string', short: 'o' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) return undefined;
    if (positionals.length > 1) throw new UsageError(`unexpected arguments: ${positionals.slice(1).join(' ')}`);
    const format = values.format ?? (values.out ? EXTENSIONS[extname(values.out).toLowerCase()] : undefined) ?? 'svg';
    if (!(GRAPH_FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format ${format}: use ${GRAPH_FORMATS.join(', ')}`);
    return { values, positionals, format };
  });
  if (!parsed) {
    io.out(GRAPH_HELP);
    return 0;
  }
  const { values, positionals, format } = parsed;

  const input = await loadInput(findInput(positionals[0]));
  const checked = planFleet(input.document, { baseDir: input.baseDir });
  const { diagnostics, acknowledged } = applyAcknowledgements(input.document, checked.diagnostics);
  if (values.json) {
    const topology = checked.fleet ? topologyOf(checked.fleet, (input.document as FleetDocument).spec.links) : undefined;
    if (topology && values.out) writeFileSync(values.out, await drawTopology(topology, format as GraphFormat));
    io.out(jsonReport('graph', topology ? 0 : 1, diagnostics, input.locate, acknowledged, topology));
    return topology ? 0 : 1;
  }
  // Errors in full (there is no picture); warnings belong to validate and synth, here only counted.
  const errors = diagnostics.filter((d) => d.severity === 'error');
  for (const d of errors) io.err(formatDiagnostic(d, input.locate, io.paint) + '\n');
  if (!checked.fleet) return 1;
  const warnings = diagnostics.length - errors.length;
  if (warnings) io.err(`meshfleet: ${warnings} warning(s) about the fleet; meshfleet validate lists them\n`);
  const text = await drawTopology(topologyOf(checked.fleet, (input.document as FleetDocument).spec.links), format as GraphFormat);
  if (values.out) writeFileSync(values.out, text);
  else io.out(text);
  return 0;
}
