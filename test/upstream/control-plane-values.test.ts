// The values meshfleet writes for linkerd-crds and linkerd-control-plane, against the upstream values
// files of each release read raw (not the generated key trees, so the generator is checked too).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LINKERD_RELEASES } from '../../lib/compat/linkerd-releases.ts';
import { upstreamKeys } from '../../lib/compat/upstream-values.ts';
import { unknownValueKeys } from '../../lib/check/upstream-values.ts';
import { fleetDocument, render } from '../support/fleet.ts';
import { fullProxySettings, KUBERNETES_FOR } from '../support/control-plane.ts';
import { upstreamPath } from '../support/upstream.ts';

function valuesFor(version: string, edit: (doc: any) => void) {
  const rendered = render(
    fleetDocument((doc) => {
      doc.spec.defaults = { linkerd: version, kubernetes: KUBERNETES_FOR[version] };
      edit(doc);
    }),
  );
  return rendered.clusters[0].upstreamValues;
}

describe.each(LINKERD_RELEASES.map((r) => r.version))('Linkerd %s values', (version) => {
  it('sets only keys that exist in the upstream values of that version', () => {
    const values = valuesFor(version, fullProxySettings);
    const folder = upstreamPath('linkerd-values', LINKERD_RELEASES.find((r) => r.version === version)!.valuesSet);
    const upstream = {
      ...parse(readFileSync(`${folder}/linkerd-control-plane_values-ha.yaml`, 'utf8')),
      ...parse(readFileSync(`${folder}/linkerd-control-plane_values.yaml`, 'utf8')),
    };
    const templateOnly = new Set(['/heartbeatSchedule']);
    const missing = unknownValueKeys(values['linkerd-control-plane'], { ...treeOf(upstream) }).filter((k) => !templateOnly.has(k));
    expect(missing).toStrictEqual([]);
    expect(unknownValueKeys(values['linkerd-crds'], upstreamKeys(LINKERD_RELEASES.find((r) => r.version === version)!, 'linkerd-crds'))).toStrictEqual([]);
    // heartbeatSchedule is read by the template but only shown as a comment in values.yaml.
    expect(readFileSync(`${folder}/linkerd-control-plane_values.yaml`, 'utf8')).toMatch(/^# heartbeatSchedule: /m);
  });
});

function treeOf(values: unknown): any {
  if (values === null || (typeof values === 'object' && !Array.isArray(values) && Object.keys(values as object).length === 0)) return { '*': true };
  if (typeof values !== 'object' || Array.isArray(values)) return true;
  return Object.fromEntries(Object.entries(values as object).map(([k, v]) => [k, treeOf(v)]));
}
