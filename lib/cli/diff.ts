// `meshfleet synth --check` and `meshfleet diff`: what a synth would change in the output folder,
// as a list for CI or as a readable diff per environment and cluster with risky changes on top.
import { unifiedDiff, type FileChange, type FolderComparison } from '../output/diff.ts';
import { chartVersionChanges, riskyChanges, type Risk } from '../output/risks.ts';
import { GITOPS_FOLDER } from '../output/gitops-paths.ts';
import { groupBy } from '../model/grouping.ts';

export interface OutputComparison {
  readonly changes: readonly FileChange[];
  readonly risks: readonly Risk[];
  /** "<env>/<cluster>" → "0.1.0 → 0.1.1" for each mesh chart whose version changes. */
  readonly chartVersions: ReadonlyMap<string, string>;
  readonly files: number;
}

/** Risks and chart versions of a comparison synth made file by file (synthesize with dryRun: 'compare'). */
export function compareOutput(comparison: FolderComparison): OutputComparison {
  const { changes, before, after, files } = comparison;
  return { changes, risks: riskyChanges(before, after), chartVersions: chartVersionChanges(before, after), files };
}

const KIND_WIDTH = 'changed'.length;

/** For CI: one line per file that would change, and what to do. */
export function formatCheck(outdir: string, comparison: OutputComparison): string {
  if (!comparison.changes.length) return `meshfleet: ${outdir} is up to date (${comparison.files} files)\n`;
  const lines = comparison.changes.map((c) => `  ${c.kind.padEnd(KIND_WIDTH)} ${c.path}`);
  const risky = comparison.risks.length ? `\nrisky changes (see meshfleet diff):\n${formatRisks(comparison.risks)}\n` : '';
  return `meshfleet: ${outdir} is not up to date: ${comparison.changes.length} file(s) would change\n${lines.join('\n')}\n${risky}\nrun meshfleet synth and commit ${outdir}\n`;
}

/** A summary (risky changes first), then the changes grouped by environment and cluster. */
export function formatDiff(outdir: string, comparison: OutputComparison, options: { readonly summaryOnly?: boolean } = {}): string {
  const { changes, risks } = comparison;
  if (!changes.length) return `meshfleet diff: no changes to ${outdir}\n`;
  const count = (kind: FileChange['kind']) => changes.filter((c) => c.kind === kind).length;
  const out: string[] = [`meshfleet diff: ${outdir}: ${count('changed')} changed, ${count('added')} added, ${count('removed')} removed`, ''];
  out.push(risks.length ? `RISKY CHANGES (${risks.length}):\n${formatRisks(risks)}` : 'no risky changes', '');
  if (comparison.chartVersions.size) {
    out.push(`mesh chart versions:\n${[...comparison.chartVersions].map(([cluster, change]) => `  ${cluster}: ${change}`).join('\n')}`, '');
  }

  const grouped = groupBy(changes, (change) => groupOf(change.path));
  // The fleet's files first, then environments and clusters by name.
  const groups = new Map([...grouped].sort(([a], [b]) => (a === 'fleet' ? -1 : b === 'fleet' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
  out.push('changed files:');
  for (const [group, files] of groups) out.push(`  ${group}: ${files.map((f) => `${withoutPrefix(f.path, group)}${f.kind === 'changed' ? '' : ` (${f.kind})`}`).join(', ')}`);
  if (options.summaryOnly) return out.join('\n') + '\n';

  for (const [group, files] of groups) {
    out.push('', `=== ${group} ===`);
    for (const f of files) out.push(unifiedDiff(f.path, f.before, f.after).trimEnd());
  }
  return out.join('\n') + '\n';
}

function formatRisks(risks: readonly Risk[]): string {
  return risks.map((r) => `  ! ${r.scope}: ${r.message}`).join('\n');
}

/**
 * The environment and cluster a file belongs to: <env>/<cluster>/…, a cluster's GitOps files
 * (<env>/gitops/<engine>/{clusters,steps}/<cluster>…), the environment's own GitOps files, or the fleet.
 */
export function groupOf(path: string): string {
  const parts = path.split('/');
  if (parts.length < 2 || parts[0] === GITOPS_FOLDER) return 'fleet';
  const [env, second] = parts;
  if (second !== GITOPS_FOLDER) return `${env}/${second}`;
  const folder = parts[3];
  if ((folder === 'clusters' || folder === 'steps') && parts[4]) return `${env}/${parts[4].replace(/\.yaml$/, '')}`;
  return env;
}

function withoutPrefix(path: string, group: string): string {
  return path.startsWith(`${group}/`) ? path.slice(group.length + 1) : path;
}
