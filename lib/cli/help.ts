// The help pages of synth, validate and diff (the other commands keep theirs beside their code), and
// what shell completion offers: every command with its options.

const FLEET_FILE = `With no file, fleet.yaml, main.ts or apps/main.ts in the working folder is used.`;
const COMMON = `  --json     print one JSON object on stdout: diagnostics (code, severity, pointer, file, line,
             column, message, fix), the summary and the result; nothing else is printed
  --strict   fail (exit 1) on any warning spec.acknowledge does not cover
Diagnostic codes, their causes and fixes: docs/reference/diagnostics.md`;
const WATCH = `  --watch    run again each time the fleet file, its trust anchor or a module of a TypeScript fleet
             changes, until Ctrl-C (between runs: exit 0); a fleet file's runs share one warm process`;

export const FLEET_HELP: Readonly<Record<'synth' | 'validate' | 'diff', string>> = {
  synth: `usage: meshfleet synth [fleet.yaml | app.ts] [--out charts-out] [--check | --watch] [--json] [--strict]

Checks the fleet, renders every cluster's charts, values and GitOps objects, and replaces the output
folder in one step. On any error nothing is written and the folder stays as it was.
  --out, -o  the output folder (default charts-out)
  --check    write nothing; exit 1 and list what would change if the output is not up to date
${WATCH}
${COMMON}
${FLEET_FILE}
Exit status: 0 written (or up to date), 1 errors (or out of date with --check), 2 wrong command line.
Examples:
  meshfleet synth                              # fleet.yaml → charts-out/
  meshfleet synth apps/main.ts --out deploy/   # a TypeScript fleet
  meshfleet synth --watch                      # while editing: again on every save
  meshfleet synth --check --strict             # in CI: output committed, no unacknowledged warning
`,
  validate: `usage: meshfleet validate [fleet.yaml | app.ts] [--watch] [--json] [--strict]

Checks the fleet and renders it in memory, writing nothing: every error and warning, once per root cause.
${WATCH}
${COMMON}
${FLEET_FILE}
Exit status: 0 valid, 1 errors (or warnings with --strict), 2 wrong command line.
Examples:
  meshfleet validate fleet.yaml
  meshfleet validate --json | jq '.diagnostics[] | select(.severity == "error")'
`,
  diff: `usage: meshfleet diff [fleet.yaml | app.ts] [--out charts-out] [--summary] [--exit-code | --watch] [--json] [--strict]

What a synth would change in the output folder, per environment and cluster, risky changes first
(a Linkerd or chart version, trust, links, policy that starts denying).
  --out, -o    the output folder to compare with (default charts-out)
  --summary    only the summary and the risky changes
  --exit-code  exit 1 when anything would change
${WATCH}
${COMMON}
${FLEET_FILE}
Examples:
  meshfleet diff                     # review before synth
  meshfleet diff --summary --exit-code
  meshfleet diff --json | jq '.result.changes[].path'
`,
};

/** Each command and its options, for completion (kept next to the help pages so they change together). */
export const COMMAND_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  synth: ['--out', '--check', '--watch', '--json', '--strict', '--help'],
  validate: ['--watch', '--json', '--strict', '--help'],
  diff: ['--out', '--summary', '--exit-code', '--watch', '--json', '--strict', '--help'],
  plan: ['--out', '--json', '--strict', '--help'],
  lint: ['--gateway-api', '--channel', '--linkerd', '--json', '--help'],
  graph: ['--format', '--out', '--json', '--help'],
  schema: ['--json', '--help'],
  init: ['--typescript', '--json', '--help'],
  package: ['--out', '--to', '--all', '--json', '--help'],
  completion: ['bash', 'zsh', 'fish'],
  help: [],
};
