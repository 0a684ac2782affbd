// The order meshfleet writes an object's keys in when it sorts them: Array.prototype.sort()'s
// (UTF-16 code units, which `<` on strings compares too), as cdk8s's sanitizeValue gives it.
//
// V8's sort allocates its own state and a copy of the array on every call: at 1000 clusters the
// ~400 key lists sorted per cluster made 13% of everything a synth allocated (a sampling heap
// profile: 330 of 2,470 MB). Key lists are short and mostly sorted already, so an insertion sort in
// place costs a comparison per key and allocates nothing.

/** Sorts the keys in place (distinct strings: stability does not arise) and returns them. */
export function sortKeysInPlace(keys: string[]): string[] {
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}
