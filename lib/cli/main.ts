// The meshfleet command: thin commands over the library. Exit 0 on success, 1 when the fleet has
// errors, 2 when the command line is wrong.
import { parseArgs } from 'node:util';
import { FleetError, formatDiagnostic } from '../model/diagnostics.ts';
import { synthesize } from '../synth/synthesize.ts';
import { runLint } from './lint.ts';
import { runPlan } from './plan.ts';
import { compareOutput, formatCheck, formatDiff } from './diff.ts';
import { findInput, loadInput, UsageError } from './load-input.ts';

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
  meshfleet lint <file | dir>… [--gateway-api v] [--channel c] [--linkerd v]
                                                             validate any Kubernetes YAML (see lint --help)

With no file, fleet.yaml or apps/main.ts in the working folder is used.
`;

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const processIo: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  if (argv[0] === 'lint') return runLint(argv.slice(1), io);
  if (argv[0] === 'plan') return runPlanCommand(argv.slice(1), io);
  try {
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
    const [command, file, ...rest] = positionals;
    if (values.help || !command) {
      io.out(HELP);
      return command || values.help ? 0 : 2;
    }
    if (rest.length) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
    if (command !== 'synth' && command !== 'validate' && command !== 'diff') throw new UsageError(`unknown command ${command}`);
    if (values.check && command !== 'synth') throw new UsageError('--check goes with synth');
    if ((values.summary || values['exit-code']) && command !== 'diff') throw new UsageError('--summary and --exit-code go with diff');

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
  } catch (e) {
    if (e instanceof FleetError) {
      io.err(e.message + '\n');
      return 1;
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`meshfleet: ${(e as Error).message}\n\n${HELP}`);
      return 2;
    }
    // Errors thrown by constructs (a bad name in a TypeScript fleet) carry their own fix.
    io.err(`meshfleet: ${(e as Error).message}\n`);
    if (process.env.MESHFLEET_DEBUG) io.err(`${(e as Error).stack}\n`);
    return 1;
  }
}

/** `plan` reports fleet errors like the other commands. */
async function runPlanCommand(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await runPlan(argv, io);
  } catch (e) {
    io.err(`${e instanceof FleetError ? e.message : `meshfleet: ${(e as Error).message}`}\n`);
    return 1;
  }
}
