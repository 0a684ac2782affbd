// How meshfleet's loaders read the CLI bundle: bin/meshfleet.js on the main thread, and each render
// worker (lib/synth/render-workers.ts), which requires this file by its path. One rule for both, so
// a worker names its V8 code cache as cheaply as the main thread does.
'use strict';

const { closeSync, fstatSync, openSync, readFileSync } = require('node:fs');

/**
 * The bundle's bytes, and what names them without hashing its 3 MB on every start: the hash of the
 * compiled code that the build wrote into dist/.build-stamp after the bundle (it covers the bundle),
 * with the size and modification time of the file as read, which any later change of it (a build, an
 * edit) changes too. Without such a stamp (an older build) the bytes name themselves. V8 only checks
 * the length of the source against its data: the name must change whenever the code does. `asBuilt`:
 * the bundle is as the build wrote it (not changed after its stamp), so one-byte text. `stamp`: the
 * path of dist/.build-stamp.
 */
function readBundle(file, stamp) {
  const fd = openSync(file, 'r');
  try {
    const { size, mtimeMs } = fstatSync(fd);
    const bytes = readFileSync(fd);
    let built;
    let asBuilt = false;
    try {
      const stampFd = openSync(stamp, 'r');
      try {
        built = /^meshfleet-build ([0-9a-f]{64})\n$/.exec(readFileSync(stampFd, 'latin1'))?.[1];
        // The build checked that the bundle is one-byte text, then wrote the stamp: a bundle not changed since is.
        asBuilt = built !== undefined && bytes.length === size && mtimeMs <= fstatSync(stampFd).mtimeMs;
      } finally {
        closeSync(stampFd);
      }
    } catch {
      // No stamp: named by content.
    }
    return { bytes, asBuilt, identity: built === undefined || bytes.length !== size ? bytes : `build ${built} ${size} ${mtimeMs}` };
  } finally {
    closeSync(fd);
  }
}

/**
 * The bundle's source text: one-byte text as the build writes it decodes many times faster as such
 * than as UTF-8; a bundle changed since is checked (~4 ms).
 */
function bundleSource({ bytes, asBuilt }) {
  return asBuilt || require('node:buffer').isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

module.exports = { readBundle, bundleSource };
