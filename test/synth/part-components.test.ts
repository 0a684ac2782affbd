// A reused cluster's part of the GitOps files holds its components (93% of the part) apart from its
// files, and a re-synth decodes them only where a file reads them: an Argo CD ApplicationSet lists
// every cluster's components; an app-of-apps environment's and a Flux environment's files do not
// (lib/rollout/gitops-files.ts, lib/synth/cache-records.ts). Decodes are counted.
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { generateFleet } from '../../bench/generate-fleet.ts';
import type { Component } from '../../lib/constructs/delivery/components.ts';
import type { ClusterDeliveryPart } from '../../lib/rollout/gitops-files.ts';
import { decodeDeliveryPart, encodeDeliveryPart, recordParts } from '../../lib/synth/cache-records.ts';
import { synthesize } from '../../lib/synth/synthesize.ts';
import { REPO } from '../support/fleet.ts';
import { scratchFolderPerTest } from '../support/scratch.ts';
import { readTree } from '../support/tree.ts';

const decoded = vi.hoisted(() => ({ components: 0 }));
vi.mock('../../lib/synth/cache-records.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../lib/synth/cache-records.ts')>();
  return {
    ...original,
    decodeDeliveryPart: (...args: Parameters<typeof original.decodeDeliveryPart>) => {
      const part = original.decodeDeliveryPart(...args);
      return { ...part, components: () => (decoded.components++, part.components()) };
    },
  };
});

const scratch = scratchFolderPerTest('meshfleet-part-components-', { workers: '0' });

type FleetDocument = { spec: any };

function synth(document: FleetDocument, outdir: string, incremental = true): void {
  synthesize({ document: structuredClone(document), baseDir: join(REPO, 'apps') }, { outdir, keep: 'rollout', incremental, workingFolder: scratch.path });
}

/** The bench's fleet of 12 clusters (dev and staging by Argo CD app-of-apps, prod by Flux), staging by `generator` if given. */
function fleet(generator?: 'list'): FleetDocument {
  const doc = generateFleet(12) as unknown as FleetDocument;
  if (generator) doc.spec.environments.staging.delivery = { argocd: { generator } };
  return doc;
}

/** Re-synthesizes after setting ha on a dev cluster (which no rollout view reads): decoded components, the output and a cold synth's. */
function resynthAfterEdit(doc: FleetDocument): { decodes: number; output: Record<string, string>; cold: Record<string, string> } {
  const out = join(scratch.path, 'out');
  synth(doc, out);
  const edited = structuredClone(doc);
  const cluster = (edited.spec.clusters as { name: string; environment: string; ha?: boolean }[]).find((c) => c.environment === 'dev')!;
  cluster.ha = true;
  decoded.components = 0;
  synth(edited, out);
  const decodes = decoded.components;
  const cold = join(scratch.path, 'cold');
  synth(edited, cold, false);
  return { decodes, output: readTree(out), cold: readTree(cold) };
}

describe("a reused cluster's part of the GitOps files", () => {
  it('keeps its files first and its components behind them, decoded when called, as they were without the values', () => {
    const components = [
      { kind: 'upstream-chart', chart: 'linkerd-control-plane', name: 'linkerd-control-plane', values: { ha: true } },
      { kind: 'mesh', name: 'mesh', phase: 'mesh' },
    ] as never as Component[];
    const part: ClusterDeliveryPart = { components, files: [['dev/gitops/argocd/clusters/a.yaml', 'kind: Application\n'], ['dev/x.yaml', 12]] };
    const record = encodeDeliveryPart(part);
    const filesLength = Buffer.from(record).readUInt32LE(0);
    expect(JSON.parse(Buffer.from(record.subarray(4, 4 + filesLength)).toString())).toStrictEqual({ files: [['dev/gitops/argocd/clusters/a.yaml', 18], ['dev/x.yaml', 12]] });
    const back = decodeDeliveryPart(record);
    expect(back.files).toStrictEqual([['dev/gitops/argocd/clusters/a.yaml', 18], ['dev/x.yaml', 12]]);
    expect(back.components()).toStrictEqual([{ ...components[0], values: {} }, components[1]]);
    expect(() => decodeDeliveryPart(record.subarray(0, 4 + filesLength - 1))).toThrow(/shorter than its hot part/);
    // The files are the record's hot part, the components its cold part (the cache's cold file),
    // read when first called for, once.
    const { hot, cold } = recordParts(record);
    expect(Buffer.from(hot).equals(Buffer.from(record.subarray(4, 4 + filesLength)))).toBe(true);
    let reads = 0;
    const fromFiles = decodeDeliveryPart(hot, () => (reads++, cold));
    expect([fromFiles.files, reads]).toStrictEqual([back.files, 0]);
    expect(fromFiles.components()).toStrictEqual(back.components());
    fromFiles.components();
    expect(reads).toBe(1);
  });

  it('has its components decoded by no re-synth of app-of-apps and Flux environments', () => {
    const { decodes, output, cold } = resynthAfterEdit(fleet());
    expect(decodes).toBe(0);
    expect(output).toStrictEqual(cold);
  });

  it("has them decoded for an ApplicationSet's clusters, each once", () => {
    const doc = fleet('list');
    const staging = (doc.spec.clusters as { environment: string }[]).filter((c) => c.environment === 'staging').length;
    expect(staging).toBeGreaterThan(0);
    const { decodes, output, cold } = resynthAfterEdit(doc);
    expect(decodes).toBe(staging);
    expect(output).toStrictEqual(cold);
    expect(Object.keys(output).some((path) => path.endsWith('applicationset.yaml'))).toBe(true);
  });
});
