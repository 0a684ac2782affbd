// The rollout check is skipped when what it reads is what a synth whose check passed read
// (lib/synth/rollout-key.ts): each cluster's digest must change with anything the rollout model reads
// of it, and an incremental synth must build the model only when a digest or the fleet's delivery changed;
// a synth into any folder, when no synth of the same code passed the check with the same key (valid-before.ts).
// Whether the model is built is observable: rolloutModel is counted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { generateFleet } from '../../bench/generate-fleet.ts';
import type { Component } from '../../lib/constructs/delivery/components.ts';
import type { RenderedCluster } from '../../lib/output/rendered-cluster.ts';
import type { FleetDelivery } from '../../lib/resolve/delivery.ts';
import { clusterRolloutDigest, rolloutKey } from '../../lib/synth/rollout-key.ts';
import { synthesize, type SynthOptions, type SynthResult } from '../../lib/synth/synthesize.ts';
import { REPO } from '../support/fleet.ts';
import { scratchFolderPerTest } from '../support/scratch.ts';
import { readTree } from '../support/tree.ts';

const models = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../lib/rollout/steps.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../lib/rollout/steps.ts')>();
  return { ...original, rolloutModel: (...args: Parameters<typeof original.rolloutModel>) => (models.count++, original.rolloutModel(...args)) };
});

const scratch = scratchFolderPerTest('meshfleet-rollout-key-', { workers: '0' });

type FleetDocument = { spec: any };
const generate = (clusters: number) => generateFleet(clusters) as unknown as FleetDocument;

/** synthesize as the CLI runs it (keep 'rollout', incremental unless told), with how many rollout models it built. */
function synth(document: FleetDocument, outdir: string, options: SynthOptions = {}): { result: SynthResult; models: number } {
  models.count = 0;
  const result = synthesize({ document: structuredClone(document), baseDir: join(REPO, 'apps') }, { outdir, keep: 'rollout', incremental: true, workingFolder: scratch.path, ...options });
  return { result, models: models.count };
}

describe('an incremental synth checks the rollout', () => {
  it.each([
    ['on the main thread', '0'],
    ['with render workers', '2'],
  ])('only when what the rollout model reads changed (%s)', (_, workers) => {
    vi.stubEnv('MESHFLEET_WORKERS', workers);
    const out = join(scratch.path, 'out');
    const document = generate(8);
    expect(synth(document, out).models).toBe(1);
    // Nothing changed, then only values that give no wait or provision (HA: replicas, anti-affinity).
    expect(synth(document, out).models).toBe(0);
    document.spec.clusters[3].ha = !document.spec.clusters[3].ha;
    expect(synth(document, out).models).toBe(0);
    // The same files as a cold synth of the edited fleet over the same previous output.
    const cold = join(scratch.path, 'cold');
    synth(generate(8), cold);
    synth(document, cold, { incremental: false });
    expect(readTree(out)).toStrictEqual(readTree(cold));
    // A link removed: the Link objects (rollout views) of its clusters change.
    document.spec.links.splice(0, 1);
    expect(synth(document, out).models).toBe(1);
    // The fleet's delivery: another environment order.
    document.spec.delivery.rollout = [...document.spec.delivery.rollout].reverse();
    expect(synth(document, out).models).toBe(1);
    expect(synth(document, out).models).toBe(0);
  });

  it('with an environment delivered by no engine (its clusters have no GitOps files)', () => {
    const out = join(scratch.path, 'out');
    // Dev's ten clusters by Argo CD, staging's two by nothing.
    const document = generate(12);
    document.spec.environments.staging.delivery = { engine: 'none' };
    document.spec.delivery.rollout = ['dev'];
    expect(synth(document, out).models).toBe(1);
    expect(synth(document, out).models).toBe(0);
    const staging = document.spec.clusters.findIndex((c: { environment: string }) => c.environment === 'staging');
    document.spec.clusters[staging].ha = !document.spec.clusters[staging].ha;
    expect(synth(document, out).models).toBe(0);
  });

  it('in a dry run with the same rule, and whenever the cache does not describe the folder', () => {
    const out = join(scratch.path, 'out');
    const document = generate(6);
    synth(document, out);
    expect(synth(document, out, { dryRun: 'compare' }).models).toBe(0);
    document.spec.clusters[1].ha = !document.spec.clusters[1].ha;
    expect(synth(document, out, { dryRun: 'count' }).models).toBe(0);
    // Another cache: nothing is known of the folder.
    vi.stubEnv('MESHFLEET_CACHE_DIR', join(scratch.path, 'other-cache'));
    expect(synth(document, out).models).toBe(1);
  });

  it('and builds the model when it is read (plan reads it)', () => {
    const out = join(scratch.path, 'out');
    const document = generate(4);
    synth(document, out);
    const { result, models: built } = synth(document, out);
    expect(built).toBe(0);
    expect(result.rendered.rollout.steps.length).toBeGreaterThan(10);
    expect(models.count).toBe(1);
  });
});

describe('a synth into a folder no cache describes', () => {
  it('checks no rollout that a synth of the same code checked with the same key, into any folder (the valid-before file)', () => {
    const document = generate(6);
    expect(synth(document, join(scratch.path, 'first')).models).toBe(1);
    expect(synth(document, join(scratch.path, 'second')).models).toBe(0);
    expect(readTree(join(scratch.path, 'second'))).toStrictEqual(readTree(join(scratch.path, 'first')));
    document.spec.clusters[2].environment = 'staging';
    expect(synth(document, join(scratch.path, 'third')).models).toBe(1);
  });

  it('checks, and refuses, a rollout that found something every time', () => {
    // A ConfigMap in a namespace nothing delivers (MF7101 on each cluster).
    const apps = () => [{ name: 'stray', objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'nowhere' }, data: { a: 'b' } }] }];
    const refused = (outdir: string) => {
      models.count = 0;
      const run = () => synthesize({ document: generate(3), baseDir: join(REPO, 'apps'), apps }, { outdir, keep: 'rollout', incremental: true, workingFolder: scratch.path });
      expect(run).toThrow(/MF7101/);
      return models.count;
    };
    expect(refused(join(scratch.path, 'first'))).toBe(1);
    expect(refused(join(scratch.path, 'second'))).toBe(1);
  });
});

describe("a cluster's rollout digest", () => {
  // A rendered cluster (rollout views) and its delivery components, as synth makes them.
  const document = generate(4);
  const out = mkdtempSync(join(tmpdir(), 'meshfleet-rollout-digest-'));
  const { clusters: rendered, delivery } = synthesize({ document, baseDir: join(REPO, 'apps') }, { outdir: out, keep: 'rollout', dryRun: true }).rendered;
  rmSync(out, { recursive: true, force: true });
  const cluster = rendered.find((r) => r.objectFiles.some((f) => f.objects.length > 1))!;
  const components = delivery.components.get(cluster.cluster.name)!;
  const digestOf = (r: RenderedCluster, c: readonly Component[]) => clusterRolloutDigest(r, { components: c, files: [] });
  const base = digestOf(cluster, components);
  const chart = (c: readonly Component[]) => c.find((x) => x.kind === 'upstream-chart' && x.chart === 'linkerd-control-plane') as Component & { values: Record<string, any> };
  const withValues = (values: (v: Record<string, any>) => Record<string, any>) => components.map((c) => (c === chart(components) ? { ...c, values: values(chart(components).values) } : c));

  it('is the same for the same cluster, and for values that give no wait or provision', () => {
    expect(digestOf(structuredClone(cluster), structuredClone(components))).toBe(base);
    expect(digestOf(cluster, withValues((v) => ({ ...v, controllerReplicas: 7 })))).toBe(base);
  });

  it.each<[string, () => [RenderedCluster, readonly Component[]]]>([
    ['an object left out of a file', () => [{ ...cluster, objectFiles: cluster.objectFiles.map((f, i) => (i === cluster.objectFiles.findIndex((x) => x.objects.length > 1) ? { ...f, objects: f.objects.slice(1) } : f)) }, components]],
    ['an object renamed', () => [{ ...cluster, objectFiles: cluster.objectFiles.map((f) => ({ ...f, objects: f.objects.map((o, i) => (i === 0 ? { ...o, metadata: { ...o.metadata, name: `${o.metadata.name}-x` } } : o)) })) }, components]],
    ['a route file', () => [{ ...cluster, routeFiles: [...cluster.routeFiles, { name: 'extra.yaml', objects: [] }] }, components]],
    ['its place in the fleet document', () => [{ ...cluster, cluster: { ...cluster.cluster, path: '/spec/clusters/99' } }, components]],
    ['its environment', () => [{ ...cluster, cluster: { ...cluster.cluster, environment: 'elsewhere' } }, components]],
    ['a component\'s namespace', () => [cluster, components.map((c, i) => (i === 0 ? { ...c, namespace: 'other' } : c))]],
    ['a component\'s phase', () => [cluster, components.map((c, i) => (i === components.length - 1 ? { ...c, phase: components[0].phase } : c))]],
    ['a component left out', () => [cluster, components.slice(1)]],
    // The identity controller waits for the issuer Secret cert-manager makes with scheme kubernetes.io/tls only.
    ['chart values that change a wait (the identity issuer\'s scheme)', () => [cluster, withValues((v) => ({ ...v, identity: { ...v.identity, issuer: { ...v.identity?.issuer, scheme: v.identity?.issuer?.scheme === 'kubernetes.io/tls' ? 'linkerd.io/tls' : 'kubernetes.io/tls' } } }))]],
    ['chart values that add a wait (a webhook\'s Secret from the store)', () => [cluster, withValues((v) => ({ ...v, policyValidator: { ...v.policyValidator, externalSecret: !v.policyValidator?.externalSecret } }))]],
  ])('changes with %s', (_, changed) => {
    const [r, c] = changed();
    expect(digestOf(r, c)).not.toBe(base);
  });

  it('and the fleet key changes with any digest, their order, the delivery and the credentials', () => {
    // Plain data in the shape of a resolved fleet's delivery: the key hashes it as it is.
    const fleetDelivery = (rollout: string[]) => ({ environments: [], rollout, clusters: new Map([['c0', {}]]) }) as unknown as FleetDelivery;
    const key = rolloutKey(fleetDelivery(['dev', 'prod']), 'fleet', true, ['a', 'b']);
    expect(rolloutKey(fleetDelivery(['dev', 'prod']), 'fleet', true, ['a', 'b'])).toBe(key);
    for (const other of [
      rolloutKey(fleetDelivery(['dev', 'prod']), 'fleet', true, ['a', 'c']),
      rolloutKey(fleetDelivery(['dev', 'prod']), 'fleet', true, ['b', 'a']),
      rolloutKey(fleetDelivery(['dev', 'prod']), 'fleet', false, ['a', 'b']),
      rolloutKey(fleetDelivery(['dev', 'prod']), 'other', true, ['a', 'b']),
      rolloutKey(fleetDelivery(['prod', 'dev']), 'fleet', true, ['a', 'b']),
    ]) {
      expect(other).not.toBe(key);
    }
  });
});
