// componentsOf places most objects by a phase worked out once per apiVersion, kind and namespace
// (components.ts): it must place every object where phaseOfObject, read object by object, does.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartSecretsOf, componentsOf, gatewayAPISourceOf, phaseOfObject } from '../../lib/rollout/components.ts';
import { REPO } from '../support/fleet.ts';
import { renderFile } from './support.ts';

describe('the phases of the mesh objects', () => {
  it('are those phaseOfObject gives each object, on every cluster of the example fleet', async () => {
    const { rendered } = await renderFile(join(REPO, 'apps', 'fleet.yaml'));
    let parts = 0;
    for (const r of rendered.clusters) {
      const chartSecrets = chartSecretsOf(r);
      const byObject = componentsOf(r, gatewayAPISourceOf(r), { phaseOf: (object) => phaseOfObject(object, chartSecrets) });
      const components = componentsOf(r, gatewayAPISourceOf(r));
      expect(components, r.cluster.name).toStrictEqual(byObject);
      parts += components.filter((c) => c.kind === 'mesh').length;
    }
    // Not vacuous: the objects go to more than one part.
    expect(parts).toBeGreaterThan(rendered.clusters.length);
  });
});
