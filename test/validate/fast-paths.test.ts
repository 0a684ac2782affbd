// The shortcuts that make checking every emitted object cheap (validators looked up once per
// sources and kind, label keys remembered as valid, names scanned without a regular expression,
// outcomes remembered by content, a CEL site's memo given up after a trial) must never hide a
// violation: each test here passes objects through the shortcut first, then a wrong one.
import { describe, expect, it } from 'vitest';
import { celRulesCheck } from '../../lib/validate/cel-rules.ts';
import { objectMetaViolations } from '../../lib/validate/core-kinds.ts';
import { validateObjects, type KubeObject, type SchemaSources } from '../../lib/validate/index.ts';
import { identityIssuerCertificate, linkerdServer, meshNamespace } from './fixtures.ts';

const sources: SchemaSources = { linkerd: '2.20', gatewayAPI: { version: '1.2.1', channel: 'standard' } };

describe('validator lookups remembered per sources, apiVersion and kind', () => {
  it('answer each set of sources on its own: a kind one set serves and another does not', () => {
    expect(validateObjects([linkerdServer()], sources)).toStrictEqual([]);
    // Without a Linkerd version the same kind has no schema: the answer above must not be reused.
    const issues = validateObjects([linkerdServer()], { gatewayAPI: sources.gatewayAPI });
    expect(issues.map((issue) => [issue.kind, issue.path, issue.message.split(' in ')[0]])).toStrictEqual([['Server', '', 'no schema for policy.linkerd.io/v1beta3 Server']]);
  });

  it('still check every object of a kind after the first: a wrong one later in the same batch is reported', () => {
    const good = identityIssuerCertificate();
    const bad: KubeObject = { ...good, metadata: { ...good.metadata, name: 'second' }, spec: { ...(good.spec as object), duration: 48 } };
    const issues = validateObjects([good, good, bad], sources);
    expect(issues.map((issue) => [issue.name, issue.path, issue.message])).toStrictEqual([['second', '/spec/duration', 'must be string, got number 48']]);
  });
});

describe('built-in kinds', () => {
  it('report what kubernetes-models finds whether or not the object holds undefined fields (validated in place or through its copy)', () => {
    const configMap = (extra: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { a: 7 }, ...extra });
    const expected = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'web', path: '/data/a', message: 'must be string' }];
    expect(validateObjects([configMap({})], sources)).toStrictEqual(expected);
    expect(validateObjects([configMap({ binaryData: undefined })], sources)).toStrictEqual(expected);
    expect(validateObjects([{ ...configMap({}), data: { a: 'b', c: undefined } }], sources)).toStrictEqual([]);
  });
});

describe('ObjectMeta checks', () => {
  it('scan names as DNS-1123 subdomains exactly as the regular expression did', () => {
    const regex = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
    const names = ['a', 'a-b', 'a.b', 'a-b.c-d.e', '0', 'a..b', '.a', 'a.', '-a', 'a-', 'a.-b', 'a-.b', 'A', 'a_b', 'a b', 'a/b', 'ab\n', 'é', 'a'.repeat(253), 'a'.repeat(254)];
    for (const name of names) {
      const reported = objectMetaViolations('ConfigMap', { name }).some((violation) => violation.path === '/metadata/name');
      expect([name, reported]).toStrictEqual([name, !(name.length <= 253 && regex.test(name))]);
    }
  });

  it('scan annotation key prefixes the same way', () => {
    const problems = (key: string) => objectMetaViolations('ConfigMap', { name: 'x', annotations: { [key]: 'v' } }).map((violation) => violation.message.split(',')[0]);
    expect(problems('example.com/ok')).toStrictEqual([]);
    expect(problems('example..com/ok')).toStrictEqual(['annotation key prefix must be a DNS-1123 subdomain']);
    expect(problems('-example.com/ok')).toStrictEqual(['annotation key prefix must be a DNS-1123 subdomain']);
  });

  it('still report a wrong label value under a key remembered as valid, and a wrong key after valid ones', () => {
    const namespace = meshNamespace('linkerd');
    const labels = { 'linkerd.io/is-control-plane': 'true' };
    expect(validateObjects([{ ...namespace, metadata: { ...namespace.metadata, labels } }], sources)).toStrictEqual([]);
    const wrongValue = objectMetaViolations('Namespace', { name: 'linkerd', labels: { 'linkerd.io/is-control-plane': 'not valid!' } });
    expect(wrongValue.map((violation) => violation.path)).toStrictEqual(['/metadata/labels/linkerd.io~1is-control-plane']);
    const wrongKey = objectMetaViolations('Namespace', { name: 'linkerd', labels: { ...labels, 'bad key': 'x' } });
    expect(wrongKey.map((violation) => violation.path)).toStrictEqual(['/metadata/labels/bad key']);
  });

  it('read a null label map as absent, and report a null label value inside a map with others', () => {
    expect(objectMetaViolations('ConfigMap', { name: 'x', labels: null })).toStrictEqual([]);
    expect(objectMetaViolations('ConfigMap', { name: 'x', labels: { a: 'b', c: 7 } }).map((violation) => violation.path)).toStrictEqual(['/metadata/labels/c']);
  });
});

describe('outcomes remembered by content (without metadata)', () => {
  it('tell apart objects that differ only below spec, whatever their metadata', () => {
    const good = identityIssuerCertificate();
    for (let i = 0; i < 20; i++) expect(validateObjects([{ ...good, metadata: { ...good.metadata, name: `c${i}` } }], sources)).toStrictEqual([]);
    const bad: KubeObject = { ...good, spec: { ...(good.spec as object), isCA: 'yes' } };
    expect(validateObjects([bad], sources).map((issue) => issue.path)).toStrictEqual(['/spec/isCA']);
  });

  it('tell apart values that JSON writes alike (NaN and null) and fields it leaves out (undefined)', () => {
    const good = identityIssuerCertificate();
    const spec = good.spec as Record<string, unknown>;
    const messages = (duration: unknown) => validateObjects([{ ...good, spec: { ...spec, duration } }], sources).map((issue) => `${issue.path} ${issue.message}`);
    expect(messages(null)).toStrictEqual(['/spec/duration must be string, got null null']);
    // JSON.stringify writes NaN as null: remembered under null's text it would read "got null".
    expect(messages(Number.NaN)[0]).toMatch(/^\/spec\/duration must be string, got number/);
    expect(messages(undefined)).toStrictEqual([]);
    expect(messages(48)).toStrictEqual(['/spec/duration must be string, got number 48']);
  });
});

describe('a CEL rule site whose values rarely repeat', () => {
  it('still evaluates every value once it stops remembering them, and reports the failing ones', () => {
    const check = celRulesCheck({
      type: 'object',
      properties: { spec: { type: 'object', properties: { port: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.port > 1024', message: 'privileged' }] } },
    });
    if (!check) throw new Error('schema has no rules');
    // Far more distinct values than the trial: the site gives up its memo on the way.
    for (let port = 2000; port < 3000; port++) expect(check({ spec: { port } })).toStrictEqual([]);
    expect(check({ spec: { port: 80 } })).toStrictEqual([{ path: '/spec', message: 'privileged', rule: 'self.port > 1024' }]);
    expect(check({ spec: { port: 80 } })).toStrictEqual([{ path: '/spec', message: 'privileged', rule: 'self.port > 1024' }]);
    expect(check({ spec: { port: 2500 } })).toStrictEqual([]);
  });
});
