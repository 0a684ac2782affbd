#!/usr/bin/env node
// Entry point of the meshfleet command. It runs the compiled library (dist/, `npm run build`), which
// loads a TypeScript transpiler only for TypeScript fleets. In a checkout where lib/ changed since the
// last build it runs the sources through tsx instead, so it never runs stale code.
//
// CommonJS (bin/package.json), though the package is ES modules: an ES module entry starts Node's ES
// module loader before any of our code runs, which cost every command some 30 ms of CPU; import()
// still loads dist/, tsx and the fleet's modules where they are needed.
'use strict';

const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');

const root = `${dirname(__dirname)}/`;

/** True when no file under the folder changed after the time (ms). Strings, not URLs: it is on every start. */
function unchangedSince(dir, time) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory() ? !unchangedSince(path, time) : statSync(path).mtimeMs > time) return false;
  }
  return true;
}

function compiledIsCurrent() {
  // An installed package ships dist/ without lib/.
  if (!existsSync(`${root}lib`)) return true;
  const stamp = statSync(`${root}dist/.build-stamp`, { throwIfNoEntry: false });
  return stamp !== undefined && unchangedSince(`${root}lib`, stamp.mtimeMs) && unchangedSince(`${root}imports`, stamp.mtimeMs);
}

/**
 * The CLI bundled in one file by the build (scripts/build.mjs), run with V8's code cache: what the
 * last successful run of the same command compiled is loaded, not compiled again. The cache lives
 * with the other generated code (lib/compiled-cache.ts: node_modules/.cache/meshfleet of the package,
 * or MESHFLEET_CACHE_DIR), named by the bundle (readBundle) and the V8 version; a missing,
 * refused or unwritable one only costs the compile.
 */
function bundledCli(file) {
  // Loaded here, not at the top: help and the version (and the sources' path) need neither.
  const { createHash } = require('node:crypto');
  const { Script } = require('node:vm');
  const { readBundle, bundleSource } = require('./read-bundle.js');
  const read = readBundle(file, `${root}dist/.build-stamp`);
  const code = bundleSource(read);
  const { identity } = read;
  const folder = process.env.MESHFLEET_CACHE_DIR || `${root}node_modules/.cache/meshfleet`;
  // Per command: each one's data holds the functions that command runs.
  const command = /^[a-z]{1,16}$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
  const hash = createHash('sha256').update(`${process.versions.v8} ${process.arch}\n`).update(identity).digest('hex').slice(0, 32);
  const dataFile = `${folder}/cli-${command}-${hash}.v8-cache`;
  let cachedData;
  try {
    cachedData = readFileSync(dataFile);
  } catch {
    // None yet: written when this run ends well.
  }
  // The build writes the bundle as a function expression of (exports, require, module, __filename,
  // __dirname, importModule), compiled as read: wrapped here, its 2.9 MB were copied once more. In
  // Node 20 code compiled from cached data cannot import(); the bundle imports what it does not hold
  // (a TypeScript fleet, tsx) through importModule, this module's import().
  const script = new Script(code, { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', (exitCode) => {
      // Made with V8's default flags, which the next run reads it under: render workers may have tuned them (lib/compiler-tuning.ts).
      if (exitCode === 0 && saveAside(folder, dataFile, () => module.exports.withCompilerFlags('default', () => script.createCachedData()))) removeOlderBuilds(folder, `cli-${command}-`, dataFile);
    });
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file), (specifier) => import(specifier));
  return module.exports;
}

/** Written aside and renamed, so a concurrent run never reads half a file; a failure writes nothing (false). */
function saveAside(folder, file, data) {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(folder, { recursive: true });
    writeFileSync(temporary, data());
    renameSync(temporary, file);
    return true;
  } catch {
    rmSync(temporary, { force: true });
    return false;
  }
}

/**
 * Each build leaves data of its own per command: after writing one, the command's data of other
 * builds goes, all but the most recent few (checkouts may share a cache folder), and so do
 * temporary files of killed runs (as lib/compiled-cache.ts does for generated code).
 */
function removeOlderBuilds(folder, prefix, written) {
  try {
    const name = new RegExp(`^${prefix}[0-9a-f]{32}\\.v8-cache(?:\\.\\d+\\.tmp)?$`);
    const files = readdirSync(folder)
      .filter((entry) => name.test(entry))
      .map((entry) => ({ path: `${folder}/${entry}`, time: statSync(`${folder}/${entry}`, { throwIfNoEntry: false })?.mtimeMs ?? Infinity }));
    const stale = Date.now() - 3_600_000;
    for (const { path, time } of files) if (path.endsWith('.tmp') && time < stale) rmSync(path, { force: true });
    const builds = files.filter(({ path }) => path !== written && !path.endsWith('.tmp')).sort((a, b) => b.time - a.time);
    for (const { path } of builds.slice(KEPT_BUILDS - 1)) rmSync(path, { force: true });
  } catch {
    // Removed by another run meanwhile, or not ours to change.
  }
}

/** Builds whose data is kept per command (the one running included). */
const KEPT_BUILDS = 3;

// `meshfleet schema | head`: a reader that stops early is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

async function main() {
  // First: the thread starts while the code below loads (bin/spare-thread.js).
  const spare = require('./spare-thread.js').startSpareThread(process.argv.slice(2), root);
  let cli;
  if (compiledIsCurrent()) {
    // Help and the version need no command's code: the unbundled entry loads a few small modules.
    const light = [undefined, '--help', '-h', 'help', '--version', '-v'].includes(process.argv[2]);
    const bundle = `${root}dist/lib/cli/main.bundle.cjs`;
    cli = !light && existsSync(bundle) ? bundledCli(bundle) : await import('../dist/lib/cli/main.js');
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    cli = await import('../lib/cli/main.ts');
  }
  // The CLI's process is meshfleet's alone: render workers may tune V8's compiler (lib/compiler-tuning.ts).
  cli.allowCompilerTuning();
  if (spare) cli.offerSpareThread(spare);
  process.exitCode = await cli.runCli(process.argv.slice(2));
  // Ends the process once what it printed is out, without Node's teardown of the heap and the render
  // workers: ~0.5 s after a 1000-cluster synth, ~40 ms after a small one. 'exit' handlers (the code
  // caches) still run; the write callbacks wait for output a pipe still holds (asynchronous on macOS).
  process.stdout.write('', () => process.stderr.write('', () => process.exit()));
}

main();
