// npm run build (also run by `npm ci` and `npm pack` through the prepare script): compiles lib/ and
// imports/ to ESM JavaScript with declarations in dist/ (incrementally), removes what a deleted
// source left there, and stamps the build so bin/meshfleet.js can tell whether lib/ changed since.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd: root });

// An incremental build never deletes; the package must not ship a module whose source is gone.
for (const folder of ['lib', 'imports']) {
  for (const path of readdirSync(`${root}dist/${folder}`, { recursive: true, encoding: 'utf8' })) {
    const source = path.replace(/(\.d\.ts|\.js)$/, '.ts');
    if (source !== path && !existsSync(`${root}${folder}/${source}`)) rmSync(`${root}dist/${folder}/${path}`);
  }
}
writeFileSync(`${root}dist/.build-stamp`, '');
