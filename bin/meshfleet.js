#!/usr/bin/env node
// Entry point of the meshfleet command. It runs the compiled library (dist/, `npm run build`), which
// loads a TypeScript transpiler only for TypeScript fleets. In a checkout where lib/ changed since the
// last build it runs the sources through tsx instead, so it never runs stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';

const stamp = new URL('../dist/.build-stamp', import.meta.url);

/** Newest modification time under a folder, in ms. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const url = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    latest = Math.max(latest, entry.isDirectory() ? newest(url) : statSync(url).mtimeMs);
  }
  return latest;
}

function compiledIsCurrent() {
  const sources = new URL('../lib/', import.meta.url);
  // An installed package ships dist/ without lib/.
  if (!existsSync(sources)) return true;
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return newest(sources) <= built && newest(new URL('../imports/', import.meta.url)) <= built;
}

let main;
if (compiledIsCurrent()) {
  main = await import('../dist/lib/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  main = await import('../lib/cli/main.ts');
}
process.exitCode = await main.runCli(process.argv.slice(2));
