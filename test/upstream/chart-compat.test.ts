// The compat table against the packaged upstream charts: chart and app versions, the Kubernetes floor
// each chart declares (and that Helm enforces), and the chart quirk rows against the templates that
// have the defect.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LINKERD_RELEASES, kubernetesFloor, type LinkerdRelease } from '../../lib/compat/linkerd-releases.ts';
import type { UpstreamChart } from '../../lib/compat/upstream-values.ts';
import { runHelm } from '../support/tools.ts';
import { upstreamPath } from '../support/upstream.ts';

const CHARTS: readonly UpstreamChart[] = ['linkerd-crds', 'linkerd-control-plane', 'linkerd-multicluster'];

function chartFile(release: LinkerdRelease, chart: UpstreamChart): string {
  return upstreamPath('upstream/linkerd-charts', release.version, `${chart}-${release.chartVersion}.tgz`);
}

/** One file of a packaged chart, read without unpacking the rest. */
function fileInChart(release: LinkerdRelease, chart: UpstreamChart, path: string): string {
  return execFileSync('tar', ['xzOf', chartFile(release, chart), `${chart}/${path}`]).toString();
}

describe.each(LINKERD_RELEASES.map((r) => [r.version, r] as const))('Linkerd %s charts', (_, release) => {
  it.each(CHARTS)('%s: version, appVersion and kubeVersion are the compat row', (chart) => {
    const meta = parse(fileInChart(release, chart, 'Chart.yaml'));
    // linkerd-crds carries no appVersion.
    const appVersion = chart === 'linkerd-crds' ? undefined : release.edgeTag;
    expect([meta.version, meta.appVersion, meta.kubeVersion]).toStrictEqual([release.chartVersion, appVersion, release.chartKubeVersion]);
  });

  it('renders at the Kubernetes floor and Helm refuses one minor below it', () => {
    const floor = kubernetesFloor(release);
    const below = `1.${Number(floor.split('.')[1]) - 1}.0`;
    const args = (kube: string) => ['template', 'linkerd-crds', chartFile(release, 'linkerd-crds'), '-n', 'linkerd', '--kube-version', kube];
    expect(runHelm(args(`${floor}.0`))).toContain('kind: CustomResourceDefinition');
    expect(() => runHelm(args(below))).toThrow(/incompatible with Kubernetes|kubeVersion/);
  });

  it('has a controller PDB quirk row exactly when its controller PDB template passes the entry to created-by', () => {
    const pdb = fileInChart(release, 'linkerd-multicluster', 'templates/controller/pdb.yaml');
    const broken = /range \.Values\.controllers[\s\S]*include "partials\.annotations\.created-by" \.\s*\}\}/.test(pdb);
    expect(release.chartQuirks.some((q) => q.chart === 'linkerd-multicluster' && q.noControllerPdb)).toBe(broken);
    // What the row's values rely on: the PDB is keyed on the entry's enablePodAntiAffinity.
    if (broken) expect(pdb).toContain('dig "enablePodAntiAffinity" $.Values.enablePodAntiAffinity .');
  });
});
