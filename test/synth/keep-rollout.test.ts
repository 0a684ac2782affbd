// The CLI keeps only each object's rollout view once a cluster's files are written (synthesize's
// `keep: 'rollout'`): everything the rollout reads of an object reads the same from that view, and
// the output, diagnostics and rollout verdict equal those of a synth that keeps every object.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { generateFleet } from '../../bench/generate-fleet.ts';
import { phaseOfObject } from '../../lib/rollout/components.ts';
import { isCustomResource, objectRef, objectWaits, rolloutView, waitsOnPeer } from '../../lib/rollout/object-waits.ts';
import { synthesize } from '../../lib/synth/synthesize.ts';
import { exampleDocument, REPO } from '../support/fleet.ts';

const work = mkdtempSync(join(tmpdir(), 'meshfleet-keep-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

const fleets = [
  { name: 'the example fleet', document: () => exampleDocument() },
  { name: 'a generated 100-cluster fleet', document: () => generateFleet(100) },
];

describe.each(fleets)('$name', ({ document }) => {
  const full = synthesize({ document: document(), baseDir: join(REPO, 'apps') }, { outdir: join(work, 'unused'), dryRun: true, workingFolder: work });

  it('every object reads the same through its rollout view: waits, provisions, phase, peer waits, custom resource', () => {
    let objects = 0;
    for (const r of full.rendered.clusters) {
      for (const object of [...r.objects, ...r.routeFiles.flatMap((f) => f.objects)]) {
        const view = rolloutView(object);
        expect(objectWaits(view, r.cluster.name)).toStrictEqual(objectWaits(object, r.cluster.name));
        expect([objectRef(view), phaseOfObject(view), waitsOnPeer(view), isCustomResource(view)]).toStrictEqual([objectRef(object), phaseOfObject(object), waitsOnPeer(object), isCustomResource(object)]);
        objects++;
      }
    }
    expect(objects).toBeGreaterThan(100);
  });

  it('keeps the same rollout views whether workers rendered the clusters or not', () => {
    const slim = (workers: string) => {
      vi.stubEnv('MESHFLEET_WORKERS', workers);
      return synthesize({ document: document(), baseDir: join(REPO, 'apps') }, { outdir: join(work, 'unused'), dryRun: true, workingFolder: work, keep: 'rollout' }).rendered.clusters;
    };
    const single = slim('0');
    expect(single.flatMap((r) => r.objects).some((o) => 'spec' in o)).toBe(true);
    expect(slim('2')).toStrictEqual(single);
  });

  it.each(['0', '1'])('keeping rollout views (workers: %s) gives the same files, diagnostics and rollout verdict', (workers) => {
    vi.stubEnv('MESHFLEET_WORKERS', workers);
    const slim = synthesize({ document: document(), baseDir: join(REPO, 'apps') }, { outdir: join(work, 'unused'), dryRun: true, workingFolder: work, keep: 'rollout' });
    expect(slim.rendered.files).toStrictEqual(full.rendered.files);
    expect(slim.diagnostics).toStrictEqual(full.diagnostics);
    // The rollout model's steps hold their objects: compared by what they are, the rest whole.
    const steps = (r: typeof full) => JSON.stringify(r.rendered.rollout.steps, (key, value) => (key === 'object' ? objectRef(value) : value));
    expect(steps(slim)).toBe(steps(full));
    // What is kept is the view: no labels, no data, no spec beyond the kinds the rollout reads.
    const kept = slim.rendered.clusters.flatMap((r) => r.objects);
    expect(kept.length).toBe(full.rendered.clusters.flatMap((r) => r.objects).length);
    expect(kept.every((o) => Object.keys(o.metadata).every((k) => k === 'name' || k === 'namespace'))).toBe(true);
    expect(kept.filter((o) => 'spec' in o).every((o) => ['Certificate', 'Issuer', 'ClusterIssuer', 'ExternalSecret', 'PushSecret'].includes(o.kind))).toBe(true);
    // Of a spec only the fields the rollout reads: a Link credentials' kubeconfig template stays behind.
    const credentials = kept.filter((o) => o.kind === 'ExternalSecret');
    expect(credentials.length).toBeGreaterThan(0);
    expect(credentials.every((o) => !('secretStoreRef' in (o.spec as object)) && !('data' in ((o.spec as { target?: { template?: object } }).target?.template ?? {})))).toBe(true);
  });
});
