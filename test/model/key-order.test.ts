// The key order meshfleet sorts in is Array.prototype.sort()'s, made without V8's allocations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortKeysInPlace } from '../../lib/model/key-order.ts';

describe('sortKeysInPlace', () => {
  // Index-like, upper and lower case, astral and lone surrogates: UTF-16 code unit order, not locale or number order.
  const key = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.nat(100).map(String), fc.constantFrom('a', 'B', '_', '10', '9', '\u{1F600}', '\uffff', '\ud800'));
  const sortsAsArraySort = (keys: string[]) => {
    const expected = [...keys].sort();
    const given = [...keys];
    expect(sortKeysInPlace(given)).toBe(given);
    expect(given).toStrictEqual(expected);
  };

  it("gives Array.prototype.sort()'s order for any distinct keys", () => {
    fc.assert(fc.property(fc.uniqueArray(key, { maxLength: 16 }), sortsAsArraySort), { numRuns: 500 });
  });

  it('gives the same order on either side of the length where it hands a list to Array.prototype.sort', () => {
    // Lists of 28 to 40 keys: the insertion sort up to 32, V8's sort beyond.
    fc.assert(fc.property(fc.uniqueArray(key, { minLength: 28, maxLength: 40 }), sortsAsArraySort), { numRuns: 200 });
  });

  it('sorts the way cdk8s writes keys: "10" before "9", capitals before lower case', () => {
    expect(sortKeysInPlace(['meshfleet.dev/fleet', 'meshfleet.dev/cluster', 'b', 'A', '9', '10'])).toStrictEqual(['10', '9', 'A', 'b', 'meshfleet.dev/cluster', 'meshfleet.dev/fleet']);
  });
});
