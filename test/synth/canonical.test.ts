// The text incremental synth hashes for each cluster's inputs (lib/synth/incremental.ts canonical)
// is the one JSON.stringify gives with a replacer that tags Maps, Sets and undefined values and
// refuses functions, symbols, bigints and class instances: the same keys as before it was written
// without that replacer, for real resolved fleets and for every odd value.
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateFleet } from '../../bench/generate-fleet.ts';
import { canonical, digest, digestOf } from '../../lib/synth/hashing.ts';
import { fleetContext } from '../../lib/synth/render-cluster.ts';
import { planFleet } from '../../lib/synth/plan.ts';
import { linkTargetOf } from '../../lib/constructs/multicluster/gateway-ports.ts';
import { environmentDelivery } from '../../lib/resolve/delivery.ts';
import { REPO } from '../support/fleet.ts';

/** canonical as it was written first: JSON.stringify with a replacer. */
function withReplacer(value: unknown): string {
  return JSON.stringify(value, function (_key, v: unknown) {
    if (v === undefined) return '\u0000undefined';
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') throw new Error(`incremental: a ${typeof v} in the inputs`);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    if (v instanceof Map) return { '\u0000Map': [...v] };
    if (v instanceof Set) return { '\u0000Set': [...v] };
    const prototype = Object.getPrototypeOf(v) as unknown;
    if (prototype !== Object.prototype && prototype !== null) throw new Error('incremental: a class instance in the inputs');
    return v;
  });
}

/** Both texts, or both errors' messages. */
function both(value: unknown): [string, string] {
  const run = (f: (v: unknown) => string) => {
    try {
      return f(value);
    } catch (e) {
      return `throws ${(e as Error).message}`;
    }
  };
  return [run(canonical), run(withReplacer)];
}

describe('canonical', () => {
  it('gives the replacer’s text for every resolved cluster and what its key reads of the fleet', () => {
    const plan = planFleet(generateFleet(30), { baseDir: join(REPO, 'apps') });
    const fleet = plan.fleet!;
    const context = fleetContext(fleet);
    const values: unknown[] = [[fleet.name, fleet.trust, fleet.credentials], fleet.delivery];
    for (const cluster of fleet.clusters) {
      values.push(cluster, linkTargetOf(cluster), environmentDelivery(fleet.delivery, cluster.environment), [fleet.views.get(cluster.name), context.policies.get(cluster.name)]);
    }
    for (const value of values) {
      const [text, reference] = both(value);
      expect(text.startsWith('throws')).toBe(false);
      expect(text).toBe(reference);
    }
  });

  it('tags Maps, Sets, undefined values and holes at any depth, and leaves the value it is given as it was', () => {
    const inner = { a: undefined, b: [1, , 3], m: new Map<unknown, unknown>([['k', new Set([undefined, { x: 1 }])]]) };
    const value = { list: [inner, { __proto__: null, '2': 'two', '1': 'one', z: -0, n: NaN }], date: new Date(0), buffer: Buffer.from('hi') };
    const before = withReplacer(value);
    const [text, reference] = both(value);
    expect(text).toBe(reference);
    expect(text).toContain('"\\u0000Map"');
    expect(withReplacer(value)).toBe(before);
    expect(inner.m).toBeInstanceOf(Map);
    // A "__proto__" key of data stays a key (JSON.parse makes it an own property).
    const proto = Object.assign(JSON.parse('{"__proto__": {"x": [1, null]}}') as object, { u: undefined });
    const [protoText, protoReference] = both(proto);
    expect(protoText).toBe(protoReference);
    expect(protoText).toContain('"__proto__"');
  });

  it('refuses what its effect cannot be known of, as the replacer does', () => {
    class Thing {
      readonly x = 1;
    }
    for (const value of [() => 1, { f: () => 1 }, [Symbol('s')], { n: 1n }, new Thing(), [new Uint8Array(2)], new Map([['k', new Thing()]]), Object(1) as unknown]) {
      const [text, reference] = both(value);
      expect(text).toMatch(/^throws incremental: a /);
      expect(text).toBe(reference);
    }
  });

  it('gives the replacer’s text for arbitrary JSON-like values with Maps, Sets and undefined (property)', () => {
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), fc.constant(undefined), tie('array'), tie('object'), tie('map'), tie('set')),
      array: fc.array(tie('tree'), { maxLength: 4 }),
      object: fc.dictionary(fc.string(), tie('tree'), { maxKeys: 4 }),
      map: fc.array(fc.tuple(tie('tree'), tie('tree')), { maxLength: 3 }).map((entries) => new Map(entries)),
      set: fc.array(tie('tree'), { maxLength: 3 }).map((items) => new Set(items)),
    }));
    fc.assert(
      fc.property(tree, (value) => {
        const [text, reference] = both(value);
        expect(text).toBe(reference);
      }),
      { numRuns: 300 },
    );
  });
});

describe('digestOf', () => {
  it('is the digest of the texts each ended by a NUL, so that no two lists of texts give one text', () => {
    expect(digestOf('a', 'b')).toBe(digest('a\0b\0'));
    expect(digestOf()).toBe(digest(''));
    expect(digestOf('ab', '')).not.toBe(digestOf('a', 'b'));
    expect(digestOf('é', '{"x":1}')).toBe(digest('é\0{"x":1}\0'));
  });
});
