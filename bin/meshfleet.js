#!/usr/bin/env node
// Entry point of the meshfleet command. It runs the compiled library (dist/, `npm run build`), which
// loads a TypeScript transpiler only for TypeScript fleets. In a checkout where lib/ changed since the
// last build it runs the sources through tsx instead, so it never runs stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

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

// `meshfleet schema | head`: a reader that stops early is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

let main;
if (compiledIsCurrent()) {
  main = await import('../dist/lib/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  main = await import('../lib/cli/main.ts');
}
process.exitCode = await main.runCli(process.argv.slice(2));
