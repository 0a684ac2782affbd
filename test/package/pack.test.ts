// The package as a user gets it: `npm pack` of this repository, installed from the tarball into an
// empty project, then the commands a user runs there. It needs the npm registry (or npm's cache)
// for meshfleet's dependencies, like `npm ci`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../support/fleet.ts';

const TIMEOUT = 15 * 60_000;
const INSTALL = ['--no-audit', '--no-fund', '--prefer-offline'];

// Children get a clean environment: no npm_* variables of an enclosing `npm test`, no cdk8s upgrade check.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE_OPTIONS'));
Object.assign(env, { CDK8S_CHECK_UPGRADE: 'false', npm_config_update_notifier: 'false', NO_COLOR: '1' });

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string): Run {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a command that must succeed; its output is in the failure message when it does not. */
function ok(command: string, args: readonly string[], cwd: string): Run {
  const result = run(command, args, cwd);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} in ${cwd} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  return result;
}

// What a working tree holds that a package is never built from.
const NOT_COPIED = new Set(['node_modules', '.git', '.tools', 'dist', 'charts-out', 'cdk8s.out', 'coverage', '.scratch']);

describe('the npm package', { timeout: TIMEOUT }, () => {
  let work: string;
  let tarball: string;
  let packed: string[];
  let project: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'meshfleet-pack-'));
    // Packed from a copy: `npm pack` builds dist/ (prepare), which must not change under the tests
    // running bin/meshfleet.js from the working tree meanwhile.
    const source = join(work, 'source');
    cpSync(REPO, source, { recursive: true, filter: (path) => !NOT_COPIED.has(relative(REPO, path).split(/[\\/]/)[0]!) });
    symlinkSync(join(REPO, 'node_modules'), join(source, 'node_modules'));
    ok('npm', ['pack', '--pack-destination', work, ...INSTALL], source);
    const name = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!name) throw new Error(`npm pack wrote no tarball in ${work}`);
    tarball = join(work, name);
    packed = ok('tar', ['-tzf', tarball], work).stdout.split('\n').filter(Boolean).map((p) => p.replace(/^package\//, ''));

    project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-fleet', private: true }, null, 2));
    ok('npm', ['install', '--save-dev', tarball, ...INSTALL], project);
  }, TIMEOUT);

  it('ships the compiled library, its types, the bin and the files read at run time, and nothing else', () => {
    for (const file of ['package.json', 'README.md', 'bin/meshfleet.js', 'bin/spare-thread.js', 'bin/read-bundle.js', 'bin/package.json', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/bundle/index.js', 'dist/bundle/constructs.js', 'dist/lib/cli/main.js', 'dist/lib/cli/main.bundle.cjs', 'dist/lib/cli/render-worker.bundle.cjs', 'dist/lib/cli/survey.bundle.cjs', 'dist/lib/cli/validation.bundle.cjs', 'dist/.build-stamp', 'dist/imports/cert-manager.io.js', 'schemas/fleet.schema.json', 'schemas/crds/index.json', 'templates/init/fleet.yaml', 'templates/init/gitignore']) {
      expect(packed).toContain(file);
    }
    const allowed = /^(package\.json|README\.md|LICENSE|bin\/(meshfleet\.js|spare-thread\.js|read-bundle\.js|package\.json)|dist\/(lib|imports)\/.+\.(js|d\.ts)|dist\/bundle\/[\w-]+\.js|dist\/lib\/cli\/(main|render-worker|survey|validation)\.bundle\.cjs|dist\/\.build-stamp|schemas\/.+\.json|templates\/init\/.+|docs\/.+\.(md|svg))$/;
    expect(packed.filter((file) => !allowed.test(file))).toStrictEqual([]);
    expect(packed.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.startsWith('templates/'))).toStrictEqual([]);
  });

  it('meshfleet --version prints the package version', () => {
    const version = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version as string;
    expect(ok('npx', ['meshfleet', '--version'], project).stdout).toBe(`${version}\n`);
  });

  it('init writes a YAML fleet that synthesizes, and lint validates built-in kinds, all without tsx', () => {
    // Without a TypeScript transpiler installed, YAML fleets and lint still work.
    const tsx = join(project, 'node_modules', 'tsx');
    renameSync(tsx, `${tsx}.away`);
    try {
      const init = ok('npx', ['meshfleet', 'init'], project);
      expect(init.stdout).toContain('wrote fleet.yaml, trust/anchor.crt, README.md, .gitignore, .github/workflows/meshfleet.yaml');
      const fleet = readFileSync(join(project, 'fleet.yaml'), 'utf8');
      const schema = /^# yaml-language-server: \$schema=(\S+)\n/.exec(fleet)?.[1];
      expect(schema).toBe('./node_modules/meshfleet/schemas/fleet.schema.json');
      expect(JSON.parse(readFileSync(resolve(project, schema!), 'utf8')).title).toBe('meshfleet Fleet');
      expect(readFileSync(join(project, '.github', 'workflows', 'meshfleet.yaml'), 'utf8')).toContain('npx meshfleet synth --check');
      expect(readFileSync(join(project, 'trust', 'anchor.crt'), 'utf8')).not.toMatch(/PRIVATE KEY/);

      expect(ok('npx', ['meshfleet', 'synth'], project).stdout).toMatch(/^meshfleet: 1 cluster\(s\), \d+ files/);
      for (const file of ['index.json', 'dev/dev-1/mesh/Chart.yaml', 'dev/dev-1/values/linkerd-control-plane.yaml']) {
        expect(existsSync(join(project, 'charts-out', file)), file).toBe(true);
      }
      expect(run('npx', ['meshfleet', 'synth', '--check'], project).status).toBe(0);

      writeFileSync(join(project, 'deployment.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec: { replicas: "two", selector: {}, template: {} }\n');
      const lint = run('npx', ['meshfleet', 'lint', 'deployment.yaml'], project);
      expect(lint.status).toBe(1);
      expect(lint.stdout + lint.stderr).toContain('/spec/replicas');
    } finally {
      renameSync(`${tsx}.away`, tsx);
    }
  });

  it('lint evaluates CEL rules from the validation bundle, which holds only the protobuf descriptors CEL uses', () => {
    // The build bundles @bufbuild/cel and @bufbuild/protobuf from their ES modules, so the
    // well-known types CEL never touches (api.proto, type.proto, …) are left out and not decoded at load.
    const bundle = readFileSync(join(project, 'node_modules', 'meshfleet', 'dist', 'lib', 'cli', 'validation.bundle.cjs'), 'latin1');
    expect(bundle).toContain('file_google_protobuf_duration=');
    expect(bundle).not.toContain('file_google_protobuf_api=');
    expect(bundle).not.toContain('file_google_protobuf_type=');
    // A rule over durations (Gateway API 1.2.1 experimental HTTPRoute timeouts) and one with a message.
    const route = [
      'apiVersion: gateway.networking.k8s.io/v1', 'kind: HTTPRoute', 'metadata: { name: r, namespace: default }',
      'spec:', '  parentRefs: [{ name: svc, kind: Service, group: core, port: 80 }]', '  rules:',
      '    - timeouts: { request: 1s, backendRequest: 2s }',
      '      filters: [{ type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replaceFullPath: /x } } }]', '',
    ].join('\n');
    writeFileSync(join(project, 'route.yaml'), route);
    const lint = run('npx', ['meshfleet', 'lint', 'route.yaml', '--gateway-api', '1.2.1', '--channel', 'experimental'], project);
    expect(lint.status).toBe(1);
    expect(lint.stdout + lint.stderr).toContain('/spec/rules/0/timeouts: backendRequest timeout cannot be longer than request timeout');
    expect(lint.stdout + lint.stderr).toContain("type must be 'ReplaceFullPath' when replaceFullPath is set");
  });

  it("bundles cdk8s with meshfleet's own yaml and a child_process loaded only when called: a synth loads no child_process", () => {
    // scripts/build.mjs: cdk8s's copy of yaml (the same version) is not bundled twice, and cdk8s
    // requires child_process as it loads for what meshfleet never calls (Yaml.load of a URL, Helm).
    // The render workers' bundle too, which holds what rendering needs and not the command line.
    const [cli, worker] = ['main', 'render-worker'].map((name) => readFileSync(join(project, 'node_modules', 'meshfleet', 'dist', 'lib', 'cli', `${name}.bundle.cjs`), 'latin1'));
    for (const bundle of [cli!, worker!]) {
      expect(bundle).toContain('node_modules/yaml/dist/');
      expect(bundle).not.toContain('node_modules/cdk8s/node_modules/yaml/');
      expect(bundle).toContain('require("node:child_process").spawnSync.apply(this,args)');
    }
    expect(cli).toContain('runCli');
    expect(worker).toContain('renderInWorker');
    expect(worker).not.toContain('runCli');
    expect(worker!.length).toBeLessThan(0.9 * cli!.length);
    const probe = join(work, 'loaded-modules.cjs');
    writeFileSync(probe, "process.on('exit', () => require('node:fs').writeSync(2, `child_process: ${process.moduleLoadList.filter((m) => m.endsWith(' child_process')).length}\\n`));\n");
    const synth = ok(process.execPath, ['--require', probe, join(project, 'node_modules', 'meshfleet', 'bin', 'meshfleet.js'), 'synth', '--out', 'probed-out'], project);
    expect(synth.stdout).toMatch(/^meshfleet: 1 cluster\(s\), \d+ files/);
    expect(synth.stderr).toContain('child_process: 0\n');
  });

  it('keeps the validation libraries in a bundle of their own, which a synth that checks nothing new never reads', () => {
    // scripts/build.mjs, lib/validation-libraries.ts: ajv, CEL and kubernetes-models are
    // needed only for an object not found valid before; the CLI's and the render worker's bundles
    // load their bundle on first use, with a V8 code cache of its own.
    const cliFolder = join(project, 'node_modules', 'meshfleet', 'dist', 'lib', 'cli');
    const [cli, worker, libraries] = ['main', 'render-worker', 'validation'].map((name) => readFileSync(join(cliFolder, `${name}.bundle.cjs`), 'latin1'));
    for (const bundle of [cli!, worker!]) {
      expect(bundle).not.toContain('node_modules/ajv/dist/');
      expect(bundle).not.toContain('node_modules/kubernetes-models/');
      expect(bundle).not.toContain('file_google_protobuf_duration=');
      expect(bundle).toContain('validation.bundle.cjs');
    }
    expect(libraries).toContain('node_modules/ajv/dist/');
    expect(libraries).toContain('node_modules/kubernetes-models/v1/Service');
    expect(libraries).not.toContain('runCli');
    const fleet = join(work, 'checked-fleet');
    cpSync(join(REPO, 'apps'), fleet, { recursive: true });
    const cache = join(work, 'checked-cache');
    const synth = (out: string) => spawnSync(process.execPath, [join(project, 'node_modules', 'meshfleet', 'bin', 'meshfleet.js'), 'synth', join(fleet, 'fleet.yaml'), '--out', join(fleet, out)], { cwd: project, encoding: 'utf8', env: { ...env, MESHFLEET_CACHE_DIR: cache } });
    const librariesData = () => readdirSync(cache).filter((file) => /^validation\.bundle\.[0-9a-f]{16}\.v8-cache$/.test(file));
    // The first synth checks every object: it reads the libraries' bundle and keeps V8's data of it.
    const first = synth('first');
    expect(first.status, first.stderr).toBe(0);
    expect(librariesData()).toHaveLength(1);
    // Named as bin names the CLI's bundle (bin/read-bundle.js): by the build's stamp and the bundle's size and time, not a hash of its bytes.
    const built = /^meshfleet-build ([0-9a-f]{64})\n$/.exec(readFileSync(join(project, 'node_modules', 'meshfleet', 'dist', '.build-stamp'), 'latin1'))![1];
    const bundle = statSync(join(cliFolder, 'validation.bundle.cjs'));
    const named = (flags: string) => `validation.bundle.${createHash('sha256').update(`${process.versions.v8} ${process.arch} ${flags} `).update(`build ${built} ${bundle.size} ${bundle.mtimeMs}`).digest('hex').slice(0, 16)}.v8-cache`;
    expect([named('default'), named('tuned')]).toContain(librariesData()[0]);
    // Again, into another folder: every object was valid before, so the bundle is not read (nor its data written anew).
    for (const file of librariesData()) rmSync(join(cache, file));
    const second = synth('second');
    expect(second.status, second.stderr).toBe(0);
    expect(librariesData()).toStrictEqual([]);
    expect(readFileSync(join(fleet, 'second', 'index.json'), 'utf8')).toBe(readFileSync(join(fleet, 'first', 'index.json'), 'utf8'));
  });

  it("names a render worker's V8 code cache as bin names the main thread's: by the build's stamp and its bundle's size and time, not a hash of its bytes", () => {
    // bin/read-bundle.js, which both loaders use. The worker state of V8's flags (lib/compiler-tuning.ts) is one of two.
    const fleet = join(work, 'worker-fleet');
    cpSync(join(REPO, 'apps'), fleet, { recursive: true });
    const cache = join(work, 'worker-cache');
    const installed = join(project, 'node_modules', 'meshfleet');
    const synth = spawnSync(process.execPath, [join(installed, 'bin', 'meshfleet.js'), 'synth', join(fleet, 'fleet.yaml'), '--out', join(fleet, 'out')], { cwd: project, encoding: 'utf8', env: { ...env, MESHFLEET_WORKERS: '1', MESHFLEET_CACHE_DIR: cache } });
    expect(synth.status, synth.stderr).toBe(0);
    const bundle = statSync(join(installed, 'dist', 'lib', 'cli', 'render-worker.bundle.cjs'));
    const built = /^meshfleet-build ([0-9a-f]{64})\n$/.exec(readFileSync(join(installed, 'dist', '.build-stamp'), 'latin1'))![1];
    const named = (flags: string) => `render-worker-${createHash('sha256').update(`${process.versions.v8} ${process.arch} ${flags}\n`).update(`build ${built} ${bundle.size} ${bundle.mtimeMs}`).digest('hex').slice(0, 32)}.v8-cache`;
    const workers = readdirSync(cache).filter((file) => file.startsWith('render-worker-'));
    expect(workers).toHaveLength(1);
    expect([named('default'), named('tuned')]).toContain(workers[0]);
  });

  it('init refuses to overwrite files and writes nothing then', () => {
    const dir = join(project, 'taken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'README.md'), 'mine\n');
    const init = run('npx', ['meshfleet', 'init', 'taken'], project);
    expect(init.status).toBe(2);
    expect(init.stderr).toContain('README.md already exists');
    expect(readdirSync(dir)).toStrictEqual(['README.md']);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('mine\n');
  });

  it('init --typescript writes a cdk8s app that type-checks and synthesizes through meshfleet and cdk8s', () => {
    ok('npx', ['meshfleet', 'init', 'ts-fleet', '--typescript'], project);
    const app = join(project, 'ts-fleet');
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    expect(manifest.type).toBe('module');
    expect(Object.keys(manifest.dependencies).sort()).toStrictEqual(['cdk8s', 'cdk8s-plus-28', 'constructs', 'meshfleet']);
    for (const file of ['main.ts', 'tsconfig.json', 'cdk8s.yaml', 'trust/anchor.crt', 'README.md', '.gitignore']) {
      expect(existsSync(join(app, file)), file).toBe(true);
    }
    // The registry's meshfleet is this tarball.
    manifest.dependencies.meshfleet = `file:${tarball}`;
    writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
    ok('npm', ['install', ...INSTALL], app);

    expect(ok('npx', ['tsc', '--noEmit'], app).stdout).toBe('');
    // The types are meshfleet's own, not `any`: a wrong property is an error.
    writeFileSync(join(app, 'wrong.ts'), "import { App } from 'cdk8s';\nimport { Fleet } from 'meshfleet';\nnew Fleet(new App(), 'x', { trustAnchr: 1 });\n");
    const wrong = run('npx', ['tsc', '--noEmit'], app);
    rmSync(join(app, 'wrong.ts'));
    expect(wrong.status).not.toBe(0);
    expect(wrong.stdout).toMatch(/wrong\.ts\(3,\d+\): error TS\d+: .*trustAnchr/);

    expect(ok('npx', ['meshfleet', 'synth'], app).stdout).toMatch(/^meshfleet: 1 cluster\(s\), \d+ files/);
    // A construct's error names the user's TypeScript line and column (a declaration's type and a
    // comment before the call move it), not a frame of the installed library's bundle.
    const bad = [
      "import { App } from 'cdk8s';",
      "import { Fleet, TrustAnchor, type ICluster } from 'meshfleet';",
      "const fleet = new Fleet(new App(), 'x', { trustAnchor: TrustAnchor.fromFile('trust/anchor.crt'), defaults: { linkerd: '2.20', kubernetes: '1.33' } });",
      "fleet.addEnvironment('prod');",
      "export const c: ICluster = /* moved */ fleet.addCluster('eu-1', { environment: 'prod', linkerd: '3.0' as '2.20' });",
      'export default fleet;',
      '',
    ];
    writeFileSync(join(app, 'bad.ts'), bad.join('\n'));
    const located = run('npx', ['meshfleet', 'validate', 'bad.ts'], app);
    rmSync(join(app, 'bad.ts'));
    expect(located.status).toBe(1);
    expect(located.stderr).toContain(`error MF2003 /spec/clusters/0/linkerd (bad.ts:5:${bad[4]!.indexOf('addCluster') + 1}, construct x/clusters/eu-1)`);
    const appChart = join(app, 'charts-out', 'dev', 'dev-1', 'mesh', 'templates', 'app-hello.yaml');
    expect(readFileSync(appChart, 'utf8')).toContain('kind: Deployment');
    rmSync(join(app, 'charts-out'), { recursive: true });

    ok('npx', ['cdk8s', 'synth'], app);
    expect(readFileSync(appChart, 'utf8')).toContain('kind: Deployment');
    expect(readFileSync(join(app, 'cdk8s.out', 'dev-dev-1.k8s.yaml'), 'utf8')).toContain('kind: Deployment');
  });
});
