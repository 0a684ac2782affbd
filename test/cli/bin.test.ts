// bin/meshfleet.js picks the compiled dist/ unless lib/ changed since the last build (a checkout),
// and always dist/ in an installed package, which has no lib/. Tried on a stand-in package whose two
// entry points only say which one ran.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/fleet.ts';

function standIn(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshfleet-bin-'));
  mkdirSync(join(dir, 'bin'));
  cpSync(join(REPO, 'bin', 'meshfleet.js'), join(dir, 'bin', 'meshfleet.js'));
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  mkdirSync(join(dir, 'lib', 'cli'), { recursive: true });
  mkdirSync(join(dir, 'imports'));
  mkdirSync(join(dir, 'dist', 'lib', 'cli'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const entry = (ran: string) => `export async function runCli(argv: string[]) { process.stdout.write('${ran} ' + argv.join(' ')); return 0; }\n`;
  writeFileSync(join(dir, 'lib', 'cli', 'main.ts'), entry('sources'));
  writeFileSync(join(dir, 'imports', 'k8s.ts'), 'export {};\n');
  writeFileSync(join(dir, 'dist', 'lib', 'cli', 'main.js'), entry('compiled').replace('argv: string[]', 'argv'));
  return dir;
}

function ran(dir: string): string {
  const result = spawnSync(process.execPath, [join(dir, 'bin', 'meshfleet.js'), 'x'], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return result.stdout;
}

const past = new Date(Date.now() - 60_000);

describe('bin/meshfleet.js', () => {
  it('runs dist/ when it was built after every change to lib/ and imports/', () => {
    const dir = standIn();
    for (const file of ['lib/cli/main.ts', 'imports/k8s.ts']) utimesSync(join(dir, file), past, past);
    writeFileSync(join(dir, 'dist', '.build-stamp'), '');
    expect(ran(dir)).toBe('compiled x');
  });

  it('runs the sources through tsx when lib/ or imports/ changed after the build, or nothing was built', () => {
    const dir = standIn();
    expect(ran(dir)).toBe('sources x');
    writeFileSync(join(dir, 'dist', '.build-stamp'), '');
    utimesSync(join(dir, 'dist', '.build-stamp'), past, past);
    expect(ran(dir)).toBe('sources x');
    utimesSync(join(dir, 'lib', 'cli', 'main.ts'), past, past);
    expect(ran(dir)).toBe('sources x'); // imports/k8s.ts is still newer
    utimesSync(join(dir, 'imports', 'k8s.ts'), new Date(past.getTime() - 1000), new Date(past.getTime() - 1000));
    expect(ran(dir)).toBe('compiled x');
  });

  it('runs dist/ in an installed package, which ships no lib/ and no build stamp', () => {
    const dir = standIn();
    rmSync(join(dir, 'lib'), { recursive: true });
    rmSync(join(dir, 'imports'), { recursive: true });
    expect(ran(dir)).toBe('compiled x');
  });
});
