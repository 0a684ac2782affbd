// Each cluster's policy view (lib/resolve/policy.ts policyViews) is made when a thread first asks for
// it, from the share of the policy that names the cluster: the same view whichever clusters were asked
// for before, and in whatever order.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFleet } from '../../bench/generate-fleet.ts';
import { policyViews } from '../../lib/resolve/policy.ts';
import { planFleet } from '../../lib/synth/plan.ts';
import { REPO } from '../support/fleet.ts';

describe('policy views', () => {
  const fleet = planFleet(generateFleet(24), { baseDir: join(REPO, 'apps') }).fleet!;
  const names = fleet.clusters.map((c) => c.name);

  it('gives each cluster the view it has when every view is asked for in fleet order, in any order, once made', () => {
    const inOrder = policyViews(fleet);
    const expected = names.map((name) => JSON.stringify(inOrder.get(name)));
    // Views with objects in them: the generated fleet's policy names clusters of every region.
    expect(expected.filter((view) => view.includes('"authorizations":[{')).length).toBeGreaterThan(names.length / 2);
    const reversed = policyViews(fleet);
    for (const name of [...names].reverse()) expect(JSON.stringify(reversed.get(name))).toBe(expected[names.indexOf(name)]);
    // One cluster alone, with none asked for before it.
    const alone = policyViews(fleet);
    expect(JSON.stringify(alone.get(names[17]!))).toBe(expected[17]);
    expect(alone.get(names[17]!)).toBe(alone.get(names[17]!));
  });

  it('has no view for a name that is no cluster of the fleet', () => {
    expect(policyViews(fleet).get('not-a-cluster')).toBeUndefined();
    expect(policyViews(fleet).get('__proto__')).toBeUndefined();
  });
});
