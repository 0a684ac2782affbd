// A TypeScript fleet's construct libraries are loaded before tsx's hooks (lib/cli/preload-libraries.ts):
// which imports count, which files are followed, which packages are left to the fleet's own import,
// and, in a real Node process with tsx registered afterwards, that the fleet gets the very modules
// loaded ahead, never a second copy.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { fleetLibraries, importedSpecifiers } from '../../lib/cli/preload-libraries.ts';
import { REPO } from '../support/fleet.ts';
import { scratchFolderPerTest } from '../support/scratch.ts';

const scratch = scratchFolderPerTest('meshfleet-preload-');

/**
 * A project: `files` in <root>/app/, the repository's packages in <root>/node_modules, and the given
 * extra packages in <root>/app/node_modules, where the fleet finds them first.
 */
function project(files: Record<string, string>, packages: Record<string, Record<string, string>> = {}): string {
  const root = scratch.path;
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  const write = (path: string, text: string) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  };
  for (const [name, content] of Object.entries(packages)) for (const [file, text] of Object.entries(content)) write(join(root, 'app/node_modules', name, file), text);
  for (const [file, text] of Object.entries(files)) write(join(root, 'app', file), text);
  return join(root, 'app');
}

/** Where the repository's package resolves to (through the project's link). */
const installed = (file: string) => join(REPO, 'node_modules', file);

describe('the imports a TypeScript fleet file makes', () => {
  it('counts static, side-effect and dynamic imports and re-exports, not type-only ones', () => {
    const text = [
      "import { App } from 'cdk8s';",
      "import type { Construct } from 'constructs';",
      'import {',
      '  Deployment,',
      '  type DeploymentProps,',
      "} from 'cdk8s-plus-28';",
      "import 'meshfleet';",
      "export * from './parts/clusters.ts';",
      "export type { Props } from './types.ts';",
      "const later = await import('meshfleet/constructs');",
      "import typeScriptThings, { x } from \"./local\";",
    ].join('\n');
    expect(importedSpecifiers(text).sort()).toStrictEqual(['./local', './parts/clusters.ts', 'cdk8s', 'cdk8s-plus-28', 'meshfleet', 'meshfleet/constructs']);
  });
});

describe('the construct libraries loaded ahead', () => {
  it('are the ones the fleet and its own files import, as the files they resolve to', () => {
    const root = project({
      'fleet/main.ts': "import { App } from 'cdk8s';\nimport { clusters } from './parts/clusters';\nimport '../outside.ts';\nimport { left } from 'left-pad';\n",
      'fleet/parts/clusters.ts': "import * as kplus from 'cdk8s-plus-28';\nimport type { Construct } from 'constructs';\nexport const clusters = [];\n",
      // Outside the fleet's folder: not read (a repository's sources, say).
      'outside.ts': "import 'constructs';\n",
    });
    expect(fleetLibraries(join(root, 'fleet/main.ts'))).toStrictEqual([installed('cdk8s/lib/index.js'), installed('cdk8s-plus-28/lib/index.js')]);
  });

  it('leave out a package whose import and require may resolve to different files, and one not installed', () => {
    const dual = {
      'package.json': JSON.stringify({ name: 'cdk8s-plus-99', exports: { '.': { import: './index.mjs', require: './index.cjs' } } }),
      'index.mjs': 'export const Deployment = class {};\n',
      'index.cjs': 'exports.Deployment = class {};\n',
    };
    const root = project({ 'main.ts': "import { App } from 'cdk8s';\nimport { Deployment } from 'cdk8s-plus-99';\nimport { Deployment as D } from 'cdk8s-plus-98';\n" }, { 'cdk8s-plus-99': dual });
    expect(fleetLibraries(join(root, 'main.ts'))).toStrictEqual([installed('cdk8s/lib/index.js')]);
  });

  it('are the modules the fleet then imports through tsx, each evaluated once', () => {
    // An ES module package as meshfleet is one: a second copy would be evaluated again.
    const library = {
      'package.json': JSON.stringify({ name: 'meshfleet', type: 'module', exports: { '.': { types: './index.d.ts', default: './index.js' } } }),
      'index.js': 'globalThis.evaluations = (globalThis.evaluations ?? 0) + 1;\nexport class Fleet {}\n',
    };
    const root = project(
      {
        'package.json': JSON.stringify({ type: 'module' }),
        'main.ts': "import { App } from 'cdk8s';\nimport { Deployment } from 'cdk8s-plus-28';\nimport { Fleet } from 'meshfleet';\nconst typed: number = 1;\nexport default { App, Deployment, Fleet, typed };\n",
        // The module under test as plain JavaScript (it imports only Node's own modules), so that the
        // process runs it before any loader hook, as the command does.
        'preload.mjs': transformSync(readFileSync(join(REPO, 'lib/cli/preload-libraries.ts'), 'utf8'), { loader: 'ts', format: 'esm' }).code,
        'check.mjs': [
          "import { fileURLToPath, pathToFileURL } from 'node:url';",
          "const { preloadLibraries } = await import('./preload.mjs');",
          "const fleet = new URL('./main.ts', import.meta.url);",
          'const loaded = await preloadLibraries(fileURLToPath(fleet));',
          'const ahead = globalThis.evaluations;',
          "const { register } = await import('tsx/esm/api');",
          'register();',
          'const { default: fleetModule } = await import(fleet.href);',
          'const [cdk8s, plus, own] = await Promise.all(loaded.map((path) => import(pathToFileURL(path).href)));',
          'console.log(JSON.stringify({ loaded, ahead, evaluations: globalThis.evaluations, typed: fleetModule.typed, same: [fleetModule.App === cdk8s.App, fleetModule.Deployment === plus.Deployment, fleetModule.Fleet === own.Fleet] }));',
        ].join('\n'),
      },
      { meshfleet: library },
    );
    const run = spawnSync(process.execPath, [join(root, 'check.mjs')], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toStrictEqual({
      loaded: [installed('cdk8s/lib/index.js'), installed('cdk8s-plus-28/lib/index.js'), realpathSync(join(root, 'node_modules/meshfleet/index.js'))],
      ahead: 1,
      evaluations: 1,
      typed: 1,
      same: [true, true, true],
    });
  });
});
