// bin/meshfleet.js picks the compiled dist/ unless lib/ changed since the last build (a checkout),
// and always dist/ in an installed package, which has no lib/. Tried on a stand-in package whose two
// entry points only say which one ran.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/fleet.ts';

function standIn(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshfleet-bin-'));
  mkdirSync(join(dir, 'bin'));
  for (const file of ['meshfleet.js', 'spare-thread.js', 'read-bundle.js', 'package.json']) cpSync(join(REPO, 'bin', file), join(dir, 'bin', file));
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  mkdirSync(join(dir, 'lib', 'cli'), { recursive: true });
  mkdirSync(join(dir, 'imports'));
  mkdirSync(join(dir, 'dist', 'lib', 'cli'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const entry = (ran: string) => `export function allowCompilerTuning() {}\nexport async function runCli(argv: string[]) { process.stdout.write('${ran} ' + argv.join(' ')); return 0; }\n`;
  writeFileSync(join(dir, 'lib', 'cli', 'main.ts'), entry('sources'));
  writeFileSync(join(dir, 'imports', 'k8s.ts'), 'export {};\n');
  writeFileSync(join(dir, 'dist', 'lib', 'cli', 'main.js'), entry('compiled').replace('argv: string[]', 'argv'));
  return dir;
}

function ran(dir: string, argv: readonly string[] = ['x'], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(process.execPath, [join(dir, 'bin', 'meshfleet.js'), ...argv], { encoding: 'utf8', env });
  expect(result.stderr).toBe('');
  return result.stdout;
}

const past = new Date(Date.now() - 60_000);

/** A bundle's code as scripts/build.mjs writes it: the function expression bin compiles. */
const asBuilt = (code: string) => `(function (exports, require, module, __filename, __dirname, importModule) {${code}\n})\n`;

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

  it('exits once the command returns and its output is out: whatever it printed, its exit code, exit handlers run, a pending timer not waited for', () => {
    const dir = standIn();
    rmSync(join(dir, 'lib'), { recursive: true });
    rmSync(join(dir, 'imports'), { recursive: true });
    const marker = join(dir, 'exit-handler-ran');
    // More than a pipe holds, on both streams; a timer that would keep Node's event loop alive for a minute.
    writeFileSync(
      join(dir, 'dist', 'lib', 'cli', 'main.js'),
      `import { writeFileSync } from 'node:fs';
export function allowCompilerTuning() {}
export async function runCli() {
  process.once('exit', () => writeFileSync(${JSON.stringify(marker)}, 'ran'));
  setTimeout(() => {}, 60_000);
  process.stdout.write('o'.repeat(4 << 20) + '\\n');
  process.stderr.write('e'.repeat(1 << 20) + '\\n');
  return 3;
}
`,
    );
    const started = Date.now();
    const result = spawnSync(process.execPath, [join(dir, 'bin', 'meshfleet.js'), 'x'], { encoding: 'utf8', maxBuffer: 16 << 20, timeout: 15_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.status).toBe(3);
    expect(result.stdout).toBe('o'.repeat(4 << 20) + '\n');
    expect(result.stderr).toBe('e'.repeat(1 << 20) + '\n');
    expect(readdirSync(dir)).toContain('exit-handler-ran');
  });

  it('runs the bundle the build made, with V8 code cache data per command, and imports what it does not hold through bin', () => {
    const dir = standIn();
    rmSync(join(dir, 'lib'), { recursive: true });
    // A CommonJS bundle (as scripts/build.mjs writes it) that imports a module from outside itself.
    // Its withCompilerFlags logs the flags bin makes the code cache with, and the size of what it made.
    const made = join(dir, 'made');
    const bundle =
      "exports.allowCompilerTuning = () => {}; exports.withCompilerFlags = (state, make) => { const data = make(); require('node:fs').appendFileSync(process.env.MADE, state + ' ' + data.length + '\\n'); return data; }; exports.runCli = async (argv) => { const { sep } = await importModule('node:path'); process.stdout.write('bundled ' + argv.join(' ') + ' ' + sep); return 0; };\n";
    writeFileSync(join(dir, 'dist', 'lib', 'cli', 'main.bundle.cjs'), asBuilt(bundle));
    const env = { ...process.env, MESHFLEET_CACHE_DIR: join(dir, 'cache'), MADE: made };
    const data = () => readdirSync(join(dir, 'cache')).filter((file) => file.endsWith('.v8-cache'));
    expect(ran(dir, ['synth'], env)).toBe('bundled synth /');
    expect(data()).toMatchObject([expect.stringMatching(/^cli-synth-[0-9a-f]{32}\.v8-cache$/)]);
    // Made with V8's default flags, which the next run reads it under (render workers may have tuned them: lib/compiler-tuning.ts).
    expect(readFileSync(made, 'utf8')).toBe(`default ${statSync(join(dir, 'cache', data()[0]!)).size}\n`);
    // Compiled from the data the first run left: import() still works (in Node 20 it would not).
    expect(ran(dir, ['synth'], env)).toBe('bundled synth /');
    expect(ran(dir, ['lint'], env)).toBe('bundled lint /');
    expect(data()).toHaveLength(2);
    // Data that is not V8's only costs the compile.
    for (const file of data()) writeFileSync(join(dir, 'cache', file), 'garbage');
    expect(ran(dir, ['synth'], env)).toBe('bundled synth /');
    // Help and the version load the few modules they need, not the bundle.
    expect(ran(dir, ['--version'], env)).toBe('compiled --version');
    expect(ran(dir, ['--help'], env)).toBe('compiled --help');
  });

  it('never runs code cache data of another bundle: a rebuilt or edited bundle of the same length runs as written', () => {
    const dir = standIn();
    rmSync(join(dir, 'lib'), { recursive: true });
    const file = join(dir, 'dist', 'lib', 'cli', 'main.bundle.cjs');
    const stamp = join(dir, 'dist', '.build-stamp');
    const env = { ...process.env, MESHFLEET_CACHE_DIR: join(dir, 'cache') };
    const bundle = (word: string) => `exports.allowCompilerTuning = () => {}; exports.withCompilerFlags = (state, make) => make(); exports.runCli = async () => { process.stdout.write('${word}'); return 0; };\n`;
    const data = () => readdirSync(join(dir, 'cache')).filter((name) => name.endsWith('.v8-cache'));
    // Named by the build's hash (no hashing of the bundle on every start), its size and its time.
    writeFileSync(stamp, `meshfleet-build ${'a'.repeat(64)}\n`);
    writeFileSync(file, asBuilt(bundle('first')));
    utimesSync(file, past, past);
    expect(ran(dir, ['synth'], env)).toBe('first');
    expect(ran(dir, ['synth'], env)).toBe('first');
    expect(data()).toHaveLength(1);
    // An edit (same length, same stamp): another time.
    writeFileSync(file, asBuilt(bundle('other')));
    expect(ran(dir, ['synth'], env)).toBe('other');
    // A rebuild (same length, a new stamp), even with the time of the first.
    writeFileSync(file, asBuilt(bundle('third')));
    utimesSync(file, past, past);
    writeFileSync(stamp, `meshfleet-build ${'b'.repeat(64)}\n`);
    expect(ran(dir, ['synth'], env)).toBe('third');
    // A stamp without the hash (an older build): named by the bundle's content.
    writeFileSync(stamp, '');
    writeFileSync(file, asBuilt(bundle('forth')));
    utimesSync(file, past, past);
    expect(ran(dir, ['synth'], env)).toBe('forth');
    expect(ran(dir, ['synth'], env)).toBe('forth');
    writeFileSync(file, asBuilt(bundle('fifth')));
    utimesSync(file, past, past);
    expect(ran(dir, ['synth'], env)).toBe('fifth');
  });

  it('reads a bundle as built as one-byte text, and one changed after the build as what it is (UTF-8)', () => {
    const dir = standIn();
    rmSync(join(dir, 'lib'), { recursive: true });
    const file = join(dir, 'dist', 'lib', 'cli', 'main.bundle.cjs');
    const env = { ...process.env, MESHFLEET_CACHE_DIR: join(dir, 'cache') };
    const bundle = (word: string) => `exports.allowCompilerTuning = () => {}; exports.withCompilerFlags = (state, make) => make(); exports.runCli = async () => { process.stdout.write(${JSON.stringify(word)}); return 0; };\n`;
    // The build writes the bundle, then its stamp.
    writeFileSync(file, asBuilt(bundle('built')));
    utimesSync(file, past, past);
    writeFileSync(join(dir, 'dist', '.build-stamp'), `meshfleet-build ${'a'.repeat(64)}\n`);
    expect(ran(dir, ['synth'], env)).toBe('built');
    // Edited after the build, with characters the build would have escaped.
    writeFileSync(file, asBuilt(bundle('édité en µs')));
    expect(ran(dir, ['synth'], env)).toBe('édité en µs');
  });

  it("removes a command's code cache data of older builds when it writes its own, keeping the most recent few", () => {
    const dir = standIn();
    rmSync(join(dir, 'lib'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'lib', 'cli', 'main.bundle.cjs'), asBuilt("exports.allowCompilerTuning = () => {}; exports.withCompilerFlags = (state, make) => make(); exports.runCli = async () => 0;\n"));
    const cache = join(dir, 'cache');
    mkdirSync(cache);
    // Data of four older builds for synth (the higher the newer), of one for lint, a killed run's
    // temporary file and a running one's.
    const older = [1, 2, 3, 4].map((i) => `cli-synth-${String(i).repeat(32)}.v8-cache`);
    const others = [`cli-lint-${'1'.repeat(32)}.v8-cache`, `cli-synth-${'5'.repeat(32)}.v8-cache.77.tmp`];
    for (const file of [...older, ...others, `cli-synth-${'6'.repeat(32)}.v8-cache.78.tmp`]) writeFileSync(join(cache, file), 'old');
    older.forEach((file, i) => utimesSync(join(cache, file), new Date(past.getTime() - (10 - i) * 1000), new Date(past.getTime() - (10 - i) * 1000)));
    utimesSync(join(cache, `cli-synth-${'6'.repeat(32)}.v8-cache.78.tmp`), new Date(Date.now() - 7_200_000), new Date(Date.now() - 7_200_000));
    ran(dir, ['synth'], { ...process.env, MESHFLEET_CACHE_DIR: cache });
    const synthData = readdirSync(cache).filter((file) => file.startsWith('cli-synth-') && file.endsWith('.v8-cache'));
    // This build's and the two most recent older ones.
    expect(synthData.filter((file) => !older.includes(file))).toHaveLength(1);
    expect(synthData.filter((file) => older.includes(file)).sort()).toStrictEqual(older.slice(2));
    expect(readdirSync(cache).filter((file) => !synthData.includes(file)).sort()).toStrictEqual(others.sort());
  });
});
