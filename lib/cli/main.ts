// The meshfleet command: thin commands over the library. Exit 0 on success, 1 when the fleet has
// errors, 2 when the command line is wrong.
//
// Commands are loaded when they run: `--help`, `--version`, `init` and `lint` start without the
// synthesis code, and only a TypeScript fleet loads a transpiler (see load-input.ts).
import { parseArgs } from 'node:util';
import { FleetError, formatDiagnostics } from '../model/diagnostics.ts';
import { FileAccessError } from '../model/file-access.ts';
import { packageFile, packageVersion } from '../package-files.ts';
import { FLEET_HELP } from './help.ts';
import { colourPaint, colourWanted, jsonReport } from './report.ts';
import { isUsageError, UsageError } from './usage-error.ts';
import type { CliIo } from './io.ts';

const HELP = `meshfleet: one Linkerd fleet description, per-cluster charts and values

usage:
  meshfleet synth [fleet.yaml | app.ts] [--out charts-out]   check, render and write the output (see synth --help)
  meshfleet synth --check [fleet.yaml | app.ts]              exit 1 and list what would change if the output is not up to date
  meshfleet diff [fleet.yaml | app.ts] [--summary] [--exit-code]
                                                             what a synth would change, per environment and cluster,
                                                             risky changes first (--exit-code: exit 1 when anything would)
  meshfleet validate [fleet.yaml | app.ts]                   check and render, write nothing (see validate --help)
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
  meshfleet completion bash|zsh|fish                         print a shell completion script
  meshfleet --version                                        print the version

Every command but completion takes --json (one JSON object on stdout, for CI and editors); synth,
validate, diff and plan take --strict (warnings not acknowledged in spec.acknowledge fail the run).
Colour on a terminal only;
NO_COLOR=1 turns it off, FORCE_COLOR=1 on. Every diagnostic has a code: docs/reference/diagnostics.md
With no file, fleet.yaml, main.ts or apps/main.ts in the working folder is used.
`;

// Defined apart so commands import it without importing the dispatcher (which imports them).
export type { CliIo } from './io.ts';
// bin/meshfleet.js owns its process: V8's compiler may be tuned for the render workers there.
export { allowCompilerTuning, withCompilerFlags } from '../compiler-tuning.ts';
// and may start a thread before it loads the bundle, for the first of meshfleet's threads to take.
export { offerSpareThread } from '../spare-thread.ts';

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
  completion: async () => (await import('./completion.ts')).runCompletion,
};

/** The commands meshfleet runs (completion and help list each one). */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

function processIo(): CliIo {
  let shown = false;
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    paint: colourWanted(process.stderr) ? colourPaint : undefined,
    // Only on a terminal: a log or a pipe never gets the carriage returns.
    progress: process.stderr.isTTY
      ? (text) => {
          if (text !== undefined || shown) process.stderr.write(`\r\x1b[2K${text ?? ''}`);
          shown = text !== undefined;
        }
      : undefined,
  };
}

export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  const json = rest.includes('--json');
  if (command === 'help' && rest.length === 1) return runCli([rest[0], '--help'], io);
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
    return reportFailure(e, command, json, io);
  }
}

/** A command's failure as the command line reports it; its exit status. */
function reportFailure(e: unknown, command: string, json: boolean, io: CliIo): number {
  // A fleet that imports another copy of meshfleet (apps/main.ts under the compiled CLI) throws
  // that copy's FleetError.
  if (e instanceof FleetError || (e as Error | undefined)?.name === 'FleetError') {
    const { diagnostics, locate } = e as FleetError;
    io.progress?.();
    if (json && diagnostics) io.out(jsonReport(command, 1, diagnostics, locate));
    else io.err((diagnostics ? formatDiagnostics(diagnostics, locate, io.paint) : (e as Error).message) + '\n');
    return 1;
  }
  io.progress?.();
  if (e instanceof FileAccessError) {
    if (json) io.out(JSON.stringify({ command, ok: false, exitCode: e.exitCode, error: e.message }, null, 2) + '\n');
    else io.err(`meshfleet: ${e.message}\n`);
    return e.exitCode;
  }
  if (isUsageError(e)) {
    const { command: name, help } = e as UsageError;
    io.err(`meshfleet${name ? ` ${name}` : ''}: ${(e as Error).message}\n\n${help ?? HELP}`);
    return 2;
  }
  // Errors thrown by constructs (a bad name in a TypeScript fleet) carry their own fix.
  if (json) io.out(JSON.stringify({ command, ok: false, exitCode: 1, error: (e as Error).message }, null, 2) + '\n');
  else io.err(`meshfleet: ${(e as Error).message}\n`);
  if (process.env.MESHFLEET_DEBUG) io.err(`${(e as Error).stack}\n`);
  return 1;
}

/** synth, validate and diff: load the fleet, synthesize, then write, compare or only report (once, or on every change with --watch). */
async function runFleetCommand(argv: readonly string[], io: CliIo, command: string): Promise<number> {
  const name = command as keyof typeof FLEET_HELP;
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o', default: 'charts-out' },
      check: { type: 'boolean' },
      summary: { type: 'boolean' },
      'exit-code': { type: 'boolean' },
      watch: { type: 'boolean' },
      json: { type: 'boolean' },
      strict: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [file, ...rest] = positionals;
  if (values.help) {
    io.out(FLEET_HELP[name]);
    return 0;
  }
  if (rest.length) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  if (values.check && command !== 'synth') throw new UsageError('--check goes with synth');
  if ((values.summary || values['exit-code']) && command !== 'diff') throw new UsageError('--summary and --exit-code go with diff');
  if (values.watch && (values.check || values['exit-code'])) throw new UsageError('--watch runs until stopped; --check and --exit-code are for one run (in CI)');

  const [{ findInput, fleetFileInput, isModuleFleet, loadInput }, { endSynthesisSession, prepareNextSynthesis, prepareSynthesis, releasePreopenedFolder, synthesize }, { compareOutput, formatCheck, formatDiff }, { acknowledgedNote, printDiagnostics, summaryOf }] = await Promise.all([
    import('./load-input.ts'),
    import('../synth/synthesize.ts'),
    import('./diff.ts'),
    import('./report.ts'),
  ]);
  const inputFile = findInput(file);
  const compareOnly = command === 'diff' || Boolean(values.check);
  // Nothing is held that the command does not print: validate counts, diff and --check keep only the changes.
  const dryRun = command === 'validate' ? 'count' : compareOnly ? 'compare' : false;
  const synthOptions = { outdir: values.out, dryRun, strict: values.strict, workingFolder: process.cwd(), keep: 'rollout', incremental: true } as const;

  const once = async (io: CliIo): Promise<number> => {
    const started = performance.now();
    prepareSynthesis(inputFile, synthOptions, fleetFileInput(inputFile));
    let input: Awaited<ReturnType<typeof loadInput>>;
    try {
      input = await loadInput(inputFile);
    } catch (e) {
      releasePreopenedFolder();
      throw e;
    }
    // A phase line for fleets that take a while; never with --json (io.progress is a terminal's only).
    const clusterCount = (input.document as { spec?: { clusters?: unknown[] } })?.spec?.clusters?.length ?? 0;
    const progress = !values.json && clusterCount >= PROGRESS_MIN_CLUSTERS ? io.progress : undefined;
    progress?.(`meshfleet: checking and rendering ${clusterCount} clusters…`);
    const result = synthesize(input, synthOptions);
    progress?.();
    const summary = summaryOf(result.diagnostics, result.acknowledged);
    if (!values.json) printDiagnostics(io.err, result.diagnostics, input.locate, io.paint);
    const report = (exitCode: number, text: string, data: unknown) => {
      io.out(values.json ? jsonReport(command, exitCode, result.diagnostics, input.locate, result.acknowledged, data) : text);
      return exitCode;
    };
    if (compareOnly) {
      const comparison = compareOutput(result.comparison!);
      const exitCode = comparison.changes.length && (values.check || values['exit-code']) ? 1 : 0;
      const data = {
        outdir: result.outdir,
        files: comparison.files,
        changes: comparison.changes.map((c) => ({ kind: c.kind, path: c.path })),
        risks: comparison.risks,
        chartVersions: Object.fromEntries(comparison.chartVersions),
      };
      return report(exitCode, command === 'diff' ? formatDiff(result.outdir, comparison, { summaryOnly: values.summary }) : formatCheck(result.outdir, comparison), data);
    }
    const clusters = result.rendered.clusters.length;
    const ms = Math.round(performance.now() - started);
    const warned = summary.warnings ? `, ${summary.warnings} warning(s)` : '';
    const text =
      command === 'synth'
        ? `meshfleet: ${clusters} cluster(s), ${result.files} files (${result.bytes} bytes) written to ${result.outdir} in ${ms} ms${warned}${acknowledgedNote(summary)}\n`
        : `meshfleet: fleet is valid: ${clusters} cluster(s), ${result.files} files would be written (${ms} ms)${warned}${acknowledgedNote(summary)}\n`;
    return report(0, text, { outdir: result.outdir, clusters, files: result.files, bytes: result.bytes, written: command === 'synth' });
  };

  const fail = (e: unknown, to: CliIo = io) => reportFailure(e, command, Boolean(values.json), to);
  if (!values.watch) {
    if (process.env.MESHFLEET_WATCH_CHILD !== '1' || !process.send) return await once(io);
    // A run of the watch mode in a process of its own (a module fleet): it tells the watch what it read.
    return (await import('./watch.ts')).runForWatch(inputFile, () => once(io), fail);
  }
  const { childRun, readingInputs, watchFleet } = await import('./watch.ts');
  // Node loads a module once per process: a module fleet runs each time in a fresh one, with the same arguments.
  const run = isModuleFleet(inputFile)
    ? (to: CliIo) => childRun(packageFile('bin/meshfleet.js'), [command, ...argv.filter((a) => a !== '--watch')], to)
    : async (to: CliIo) => {
        const done = await readingInputs(inputFile, () => once(to), (e) => fail(e, to));
        // The next run's folder survey starts now, and waits for it loaded.
        prepareNextSynthesis(synthOptions);
        return done;
      };
  try {
    return await watchFleet({ run, io, quiet: Boolean(values.json) });
  } finally {
    endSynthesisSession();
  }
}

/** Below this many clusters a run is quick enough to need no progress line. */
const PROGRESS_MIN_CLUSTERS = 50;
