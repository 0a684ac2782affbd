// The environment merge rules: objects merge, lists replace, null removes; and which layer set what.
import { describe, expect, it } from 'vitest';
import { pointer } from '../../lib/model/diagnostics.ts';
import { mergeLayers, originOf } from '../../lib/model/merge.ts';
import { errorsOf, fleetDocument, plan } from '../support/fleet.ts';

describe('mergeLayers', () => {
  const merged = mergeLayers([
    { value: { proxy: { logLevel: 'info', opaquePorts: [25, 3306], resources: { cpu: { request: '10m' } } }, ha: false }, path: '/spec/defaults' },
    { value: { proxy: { logFormat: 'json', opaquePorts: [5432] }, ha: true }, path: '/spec/environments/prod' },
    { value: { proxy: { resources: null } }, path: '/spec/clusters/0' },
  ]);

  it('merges objects key by key, replaces lists and scalars, and removes keys set to null', () => {
    expect(merged.value).toStrictEqual({ proxy: { logLevel: 'info', logFormat: 'json', opaquePorts: [5432] }, ha: true });
  });

  it('remembers the layer that set each value', () => {
    expect(originOf(merged, '/proxy/logLevel', '')).toBe('/spec/defaults/proxy/logLevel');
    expect(originOf(merged, '/proxy/opaquePorts/0', '')).toBe('/spec/environments/prod/proxy/opaquePorts/0');
    expect(originOf(merged, '/ha', '')).toBe('/spec/environments/prod/ha');
    // A key removed by null points at the null; a key holding "/" or "~" is escaped in both pointers.
    expect(originOf(merged, '/proxy/resources/cpu', '')).toBe('/spec/clusters/0/proxy/resources/cpu');
    const annotated = mergeLayers([{ value: { podAnnotations: { 'example.com/a~b': 'x' } }, path: '/spec/defaults' }]);
    expect(originOf(annotated, '/podAnnotations/example.com~1a~0b', '')).toBe('/spec/defaults/podAnnotations/example.com~1a~0b');
    expect(originOf(annotated, '/nothing', 'fallback')).toBe('fallback');
  });
});

describe('pointer', () => {
  it('joins segments as RFC 6901 writes them: "~" as "~0", "/" as "~1", numbers as they are', () => {
    expect(pointer()).toBe('');
    expect(pointer('spec', 'clusters', 0, 'name')).toBe('/spec/clusters/0/name');
    expect(pointer('a/b', '~c', 'd~/e', '')).toBe('/a~1b/~0c/d~0~1e/');
  });
});

describe('environment overlays on clusters', () => {
  it('applies defaults < environment < cluster < environment cluster override', () => {
    const result = plan(
      fleetDocument((doc) => {
        doc.spec.defaults.proxy = { logLevel: 'info', logFormat: 'plain' };
        doc.spec.environments.prod = { ha: true, proxy: { logLevel: 'debug' }, clusters: { b: { ha: false, proxy: { logFormat: 'json' } } } };
        doc.spec.clusters[0].proxy = { logLevel: 'warn' };
      }),
    );
    const [a, b] = result.fleet!.clusters;
    expect([a.ha, a.proxy]).toStrictEqual([true, { logLevel: 'warn', logFormat: 'plain' }]);
    expect([b.ha, b.proxy]).toStrictEqual([false, { logLevel: 'debug', logFormat: 'json' }]);
  });

  it('lets null remove an inherited setting, falling back to the built-in default', () => {
    const result = plan(
      fleetDocument((doc) => {
        doc.spec.defaults.clusterDomain = 'corp.local';
        doc.spec.environments.prod = { clusterDomain: null };
      }),
    );
    expect(result.fleet!.clusters.map((c) => c.clusterDomain)).toStrictEqual(['cluster.local', 'cluster.local']);
  });

  it('leaves the document as it was, removals or not', () => {
    const doc = fleetDocument((d) => {
      d.spec.defaults.clusterDomain = 'corp.local';
      d.spec.environments.prod = { clusters: { [d.spec.clusters[0].name]: { ha: true } }, proxy: { logLevel: 'debug' } };
      d.spec.environments.staging = { clusterDomain: null, clusters: { c: { ha: null } } };
      d.spec.clusters.push({ ...d.spec.clusters[1], name: 'c', environment: 'staging', podCIDR: '10.3.0.0/16', serviceCIDR: '10.103.0.0/16', apiServer: 'https://c.example:6443' });
    });
    const before = structuredClone(doc);
    const overrides = doc.spec.environments.prod.clusters;
    expect(plan(doc).fleet).toBeDefined();
    expect(doc).toStrictEqual(before);
    // Not even replaced by an equal object: the document is the caller's.
    expect(doc.spec.environments.prod.clusters).toBe(overrides);
  });

  it('reports a null that removes a setting the layer does not have (a typo would otherwise do nothing)', () => {
    const doc = fleetDocument((d) => {
      d.spec.environments.prod = { proxy: { logLevl: null }, controlPlane: { values: { anyUpstreamKey: null } } };
      d.spec.clusters[1].clusterDomian = null;
    });
    expect(errorsOf(doc)).toStrictEqual([
      ['/spec/environments/prod/proxy/logLevl', 'unknown field "logLevl": null removes a setting, and there is no such setting here'],
      ['/spec/clusters/1/clusterDomian', 'unknown field "clusterDomian": null removes a setting, and there is no such setting here'],
    ]);
  });
});
