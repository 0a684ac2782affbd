// synth --check, diff and validate (synthesize with dryRun 'compare' or 'count'), and plan, read the incremental
// cache (lib/synth/incremental.ts) and leave it as it is: a cluster the cache finds reusable is not
// rendered, its files are taken as they are in the output folder. Each run here is checked against the
// same run without the cache (which renders every cluster) and against what a real synth writes.
// Reuse is observable: renderCluster is counted (no render workers below their threshold).
import { cpSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { generateFleet } from '../../bench/generate-fleet.ts';
import { writeFleetFile } from '../../bench/cli-runs.ts';
import { compareOutput } from '../../lib/cli/diff.ts';
import { synthesize, type SynthOptions, type SynthResult } from '../../lib/synth/synthesize.ts';
import { run as runCli } from '../support/cli.ts';
import { REPO } from '../support/fleet.ts';
import { scratchFolderPerTest } from '../support/scratch.ts';
import { diffTrees, readTree, treeStamp } from '../support/tree.ts';

const renders = vi.hoisted(() => ({ count: 0, read: [] as string[] }));
vi.mock('../../lib/synth/render-cluster.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../lib/synth/render-cluster.ts')>();
  return { ...original, renderCluster: (...args: Parameters<typeof original.renderCluster>) => (renders.count++, original.renderCluster(...args)) };
});
// Which files the comparison reads (it reads the output folder through readRegularFile only).
vi.mock('../../lib/model/file-access.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../lib/model/file-access.ts')>();
  return { ...original, readRegularFile: (...args: Parameters<typeof original.readRegularFile>) => (renders.read.push(args[0]), original.readRegularFile(...args)) };
});

const scratch = scratchFolderPerTest('meshfleet-dry-run-cache-', { workers: '0' });

type FleetDocument = { spec: any };
type Cluster = { name: string; environment: string; [key: string]: any };
const CLUSTERS = 12;
const generate = () => generateFleet(CLUSTERS) as unknown as FleetDocument;

/** synthesize as the CLI runs it (keep 'rollout', incremental unless told), with how many clusters it rendered. */
function synth(document: FleetDocument, outdir: string, options: SynthOptions = {}): { result?: SynthResult; error?: string; rendered: number; read: string[] } {
  renders.count = 0;
  renders.read = [];
  try {
    const result = synthesize({ document: structuredClone(document), baseDir: join(REPO, 'apps') }, { outdir, keep: 'rollout', incremental: true, workingFolder: scratch.path, ...options });
    return { result, rendered: renders.count, read: renders.read };
  } catch (e) {
    return { error: (e as Error).message, rendered: renders.count, read: renders.read };
  }
}

/** A dry run with the cache and the same run without it: both, with what must be equal checked. */
function both(document: FleetDocument, outdir: string, dryRun: 'compare' | 'count') {
  const cached = synth(document, outdir, { dryRun });
  const plain = synth(document, outdir, { dryRun, incremental: false });
  expect(cached.error).toBe(plain.error);
  expect(plain.rendered).toBe(clustersOf(document).length);
  if (cached.result && plain.result) {
    expect(cached.result.diagnostics).toStrictEqual(plain.result.diagnostics);
    expect(cached.result.acknowledged).toStrictEqual(plain.result.acknowledged);
    expect([cached.result.files, cached.result.bytes]).toStrictEqual([plain.result.files, plain.result.bytes]);
    expect(cached.result.rendered.paths).toStrictEqual(plain.result.rendered.paths);
    expect(cached.result.comparison?.changes).toStrictEqual(plain.result.comparison?.changes);
    expect(cached.result.comparison?.files).toBe(plain.result.comparison?.files);
    if (dryRun === 'compare') {
      const [a, b] = [compareOutput(cached.result.comparison!), compareOutput(plain.result.comparison!)];
      expect([a.risks, [...a.chartVersions]]).toStrictEqual([b.risks, [...b.chartVersions]]);
    }
  }
  return { cached, plain };
}

const clustersOf = (doc: FleetDocument) => doc.spec.clusters as Cluster[];

/** A cluster out of the fleet, with its links and its place in the policy. */
function removeCluster(doc: FleetDocument, name: string): void {
  const spec = doc.spec;
  spec.clusters = clustersOf(doc).filter((c) => c.name !== name);
  spec.links = (spec.links ?? [])
    .map((l: any) => (l.mesh ? { ...l, mesh: l.mesh.filter((m: string) => m !== name) } : l))
    .filter((l: any) => (l.mesh ? l.mesh.length > 1 : l.from !== name && l.to !== name));
  for (const service of spec.policy.services) {
    service.clusters = service.clusters.filter((c: string) => c !== name);
    service.allow = service.allow.filter((a: any) => a.cluster !== name);
  }
}
const tree = (dir: string) => new Map(Object.entries(readTree(dir)));

/** What a real synth of `document` over a copy of `out` changes, and the files and bytes it writes. */
function realSynth(document: FleetDocument, out: string) {
  const copy = join(scratch.path, `copy-${Math.random().toString(36).slice(2)}`);
  cpSync(out, copy, { recursive: true });
  const { error } = synth(document, copy, { incremental: false });
  const after = tree(copy);
  const bytes = [...after.values()].reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  rmSync(copy, { recursive: true, force: true });
  return { error, changes: diffTrees(tree(out), after), files: after.size, bytes };
}

function synthesized(document = generate()): { document: FleetDocument; out: string } {
  const out = join(scratch.path, 'out');
  expect(synth(document, out).error).toBeUndefined();
  return { document, out };
}

/** The incremental cache's files (a dry run must add none, leave none behind, change none). */
function cacheFiles(): Map<string, Buffer> {
  const dir = join(scratch.path, 'cache');
  return new Map(readdirSync(dir).filter((f) => f.startsWith('synth-')).map((f) => [f, readFileSync(join(dir, f))]));
}

const REUSED_FILE = 'dev/c1/values/linkerd-control-plane.yaml';

describe('check, diff and validate with the incremental cache', () => {
  it('right after a synth: no changes, the diagnostics, files and bytes of a run without the cache, nothing rendered', () => {
    const { document, out } = synthesized();
    const real = realSynth(document, out);
    expect(real.changes).toStrictEqual([]);
    for (const dryRun of ['compare', 'count'] as const) {
      const { cached, plain } = both(document, out, dryRun);
      expect(cached.rendered).toBe(0);
      expect(plain.result!.diagnostics.length).toBeGreaterThan(0);
      expect([cached.result!.files, cached.result!.bytes]).toStrictEqual([real.files, dryRun === 'count' ? real.bytes : 0]);
      if (dryRun === 'compare') {
        expect(cached.result!.comparison!.changes).toStrictEqual([]);
        // Reused clusters' files are not read; without the cache every file is.
        const clusterFiles = (read: string[]) => read.filter((path) => /^dev\/c\d+\//.test(relative(out, path)));
        expect([clusterFiles(cached.read), clusterFiles(plain.read).length > CLUSTERS * 10]).toStrictEqual([[], true]);
      }
    }
  });

  const addCluster = (doc: FleetDocument) => void doc.spec.clusters.push(generateFleet(CLUSTERS + 1).spec.clusters[CLUSTERS]);
  const edits: { name: string; before?(doc: FleetDocument): void; apply(doc: FleetDocument): void }[] = [
    { name: 'HA on for one cluster', apply: (doc) => void (clustersOf(doc)[5].ha = true) },
    // What the Links of other clusters read of it: they render again too.
    { name: 'the API server of a linked cluster', apply: (doc) => void (clustersOf(doc)[11].apiServer = 'https://moved.k8s.example:6443') },
    // One no cluster links to (a linked one is refused while its peers still link to it).
    { name: 'a cluster removed', before: addCluster, apply: (doc) => removeCluster(doc, `c${CLUSTERS}`) },
    { name: 'a cluster added', apply: addCluster },
    { name: 'one cluster\'s delivery settings', apply: (doc) => void (clustersOf(doc)[3].delivery = { argocd: { project: 'team-a' }, flux: { kubeConfigSecret: 'kubeconfig-a' } }) },
  ];
  for (const edit of edits) {
    it(`after an edit (${edit.name}): the changes, before and after, files and bytes a run without the cache gives, rendering less`, () => {
      const start = generate();
      edit.before?.(start);
      const { document, out } = synthesized(start);
      edit.apply(document);
      const real = realSynth(document, out);
      expect(real.error).toBeUndefined();
      expect(real.changes.length).toBeGreaterThan(0);
      const compared = both(document, out, 'compare');
      expect(compared.cached.rendered).toBeLessThan(clustersOf(document).length);
      const comparison = compared.cached.result!.comparison!;
      expect(comparison.changes).toStrictEqual(real.changes);
      // A reused cluster's file, not read to compare, is read when asked for.
      expect(real.changes.map((c) => c.path)).not.toContain(REUSED_FILE);
      const onDisk = readFileSync(join(out, REUSED_FILE), 'utf8');
      expect([comparison.before.get(REUSED_FILE), comparison.after.get(REUSED_FILE)]).toStrictEqual([onDisk, onDisk]);
      const counted = both(document, out, 'count');
      expect(counted.cached.rendered).toBe(compared.cached.rendered);
      expect([counted.cached.result!.files, counted.cached.result!.bytes]).toStrictEqual([real.files, real.bytes]);
    });
  }

  it('a refused edit (a cluster removed while others link to it): the same error', () => {
    const { document, out } = synthesized();
    removeCluster(document, 'c4');
    const { cached } = both(document, out, 'compare');
    expect(cached.error).toContain('MF7221');
  });

  describe('a hand-edited file of a cluster the cache would reuse: that cluster is compared as rendered', () => {
    const setUp = () => {
      const { document, out } = synthesized();
      const path = join(out, REUSED_FILE);
      return { document, out, path, original: readFileSync(path, 'utf8'), times: statSync(path) };
    };
    const expectChanged = (document: FleetDocument, out: string, change: object[]) => {
      const { cached } = both(document, out, 'compare');
      expect(cached.result!.comparison!.changes).toStrictEqual(change);
      expect(cached.rendered).toBe(1);
      expect(both(document, out, 'count').cached.rendered).toBe(1);
    };

    it('its content changed', () => {
      const { document, out, path, original } = setUp();
      writeFileSync(path, original + '# edited\n');
      expectChanged(document, out, [{ path: REUSED_FILE, kind: 'changed', before: original + '# edited\n', after: original }]);
    });

    it('its content changed with the same size, at another time', () => {
      const { document, out, path, original, times } = setUp();
      const edited = original.replace('logFormat', 'logformat');
      expect(edited).not.toBe(original);
      writeFileSync(path, edited);
      utimesSync(path, times.atime, new Date(times.mtimeMs + 5000));
      expectChanged(document, out, [{ path: REUSED_FILE, kind: 'changed', before: edited, after: original }]);
    });

    it('removed', () => {
      const { document, out, path, original } = setUp();
      rmSync(path);
      expectChanged(document, out, [{ path: REUSED_FILE, kind: 'added', after: original }]);
    });

    it('touched only: rendered, and no change', () => {
      const { document, out, path, times } = setUp();
      utimesSync(path, times.atime, new Date(times.mtimeMs + 5000));
      expectChanged(document, out, []);
    });
  });

  it('writes nothing: the output folder and the cache stay as they were, and the next synth still reuses every cluster', () => {
    const { document, out } = synthesized();
    const folder = treeStamp(out);
    const cache = cacheFiles();
    // The cache file, its cold file, and the view of the index.json the synth wrote.
    expect([...cache.keys()].map((name) => name.replace(/[0-9a-f]{32}/, 'H')).sort()).toStrictEqual(['synth-H.cold', 'synth-H.v8', 'synth-H.view']);
    const edited = structuredClone(document);
    clustersOf(edited)[5].ha = true;
    for (const doc of [document, edited]) {
      for (const dryRun of ['compare', 'count'] as const) {
        expect(synth(doc, out, { dryRun }).result).toBeDefined();
        expect(treeStamp(out)).toBe(folder);
        expect(cacheFiles()).toStrictEqual(cache);
      }
    }
    expect(readdirSync(scratch.path).sort()).toStrictEqual(['cache', 'out']);
    expect(synth(document, out).rendered).toBe(0);
  });

  it('renders every cluster as before without a cache, with a cache that does not match, with keep \'objects\' or a plain dry run', () => {
    const { document, out } = synthesized();
    const all = clustersOf(document).length;
    expect(synth(document, out, { dryRun: 'compare', keep: 'objects' }).rendered).toBe(all);
    const plain = synth(document, out, { dryRun: true });
    expect(plain.rendered).toBe(all);
    expect(plain.result!.rendered.files.size).toBe(plain.result!.files);
    // index.json touched: the folder is not the one the cache describes.
    const index = join(out, 'index.json');
    utimesSync(index, statSync(index).atime, new Date(statSync(index).mtimeMs + 5000));
    expect(both(document, out, 'compare').cached.rendered).toBe(all);
    rmSync(join(scratch.path, 'cache'), { recursive: true });
    expect(both(document, out, 'count').cached.rendered).toBe(all);
  });
});

describe('the CLI\'s synth --check, diff, validate and plan', () => {
  it('print what they print without the cache, after a synth and after an edit, rendering only the changed cluster', async () => {
    const document = generate();
    const fleet = join(scratch.path, 'fleet.yaml');
    const out = join(scratch.path, 'out');
    writeFleetFile(document as never, fleet);
    expect((await runCli('synth', fleet, '--out', out)).code).toBe(0);
    const runAll = async () => {
      const printed: string[] = [];
      const rendered: number[] = [];
      for (const argv of [['synth', '--check'], ['diff'], ['validate'], ['plan', '--json']]) {
        renders.count = 0;
        const { code, stdout, stderr } = await runCli(...argv, fleet, '--out', out);
        printed.push(`${code}\n${stdout.replace(/\(\d+ ms\)/, '(… ms)')}\n${stderr}`);
        rendered.push(renders.count);
      }
      return { printed, rendered };
    };
    const withoutCache = async () => {
      vi.stubEnv('MESHFLEET_CACHE_DIR', join(scratch.path, 'no-cache'));
      try {
        return await runAll();
      } finally {
        vi.stubEnv('MESHFLEET_CACHE_DIR', join(scratch.path, 'cache'));
      }
    };
    const cached = await runAll();
    expect(cached.rendered).toStrictEqual([0, 0, 0, 0]);
    expect(cached.printed).toStrictEqual((await withoutCache()).printed);
    clustersOf(document)[5].ha = true;
    writeFleetFile(document as never, fleet);
    const edited = await runAll();
    expect(edited.rendered).toStrictEqual([1, 1, 1, 1]);
    expect(edited.printed[1]).toContain('dev/c5');
    // plan's upgrade names the changed cluster's steps, as it does without the cache.
    expect(JSON.parse((await runCli('plan', fleet, '--out', out, '--json')).stdout).result.upgrade.changedSteps).toContain('c5-linkerd-control-plane');
    expect(edited.printed).toStrictEqual((await withoutCache()).printed);
  });
});
