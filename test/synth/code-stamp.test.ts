// Compiled code is named in synth's incremental cache by the hash the build wrote into
// dist/.build-stamp (scripts/build.mjs), not by stat-ing dist/ on every run; the sources, or a
// build without that hash, are stamped file by file.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildStampOf, dependencyVersions, hashFolder } from '../../lib/synth/hashing.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
/** A new empty folder, removed after the test. */
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshfleet-stamp-'));
  dirs.push(dir);
  return dir;
};

describe('buildStampOf', () => {
  const packageRoot = () => {
    const dir = folder();
    mkdirSync(join(dir, 'dist', 'lib'), { recursive: true });
    mkdirSync(join(dir, 'lib'));
    return dir;
  };
  const hash = 'ab'.repeat(32);

  it("is the build's hash for compiled code", () => {
    const dir = packageRoot();
    writeFileSync(join(dir, 'dist', '.build-stamp'), `meshfleet-build ${hash}\n`);
    expect(buildStampOf(join(dir, 'dist', 'lib'))).toBe(hash);
  });

  it('is nothing for the sources, without a stamp, or with a stamp that holds no hash (an older build)', () => {
    const dir = packageRoot();
    writeFileSync(join(dir, 'dist', '.build-stamp'), `meshfleet-build ${hash}\n`);
    expect(buildStampOf(join(dir, 'lib'))).toBeUndefined();
    writeFileSync(join(dir, 'dist', '.build-stamp'), '');
    expect(buildStampOf(join(dir, 'dist', 'lib'))).toBeUndefined();
    rmSync(join(dir, 'dist', '.build-stamp'));
    expect(buildStampOf(join(dir, 'dist', 'lib'))).toBeUndefined();
  });
});

describe('the stamp of data folders and dependencies', () => {
  const stampOf = (dir: string) => {
    const hash = createHash('sha256');
    hashFolder(hash, dir);
    return hash.digest('hex');
  };
  const write = (dir: string, path: string, text: string, time = 1_700_000_000) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
    utimesSync(join(dir, path), time, time);
  };

  it('names every file of a folder tree by path, size and time, whatever order they were made in', () => {
    const a = folder();
    const b = folder();
    write(a, 'crds/x.json', '{}');
    write(a, 'index.json', '[]');
    write(b, 'index.json', '[]');
    write(b, 'crds/x.json', '{}');
    expect(stampOf(a)).toBe(stampOf(b));
    write(b, 'crds/deeper/y.json', '1');
    const added = stampOf(b);
    expect(added).not.toBe(stampOf(a));
    // By size and time, not content (a tenth of the cost): an edit changes one or the other.
    write(b, 'crds/deeper/y.json', '22');
    expect(stampOf(b)).not.toBe(added);
    write(b, 'crds/deeper/y.json', '1', 1_700_000_001);
    expect(stampOf(b)).not.toBe(added);
  });

  it('leaves declarations out, and a missing folder adds nothing', () => {
    const a = folder();
    write(a, 'x.js', 'x');
    const before = stampOf(a);
    write(a, 'x.d.ts', 'declare const x: string;');
    expect(stampOf(a)).toBe(before);
    expect(stampOf(join(a, 'missing'))).toBe(createHash('sha256').digest('hex'));
  });

  it('finds each package in the first node_modules folder that has it, as Node resolves it', () => {
    const root = folder();
    const near = join(root, 'near', 'node_modules');
    const far = join(root, 'node_modules');
    write(near, 'b/package.json', JSON.stringify({ version: '2.0.0' }));
    write(far, 'a/package.json', JSON.stringify({ version: '1.0.0' }));
    write(far, 'b/package.json', JSON.stringify({ version: '1.5.0' }));
    const paths = [join(root, 'missing', 'node_modules'), near, far];
    const require = { resolve: { paths: () => paths } } as unknown as NodeJS.Require;
    expect(dependencyVersions(['c', 'b', 'a'], require)).toEqual([
      ['a', '1.0.0'],
      ['b', '2.0.0'],
      ['c', '-'],
    ]);
  });
});
