// CEL parse trees kept between runs (lib/validate/cel-environment.ts): a stored tree is exactly the
// tree the parser gives, a run reads the store instead of parsing, and a corrupt store only costs
// the parse.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeTree, encodeTree } from '../../lib/validate/cel-environment.ts';
import { listCelRules } from '../../lib/validate/cel-rules.ts';
import { REPO } from '../support/fleet.ts';

const cel = createRequire(import.meta.url)('@bufbuild/cel') as typeof import('@bufbuild/cel');

describe('the encoding of CEL parse trees', () => {
  it('gives back exactly the tree the parser built, for every rule and message of every CRD schema and for literals JSON lacks', () => {
    const dir = join(REPO, 'schemas', 'crds');
    const texts = new Set<string>();
    for (const file of readdirSync(dir).filter((name) => name !== 'index.json')) {
      for (const { rule } of listCelRules(JSON.parse(readFileSync(join(dir, file), 'utf8')))) {
        texts.add(rule.rule);
        if (rule.messageExpression !== undefined) texts.add(rule.messageExpression);
      }
    }
    expect(texts.size).toBeGreaterThan(100);
    const literals = ['b"\\xff\\x00"', '1e999 > 0.0', '-0.0', '18446744073709551615u', '-9223372036854775808', "'ünï' + \"\\u00e9\"", 'has(self.a) && self.b.all(x, x in [1, 2.5, null, true])'];
    for (const text of [...texts, ...literals]) {
      const tree = cel.parse(text);
      const again = decodeTree(encodeTree(tree));
      if (!isDeepStrictEqual(again, tree)) expect.fail(`the tree of ${text} changed in the store`);
    }
    // Not a check that cannot fail: the tags are needed, plain JSON loses the bigint ids.
    expect(() => JSON.stringify(cel.parse('1'))).toThrow();
  });
});

describe('the store of CEL parse trees', () => {
  let dir: string;
  const saved = process.env.MESHFLEET_CACHE_DIR;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'meshfleet-cel-trees-'));
    process.env.MESHFLEET_CACHE_DIR = dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.MESHFLEET_CACHE_DIR;
    else process.env.MESHFLEET_CACHE_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  /** A process that compiles and runs rules on `self`, then exits: the results it printed. */
  function runInChild(rules: readonly string[], self: unknown): unknown[] {
    const script = `import { compileRule } from ${JSON.stringify(pathToFileURL(join(REPO, 'lib', 'validate', 'cel-environment.ts')).href)};
      const results = ${JSON.stringify(rules)}.map((text) => { const c = compileRule(text); return c.kind === 'program' ? c.run({ self: ${JSON.stringify(self)} }) : c.kind; });
      process.stdout.write(JSON.stringify(results));`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8', env: { ...process.env, MESHFLEET_CACHE_DIR: dir } });
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as unknown[];
  }
  const storeFiles = () => readdirSync(dir).filter((file) => file.startsWith('cel-parse-trees-'));

  it('is written at exit with the rules a run parsed, and read by the next run instead of parsing', () => {
    expect(runInChild(['self.x == 1', 'self.y.startsWith("a")', 'self == oldSelf'], { x: 1, y: 'abc' })).toStrictEqual([true, true, 'transition']);
    const [file] = storeFiles();
    // Named by the version of the @bufbuild/cel that Node resolves from the code, and the format.
    const celPackage = JSON.parse(readFileSync(join(REPO, 'node_modules', '@bufbuild', 'cel', 'package.json'), 'utf8')) as { version: string };
    expect(file).toBe(`cel-parse-trees-${celPackage.version}-2.json`);
    const stored = JSON.parse(readFileSync(join(dir, file!), 'utf8')) as Record<string, string>;
    expect(Object.keys(stored).sort()).toStrictEqual(['self == oldSelf', 'self.x == 1', 'self.y.startsWith("a")']);
    // What is kept of a rule is its expression, exactly, without the parser's source info.
    for (const [text, tree] of Object.entries(stored)) expect(isDeepStrictEqual(decodeTree(tree), cel.parse(text).expr)).toBe(true);
    // A planted tree (of another rule) is what the next run evaluates: it reads, it does not parse.
    stored['self.x == 1'] = encodeTree(cel.parse('self.x == 2').expr);
    writeFileSync(join(dir, file!), JSON.stringify(stored));
    expect(runInChild(['self.x == 1', 'self.z > 0'], { x: 1, z: 1 })).toStrictEqual([false, true]);
    // The second run added its new rule and kept the others.
    expect(Object.keys(JSON.parse(readFileSync(join(dir, file!), 'utf8')) as object).sort()).toStrictEqual(['self == oldSelf', 'self.x == 1', 'self.y.startsWith("a")', 'self.z > 0']);
  });

  it('tells transition rules and calls of unimplemented Kubernetes functions from the stored expression as from a parse', () => {
    const rules = ['self.all(x, x == oldSelf[0])', 'self.exists(x, isURL(x))', 'format.dns1123Label().validate(self) == optional.none()', 'self.all(x, x.size() > 0)'];
    const fresh = runInChild(rules, ['a']);
    expect(fresh.slice(0, 3)).toStrictEqual(['transition', 'unsupported', 'unsupported']);
    expect(runInChild(rules, ['a'])).toStrictEqual(fresh);
  });

  it('costs only the parse when corrupt, and keeps no rule that does not parse', async () => {
    runInChild(['self.x == 1'], { x: 1 });
    const [file] = storeFiles();
    writeFileSync(join(dir, file!), '{"self.x == 1": "{not json", "self.y == 1": 7');
    expect(runInChild(['self.x == 1'], { x: 1 })).toStrictEqual([true]);
    writeFileSync(join(dir, file!), JSON.stringify({ 'self.x == 1': '{"broken": ' }));
    expect(runInChild(['self.x == 1'], { x: 1 })).toStrictEqual([true]);
    // In this process: a syntax error still throws, and nothing is stored for it.
    vi.resetModules();
    const { compileRule } = await import('../../lib/validate/cel-environment.ts');
    expect(() => compileRule('self.x ==')).toThrow();
  });
});
