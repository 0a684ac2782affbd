// The rollout check (rolloutModel and rolloutDiagnostics, lib/rollout) runs over the whole fleet on
// one thread: some 0.6 s at 1000 clusters, which a re-synth after a one-cluster edit would repeat in
// full. What the model reads of each cluster is hashed by the thread that renders it
// (clusterRolloutDigest); the fleet's key is those hashes with what the model reads of the fleet
// (rolloutKey). A key whose check found nothing is kept in the valid-before file
// (lib/validate/valid-before.ts, by lib/synth/render.ts); a later run with the same key, into any
// folder, needs no check.
import { createHash } from 'node:crypto';
import type { RenderedCluster } from '../output/rendered-cluster.ts';
import type { FleetDelivery } from '../resolve/delivery.ts';
import { componentUnits, type Unit } from '../rollout/component-waits.ts';
import { ClusterFacts, factKey } from '../rollout/facts.ts';
import type { ClusterDeliveryPart } from '../rollout/gitops-files.ts';
import { encodeDeliveryPart, encodeViews } from './cache-records.ts';
import { canonical, codeStamp, digest } from './hashing.ts';

/**
 * What the rollout model reads of one cluster (lib/rollout/steps.ts, component-waits.ts), hashed: its
 * name, environment and place in the fleet document, its part of the GitOps files (its delivery
 * components, with its files' sizes), the rollout views of its objects and routes, and of each
 * upstream chart the waits and provisions its values give, not the values themselves (a replica
 * count changes none of them). `encoded`: its views and part as the cache holds them, when they were
 * encoded for it already (encodeViews, encodeDeliveryPart): hashed as they are.
 */
export function clusterRolloutDigest(rendered: RenderedCluster, part: ClusterDeliveryPart, encoded: { readonly views?: Uint8Array; readonly part?: Uint8Array } = {}): string {
  const { name, environment, path } = rendered.cluster;
  const facts = new ClusterFacts(name);
  const charts = part.components.map((c) => (c.kind === 'upstream-chart' ? componentUnits(c, rendered, facts).map(unitFacts) : null));
  // Strings, lists and nulls only: their JSON is exact. The encodings are too (JSON when that is exact,
  // else V8's serialization); each part is hashed after its length.
  const hash = createHash('sha256').update(JSON.stringify([name, environment, path, charts]));
  for (const bytes of [encoded.part ?? encodeDeliveryPart(part), encoded.views ?? encodeViews(rendered)]) hash.update(`\0${bytes.length}:`).update(bytes);
  return hash.digest('base64');
}

function unitFacts(unit: Unit): unknown {
  return [unit.id, unit.file, unit.waits.map((w) => [factKey(w.fact), w.stage]), unit.provides.map((p) => [factKey(p.fact), p.stage])];
}

/**
 * The fleet's rollout key: the code, what the model reads of the fleet (its
 * delivery, its name, whether peers push link credentials) and each cluster's digest in fleet order.
 */
export function rolloutKey(delivery: FleetDelivery, fleetName: string, peersPush: boolean, clusters: readonly string[]): string | undefined {
  try {
    return digest(`${codeStamp()}\0${canonical([delivery, fleetName, peersPush])}\0${clusters.join('\0')}`);
  } catch {
    // Delivery settings canonical cannot write (a function): checked every time.
    return undefined;
  }
}
