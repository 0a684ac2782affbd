// Each mistake yields one error: what follows from it (a refused cluster, a link to a cluster that does
// not exist) is not reported again, and every independent mistake still is.
import { describe, expect, it } from 'vitest';
import { exampleDocument, fleetDocument, plan } from '../support/fleet.ts';
import { chooseFrom, nearestNames } from '../../lib/model/suggest.ts';

type Json = Record<string, any>;
const rows = (doc: unknown) => plan(doc).diagnostics.map((d) => [d.code, d.path, d.severity] as const);
const clusterIndex = (doc: Json, name: string) => doc.spec.clusters.findIndex((c: Json) => c.name === name);

/** The example fleet with five independent mistakes. */
function fiveMistakes(): Json {
  const doc = exampleDocument();
  doc.spec.environments.staging.linkerd = '2.17'; // 1: not a release meshfleet knows (staging-1 is named by namespaces and egress)
  doc.spec.links[2].spokes = ['eu-1', 'eu-3']; // 2: a typo in a link
  doc.spec.clusters[clusterIndex(doc, 'eu-2')].podCIDR = '10.10.0.0/16'; // 3: the pod range of eu-1, on one flat network
  const catalog = doc.spec.routes.find((r: Json) => r.name === 'catalog');
  catalog.rules[0].backendRefs[0].weight = 0; // 4: every backend at weight 0
  doc.spec.policy.services.find((s: Json) => s.name === 'inventory').allow[0].serviceAccount = 'catalgo'; // 5: a typo in a caller
  return doc;
}

describe('root causes only', () => {
  it('reports each of five mistakes in one file once, and nothing that follows from them', () => {
    const result = plan(fiveMistakes());
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.path])).toEqual([
      ['MF6014', '/spec/routes/1/rules/0/backendRefs'],
      ['MF2003', '/spec/environments/staging/linkerd'],
      ['MF4001', '/spec/links/2/spokes/1'],
      ['MF4014', '/spec/clusters/3/podCIDR'],
      ['MF5024', '/spec/policy/services/0/allow/0/serviceAccount'],
    ]);
    // No warning about the link to the cluster that does not exist either.
    expect(result.diagnostics.filter((d) => d.message.includes('eu-3'))).toHaveLength(1);
  });

  it('a schema mistake in one cluster entry refuses that cluster and hides none of the five others', () => {
    const doc = fiveMistakes();
    doc.spec.clusters[clusterIndex(doc, 'dev-1')].ha = 'yes'; // 6: not a boolean (dev-1 is named by namespaces, policy and routes)
    const errors = plan(doc).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.path])).toEqual([
      ['MF1107', `/spec/clusters/${clusterIndex(doc, 'dev-1')}/ha`],
      ['MF6014', '/spec/routes/1/rules/0/backendRefs'],
      ['MF2003', '/spec/environments/staging/linkerd'],
      ['MF4001', '/spec/links/2/spokes/1'],
      ['MF4014', '/spec/clusters/3/podCIDR'],
      ['MF5024', '/spec/policy/services/0/allow/0/serviceAccount'],
    ]);
  });

  it('a refused cluster that links and policy name hides no independent mistake either (schema or Linkerd version)', () => {
    const refusals = [[(c: Json) => (c.ha = 'yes'), 'MF1107'], [(c: Json) => (c.linkerd = '2.17'), 'MF2003']] as const;
    for (const [refuse, code] of refusals) {
      const doc = fiveMistakes();
      refuse(doc.spec.clusters[clusterIndex(doc, 'us-1')]); // named by links, exports, routes and policy callers
      const codes = plan(doc).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
      expect(codes.sort(), code).toEqual([code, 'MF2003', 'MF4001', 'MF4014', 'MF5024', 'MF6014'].sort());
    }
  });

  it('schema mistakes outside cluster entries still stop the checks (the rest cannot be read safely)', () => {
    const doc = fiveMistakes();
    doc.spec.links[0].mode = 'tunnel';
    expect(plan(doc).diagnostics.every((d) => d.code.startsWith('MF11'))).toBe(true);
  });

  it('a duplicated cluster name is one error, not also a namespace declared twice on it', () => {
    const doc = exampleDocument();
    doc.spec.clusters.push({ ...doc.spec.clusters[clusterIndex(doc, 'us-1')], podCIDR: '10.99.0.0/16', serviceCIDR: '10.98.0.0/16' });
    expect(rows(doc).filter(([, , severity]) => severity === 'error')).toEqual([['MF3101', `/spec/clusters/${doc.spec.clusters.length - 1}/name`, 'error']]);
  });

  it('says "did you mean" for near-miss names', () => {
    const messages = plan(fiveMistakes()).diagnostics.map((d) => d.fix);
    expect(messages).toContain('did you mean "eu-1" or "eu-2"? (name one of: dev-1, eu-1, eu-2, us-1, us-2)');
    expect(messages.some((f) => f.startsWith('did you mean "catalog"?'))).toBe(true);
  });

  it('an unsupported Linkerd version is one error, not one per reference to the clusters it refuses', () => {
    const doc = exampleDocument();
    doc.spec.environments.prod.linkerd = '2.17'; // eu-1, eu-2, us-2: links, exports, policy, routes name them
    expect(rows(doc).filter(([, , severity]) => severity === 'error')).toEqual([['MF2003', '/spec/environments/prod/linkerd', 'error']]);
  });

  it('still checks the pod range of a refused cluster against its flat network', () => {
    const doc = fleetDocument((d) => {
      d.spec.links = [{ mesh: ['a', 'b'], mode: 'flat' }];
      d.spec.clusters[0].linkerd = '2.17';
      d.spec.clusters[1].podCIDR = d.spec.clusters[0].podCIDR;
    });
    expect(rows(doc)).toEqual([
      ['MF2003', '/spec/clusters/0/linkerd', 'error'],
      ['MF4014', '/spec/clusters/1/podCIDR', 'error'],
    ]);
  });

  it('a broken trust anchor does not hide the other mistakes', () => {
    const doc = fleetDocument((d) => {
      d.spec.trust.anchor = { pem: 'not a certificate' };
      d.spec.links = [{ mesh: ['a', 'b'], mode: 'flat' }];
      d.spec.clusters[1].podCIDR = d.spec.clusters[0].podCIDR;
    });
    expect(rows(doc).map(([code]) => code)).toEqual(['MF1205', 'MF4014']);
  });

  it('suggests the nearest field for an unknown one', () => {
    const doc = fleetDocument((d) => (d.spec.clusters[0].podCIRD = '10.9.0.0/16'));
    const [d] = plan(doc).diagnostics;
    expect([d.code, d.path]).toEqual(['MF1103', '/spec/clusters/0/podCIRD']);
    expect(d.fix).toMatch(/^did you mean "podCIDR"\? \(remove it or use one of: /);
  });

  it('nearest names: within a third of the name, ties in order, nothing for a far miss', () => {
    expect(nearestNames('eu-3', ['dev-1', 'eu-1', 'eu-2'])).toEqual(['eu-1', 'eu-2']);
    expect(nearestNames('Prod', ['dev', 'prod'])).toEqual(['prod']);
    expect(nearestNames('payments', ['shop', 'orders'])).toEqual([]);
    expect(chooseFrom('stagng', ['dev', 'staging'])).toBe('did you mean "staging"? (use one of: dev, staging)');
    expect(chooseFrom('x', [])).toBe('');
  });
});
