// Rewrites the undefined-value filter `cdk8s import` emits in every generated toJson_ function,
// `Object.entries(x).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {})`,
// which copies the accumulated object once per key (quadratic in keys, and most of the garbage of
// turning an object into JSON), into a call of a linear helper with the same result: a new plain
// object with x's own enumerable string keys, in the same order, whose values are not undefined.
// gen-imports.mjs runs it after every import; `node scripts/imports-linear-filter.mjs` reapplies it
// to imports/ as they are (idempotent). test/constructs/imports-filter.test.ts checks the helper
// against the generated expression.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FILTER = /Object\.entries\(([\w.]+)\)\.reduce\(\(r, i\) => \(i\[1\] === undefined\) \? r : \(\{ \.\.\.r, \[i\[0\]\]: i\[1\] \}\), \{\}\)/g;
export const HELPER_NAME = 'definedEntries';
const HELPER = `
/**
 * A new object with obj's own enumerable string keys, in order, whose values are not undefined: what
 * \`Object.entries(obj).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {})\`
 * returns, in linear time (rewritten by scripts/imports-linear-filter.mjs).
 */
function ${HELPER_NAME}(obj: object): Record<string, any> {
  const out: Record<string, any> = {};
  for (const key of Object.keys(obj)) {
    const value = (obj as Record<string, any>)[key];
    if (value === undefined) continue;
    // An own "__proto__" key, as the spread's computed key defines it (assignment would set the prototype).
    if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}
`;

/** The generated module's text with the quadratic filters replaced by the helper. */
export function linearFilters(text) {
  const rewritten = text.replace(FILTER, `${HELPER_NAME}($1)`);
  if (rewritten === text || text.includes(`function ${HELPER_NAME}(`)) return rewritten;
  return rewritten + HELPER;
}

export function rewriteImports(folder) {
  for (const name of readdirSync(folder)) {
    if (!name.endsWith('.ts')) continue;
    const path = join(folder, name);
    const text = readFileSync(path, 'utf8');
    const rewritten = linearFilters(text);
    if (rewritten !== text) writeFileSync(path, rewritten);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  rewriteImports(join(dirname(fileURLToPath(import.meta.url)), '..', 'imports'));
}
