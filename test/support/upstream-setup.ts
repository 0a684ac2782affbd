// The upstream suite needs the upstream material; say plainly what is missing instead of failing
// in every test with ENOENT.
import { missingUpstreamParts, UPSTREAM } from './upstream.ts';
import setupTemp from './global-setup.ts';

export default function setup(): () => void {
  const missing = missingUpstreamParts();
  if (missing.length) {
    throw new Error(
      `npm run test:upstream compares meshfleet with upstream material it cannot find in ${UPSTREAM}:\n` +
        `${missing.join('\n')}\n` +
        'Set MESHFLEET_UPSTREAM to a folder laid out like this (the plain `npm test` needs none of it).',
    );
  }
  return setupTemp();
}
