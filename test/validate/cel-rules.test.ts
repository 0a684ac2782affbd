// CEL rules (x-kubernetes-validations) evaluated the way the API server evaluates them; the corpus
// test covers the real CRDs, these pin the mechanics on small schemas.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileRule, isKubernetesIP } from '../../lib/validate/cel-environment.ts';
import { celRulesCheck, escapeCelName, listCelRules, memoKey } from '../../lib/validate/cel-rules.ts';
import { schemaFor } from '../../lib/validate/index.ts';
import { structuralSchemaFor } from '../../lib/validate/schema-registry.ts';

type Schema = Record<string, unknown>;

function checkWith(schema: Schema) {
  const check = celRulesCheck(schema);
  if (!check) throw new Error('schema has no rules');
  return check;
}

const objectWith = (properties: Schema, rules: Schema[]): Schema => ({ type: 'object', properties, 'x-kubernetes-validations': rules });

describe('CEL rules', () => {
  it('binds self to the value the rule is attached to, once per list item, and reports that place', () => {
    const check = checkWith({
      type: 'object',
      properties: {
        ports: { type: 'array', items: objectWith({ port: { type: 'integer' } }, [{ rule: 'self.port > 1024', message: 'must be unprivileged' }]) },
      },
    });
    expect(check({ ports: [{ port: 8080 }, { port: 80 }] })).toStrictEqual([{ path: '/ports/1', message: 'must be unprivileged', rule: 'self.port > 1024' }]);
  });

  it('answers a value seen before from memory, at the place of each occurrence, with that value\'s own message', () => {
    const check = checkWith({
      type: 'object',
      properties: {
        ports: {
          type: 'array',
          items: objectWith({ port: { type: 'integer' } }, [{ rule: 'self.port > 1024', messageExpression: "'port ' + string(self.port) + ' is privileged'" }]),
        },
      },
    });
    const rule = 'self.port > 1024';
    const expected = [
      { path: '/ports/0', message: 'port 80 is privileged', rule },
      { path: '/ports/1', message: 'port 81 is privileged', rule },
      { path: '/ports/3', message: 'port 80 is privileged', rule },
    ];
    const object = { ports: [{ port: 80 }, { port: 81 }, { port: 8080 }, { port: 80 }] };
    expect(check(object)).toStrictEqual(expected);
    // Again, now all from memory: the same answer.
    expect(check(structuredClone(object))).toStrictEqual(expected);
  });

  it('tells values apart by type when remembering them (the string "1" is not the number 1)', () => {
    const check = checkWith({
      type: 'object',
      properties: { items: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-validations': [{ rule: "self.v == '1'", message: 'not the string 1' }] } } },
    });
    const violations = check({ items: [{ v: '1' }, { v: 1 }, { v: '1' }, { v: 1 }] });
    expect(violations.map((violation) => violation.path)).toStrictEqual(['/items/1', '/items/3']);
  });

  it('does not evaluate a rule on an absent or null value', () => {
    const check = checkWith({ type: 'object', properties: { tls: objectWith({ mode: { type: 'string' } }, [{ rule: "self.mode == 'Terminate'" }]) } });
    expect(check({})).toStrictEqual([]);
    expect(check({ tls: null })).toStrictEqual([]);
  });

  it('reaches CEL keywords through their escaped names (namespace → __namespace__)', () => {
    expect(escapeCelName('namespace')).toBe('__namespace__');
    expect(escapeCelName('x-y.z/w__v')).toBe('x__dash__y__dot__z__slash__w__underscores__v');
    expect(escapeCelName('has space')).toBeUndefined();
    const check = checkWith(objectWith({ namespace: { type: 'string' } }, [{ rule: "!has(self.__namespace__) || self.__namespace__ != 'kube-system'", message: 'not there' }]));
    expect(check({ namespace: 'kube-system' })).toStrictEqual([{ path: '', message: 'not there', rule: "!has(self.__namespace__) || self.__namespace__ != 'kube-system'" }]);
    expect(check({ namespace: 'app' })).toStrictEqual([]);
  });

  it('types integer fields as CEL ints and number fields as doubles', () => {
    const rules = [{ rule: 'self.count * 2 == 8', message: 'int arithmetic' }, { rule: 'self.ratio * 2.0 == 1.0', message: 'double arithmetic' }];
    const check = checkWith(objectWith({ count: { type: 'integer' }, ratio: { type: 'number' } }, rules));
    expect(check({ count: 4, ratio: 0.5 })).toStrictEqual([]);
  });

  it('prunes fields the schema does not declare, as the API server does before evaluating', () => {
    const check = checkWith(objectWith({ name: { type: 'string' } }, [{ rule: 'size(self) == 1', message: 'only declared fields are seen' }]));
    expect(check({ name: 'a', typo: 'b' })).toStrictEqual([]);
  });

  it('iterates map keys in macros (labels, annotations)', () => {
    const labels = { type: 'object', additionalProperties: { type: 'string' }, 'x-kubernetes-validations': [{ rule: "self.all(key, !key.startsWith('internal/'))", message: 'reserved prefix' }] };
    const check = checkWith({ type: 'object', properties: { labels } });
    expect(check({ labels: { app: 'web', 'internal/x': 'y' } })).toStrictEqual([{ path: '/labels', message: 'reserved prefix', rule: "self.all(key, !key.startsWith('internal/'))" }]);
  });

  it('uses messageExpression when it yields a string, and appends fieldPath to the place', () => {
    const rule = { rule: 'self.min <= self.max', messageExpression: "'min ' + string(self.min) + ' is above max ' + string(self.max)", message: 'unused', fieldPath: '.min' };
    const check = checkWith(objectWith({ min: { type: 'integer' }, max: { type: 'integer' } }, [rule]));
    expect(check({ min: 5, max: 3 })).toStrictEqual([{ path: '/min', message: 'min 5 is above max 3', rule: 'self.min <= self.max' }]);
  });

  it('falls back to "failed rule: <rule>" without a message', () => {
    const check = checkWith(objectWith({ a: { type: 'string' } }, [{ rule: "self.a == 'x'" }]));
    expect(check({ a: 'y' })).toStrictEqual([{ path: '', message: "failed rule: self.a == 'x'", rule: "self.a == 'x'" }]);
  });

  it('reports a rule that fails to evaluate (a missing field read without has()) as a failure', () => {
    const check = checkWith(objectWith({ a: { type: 'string' } }, [{ rule: "self.a == 'x'", message: 'a must be x' }]));
    const [violation] = check({});
    expect(violation?.message).toMatch(/^a must be x \(the rule could not be evaluated: .+\)$/);
  });

  it('skips transition rules (oldSelf): they apply to updates and meshfleet creates', () => {
    expect(compileRule('self == oldSelf').kind).toBe('transition');
    expect(checkWith(objectWith({ a: { type: 'string' } }, [{ rule: 'self == oldSelf', message: 'immutable' }]))({ a: 'x' })).toStrictEqual([]);
  });

  it('marks rules that call Kubernetes libraries meshfleet does not implement as unsupported', () => {
    expect(compileRule('format.dns1123Label().validate(self) == null')).toStrictEqual({
      kind: 'unsupported',
      reason: 'calls the Kubernetes CEL library (format), which meshfleet does not implement',
    });
    expect(compileRule("url(self).getScheme() == 'https'").kind).toBe('unsupported');
  });

  it('compiles each distinct rule text once', () => {
    expect(compileRule('self.size() > 0')).toBe(compileRule('self.size() > 0'));
  });

  it('matches with RE2 semantics, including inline flags such as (?i)', () => {
    const check = checkWith({ type: 'string', 'x-kubernetes-validations': [{ rule: "self.matches('^(?i)[a-z]+$')", message: 'letters' }] });
    expect(check('MixedCase')).toStrictEqual([]);
    expect(check('with space')).toHaveLength(1);
  });

  it('implements the Kubernetes isIP(): no leading zeros, no zones, no IPv4-mapped IPv6', () => {
    expect(['192.0.2.1', '0.0.0.0', '2001:db8::1', '::1'].map(isKubernetesIP)).toStrictEqual([true, true, true, true]);
    expect(['192.0.2.01', '256.0.0.1', 'fe80::1%eth0', '::ffff:192.0.2.1', 'example.com', '1.2.3'].map(isKubernetesIP)).toStrictEqual([false, false, false, false, false, false]);
  });

  it('lists every rule of a schema with the place it is attached', () => {
    const schema = { type: 'object', properties: { items: { type: 'array', items: objectWith({}, [{ rule: 'true' }]) }, status: objectWith({}, [{ rule: 'false' }]) } };
    expect(listCelRules(schema)).toStrictEqual([{ path: '/items/*', rule: { rule: 'true' } }]);
  });
});

describe('CEL rules of every generated CRD schema', () => {
  it('all parse, and the only ones not evaluated are transition rules and the format-library rule of XBackend', () => {
    const dir = new URL('../../schemas/crds/', import.meta.url);
    const notEvaluated = new Map<string, string>();
    let rules = 0;
    for (const file of readdirSync(dir).filter((name) => name !== 'index.json')) {
      for (const { rule } of listCelRules(JSON.parse(readFileSync(new URL(file, dir), 'utf8')))) {
        rules++;
        const compiled = compileRule(rule.rule); // throws on a syntax error
        if (compiled.kind !== 'program') notEvaluated.set(rule.rule, compiled.kind);
      }
    }
    expect(rules).toBeGreaterThan(1000);
    expect(Object.fromEntries(notEvaluated)).toStrictEqual({
      'self == oldSelf': 'transition',
      'size(self) == 0 || format.dns1123Label().validate(self) == null': 'unsupported',
    });
  });
});

describe('CEL rules inside the schema registry', () => {
  const sources = { gatewayAPI: { version: '1.2.1', channel: 'standard' as const } };
  const route = (spec: Record<string, unknown>) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'web', namespace: 'app' }, spec });

  it('evaluates rules on the defaulted object (matches default to PathPrefix /)', () => {
    const validate = schemaFor('gateway.networking.k8s.io/v1', 'HTTPRoute', sources)!;
    const redirect = { type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2' } } };
    expect(validate(route({ rules: [{ filters: [redirect] }] }))).toStrictEqual([]);
  });

  it('does not evaluate rules when a structural error blocks them, and says so', () => {
    const validate = schemaFor('gateway.networking.k8s.io/v1', 'HTTPRoute', sources)!;
    expect(validate(route({ rules: [{ backendRefs: [{ name: 'web', port: 'http' }] }] }))).toStrictEqual([
      { path: '/spec/rules/0/backendRefs/0/port', message: 'must be integer, got string "http"' },
      {
        path: '',
        message: 'x-kubernetes-validations rules were not checked because of the errors above (the API server skips them too); fix those and validate again',
      },
    ]);
  });
});

describe('the structural check of a CRD schema (structuralSchemaFor)', () => {
  const sources = { gatewayAPI: { version: '1.2.1', channel: 'experimental' as const } };
  const route = (spec: Record<string, unknown>) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'web', namespace: 'app' }, spec });

  it('reports what the full check reports but the CEL rules, and no note about rules it did not evaluate', () => {
    const all = schemaFor('gateway.networking.k8s.io/v1', 'HTTPRoute', sources)!;
    const structural = structuralSchemaFor('gateway.networking.k8s.io/v1', 'HTTPRoute', sources)!;
    const brokenRule = route({ rules: [{ matches: [{ path: { type: 'PathPrefix', value: 'web' } }] }], extra: 1 });
    const violations = all(brokenRule);
    expect(violations.some((v) => v.rule !== undefined)).toBe(true);
    expect(structural(brokenRule)).toStrictEqual(violations.filter((v) => v.rule === undefined));
    expect(structural(brokenRule)).toStrictEqual([{ path: '/spec/extra', message: 'unknown field: not in the schema (the API server would drop or reject it)' }]);
    const blocked = route({ rules: [{ backendRefs: [{ name: 'web', port: 'http' }] }] });
    expect(structural(blocked)).toStrictEqual([{ path: '/spec/rules/0/backendRefs/0/port', message: 'must be integer, got string "http"' }]);
    expect(all(blocked)).toHaveLength(2);
    expect(structuralSchemaFor('nope.example.com/v1', 'Thing', sources)).toBeUndefined();
  });
});

describe('memoKey (what remembered outcomes and verdicts are keyed by)', () => {
  it('gives equal values equal keys and tells apart everything a rule or schema can see', () => {
    expect(memoKey({ a: [1, 'x', { b: true }] })).toBe(memoKey({ a: [1, 'x', { b: true }] }));
    const distinct: unknown[] = [
      0, -0, '0', 1, NaN, Infinity, null, true, 'true', undefined, 1n, [], {}, [undefined], [null],
      [undefined, 1], [null, 1],
      { a: 1 }, { a: 1, b: undefined }, { a: 1, b: null }, { b: 1, a: 2 }, { a: 2, b: 1 }, { a: -0 }, { a: 0 },
      { a: '1' }, { 'a"': 1 }, { a: { toJSON: 'x' } }, { a: { toJSON: 'y' } }, Object.assign(Object.create(null), { a: 1, c: undefined }),
      '\ud800', '\\ud800', 'J"x"', ['J"x"'], { a: NaN }, { a: null },
    ];
    const keys = distinct.map((v) => memoKey(v));
    expect(keys.every((k) => typeof k === 'string')).toBe(true);
    expect(new Set(keys).size).toBe(distinct.length);
  });

  it('refuses values it cannot spell (functions, symbols, class instances)', () => {
    expect(memoKey({ a: () => 1 })).toBeUndefined();
    expect(memoKey([Symbol('s')])).toBeUndefined();
    expect(memoKey({ a: new Date(0) })).toBeUndefined();
  });
});
