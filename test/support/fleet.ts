// Builders for fleet documents in tests: a small valid fleet to start from, and helpers that run the
// pipeline layers on it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { planFleet } from '../../lib/synth/plan.ts';
import { renderFleet } from '../../lib/synth/render.ts';
import type { Diagnostic } from '../../lib/model/diagnostics.ts';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ANCHOR_PEM = readFileSync(join(REPO, 'apps', 'trust', 'anchor.crt'), 'utf8');
export const FIXTURES = join(REPO, 'test', 'fixtures');

type Json = Record<string, any>;

/** A valid one-environment fleet; `edit` may change anything before it is used. */
export function fleetDocument(edit: (doc: Json) => void = () => {}): Json {
  const doc: Json = {
    apiVersion: 'meshfleet.dev/v1alpha1',
    kind: 'Fleet',
    metadata: { name: 'test' },
    spec: {
      trust: { anchor: { pem: ANCHOR_PEM } },
      defaults: { linkerd: '2.20', kubernetes: '1.33' },
      environments: { prod: {} },
      clusters: [
        { name: 'a', environment: 'prod', network: 'n1', podCIDR: '10.1.0.0/16', serviceCIDR: '10.101.0.0/16', apiServer: 'https://a.example:6443', gateway: { address: '192.0.2.10' } },
        { name: 'b', environment: 'prod', network: 'n1', podCIDR: '10.2.0.0/16', serviceCIDR: '10.102.0.0/16', apiServer: 'https://b.example:6443', gateway: { address: '192.0.2.11' } },
      ],
      // Tests that link clusters bring their own Link credentials; these need no secret store.
      credentials: { type: 'external' },
    },
  };
  edit(doc);
  return doc;
}

export function exampleDocument(): Json {
  return parse(readFileSync(join(REPO, 'apps', 'fleet.yaml'), 'utf8'));
}

export function plan(doc: unknown, now?: Date) {
  return planFleet(doc, { baseDir: join(REPO, 'apps'), now });
}

/** Only the errors, as [path, message] pairs, for compact assertions. */
export function errorsOf(doc: unknown, now?: Date): [string, string][] {
  return plan(doc, now)
    .diagnostics.filter((d: Diagnostic) => d.severity === 'error')
    .map((d) => [d.path, d.message]);
}

export function render(doc: unknown) {
  const { fleet, diagnostics } = plan(doc);
  if (!fleet) throw new Error(diagnostics.map((d) => `${d.path}: ${d.message}`).join('\n'));
  return renderFleet(fleet, { charts: {} });
}
