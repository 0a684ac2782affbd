// The meshfleet command: thin commands over the library. Exit 0 on success, 1 when the fleet has
// errors, 2 when the command line is wrong.
//
// Commands are loaded when they run: `--help`, `--version`, `init` and `lint` start without the
// synthesis code, and only a TypeScript fleet loads a transpiler (see load-input.ts).
import { parseArgs } from 'node:util';
import { FleetError, formatDiagnostic } from '../model/diagnostics.ts';
import { FileAccessError } from '../model/file-access.ts';
import { packageVersion } from '../package-files.ts';
import { isUsageError, UsageError } from './usage-error.ts';

const HELP = `meshfleet: one Linkerd fleet description, per-cluster charts and values

usage:
  meshfleet synth [fleet.yaml | app.ts] [--out charts-out]   check, render and write the output
  meshfleet synth --check [fleet.yaml | app.ts]              exit 1 and list what would change if the output is not up to date
  meshfleet diff [fleet.yaml | app.ts] [--summary] [--exit-code]
                                                             what a synth would change, per environment and cluster,
                                                             risky changes first (--exit-code: exit 1 when anything would)
  meshfleet validate [fleet.yaml | app.ts]                   check and render, write nothing
  meshfleet plan [fleet.yaml | app.ts] [--out charts-out] [--json]
                                                             the rollout step by step: first install in any cluster order,
                                                             upgrade from the output folder (see plan --help)
  meshfleet package [fleet.yaml | app.ts] [--to chart-packages] [--all]
                                                             the mesh charts as .tgz files and a chart repository index.yaml,
                                                             for environments that take them from one (see package --help)
  meshfleet lint <file | dir>… [--gateway-api v] [--channel c] [--linkerd v]
                                                             validate any Kubernetes YAML (see lint --help)
  meshfleet graph [fleet.yaml | app.ts] [--format svg|dot|mermaid] [--out file]
                                                             draw the fleet's topology (see graph --help)
  meshfleet schema                                           print the fleet file's JSON Schema, for editors
  meshfleet init [dir] [--typescript]                        start a fleet repository (see init --help)
  meshfleet --version                                        print the version

With no file, fleet.yaml, main.ts or apps/main.ts in the working folder is used.
`;

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** A command: its arguments after the command name, and the name it was called by. */
export type Command = (argv: readonly string[], io: CliIo, name: string) => Promise<number>;

// One line per command; each module is imported only when its command runs.
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  synth: async () => runFleetCommand,
  validate: async () => runFleetCommand,
  diff: async () => runFleetCommand,
  lint: async () => (await import('./lint.ts')).runLint,
  init: async () => (await import('./init.ts')).runInit,
  plan: async () => (await import('./plan.ts')).runPlan,
  package: async () => (await import('./package.ts')).runPackage,
  // graph --format svg loads Graphviz (WebAssembly) only when it draws.
  graph: async () => (await import('./graph.ts')).runGraph,
  schema: async () => (await import('./schema.ts')).runSchema,
};

const processIo: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v') {
    io.out(`${packageVersion()}\n`);
    return 0;
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(HELP);
    return command === undefined ? 2 : 0;
  }
  try {
    const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!load) throw new UsageError(`unknown command ${command}`);
    return await (await load())(rest, io, command);
  } catch (e) {
    // A fleet that imports another copy of meshfleet (apps/main.ts under the compiled CLI) throws
    // that copy's FleetError.
    if (e instanceof FleetError || (e as Error | undefined)?.name === 'FleetError') {
      io.err((e as Error).message + '\n');
      return 1;
    }
    if (e instanceof FileAccessError) {
      io.err(`meshfleet: ${e.message}\n`);
      return e.exitCode;
    }
    if (isUsageError(e)) {
      io.err(`meshfleet: ${(e as Error).message}\n\n${HELP}`);
      return 2;
    }
    // Errors thrown by constructs (a bad name in a TypeScript fleet) carry their own fix.
    io.err(`meshfleet: ${(e as Error).message}\n`);
    if (process.env.MESHFLEET_DEBUG) io.err(`${(e as Error).stack}\n`);
    return 1;
  }
}

/** synth, validate and diff: load the fleet, synthesize, then write, compare or only report. */
async function runFleetCommand(argv: readonly string[], io: CliIo, command: string): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o', default: 'charts-out' },
      check: { type: 'boolean' },
      summary: { type: 'boolean' },
      'exit-code': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [file, ...rest] = positionals;
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (rest.length) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  if (values.check && command !== 'synth') throw new UsageError('--check goes with synth');
  if ((values.summary || values['exit-code']) && command !== 'diff') throw new UsageError('--summary and --exit-code go with diff');

  const [{ findInput, loadInput }, { synthesize }, { compareOutput, formatCheck, formatDiff }] = await Promise.all([
    import('./load-input.ts'),
    import('../synth/synthesize.ts'),
    import('./diff.ts'),
  ]);
  const started = performance.now();
  const input = await loadInput(findInput(file));
  const compareOnly = command === 'diff' || Boolean(values.check);
  const result = synthesize(input, { outdir: values.out, dryRun: command === 'validate' || compareOnly });
  for (const d of result.diagnostics) io.err(formatDiagnostic(d, input.locate) + '\n');
  if (compareOnly) {
    const comparison = compareOutput(result.outdir, result.rendered.files);
    io.out(command === 'diff' ? formatDiff(result.outdir, comparison, { summaryOnly: values.summary }) : formatCheck(result.outdir, comparison));
    return comparison.changes.length && (values.check || values['exit-code']) ? 1 : 0;
  }
  const clusters = result.rendered.clusters.length;
  const ms = Math.round(performance.now() - started);
  io.out(
    command === 'synth'
      ? `meshfleet: ${clusters} cluster(s), ${result.files} files (${result.bytes} bytes) written to ${result.outdir} in ${ms} ms\n`
      : `meshfleet: fleet is valid: ${clusters} cluster(s), ${result.files} files would be written (${ms} ms)\n`,
  );
  return 0;
}
