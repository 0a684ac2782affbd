// The fast path of the fleet file (lib/model/simple-yaml.ts) against the full parser: on generated
// block YAML full of edge cases, whatever it accepts must give the same value and the same
// file:line:column for every path (present or missing), and the full parser must see no error there.
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { LineCounter, parseDocument, type Node } from 'yaml';
import { describe, expect, it } from 'vitest';
import { MAX_ENTRIES, MAX_NESTING, nodeAt, parseFleetYaml } from '../../lib/model/load-yaml.ts';
import { parseSimpleYaml, positionAt } from '../../lib/model/simple-yaml.ts';

const LIMITS = { entries: MAX_ENTRIES, nesting: MAX_NESTING };

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['name', 'a', 'b', 'spec', 'x-y', 'a.b/c', 'true', 'null', 'Null', '1', '__proto__', 'constructor', 'k_1', '"q"', "'s'", '? k', 'é', 'a b'];
const SCALARS = [
  'x', 'hello world', '1', '-1', '+1', '007', '-0', '0x1f', '0o17', '1.5', '.5', '1e3', '.inf', '.NaN', 'true', 'False', 'TRUE', 'yes', 'no', 'null', '~', 'NULL',
  '10.0.0.0/20', '192.0.2.1', 'https://a.example:6443', 'a#b', 'a #comment', 'a: b', 'a:', 'a:b', '"quoted"', '"with \\n escape"', "'single'", "'it''s'", '"unclosed',
  '{}', '[]', '{ }', '[a, b]', '{a: 1}', '&anchor x', '*alias', '!tag x', '!!str 1', '>', '|', '|-', '|+', '|2', '- x', '-', '-x', '?', ':', '%x', '@x', '`x', ',x',
  '12345678901234567890', '"2.18"', 'edge-26.8.3', 'trailing   ', 'a\tb', 'x # c', '"x" # c', '"x"# c', "'x'y", '"x" y', "'x'  y # c", '[] x', 'é ü', '\u00a0x', 'a\u2028b', '\ufeffx',
];

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)];
}

/** Block YAML with random keys, values, indentation, comments and blank lines (often invalid on purpose). */
function generate(rnd: () => number): string {
  const lines: string[] = [];
  const block = (indent: number, depth: number, kind: 'map' | 'list', prefix?: string) => {
    const count = 1 + Math.floor(rnd() * 4);
    for (let i = 0; i < count; i++) {
      const pad = ' '.repeat(Math.max(0, indent + (rnd() < 0.03 ? pick(rnd, [-1, 1, 2]) : 0)));
      if (rnd() < 0.08) lines.push(pick(rnd, ['', '   ', '# comment', `${pad}# c`, '---', '...', '%YAML 1.2', '\t']));
      const head = i === 0 && prefix !== undefined ? prefix : pad;
      const key = kind === 'map' ? `${pick(rnd, rnd() < 0.85 ? KEYS.slice(0, 6) : KEYS)}:` : '-';
      const r = rnd();
      if (depth < 4 && r < 0.3) {
        // A nested block on the next lines (a list may sit at its key's column).
        lines.push(`${head}${key}${rnd() < 0.1 ? ' # c' : ''}`);
        const nestedKind = rnd() < 0.5 ? 'map' : 'list';
        const step = kind === 'map' && nestedKind === 'list' && rnd() < 0.3 ? 0 : pick(rnd, [1, 2, 2, 4]);
        block(indent + step, depth + 1, nestedKind);
      } else if (depth < 4 && kind === 'list' && r < 0.45) {
        // A compact map after `- `.
        const spaces = pick(rnd, [1, 1, 3]);
        block(indent + 1 + spaces, depth + 1, 'map', `${head}-${' '.repeat(spaces)}`);
      } else if (r < 0.55) {
        const header = rnd() < 0.9 ? pick(rnd, ['|', '|-']) : pick(rnd, ['|+', '>', '|2']);
        lines.push(`${head}${key} ${header}`);
        const inner = indent + (rnd() < 0.9 ? pick(rnd, [1, 2, 2]) : 0);
        const n = 1 + Math.floor(rnd() * 3);
        for (let j = 0; j < n; j++) lines.push(rnd() < 0.15 ? pick(rnd, ['', '', '', '  ']) : `${' '.repeat(inner + (rnd() < 0.2 ? 2 : 0))}${pick(rnd, ['line', '# not a comment', 'x: y', '- z'])}`);
        if (rnd() < 0.2) lines.push('');
      } else if (r < 0.6) {
        lines.push(`${head}${key}`);
      } else {
        lines.push(`${head}${key} ${pick(rnd, rnd() < 0.6 ? SCALARS.slice(0, 40) : SCALARS)}`);
      }
    }
  };
  block(0, 0, 'map');
  const text = lines.join('\n');
  return rnd() < 0.8 ? `${text}\n` : text;
}

/** Every path of a value, and for maps a missing child too. */
function paths(value: unknown, prefix = ''): string[] {
  const found = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => found.push(...paths(v, `${prefix}/${i}`)));
  else if (value !== null && typeof value === 'object') {
    found.push(`${prefix}/missing`, `${prefix}/missing/deeper`);
    for (const [k, v] of Object.entries(value)) found.push(...paths(v, `${prefix}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  } else found.push(`${prefix}/7`);
  return found;
}

function compare(text: string): boolean {
  const fast = parseSimpleYaml(text, LIMITS);
  if (!fast) return false;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  expect([...doc.errors, ...doc.warnings].map((e) => e.message), text).toEqual([]);
  expect(isDeepStrictEqual(fast.value, doc.toJS()), `${text}\n${JSON.stringify(fast.value)}\n${JSON.stringify(doc.toJS())}`).toBe(true);
  for (const path of paths(fast.value)) {
    const segments = path === '' ? [] : path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const node = nodeAt(doc.contents as Node, segments);
    expect(lineCounter.linePos(positionAt(fast.position, segments)), `${path} in\n${text}`).toEqual(lineCounter.linePos(node!.range![0]));
  }
  return true;
}

describe('the fleet file fast path', () => {
  it('reads what the full parser reads, with the same positions, or leaves the file to it', () => {
    const rnd = random(13);
    let accepted = 0;
    let literals = 0;
    let compact = 0;
    const cases = 4000;
    for (let i = 0; i < cases; i++) {
      const text = generate(rnd);
      if (!compare(text)) continue;
      accepted++;
      if (/: \|/.test(text)) literals++;
      if (/- +[a-z]+:/.test(text)) compact++;
    }
    // Both sides of the comparison are exercised, literal blocks and compact maps among what is read.
    expect(accepted).toBeGreaterThan(cases / 10);
    expect(accepted).toBeLessThan(cases);
    expect(literals).toBeGreaterThan(8);
    expect(compact).toBeGreaterThan(8);
  });

  it('reads a large fleet itself, and leaves flow collections (the example fleet has some) to the full parser', () => {
    const example = readFileSync(new URL('../../apps/fleet.yaml', import.meta.url), 'utf8');
    expect(compare(example)).toBe(false);
    expect(parseFleetYaml(example).diagnostics).toEqual([]);
    const clusters = Array.from({ length: 300 }, (_, i) => `  - name: c${i}\n    environment: dev\n    podCIDR: 10.${i % 250}.0.0/20\n    linkerd: "2.18"\n    gateway:\n      address: 192.0.2.${i % 250}\n`).join('');
    expect(compare(`apiVersion: meshfleet.dev/v1alpha1\nkind: Fleet\nmetadata:\n  name: big\nspec:\n  clusters:\n${clusters}`)).toBe(true);
  });

  it('gives the same diagnostics positions through parseFleetYaml', () => {
    const text = 'apiVersion: meshfleet.dev/v1alpha1\nkind: Fleet\nspec:\n  clusters:\n    - name: a\n      podCIDR: x\n';
    const loaded = parseFleetYaml(text, 'f.yaml');
    expect(loaded.document).toEqual({ apiVersion: 'meshfleet.dev/v1alpha1', kind: 'Fleet', spec: { clusters: [{ name: 'a', podCIDR: 'x' }] } });
    expect(loaded.locate('/spec/clusters/0/podCIDR')).toBe('f.yaml:6:16');
    expect(loaded.locate('/spec/clusters/0/missing')).toBe('f.yaml:5:7');
    expect(loaded.locate('/spec/clusters/3')).toBe('f.yaml:5:5');
  });

  it('leaves duplicate keys, too many entries and deep nesting to the full parser, which reports them', () => {
    expect(parseSimpleYaml('a: 1\nb: 2\na: 3\n', LIMITS)).toBeUndefined();
    expect(parseFleetYaml('a: 1\nb: 2\na: 3\n').diagnostics[0].message).toMatch(/line 3, column 1: Map keys must be unique/);
    expect(parseSimpleYaml(`a:\n${'  - x\n'.repeat(11)}`, { entries: 10, nesting: 64 })).toBeUndefined();
    let deep = '';
    for (let i = 0; i < 70; i++) deep += `${' '.repeat(i)}k:\n`;
    expect(parseSimpleYaml(`${deep}${' '.repeat(70)}v: 1\n`, LIMITS)).toBeUndefined();
  });
});
