// The YAML emitter: whatever JSON-shaped value goes in, a YAML parser reads the same value back,
// under YAML 1.2 and under the YAML 1.1 rules Helm and Kubernetes apply.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { toYaml } from '../../lib/output/yaml.ts';

const tricky = fc.constantFrom(
  'E0', '.e5', '1E+3', '-.5', '+.inf', '0b101', '190:20:30', '1_0.5', '2001-12-14t21:59:43.10-05:00', 'Yes', 'NULL', 'Null', '', ' ', 'yes', 'No', 'ON', 'off', 'y', 'null', '~', 'true', '1', '-1', '0x1F', '0o17', '1e3', '.inf', '.NaN', '1_000', '1:20', '12:30:00',
  '2026-11-21', '0.1.0', '192.0.2.1', '4143', '3s', 'a: b', 'a #b', '#x', '- x', '? x', '*x', '&x', '!x', '|x', '>x', '%x', '@x', '`x', '"x"', "'x'",
  '{x}', '[x]', 'x:', 'x,y', ' lead', 'trail ', 'a\nb', 'a\nb\n', 'a\n\n', '\nlead', 'a\tb', 'line\n  indented\n', 'é', '\u2028', '\u0085', '\u007f', '<<',
  '{{ .token }}', 'token: {{ .token }}\n', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', '=', '+', '.', '$x', '(x)',
);
const str = fc.oneof(tricky, fc.string(), fc.string({ unit: 'grapheme' }));
// `__proto__` as a key is a quirk of JavaScript objects, not of YAML: leave it out.
const key = str.filter((k) => k !== '__proto__');
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    str,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('toYaml', () => {
  it('round-trips any JSON value through a YAML 1.2 parser', () => {
    fc.assert(
      fc.property(fc.dictionary(key, json, { maxKeys: 5 }), (value) => {
        expect(JSON.stringify(parse(toYaml(value)))).toBe(JSON.stringify(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips under YAML 1.1 rules too (yes/no/on/off, sexagesimal, dates)', () => {
    fc.assert(
      fc.property(fc.dictionary(key, json, { maxKeys: 5 }), (value) => {
        expect(JSON.stringify(parse(toYaml(value), { version: '1.1' }))).toBe(JSON.stringify(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes the usual shapes in the usual style', () => {
    expect(
      toYaml({
        apiVersion: 'v1',
        metadata: { name: 'x', labels: { 'app.kubernetes.io/name': 'web' }, annotations: {} },
        spec: { ports: [{ port: 80, name: 'http' }], list: ['a', 'b'], nested: [['a']], empty: [] },
        pem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
        version: '2.20',
        limit: '',
      }),
    ).toBe(
      [
        'apiVersion: v1',
        'metadata:',
        '  name: x',
        '  labels:',
        '    app.kubernetes.io/name: web',
        '  annotations: {}',
        'spec:',
        '  ports:',
        '    - port: 80',
        '      name: http',
        '  list:',
        '    - a',
        '    - b',
        '  nested:',
        '    - - a',
        '  empty: []',
        'pem: |',
        '  -----BEGIN CERTIFICATE-----',
        '  MIIB',
        '  -----END CERTIFICATE-----',
        'version: "2.20"',
        'limit: ""',
        '',
      ].join('\n'),
    );
  });

  it('round-trips any top-level value (sequences of sequences and maps, empty collections, multi-line text) under YAML 1.1 and 1.2', () => {
    const deep = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'medium' }, str, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(key, tie('value'), { maxKeys: 3 })),
    })).value;
    fc.assert(
      fc.property(deep, (value) => {
        const text = toYaml(value);
        expect(text.endsWith('\n')).toBe(true);
        expect(JSON.stringify(parse(text))).toBe(JSON.stringify(value));
        expect(JSON.stringify(parse(text, { version: '1.1' }))).toBe(JSON.stringify(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('starts a collection inside a sequence on the dash line, at every depth, and leaves out undefined entries', () => {
    expect(
      toYaml({
        a: [[['x', { k: 'v', l: [1] }]], { m: { q: 'o' }, p: [] }, [{}]],
        b: undefined,
        text: ['one\n\nthree\n', 'no break\nat end', 'trail \nspace'],
      }),
    ).toBe(
      [
        'a:',
        '  - - - x',
        '      - k: v',
        '        l:',
        '          - 1',
        '  - m:',
        '      q: o',
        '    p: []',
        '  - - {}',
        'text:',
        '  - |',
        '    one',
        '',
        '    three',
        '  - |-',
        '    no break',
        '    at end',
        '  - "trail \\nspace"',
        '',
      ].join('\n'),
    );
    expect(toYaml([])).toBe('[]\n');
    expect(toYaml({})).toBe('{}\n');
    expect(toYaml('yes')).toBe('"yes"\n');
    expect(toYaml([{ a: 1 }, 'b'])).toBe('- a: 1\n- b\n');
  });

  it('with sortKeys writes what an object rebuilt from its sorted keys writes (array-index keys first, by number), at every depth', () => {
    // The values files' former way: a sorted copy of every map, then toYaml.
    const sortedCopy = (value: unknown): unknown =>
      Array.isArray(value) ? value.map(sortedCopy) : value && typeof value === 'object' ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedCopy((value as Record<string, unknown>)[k])])) : value;
    const numericKey = fc.constantFrom('0', '1', '2', '10', '01', '-1', '1e3', '4294967294', '4294967295', 'b', 'a', 'B', '_');
    const keyed = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, str, fc.integer(), fc.constant(undefined), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.oneof(numericKey, key), tie('value'), { maxKeys: 5 })),
    })).value;
    fc.assert(
      fc.property(keyed, (value) => {
        expect(toYaml(value, { sortKeys: true })).toBe(toYaml(sortedCopy(value)));
      }),
      { numRuns: 300 },
    );
    expect(toYaml({ b: 1, 10: 2, a: { z: 1, x: 2 }, 2: 3, '01': 4 }, { sortKeys: true })).toBe('"2": 3\n"10": 2\n"01": 4\na:\n  x: 2\n  z: 1\nb: 1\n');
    // The option holds for that call only.
    expect(toYaml({ b: 1, a: 2 })).toBe('b: 1\na: 2\n');
  });
});
