// npm run build (also run by `npm ci` and `npm pack` through the prepare script): compiles lib/ and
// imports/ to ESM JavaScript with declarations in dist/, then stamps the build so bin/meshfleet.js
// can tell whether lib/ changed since.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd: new URL('..', import.meta.url) });
writeFileSync(new URL('../dist/.build-stamp', import.meta.url), '');
