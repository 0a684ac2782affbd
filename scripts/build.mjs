// npm run build (also run by `npm ci` and `npm pack` through the prepare script): compiles lib/ and
// imports/ to ESM JavaScript with declarations in dist/ (incrementally), removes what a deleted
// source left there, bundles the command line into one file, and stamps the build so
// bin/meshfleet.js can tell whether lib/ changed since (by the stamp's time) and synth names the
// compiled code (by the hash the stamp holds).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
// A bundle of the code before this build is never left beside the new code.
const BUNDLE = 'dist/lib/cli/main.bundle.cjs';
const SURVEY_BUNDLE = 'dist/lib/cli/survey.bundle.cjs';
const WORKER_BUNDLE = 'dist/lib/cli/render-worker.bundle.cjs';
// The libraries that check objects, apart (lib/validation-libraries.ts).
const VALIDATION_BUNDLE = 'dist/lib/cli/validation.bundle.cjs';
/** A module of the packages only that bundle holds. */
const VALIDATION_PACKAGES = /(?:^|[\\/])node_modules[\\/](?:ajv|ajv-formats|@bufbuild|kubernetes-models|@kubernetes-models)[\\/]/;
// The library as a program imports it (package.json exports): its entry points and their shared chunks.
const LIBRARY_BUNDLE = 'dist/bundle';
// `await import(x)` where x is not a relative path: a module outside the bundle.
const OUTSIDE_IMPORT = /\bawait import\((?!['"]\.\.?\/)/g;
/** A module of cdk8s's own (not one it depends on). */
const IN_CDK8S = /[\\/]node_modules[\\/]cdk8s[\\/](?!node_modules[\\/])/;
for (const built of [BUNDLE, WORKER_BUNDLE, SURVEY_BUNDLE, VALIDATION_BUNDLE, LIBRARY_BUNDLE]) rmSync(`${root}${built}`, { recursive: true, force: true });
rmSync(`${root}dist/.build-stamp`, { force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd: root });

// An incremental build never deletes; the package must not ship a module whose source is gone.
for (const folder of ['lib', 'imports']) {
  for (const path of readdirSync(`${root}dist/${folder}`, { recursive: true, encoding: 'utf8' })) {
    const source = path.replace(/(\.d\.ts|\.js)$/, '.ts');
    if (source !== path && !existsSync(`${root}${folder}/${source}`)) rmSync(`${root}dist/${folder}/${path}`);
  }
}

const esbuild = await import('esbuild').catch(() => undefined);
await bundleCli(esbuild);
await bundleLibrary(esbuild);
writeFileSync(`${root}dist/.build-stamp`, `meshfleet-build ${compiledHash()}\n`);

/**
 * The hash of the compiled code (dist/lib, dist/imports: paths and contents, declarations left out
 * as they are never run), which names the code in synth's incremental cache (codeStamp in
 * lib/synth/hashing.ts) without hashing these folders on every run.
 */
function compiledHash() {
  const hash = createHash('sha256');
  for (const folder of ['lib', 'imports']) {
    for (const path of readdirSync(`${root}dist/${folder}`, { recursive: true, encoding: 'utf8' }).sort()) {
      const file = `${root}dist/${folder}/${path}`;
      if (path.endsWith('.d.ts') || !statSync(file).isFile()) continue;
      hash.update(`${folder}/${path}\0`).update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex');
}

/**
 * The command line as one CommonJS file, which bin/meshfleet.js runs with V8's code cache: loading
 * some 600 modules (ours, cdk8s, yaml, ajv, @bufbuild/cel) one by one costs about half a second of
 * every run, one file with its compiled code cached a small part of that. Each module keeps its own
 * import.meta.url (the URL of its file in dist/), so files it finds beside itself (schemas, the
 * render worker) are where they were. A module's createRequire(import.meta.url) becomes the
 * bundle's require when it only requires named modules, so those are bundled too (still loaded on
 * first use). The libraries that check objects (ajv, CEL, the kubernetes-models kinds meshfleet
 * emits: lib/validation-libraries.ts) are a bundle of their own, read on first use; other
 * kinds, required by name at run time, tsx and Graphviz stay outside.
 * Without esbuild (it comes with tsx) there is no bundle and bin/meshfleet.js imports dist/.
 */
async function bundleCli(esbuild) {
  if (!esbuild) {
    process.stderr.write('build: esbuild is not installed; the CLI runs unbundled (slower to start)\n');
    return;
  }
  const ownModules = {
    name: 'own-modules',
    setup(build) {
      build.onLoad({ filter: /[\\/]dist[\\/]lib[\\/].*\.js$/ }, ({ path }) => {
        let text = readFileSync(path, 'utf8');
        const requireLine = 'const require = createRequire(import.meta.url);';
        if (text.includes(requireLine) && !/require\(`[^`]*\$\{/.test(text)) text = text.replace(requireLine, '');
        const fromBundle = relative(`${root}${BUNDLE}/..`, path).split('\\').join('/');
        let preamble = '';
        if (text.includes('import.meta.url')) {
          // __dirname is the bundle's folder; the names imported here are the module's own.
          preamble += "import { pathToFileURL as meshfleetFileUrl } from 'node:url'; import { join as meshfleetJoin } from 'node:path';\n";
          text = text.replaceAll('import.meta.url', `meshfleetFileUrl(meshfleetJoin(__dirname, ${JSON.stringify(fromBundle)})).href`);
        }
        if (OUTSIDE_IMPORT.test(text)) {
          // import() of what is not bundled (the fleet's module, tsx, Graphviz) goes through the
          // loader's function: in Node 20 a script compiled from V8's code cache cannot import().
          preamble += "const meshfleetImport = typeof importModule === 'function' ? importModule : (specifier) => import(specifier);\n";
          text = text.replaceAll(OUTSIDE_IMPORT, 'await meshfleetImport(');
        }
        // Escaped, so the bundle is one-byte text (esbuild leaves regular expressions as written).
        text = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
        return { contents: preamble + text, loader: 'js' };
      });
    },
  };
  // cel-environment.ts requires @bufbuild/cel (loaded with the first CEL rule); bundled from its
  // CommonJS build, that loads every protobuf well-known type and decodes its descriptor at load
  // (api.proto, type.proto, the compiler plugin, …). Taken from the ES modules instead (the packages
  // declare no side effects), esbuild keeps only what CEL uses: less to read and to decode per run.
  const esmOfBufbuild = {
    name: 'esm-of-bufbuild',
    setup(build) {
      build.onResolve({ filter: /^@bufbuild\// }, (args) => {
        if (args.kind !== 'require-call' || args.pluginData === 'esm') return undefined;
        return build.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir, pluginData: 'esm' });
      });
    },
  };
  // cdk8s requires child_process as it loads, for what meshfleet never calls (Yaml.load of a URL, the
  // Helm construct): Node then loads it and the ~20 internal modules behind it on every thread,
  // ~8 ms on the main thread and ~20 ms of a render worker's start. In the bundle, cdk8s gets a
  // stand-in whose functions load child_process when first called.
  const lazyChildProcess = {
    name: 'lazy-child-process',
    setup(build) {
      build.onResolve({ filter: /^(?:node:)?child_process$/ }, (args) => (IN_CDK8S.test(args.importer) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined));
      build.onLoad({ filter: /^child_process$/, namespace: 'lazy-builtin' }, () => ({
        contents: ['exec', 'execFile', 'execFileSync', 'execSync', 'fork', 'spawn', 'spawnSync'].map((name) => `exports.${name} = function (...args) { return require('node:child_process').${name}.apply(this, args); };`).join('\n'),
        loader: 'js',
      }));
    },
  };
  // cdk8s has its own copy of yaml: when it is the version meshfleet uses, the bundle holds one
  // (~170 KB less to read, and to load on every thread).
  const oneYaml = {
    name: 'one-yaml',
    setup(build) {
      const sameVersion = packageVersion(`${root}node_modules/cdk8s/node_modules/yaml`) === packageVersion(`${root}node_modules/yaml`);
      build.onResolve({ filter: /^yaml(?:\/|$)/ }, (args) => {
        if (!sameVersion || !IN_CDK8S.test(args.importer) || args.pluginData === 'one-yaml') return undefined;
        return build.resolve(args.path, { kind: args.kind, resolveDir: root, pluginData: 'one-yaml' });
      });
    },
  };
  // The validation libraries (ajv, CEL, kubernetes-models: 1.5 MB bundled) are a bundle of their own, read
  // on first use (lib/validation-libraries.ts): in the CLI's and the render worker's
  // bundles, lib/bundled-validation-libraries.ts stands for the module that requires them.
  const validationApart = {
    name: 'validation-apart',
    setup(build) {
      build.onResolve({ filter: /[\\/]validation-libraries\.js$/ }, (args) => (/[\\/]dist[\\/]lib[\\/]/.test(args.importer) ? { path: resolve(args.resolveDir, args.path.replace(/validation-libraries\.js$/, 'bundled-validation-libraries.js')) } : undefined));
    },
  };
  // The command line, and a render worker's own (lib/synth/render-workers.ts: what rendering needs,
  // without the command line, the plan and the rollout model, 0.75 MB against 1.24 MB, so that it
  // reads, decodes and deserializes less before its first cluster: ~25 ms of a cold 100-cluster
  // synth's worker, which starts after the main thread). Both are written as the function their
  // loaders compile (bin/meshfleet.js, the render workers): wrapped when read, the text was copied
  // once more on every start of every thread.
  const compiledByLoader = {
    external: ['tsx', 'tsx/*', '@viz-js/viz'],
    banner: { js: '(function (exports, require, module, __filename, __dirname, importModule) {' },
    footer: { js: '\n})' },
    plugins: [validationApart, ownModules, esmOfBufbuild, lazyChildProcess, oneYaml],
  };
  const entry = (contents, name) => ({ contents, resolveDir: `${root}dist/lib/cli`, sourcefile: `${name}.bundle-entry.js` });
  const cli = await buildCommonJs(esbuild, 'the CLI', { stdin: entry("export * from './main.js';\n", 'main'), outfile: `${root}${BUNDLE}`, ...compiledByLoader });
  const worker = await buildCommonJs(esbuild, 'the render worker', { stdin: entry("export { renderInWorker } from '../synth/render-worker.js';\n", 'render-worker'), outfile: `${root}${WORKER_BUNDLE}`, ...compiledByLoader });
  for (const [what, built] of [['the CLI bundle', cli], ['the render worker bundle', worker]]) {
    // Their versions (ajv's names its generated code in the cache) are read where they are.
    const held = Object.keys(built.metafile.inputs).find((input) => VALIDATION_PACKAGES.test(input) && !input.endsWith('/package.json'));
    if (held) throw new Error(`build: ${what} holds ${held}, which only the validation libraries' bundle should`);
  }
  // Run by lib/compiled-cache.ts (bundleExports) as generated code is: a CommonJS module's body.
  await buildCommonJs(esbuild, 'the validation libraries', {
    stdin: entry("export { validationLibraries } from '../validation-libraries.js';\n", 'validation'),
    outfile: `${root}${VALIDATION_BUNDLE}`,
    plugins: [ownModules, esmOfBufbuild],
  });
  // The output folder's survey thread (lib/output/folder-survey.ts) requires its own small bundle:
  // its ten ES modules took Node's loader 100–115 ms of the thread's start, on a re-synth's critical path.
  await buildCommonJs(esbuild, 'the survey thread', {
    stdin: entry("export { surveyInWorker } from '../output/folder-survey.js';\n", 'survey'),
    outfile: `${root}${SURVEY_BUNDLE}`,
    external: ['tsx', 'tsx/*'],
    plugins: [ownModules],
  });
  // Their loaders read them as one-byte text while they are as built (bin/read-bundle.js).
  for (const [what, file] of [['the CLI bundle', BUNDLE], ['the render worker bundle', WORKER_BUNDLE], ['the validation bundle', VALIDATION_BUNDLE]]) {
    const bundle = readFileSync(`${root}${file}`, 'utf8');
    if (/\bawait import\(/.test(bundle)) throw new Error(`build: ${what} still imports() a module itself`);
    if (/[^\x00-\x7f]/.test(bundle)) throw new Error(`build: ${what} is not one-byte text`);
  }
}

/** The version of the package installed in `folder`, or undefined. */
function packageVersion(folder) {
  try {
    return JSON.parse(readFileSync(`${folder}/package.json`, 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** A CommonJS bundle of dist/ for Node 20 with `options` (entry, output, externals, plugins); a warning (an import.meta left over, a require that cannot be bundled) fails the build. */
async function buildCommonJs(esbuild, what, options) {
  const result = await esbuild.build({
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Class and function names stay as written: messages and checks use them.
    keepNames: true,
    // One-byte text (comments dropped, other characters escaped): quicker to read and to hash.
    minifyWhitespace: true,
    charset: 'ascii',
    logLevel: 'silent',
    metafile: true,
    ...options,
  });
  if (result.warnings.length > 0) {
    const messages = await esbuild.formatMessages(result.warnings, { kind: 'warning' });
    throw new Error(`build: bundling ${what} warned:\n${messages.join('\n')}`);
  }
  return result;
}

/**
 * The library as a TypeScript fleet imports it (`meshfleet`, `meshfleet/constructs`): ES modules, one
 * file per entry point and the chunks they share, instead of some 450 modules Node would resolve,
 * read and link one by one (a fleet's start: README, Speed). The packages it uses stay outside, so a
 * fleet and the library share cdk8s and constructs. Every output file sits in one folder, so each
 * module's import.meta.url becomes the URL of its file in dist/ relative to any of them, and files it
 * finds beside itself (schemas, the render worker) are where they were. Without esbuild the entry
 * points re-export dist/lib's modules.
 */
async function bundleLibrary(esbuild) {
  const outdir = `${root}${LIBRARY_BUNDLE}`;
  const entries = { index: 'dist/lib/index.js', constructs: 'dist/lib/constructs/index.js' };
  if (!esbuild) {
    mkdirSync(outdir, { recursive: true });
    for (const [name, entry] of Object.entries(entries)) writeFileSync(`${outdir}/${name}.js`, `export * from '../${entry.slice('dist/'.length)}';\n`);
    return;
  }
  const ownModules = {
    name: 'own-modules',
    setup(build) {
      build.onLoad({ filter: /[\\/]dist[\\/](?:lib|imports)[\\/].*\.js$/ }, ({ path }) => {
        const text = readFileSync(path, 'utf8');
        const fromBundle = relative(outdir, path).split('\\').join('/');
        return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`), loader: 'js' };
      });
    },
  };
  const result = await esbuild.build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, entry]) => [name, `${root}${entry}`])),
    outdir,
    bundle: true,
    splitting: true,
    chunkNames: 'shared-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Class and function names stay as written: messages and checks use them.
    keepNames: true,
    minifyWhitespace: true,
    packages: 'external',
    plugins: [ownModules],
    logLevel: 'silent',
  });
  if (result.warnings.length > 0) {
    const messages = await esbuild.formatMessages(result.warnings, { kind: 'warning' });
    throw new Error(`build: bundling the library warned:\n${messages.join('\n')}`);
  }
}
