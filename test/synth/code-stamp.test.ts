// Compiled code is named in synth's incremental cache by the hash the build wrote into
// dist/.build-stamp (scripts/build.mjs), not by stat-ing dist/ on every run; the sources, or a
// build without that hash, are stamped file by file.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildStampOf } from '../../lib/synth/incremental.ts';

describe('buildStampOf', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const packageRoot = () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshfleet-stamp-'));
    dirs.push(dir);
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
