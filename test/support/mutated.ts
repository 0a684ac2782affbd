// Wrong versions of a valid document, for tests that compare two validators' errors on bad input.

export type Mutation = 'types' | 'unknown' | 'empty';

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Wrong values everywhere: each leaf of another type (`types`), an unknown field in each object
 * (`unknown`), or every object `emptyEvery` levels deep emptied, so its required fields are missing (`empty`).
 */
export function mutated(value: unknown, how: Mutation, emptyEvery: number, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((item) => mutated(item, how, emptyEvery, depth + 1));
  if (isObject(value)) {
    if (how === 'empty' && depth > 0 && depth % emptyEvery === 0) return {};
    const object = Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mutated(item, how, emptyEvery, depth + 1)]));
    return how === 'unknown' ? { ...object, unknownField: 1 } : object;
  }
  if (how !== 'types') return value;
  return typeof value === 'string' ? 7 : typeof value === 'number' ? 'seven' : typeof value === 'boolean' ? 'yes' : value;
}
