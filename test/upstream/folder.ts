// Where the upstream material lives for the upstream suite (`npm run test:upstream`): raw CRDs,
// the upstream charts' values files and the packaged upstream charts. It is development material,
// never a user's: only tests under test/upstream/ (and the scripts that regenerate schemas/ and
// imports/) may read it. MESHFLEET_UPSTREAM names the folder; by default it sits beside the repository.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const UPSTREAM = resolve(process.env.MESHFLEET_UPSTREAM ?? join(REPO, '..', 'shared'));

/** The parts of the upstream folder the suite reads, each with what it holds. */
export const UPSTREAM_PARTS: Readonly<Record<string, string>> = {
  'crds/linkerd': 'the CRDs each Linkerd release ships (crds/linkerd/<release>/)',
  'crds/gateway-api': 'the Gateway API bundles (crds/gateway-api/<version>/<channel>/)',
  'linkerd-values': "the upstream charts' values.yaml, values-ha.yaml and Chart.yaml per release",
  'upstream/linkerd-charts': 'the packaged upstream charts (.tgz) per release',
};

/** Paths inside the upstream folder. */
export function upstreamPath(...parts: string[]): string {
  return join(UPSTREAM, ...parts);
}

/** What is missing, as lines for a message; empty when everything is there. */
export function missingUpstreamParts(): string[] {
  return Object.entries(UPSTREAM_PARTS)
    .filter(([part]) => !existsSync(join(UPSTREAM, part)))
    .map(([part, what]) => `  ${join(UPSTREAM, part)}: ${what}`);
}
