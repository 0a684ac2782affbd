// Output layer: template escaping, chart versions by content, atomic writes.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recoverInterruptedSwap, stageTree, writeTreeAtomically } from '../../lib/output/atomic-write.ts';
import { escapeTemplate } from '../../lib/output/helm-chart.ts';
import { nextVersion } from '../../lib/output/versioning.ts';

describe('escapeTemplate', () => {
  it('turns every {{ into a template that prints it', () => {
    expect(escapeTemplate('a: "{{ .Values.x }} and {{y}}"')).toBe('a: "{{ "{{" }} .Values.x }} and {{ "{{" }}y}}"');
    expect(escapeTemplate('plain: text }}')).toBe('plain: text }}');
  });
});

describe('nextVersion', () => {
  const previous = { version: '1.4.2', hash: 'h1', linkerd: '2.19' };
  it('keeps the version for the same content', () => expect(nextVersion(previous, 'h1', '2.19')).toBe('1.4.2'));
  it('bumps the patch for new content', () => expect(nextVersion(previous, 'h2', '2.19')).toBe('1.4.3'));
  it('bumps the minor for a new Linkerd version', () => expect(nextVersion(previous, 'h2', '2.20')).toBe('1.5.0'));
  it('starts new charts at 0.1.0', () => expect(nextVersion(undefined, 'h', '2.20')).toBe('0.1.0'));
});

describe('writeTreeAtomically', () => {
  it('replaces the whole folder, leaving no temp folders behind', () => {
    const root = mkdtempSync(join(tmpdir(), 'meshfleet-write-'));
    const out = join(root, 'charts-out');
    writeTreeAtomically(out, new Map([['a/one.yaml', '1'], ['two.yaml', '2']]));
    writeTreeAtomically(out, new Map([['a/three.yaml', '3']]));
    expect(existsSync(join(out, 'two.yaml'))).toBe(false);
    expect(readFileSync(join(out, 'a', 'three.yaml'), 'utf8')).toBe('3');
    expect(readFileSync(join(root, 'charts-out', 'a', 'three.yaml'), 'utf8')).toBe('3');
    expect(readdirSync(root)).toStrictEqual(['charts-out']);
  });

  it('undoes a swap that was cut between its two renames', () => {
    const root = mkdtempSync(join(tmpdir(), 'meshfleet-write-'));
    // GIVEN a run killed after moving the old output aside and before moving the new one in
    mkdirSync(join(root, '.charts-out.old-123'));
    writeFileSync(join(root, '.charts-out.old-123', 'x.yaml'), 'previous');
    mkdirSync(join(root, '.charts-out.tmp-abc'));
    // WHEN the next run starts
    recoverInterruptedSwap(join(root, 'charts-out'));
    // THEN the previous output is back and the half-written folder is gone
    expect(readFileSync(join(root, 'charts-out', 'x.yaml'), 'utf8')).toBe('previous');
    expect(existsSync(join(root, '.charts-out.tmp-abc'))).toBe(false);
  });

  it('streams files into a staged folder the output gets only on commit; abort leaves the previous output', () => {
    const root = mkdtempSync(join(tmpdir(), 'meshfleet-write-'));
    const out = join(root, 'charts-out');
    writeTreeAtomically(out, new Map([['a/one.yaml', '1']]));
    // GIVEN files written one by one into a staged output
    const aborted = stageTree(out);
    aborted.write('b/two.yaml', 'two');
    expect(readFileSync(join(out, 'a', 'one.yaml'), 'utf8')).toBe('1');
    // WHEN it is aborted (synth found an error after streaming some clusters)
    aborted.abort();
    // THEN the previous output is as it was and nothing is left beside it
    expect(readdirSync(root)).toStrictEqual(['charts-out']);
    expect(readdirSync(out)).toStrictEqual(['a']);
    // AND a committed one replaces the folder whole, with the sizes it wrote
    const committed = stageTree(out);
    committed.write('b/two.yaml', 'two');
    committed.write('three.yaml', 'drei');
    committed.commit();
    expect([...committed.sizes]).toStrictEqual([['b/two.yaml', 3], ['three.yaml', 4]]);
    expect(readdirSync(out).sort()).toStrictEqual(['b', 'three.yaml']);
    expect(readdirSync(root)).toStrictEqual(['charts-out']);
    expect(() => committed.write('late.yaml', '')).toThrow(/committed or aborted/);
  });

  it('writes a file given as bytes in pieces as their concatenation, recording its byte size', () => {
    const root = mkdtempSync(join(tmpdir(), 'meshfleet-write-'));
    const out = join(root, 'charts-out');
    const staged = stageTree(out);
    // More pieces than one writev takes (IOV_MAX is 1024 on Linux), some of them the same buffer, UTF-8 among them.
    const comma = Buffer.from(',');
    const pieces = [Buffer.from('['), ...Array.from({ length: 3000 }, (_, i) => (i % 2 ? comma : Buffer.from(`"é${i}"`))), Buffer.from(']')];
    staged.write('index.json', pieces);
    staged.write('empty.json', []);
    staged.commit();
    const expected = Buffer.concat(pieces);
    expect(readFileSync(join(out, 'index.json')).equals(expected)).toBe(true);
    expect(staged.sizes.get('index.json')).toBe(expected.length);
    expect(readFileSync(join(out, 'empty.json'), 'utf8')).toBe('');
    expect(staged.sizes.get('empty.json')).toBe(0);
  });

  it.each([
    ['a file changed', (staged: string) => writeFileSync(join(staged, 'a', 'one.yaml'), 'longer'), 'a/one.yaml'],
    ['a file removed', (staged: string) => rmSync(join(staged, 'b', 'c', 'two.yaml')), 'b/c/two.yaml'],
    ['a file added', (staged: string) => writeFileSync(join(staged, 'a', 'stray.yaml'), 'x'), 'a/stray.yaml'],
  ])('refuses to swap in a staged tree another program touched (%s), leaving the previous output', (_what, touch, named) => {
    const root = mkdtempSync(join(tmpdir(), 'meshfleet-write-'));
    const out = join(root, 'charts-out');
    writeTreeAtomically(out, new Map([['previous.yaml', 'p']]));
    const staged = stageTree(out);
    staged.write('a/one.yaml', 'one');
    staged.write('b/c/two.yaml', 'two');
    staged.write('./b/../three.yaml', 'three');
    const temp = readdirSync(root).find((entry) => entry.startsWith('.charts-out.tmp-'))!;
    expect(readFileSync(join(root, temp, 'three.yaml'), 'utf8')).toBe('three');
    touch(join(root, temp));
    expect(() => staged.commit()).toThrow(new RegExp(`not what was written \\(${named.replace(/\./g, '\\.')}\\)`));
    expect(readdirSync(root)).toStrictEqual(['charts-out']);
    expect(readdirSync(out)).toStrictEqual(['previous.yaml']);
  });
});
