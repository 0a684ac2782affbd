// A synth takes the objects of files whose text passed their checks in an earlier run as checked
// (lib/synth/validated-files.ts filesCheckedBefore, lib/validate/valid-before.ts): a second run of the
// same fleet in a fresh process checks no object and loads no schema, gives the same output, and an
// invalid object is reported on every run. A cluster (and its part of the GitOps files) whose
// inputs passed every check before is not checked at all (render-cluster.ts CLUSTER_CHECKS): no file
// of it is scanned, until its inputs change. Each run uses fresh modules (a fresh process as far as
// validation goes) and the test's own cache folder.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../../lib/model/kube-object.ts';
import { waitForAnotherCluster } from '../support/another-cluster.ts';
import { deliveryDocument } from '../delivery/support.ts';
import { fleetDocument } from '../support/fleet.ts';
import { scratchFolderPerTest } from '../support/scratch.ts';

const scratch = scratchFolderPerTest('meshfleet-valid-before-synth-');

/**
 * A sink into a staged folder whose first file waits until another thread has written a cluster: with
 * render workers, the main thread renders one cluster and a worker at least one other.
 */
async function sinkAfterAWorker(folder: string) {
  const { stagedWriter } = await import('../../lib/output/atomic-write.ts');
  const write = stagedWriter(folder);
  let waited = false;
  return Object.assign(
    (path: string, text: string) => {
      if (!waited) {
        waited = true;
        waitForAnotherCluster(folder, path);
      }
      write(path, text);
    },
    { staged: { folder, record: () => {}, checked: () => {} } },
  );
}

/** One synth in fresh modules: its output, diagnostics, how many objects this thread checked, which schemas it compiled and which files it scanned; what it found is saved. */
async function freshSynth(apps?: (cluster: string) => { name: string; objects: KubeObject[] }[], staged?: string, document = fleetDocument(), keep?: 'rollout') {
  vi.resetModules();
  const scanned: string[] = [];
  vi.doMock('../../lib/validate/secret-scan.ts', async (original) => {
    const scan = await original<typeof import('../../lib/validate/secret-scan.ts')>();
    return { ...scan, scanUnseenFiles: (files: ReadonlyMap<string, string>, wrapped?: Parameters<typeof scan.scanUnseenFiles>[1]) => (scanned.push(...files.keys()), scan.scanUnseenFiles(files, wrapped)) };
  });
  const { planFleet } = await import('../../lib/synth/plan.ts');
  const { renderFleet } = await import('../../lib/synth/render.ts');
  const { objectsChecked } = await import('../../lib/validate/validate-objects.ts');
  const { loadedSchemaFiles } = await import('../../lib/validate/schema-registry.ts');
  const { saveValidBefore } = await import('../../lib/validate/valid-before.ts');
  const { fleet } = planFleet(document, { baseDir: join(process.cwd(), 'apps') });
  const rendered = renderFleet(fleet!, { charts: {} }, {}, apps, staged === undefined ? undefined : await sinkAfterAWorker(staged), keep);
  saveValidBefore();
  vi.doUnmock('../../lib/validate/secret-scan.ts');
  return { files: rendered.files, diagnostics: rendered.diagnostics, checked: objectsChecked(), schemas: loadedSchemaFiles(), scanned };
}

/** The clusters (environment/name) with a file among `paths`. */
const clustersOf = (paths: readonly string[]) => [...new Set(paths.filter((p) => /^prod\/[ab]\//.test(p)).map((p) => p.split('/').slice(0, 2).join('/')))].sort();

describe('files found valid before, in a synth', () => {
  it('are not checked again by a run in a fresh process, which gives the same output', async () => {
    vi.stubEnv('MESHFLEET_WORKERS', '0');
    const cold = await freshSynth();
    expect(cold.checked).toBeGreaterThan(10);
    expect(cold.schemas.length).toBeGreaterThan(0);
    const warm = await freshSynth();
    expect(warm.checked).toBe(0);
    expect(warm.schemas).toStrictEqual([]);
    expect(warm.files).toStrictEqual(cold.files);
    expect(warm.diagnostics).toStrictEqual(cold.diagnostics);
  });

  it("found by render workers are kept by the main thread's file", async () => {
    vi.stubEnv('MESHFLEET_WORKERS', '1');
    const staged = join(scratch.path, 'staged');
    mkdirSync(staged);
    const cold = await freshSynth(undefined, staged);
    vi.stubEnv('MESHFLEET_WORKERS', '0');
    // A cluster was rendered by the worker; what it found reached the file too.
    const warm = await freshSynth();
    expect(cold.checked).toBeGreaterThan(0);
    expect(warm.checked).toBe(0);
  });

  it('every check of a cluster that passed them for the same inputs is left out, in a fresh process: objects, values, secret scan', async () => {
    // lib/synth/input-keys.ts, render-cluster.ts CLUSTER_CHECKS: what the output is made from passed before.
    vi.stubEnv('MESHFLEET_WORKERS', '0');
    const cold = await freshSynth();
    expect(clustersOf(cold.scanned)).toStrictEqual(['prod/a', 'prod/b']);
    const warm = await freshSynth();
    expect(warm.checked).toBe(0);
    // Only the fleet-wide files are scanned (index.json, versions.lock.json, the marker): no file of a cluster.
    expect(clustersOf(warm.scanned)).toStrictEqual([]);
    expect(warm.scanned.length).toBeGreaterThan(0);
    expect(warm.files).toStrictEqual(cold.files);
    expect(warm.diagnostics).toStrictEqual(cold.diagnostics);
  });

  it("every check of a cluster's part of the GitOps files that passed them for the same inputs is left out", async () => {
    vi.stubEnv('MESHFLEET_WORKERS', '0');
    const document = deliveryDocument('flux', () => {});
    const partFiles = (paths: readonly string[]) => paths.filter((p) => /^prod\/gitops\/flux\/steps\/[ab]\//.test(p));
    const cold = await freshSynth(undefined, undefined, document, 'rollout');
    const warm = await freshSynth(undefined, undefined, document, 'rollout');
    expect(partFiles(cold.scanned).length).toBeGreaterThan(0);
    expect(partFiles(warm.scanned)).toStrictEqual([]);
    expect(warm.files).toStrictEqual(cold.files);
    expect(warm.diagnostics).toStrictEqual(cold.diagnostics);
  });

  it('a cluster whose inputs changed is checked again, but for the objects of files found valid before', async () => {
    vi.stubEnv('MESHFLEET_WORKERS', '0');
    const cold = await freshSynth();
    const edited = fleetDocument((d) => (d.spec.clusters[1].ha = true));
    const warm = await freshSynth(undefined, undefined, edited);
    expect(clustersOf(warm.scanned)).toStrictEqual(['prod/b']);
    // High availability changes the upstream charts' values, which are scanned and checked again, and
    // none of meshfleet's own objects, whose files passed before.
    expect(cold.checked).toBeGreaterThan(10);
    expect(warm.checked).toBe(0);
    expect(warm.files.get('prod/a/values/linkerd-control-plane.yaml')).toBe(cold.files.get('prod/a/values/linkerd-control-plane.yaml'));
    expect(warm.files.get('prod/b/values/linkerd-control-plane.yaml')).not.toBe(cold.files.get('prod/b/values/linkerd-control-plane.yaml'));
    // Back to the first inputs: none is checked again.
    const back = await freshSynth();
    expect(clustersOf(back.scanned)).toStrictEqual([]);
    expect(back.files).toStrictEqual(cold.files);
  });

  it('keep no file with an invalid object: it is checked and reported on every run', async () => {
    vi.stubEnv('MESHFLEET_WORKERS', '0');
    const invalid = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 'two' } } as unknown as KubeObject;
    const apps = (cluster: string) => (cluster === 'a' ? [{ name: 'shop', objects: [invalid] }] : []);
    const reported = (run: { diagnostics: readonly { code: string; path: string }[] }) => run.diagnostics.filter((d) => d.code === 'MF8004').map((d) => d.path);
    const first = await freshSynth(apps);
    expect(reported(first)).not.toStrictEqual([]);
    const second = await freshSynth(apps);
    expect(reported(second)).toStrictEqual(reported(first));
    expect(second.checked).toBeGreaterThan(0);
    // The cluster with the finding keeps no verdict of its own; the other one does.
    expect(clustersOf(second.scanned)).toStrictEqual(['prod/a']);
  });
});
