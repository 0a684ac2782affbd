// The Kubernetes floor of each release is the higher of its release notes and its charts' kubeVersion
// (issue 10, defect 2): below the charts' floor Helm refuses to render, so synth refuses first.
import { describe, expect, it } from 'vitest';
import { LINKERD_RELEASES, kubernetesFloor } from '../../lib/compat/linkerd-releases.ts';
import { errorsOf, fleetDocument, plan } from '../support/fleet.ts';

const onKubernetes = (linkerd: string, kubernetes: string) =>
  errorsOf(fleetDocument((doc) => (doc.spec.defaults = { linkerd, kubernetes }))).filter(([path]) => path === '/spec/defaults/kubernetes');

describe('Kubernetes floor', () => {
  it('reads each release floor from its charts where they ask for more than the release notes', () => {
    expect(LINKERD_RELEASES.map((r) => [r.version, r.kubernetes.min, kubernetesFloor(r)])).toStrictEqual([
      ['2.18', '1.22', '1.23'],
      ['2.19', '1.22', '1.23'],
      ['2.20', '1.31', '1.31'],
      ['edge-26.8.3', '1.31', '1.31'],
    ]);
  });

  it('refuses Kubernetes 1.22 for 2.18 and 2.19, once, at the setting, naming the chart constraint and the fix', () => {
    for (const [linkerd, chart] of [['2.18', '2025.4.4'], ['2.19', '2025.10.7']]) {
      const diagnostics = errorsOf(fleetDocument((doc) => (doc.spec.defaults = { linkerd, kubernetes: '1.22' })));
      expect(diagnostics.filter(([path]) => path === '/spec/defaults/kubernetes')).toStrictEqual([
        ['/spec/defaults/kubernetes', `the Linkerd ${linkerd} charts (${chart}) declare kubeVersion >=1.23.0-0, so Helm refuses to install them on Kubernetes 1.22`],
      ]);
    }
    const fix = plan(fleetDocument((doc) => (doc.spec.defaults = { linkerd: '2.18', kubernetes: '1.22' }))).diagnostics.find((d) => d.path === '/spec/defaults/kubernetes')?.fix;
    expect(fix).toBe('upgrade the cluster to Kubernetes 1.23 or later, or choose an older Linkerd version');
    expect(onKubernetes('2.19', '1.23')).toStrictEqual([]);
  });

  it('keeps the release range message below the release notes floor', () => {
    expect(onKubernetes('2.19', '1.21')).toStrictEqual([['/spec/defaults/kubernetes', 'Linkerd 2.19 supports Kubernetes 1.23–1.35, not 1.21']]);
  });
});
