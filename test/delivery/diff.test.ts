// `meshfleet synth --check` and `meshfleet diff` on a copy of the example's output: what would
// change, file by file and line by line, with risky changes summed up first.
import { X509Certificate } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupOf } from '../../lib/cli/diff.ts';
import { runCli } from '../../lib/cli/main.ts';
import { lineEdits, unifiedDiff } from '../../lib/output/diff.ts';
import { OUTPUT_MARKER } from '../../lib/output/folder-ownership.ts';
import { riskyChanges } from '../../lib/output/risks.ts';
import { FIXTURES, REPO } from '../support/fleet.ts';
import { readTree } from '../support/tree.ts';
import { fleetFileOutputCopy } from './support.ts';
import { capture } from '../support/cli.ts';

/** The example fleet file beside a copy of its output. */
async function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'meshfleet-diff-'));
  cpSync(join(REPO, 'apps', 'fleet.yaml'), join(dir, 'fleet.yaml'));
  cpSync(join(REPO, 'apps', 'trust'), join(dir, 'trust'), { recursive: true });
  cpSync(await fleetFileOutputCopy(), join(dir, 'charts-out'), { recursive: true });
  const fleet = join(dir, 'fleet.yaml');
  const out = join(dir, 'charts-out');
  const edit = (from: string, to: string) => writeFileSync(fleet, readFileSync(fleet, 'utf8').replace(from, to));
  const run = async (...args: string[]) => {
    const io = capture();
    const code = await runCli([...args, fleet, '--out', out], io);
    return { code, stdout: io.stdout, stderr: io.stderr };
  };
  return { dir, fleet, out, edit, run };
}

describe('meshfleet synth --check', () => {
  it('exits 0 when the output is up to date', async () => {
    const ws = await workspace();
    const { code, stdout } = await ws.run('synth', '--check');
    // (stderr carries the example's policy warnings about gateway identities)
    expect({ code, stdout }).toStrictEqual({ code: 0, stdout: `meshfleet: ${ws.out} is up to date (173 files)\n` });
  });

  it('exits 1 and lists what would change, writing nothing', async () => {
    const ws = await workspace();
    const before = readTree(ws.out);
    ws.edit('linkerd: "2.18"', 'linkerd: "2.19"');
    // A file an earlier synth wrote (its marker lists it) that this one would not write.
    writeFileSync(join(ws.out, 'prod', 'eu-1', 'manifests', 'stray.yaml'), 'kind: Stray\n');
    appendFileSync(join(ws.out, OUTPUT_MARKER), 'prod/eu-1/manifests/stray.yaml\n');
    rmSync(join(ws.out, 'dev', 'gitops', 'argocd', 'root.yaml'));
    appendFileSync(join(ws.out, 'staging', 'staging-1', 'values', 'linkerd-crds.yaml'), '# edited by hand\n');
    const result = await ws.run('synth', '--check');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        `meshfleet: ${ws.out} is not up to date: 17 file(s) would change`,
        '  changed .meshfleet-output',
        '  added   dev/gitops/argocd/root.yaml',
        '  changed index.json',
        '  removed prod/eu-1/manifests/stray.yaml',
        '  changed prod/gitops/flux/clusters/us-1.yaml',
        '  changed prod/gitops/flux/steps/us-1/linkerd-control-plane/release.yaml',
        '  changed prod/gitops/flux/steps/us-1/linkerd-crds/release.yaml',
        '  changed prod/gitops/flux/steps/us-1/linkerd-multicluster/release.yaml',
        '  changed prod/gitops/flux/steps/us-1/mesh-link-credentials/release.yaml',
        '  changed prod/gitops/flux/steps/us-1/mesh-links/release.yaml',
        '  changed prod/gitops/flux/steps/us-1/mesh/release.yaml',
        '  changed prod/us-1/mesh/Chart.yaml',
        '  changed prod/us-1/values/linkerd-control-plane.yaml',
        '  changed prod/us-1/values/linkerd-crds.yaml',
        '  changed prod/us-1/values/linkerd-multicluster.yaml',
        '  changed staging/staging-1/values/linkerd-crds.yaml',
        '  changed versions.lock.json',
        '',
        'risky changes (see meshfleet diff):',
        '  ! prod/us-1: Linkerd version 2.18 → 2.19: the control plane is upgraded (check the upgrade notes; upgrade one release at a time)',
        '',
        'run meshfleet synth and commit ' + ws.out,
        '',
      ].join('\n'),
    );
    // Nothing written: the output is as the test left it.
    const expected: Record<string, string> = { ...before, 'prod/eu-1/manifests/stray.yaml': 'kind: Stray\n' };
    expected[OUTPUT_MARKER] += 'prod/eu-1/manifests/stray.yaml\n';
    expected['staging/staging-1/values/linkerd-crds.yaml'] += '# edited by hand\n';
    delete expected['dev/gitops/argocd/root.yaml'];
    expect(readTree(ws.out)).toStrictEqual(expected);
  });
});

describe('a file meshfleet did not write in the output folder', () => {
  it('makes synth --check exit 2 naming it, as synth would refuse to replace the folder', async () => {
    const ws = await workspace();
    writeFileSync(join(ws.out, 'prod', 'eu-1', 'manifests', 'stray.yaml'), 'kind: Stray\n');
    const result = await ws.run('synth', '--check');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('holds 1 entry meshfleet did not write: prod/eu-1/manifests/stray.yaml (a file)');
  });
});

describe('meshfleet diff', () => {
  it('says so when nothing would change', async () => {
    const ws = await workspace();
    const { code, stdout } = await ws.run('diff');
    expect({ code, stdout }).toStrictEqual({ code: 0, stdout: `meshfleet diff: no changes to ${ws.out}\n` });
  });

  it('sums up risky changes first, then the diff per environment and cluster', async () => {
    const ws = await workspace();
    // A rotation: the second anchor joins the first.
    const anchor = join(ws.dir, 'trust', 'anchor.crt');
    writeFileSync(anchor, readFileSync(anchor, 'utf8') + readFileSync(join(FIXTURES, 'second-anchor.crt'), 'utf8'));
    ws.edit('    domain: cluster.local', `    domain: cluster.local\n    rotation: { stage: bundle, previous: "${new X509Certificate(readFileSync(anchor)).fingerprint256}" }`);
    ws.edit('linkerd: "2.18"', 'linkerd: "2.19"');
    const { code, stdout } = await ws.run('diff');
    expect(code).toBe(0);
    const [summary, ...sections] = stdout.split('\n=== ');
    expect(summary).toMatch(/^meshfleet diff: .*charts-out: \d+ changed, 0 added, 0 removed\n\nRISKY CHANGES \(2\):\n/);
    expect(summary).toMatch(/  ! fleet: trust anchor changed \(added [0-9A-F:]+…\): every cluster must trust old and new anchors until all certificates are reissued\n/);
    expect(summary).toContain('  ! prod/us-1: Linkerd version 2.18 → 2.19: the control plane is upgraded');
    expect(summary).toContain('mesh chart versions:\n  prod/us-1: 0.1.0 → 0.2.0\n');
    expect(sections.map((s) => s.slice(0, s.indexOf(' ===')))).toStrictEqual(['fleet', 'dev/dev-1', 'prod/eu-1', 'prod/eu-2', 'prod/us-1', 'prod/us-2', 'staging/staging-1']);
    const us1 = sections.find((s) => s.startsWith('prod/us-1'))!;
    expect(us1).toContain('--- a/prod/us-1/mesh/Chart.yaml\n+++ b/prod/us-1/mesh/Chart.yaml\n');
    expect(us1).toContain('-version: "0.1.0"\n-appVersion: "2.18"\n+version: "0.2.0"\n+appVersion: "2.19"\n');
    expect(us1).toContain('--- a/prod/gitops/flux/steps/us-1/linkerd-control-plane/release.yaml');
  });

  it('prints only the summary with --summary, and exits 1 on changes with --exit-code', async () => {
    const ws = await workspace();
    ws.edit('linkerd: "2.18"', 'linkerd: "2.19"');
    const { code, stdout } = await ws.run('diff', '--summary', '--exit-code');
    expect(code).toBe(1);
    expect(stdout).not.toContain('@@');
    expect(stdout).toContain('  prod/us-1: prod/gitops/flux/clusters/us-1.yaml, prod/gitops/flux/steps/us-1/linkerd-control-plane/release.yaml, prod/gitops/flux/steps/us-1/linkerd-crds/release.yaml, prod/gitops/flux/steps/us-1/linkerd-multicluster/release.yaml, prod/gitops/flux/steps/us-1/mesh-link-credentials/release.yaml, prod/gitops/flux/steps/us-1/mesh-links/release.yaml, prod/gitops/flux/steps/us-1/mesh/release.yaml, mesh/Chart.yaml, values/linkerd-control-plane.yaml, values/linkerd-crds.yaml, values/linkerd-multicluster.yaml\n');
  });

  it('rejects options that belong to the other command', async () => {
    const io = capture();
    expect(await runCli(['diff', '--check'], io)).toBe(2);
    expect(io.stderr).toContain('--check goes with synth');
  });
});

describe('risky changes', () => {
  const index = (clusters: object[], extra: object = {}) =>
    JSON.stringify({ trustAnchors: [{ sha256: 'AA' }], environments: [{ name: 'prod', gitops: { engine: 'argocd' }, clusters }], ...extra });
  const tree = (text: string, files: Record<string, string> = {}) => new Map(Object.entries({ 'index.json': text, ...files }));

  it('are read from fields of index.json that may or may not be there', () => {
    const before = index([
      { name: 'eu-1', linkerd: '2.19', links: [{ name: 'eu-2', target: 'eu-2' }, { name: 'us-1', target: 'us-1' }], gatewayAPI: { version: '1.2.1', channel: 'standard' }, somethingNew: 1 },
      { name: 'eu-2', linkerd: '2.19' },
    ]);
    const after = JSON.stringify({
      trustAnchors: [{ sha256: 'BB' }],
      environments: [{ name: 'prod', gitops: { engine: 'flux' }, clusters: [{ name: 'eu-1', linkerd: '2.20', links: [{ name: 'eu-2', target: 'eu-2' }], gatewayAPI: { version: '1.3.0', channel: 'experimental' } }] }],
    });
    expect(riskyChanges(tree(before), tree(after)).map((r) => `${r.scope}: ${r.message.split(':')[0]}`)).toStrictEqual([
      'fleet: trust anchor changed (added BB; removed AA)',
      'prod: delivery engine argocd → flux',
      'prod/eu-1: Linkerd version 2.19 → 2.20',
      'prod/eu-1: link to us-1 removed',
      'prod/eu-1: Gateway API bundle 1.2.1 standard → 1.3.0 experimental',
      'prod/eu-2: cluster removed',
    ]);
  });

  it('notice Linkerd installing its own Gateway API CRDs from the values when the index says nothing', () => {
    const files = (install: boolean) => tree(index([{ name: 'eu-1' }]), { 'prod/eu-1/values/linkerd-crds.yaml': `installGatewayAPI: ${install}\n` });
    expect(riskyChanges(files(false), files(true)).map((r) => r.message.split(':')[0])).toStrictEqual(['Gateway API bundle not managed → installed by linkerd-crds']);
  });

  it('are none without an index to compare with (a first synth)', () => {
    expect(riskyChanges(new Map(), tree(index([{ name: 'eu-1' }])))).toStrictEqual([]);
  });
});

describe('grouping and line diffs', () => {
  it('groups files by environment and cluster, the clusters\' GitOps files included', () => {
    expect(
      ['index.json', 'gitops/flux/sources.yaml', 'prod/eu-1/mesh/Chart.yaml', 'prod/gitops/flux/clusters/eu-1.yaml', 'prod/gitops/flux/steps/eu-1/mesh/kustomization.yaml', 'prod/gitops/flux/kustomization.yaml', 'dev/gitops/argocd/root.yaml'].map(groupOf),
    ).toStrictEqual(['fleet', 'fleet', 'prod/eu-1', 'prod/eu-1', 'prod/eu-1', 'prod', 'dev']);
  });

  it('finds edits that turn one text into the other', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 40 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const edits = lineEdits(a, b);
        expect(edits.filter((e) => e.op !== '+').map((e) => e.line)).toStrictEqual(a);
        expect(edits.filter((e) => e.op !== '-').map((e) => e.line)).toStrictEqual(b);
      }),
    );
  });

  it('writes unified hunks with context', () => {
    expect(unifiedDiff('x.yaml', 'a\nb\nc\nd\n', 'a\nB\nc\nd\n', 1)).toBe('--- a/x.yaml\n+++ b/x.yaml\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
    expect(unifiedDiff('x.yaml', undefined, 'a\n')).toBe('--- /dev/null\n+++ b/x.yaml\n@@ -0,0 +1,1 @@\n+a\n');
    expect(unifiedDiff('x.yaml', 'same\n', 'same\n')).toBe('');
  });
});
