// Clusters rendered in worker threads (lib/synth/render-workers.ts) give the same output, the same
// diagnostics in fleet order and the same errors as rendering on the main thread; MESHFLEET_WORKERS
// forces the count.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { generateFleet } from '../../bench/generate-fleet.ts';
import type { KubeObject } from '../../lib/model/kube-object.ts';
import { stagedWriter } from '../../lib/output/atomic-write.ts';
import { renderFleet, type AppSource, type FileSink } from '../../lib/synth/render.ts';
import { fleetContext } from '../../lib/synth/render-cluster.ts';
import { assumeCodeStamp, codeStamp } from '../../lib/synth/hashing.ts';
import { clustersLostToWorkers, EARLY_CLUSTERS, prestartForFleetFile, renderClusters, renderWhileWaiting, WORKER_THRESHOLD, workerCount, workerHeapMb, workerResourceLimits, type EarlyCluster } from '../../lib/synth/render-workers.ts';
import { synthesize } from '../../lib/synth/synthesize.ts';
import { exampleDocument, fleetDocument, plan, REPO } from '../support/fleet.ts';
import { SECRET_SAMPLES } from '../validate/secret-samples.ts';
import { waitForAnotherCluster } from '../support/another-cluster.ts';

const work = mkdtempSync(join(tmpdir(), 'meshfleet-workers-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

/** Relative path → content of every file under the folder. */
function tree(folder: string, prefix = ''): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(join(folder, prefix), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) for (const [p, t] of tree(folder, path)) files.set(p, t);
    else files.set(path, readFileSync(join(folder, path), 'utf8'));
  }
  return files;
}

function synthWith(workers: string, document: unknown, baseDir: string, out: string, apps?: AppSource) {
  vi.stubEnv('MESHFLEET_WORKERS', workers);
  return synthesize({ document, baseDir, apps }, { outdir: join(work, out), workingFolder: work });
}

/**
 * A sink writing into `folder` as synth's staged folder does. The main thread renders its first
 * cluster and then waits here until a worker has written one of its own, so the workers render part
 * of even a small fleet (else the main thread may finish before a worker has loaded its modules).
 */
function stagedSink(folder: string, wait: (path: string) => void = (path) => waitForAnotherCluster(folder, path)) {
  const write = stagedWriter(folder);
  const recorded: string[] = [];
  const sunk: string[] = [];
  const checked: string[] = [];
  // What each call of `checked` was given: the unit (a folder, or a file of its own) and its files.
  const units = new Map<string, string[]>();
  // Nothing to wait for when the main thread renders alone.
  let waited = process.env.MESHFLEET_WORKERS === '0';
  const sink: FileSink = Object.assign(
    (path: string, text: string) => {
      if (!waited) {
        waited = true;
        wait(path);
      }
      sunk.push(path);
      write(path, text);
    },
    {
      staged: {
        folder,
        record: (path: string) => void recorded.push(path),
        // A cluster's folder, checked by the thread that wrote it: the main thread's went through the sink.
        checked: (unit: string, files: Iterable<readonly [string, number, number]>) => {
          const paths: string[] = [];
          for (const [path] of files) {
            checked.push(path);
            paths.push(path);
            if (!sunk.includes(path)) recorded.push(path);
          }
          expect(units.has(unit)).toBe(false);
          units.set(unit, paths);
        },
      },
    },
  );
  return { sink, recorded, sunk, checked, units };
}

/** A fleet of `n` clusters in one environment. */
function clusters(n: number) {
  return fleetDocument((d) => {
    d.spec.clusters = Array.from({ length: n }, (_, i) => ({ name: `c${i}`, environment: 'prod', network: 'n1', podCIDR: `10.${i}.0.0/16`, serviceCIDR: `10.${100 + i}.0.0/16` }));
  });
}

describe('rendering in worker threads', () => {
  it.each([
    ['the example fleet', 'example', () => exampleDocument(), join(REPO, 'apps')],
    ['a generated 100-cluster fleet', 'bench100', () => generateFleet(100), REPO],
  ])('writes %s byte for byte as the main thread does, with the same diagnostics', (_, name, document, baseDir) => {
    const single = synthWith('0', document(), baseDir, `${name}-single`);
    const threaded = synthWith('2', document(), baseDir, `${name}-threaded`);
    const expected = tree(join(work, `${name}-single`));
    expect(expected.size).toBeGreaterThan(20);
    expect([...tree(join(work, `${name}-threaded`))]).toStrictEqual([...expected]);
    expect(threaded.rendered.diagnostics).toStrictEqual(single.rendered.diagnostics);
    expect(threaded.rendered.paths).toStrictEqual(single.rendered.paths);
    expect([threaded.files, threaded.bytes]).toStrictEqual([single.files, single.bytes]);
    // What the fleet-wide steps and the library's callers read of each cluster is the same too.
    expect(threaded.rendered.clusters).toStrictEqual(single.rendered.clusters);
  }, 240_000);

  it("checks each cluster's part of the GitOps files where it was written, its own folder as one unit and each other file as one", () => {
    // Flux for prod (a steps/<cluster>/ folder and clusters/<cluster>.yaml), Argo CD for dev and staging (clusters/<cluster>.yaml).
    const { fleet } = plan(generateFleet(24));
    for (const workers of ['0', '2']) {
      vi.stubEnv('MESHFLEET_WORKERS', workers);
      const folder = mkdtempSync(join(work, 'parts-'));
      const { sink, units } = stagedSink(folder);
      // As the command renders: each thread makes its clusters' parts (keep 'rollout').
      const rendered = renderFleet(fleet!, { charts: {} }, {}, undefined, sink, 'rollout');
      const environments = new Set(fleet!.clusters.map((c) => c.environment));
      expect([...environments].sort()).toStrictEqual(['dev', 'prod', 'staging']);
      for (const c of fleet!.clusters) {
        const env = c.environment;
        const engine = env === 'prod' ? 'flux' : 'argocd';
        const own = `${env}/gitops/${engine}/clusters/${c.name}.yaml`;
        expect(units.get(own)).toStrictEqual([own]);
        const steps = `${env}/gitops/flux/steps/${c.name}`;
        if (engine === 'flux') {
          const inSteps = rendered.paths.filter((p) => p.startsWith(`${steps}/`));
          expect(inSteps.length).toBeGreaterThan(3);
          expect(units.get(steps)?.sort()).toStrictEqual(inSteps.sort());
        } else expect(units.has(steps)).toBe(false);
      }
      // Every checked file is in the output as it was written.
      const files = tree(folder);
      for (const paths of units.values()) for (const path of paths) expect(files.has(path)).toBe(true);
    }
  }, 120_000);

  it('workers write their clusters into the staged folder and record them; MESHFLEET_WORKERS=0 renders on the main thread only', () => {
    const { fleet } = plan(clusters(6));
    for (const [workers, byWorkers] of [['0', false], ['2', true]] as const) {
      vi.stubEnv('MESHFLEET_WORKERS', workers);
      const folder = mkdtempSync(join(work, 'staged-'));
      const { sink, recorded, sunk, checked } = stagedSink(folder);
      const rendered = renderFleet(fleet!, { charts: {} }, {}, undefined, sink);
      // Every cluster file once, by one thread or the other; the fleet-wide files stay in `files`.
      expect([...recorded, ...sunk].sort()).toStrictEqual(rendered.paths.filter((p) => !rendered.files.has(p)).sort());
      // Each cluster's folder checked once, whole, by the thread that wrote it.
      expect(checked.sort()).toStrictEqual(rendered.clusters.flatMap((c) => rendered.paths.filter((p) => p.startsWith(`${c.folder}/`))).sort());
      expect(recorded.length > 0).toBe(byWorkers);
      expect(sunk.length > 0).toBe(true);
      expect(tree(folder).size).toBe(recorded.length + sunk.length);
    }
  }, 120_000);

  it('writes the example fleet through a staged folder as the main thread does, with workers rendering part of it', () => {
    const { fleet } = plan(exampleDocument());
    const run = (workers: string) => {
      vi.stubEnv('MESHFLEET_WORKERS', workers);
      const folder = mkdtempSync(join(work, 'example-'));
      const staged = stagedSink(folder);
      const rendered = renderFleet(fleet!, { charts: {} }, {}, undefined, staged.sink);
      return { rendered, files: tree(folder), recorded: staged.recorded };
    };
    const single = run('0');
    const threaded = run('3');
    expect(threaded.recorded.length).toBeGreaterThan(0);
    expect([...threaded.files]).toStrictEqual([...single.files]);
    expect([...threaded.rendered.files]).toStrictEqual([...single.rendered.files]);
    expect(threaded.rendered.diagnostics).toStrictEqual(single.rendered.diagnostics);
    expect(threaded.rendered.clusters).toStrictEqual(single.rendered.clusters);
  }, 120_000);

  it("with the incremental cache recorded, holds every cluster for the fleet-wide steps as its record: what they read of each is its rendering's", () => {
    // As the CLI synthesizes (keep 'rollout', each cluster encoded for the cache by its thread): a
    // worker sends no views or values beside the record (IN_RECORD), which the main thread decodes.
    const { fleet } = plan(exampleDocument());
    const run = (workers: string, encode = true) => {
      vi.stubEnv('MESHFLEET_WORKERS', workers);
      const staged = stagedSink(mkdtempSync(join(work, 'records-')));
      const outcomes = renderClusters(fleetContext(fleet!), {}, undefined, staged.sink, staged.sink.staged, { keep: 'rollout', extras: { deliveryParts: true, encode, rolloutDigest: true } });
      const read = outcomes.map(({ rendered: r, delivery, cached, rolloutDigest }) => ({
        folder: r.folder,
        objects: r.objects,
        objectFiles: r.objectFiles,
        routeFiles: r.routeFiles,
        upstreamValues: r.upstreamValues,
        counts: r.counts,
        chartVersion: r.chartVersion,
        components: delivery?.components,
        // A Buffer here, a Uint8Array from a worker: the same bytes.
        cached: cached && { cluster: Buffer.from(cached.cluster), delivery: cached.delivery && Buffer.from(cached.delivery) },
        rolloutDigest,
      }));
      return { read, recorded: staged.recorded };
    };
    const single = run('0');
    const threaded = run('3');
    // The main thread alone, encoding nothing: each cluster as it rendered it, no record read.
    const rendered = run('0', false);
    expect(threaded.recorded.length).toBeGreaterThan(0);
    expect(single.read.every((r) => r.cached !== undefined && r.routeFiles.length > 0 && r.components !== undefined)).toBe(true);
    expect(threaded.read).toStrictEqual(single.read);
    expect(rendered.read.map(({ cached: _, ...read }) => read)).toStrictEqual(single.read.map(({ cached: _, ...read }) => read));
  }, 120_000);

  it("keys a worker's clusters with the main thread's code stamp, not one the worker stat-s again", () => {
    // A stamp only the main thread has: keys the worker made with its own would not equal the main thread's.
    const { fleet } = plan(exampleDocument());
    const own = codeStamp();
    const keysWith = (workers: string) => {
      vi.stubEnv('MESHFLEET_WORKERS', workers);
      const staged = stagedSink(mkdtempSync(join(work, 'stamped-')));
      const outcomes = renderClusters(fleetContext(fleet!), {}, undefined, staged.sink, staged.sink.staged, { keep: 'rollout', extras: { deliveryParts: true, encode: true, rolloutDigest: true } });
      return { keys: outcomes.map((o) => o.keys?.input), recorded: staged.recorded.length };
    };
    try {
      assumeCodeStamp('a stamp of this test only');
      const single = keysWith('0');
      const threaded = keysWith('3');
      expect(threaded.recorded).toBeGreaterThan(0);
      expect(single.keys.every((key) => typeof key === 'string')).toBe(true);
      expect(threaded.keys).toStrictEqual(single.keys);
    } finally {
      assumeCodeStamp(own);
    }
  }, 120_000);

  it('writes clusters rendered ahead (renderWhileWaiting, while a re-synth waits for its survey) in their turn: the same files and outcomes', () => {
    const { fleet } = plan(clusters(5));
    const context = fleetContext(fleet!);
    const options = { keep: 'rollout', extras: { deliveryParts: true, encode: true, rolloutDigest: true } } as const;
    const run = (workers: string, early?: ReadonlyMap<number, EarlyCluster>) => {
      vi.stubEnv('MESHFLEET_WORKERS', workers);
      const folder = mkdtempSync(join(work, 'early-'));
      const staged = stagedSink(folder);
      const outcomes = renderClusters(context, {}, undefined, staged.sink, staged.sink.staged, { ...options, ...(early ? { early } : {}) });
      const read = outcomes.map(({ rendered: r, delivery, paths, diagnostics, lock, indexEntry, rolloutDigest }) => ({ folder: r.folder, objects: r.objects, upstreamValues: r.upstreamValues, components: delivery?.components, paths, diagnostics, lock, indexEntry, rolloutDigest }));
      return { read, files: tree(folder), sunk: staged.sunk };
    };
    // The survey answers after the second cluster: asked once before each, and once after the last.
    let asked = 0;
    const early = renderWhileWaiting(context, {}, undefined, [3, 1, 4], () => ++asked <= 2, options);
    expect([...early.keys()]).toStrictEqual([3, 1]);
    expect(asked).toBe(3);
    for (const workers of ['0', '2']) {
      const plain = run(workers);
      const ahead = run(workers, early);
      expect([...ahead.files]).toStrictEqual([...plain.files]);
      expect(ahead.read).toStrictEqual(plain.read);
      // On the main thread alone, in fleet order as ever.
      if (workers === '0') expect(ahead.sunk).toStrictEqual(plain.sunk);
    }
    // What was rendered ahead is what is written, not a rendering of renderClusters' own.
    const ahead = early.get(3)!;
    const [path, text] = [...ahead.done.files][0]!;
    const marked = new Map(early).set(3, { ...ahead, done: { ...ahead.done, files: new Map(ahead.done.files).set(path, `${text}# rendered ahead\n`) } });
    expect(run('0', marked).files.get(path)).toBe(`${text}# rendered ahead\n`);
    // Not waiting (the survey answered): none. Waiting on (a thread stuck): no more than the limit, 32 unless given.
    expect(renderWhileWaiting(context, {}, undefined, [0, 1], () => false, options).size).toBe(0);
    expect([...renderWhileWaiting(context, {}, undefined, [2, 0, 1], () => true, { ...options, limit: 2 }).keys()]).toStrictEqual([2, 0]);
    expect(EARLY_CLUSTERS).toBe(32);
  }, 120_000);

  it('reports application objects’ findings per cluster, in fleet order, as the main thread does', () => {
    const { fleet } = plan(clusters(8));
    // A ConfigMap with a private key (secret scan) and an invalid Deployment (schema), on clusters 1, 5 and 7.
    // The main thread renders c0 and then waits (stagedSink) until a worker has written a cluster, so
    // c1 is always a worker's: its findings cross the thread boundary.
    const key = SECRET_SAMPLES.find((s) => s.kind === 'EC private key')!.text;
    const apps: AppSource = (cluster) =>
      ['c1', 'c5', 'c7'].includes(cluster)
        ? [{ name: 'shop', objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keys', namespace: 'shop' }, data: { key } }, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 'two' } } as unknown as KubeObject] }]
        : [];
    const run = (workers: string) => {
      vi.stubEnv('MESHFLEET_WORKERS', workers);
      const staged = stagedSink(mkdtempSync(join(work, 'findings-')));
      return { rendered: renderFleet(fleet!, { charts: {} }, {}, apps, staged.sink), staged };
    };
    const single = run('0').rendered;
    const { rendered: threaded, staged } = run('3');
    expect(staged.recorded.some((path) => path.startsWith('prod/c1/'))).toBe(true);
    expect(staged.sunk.some((path) => path.startsWith('prod/c1/'))).toBe(false);
    const found = single.diagnostics.filter((d) => d.code === 'MF8004' || d.code === 'MF8005');
    // Validation per cluster first, the secret scan of every cluster's files last (a file per place the key is written).
    const order = found.map((d) => `${d.code} ${d.path}`);
    expect([...new Set(order)]).toStrictEqual(['MF8004 /spec/clusters/1', 'MF8004 /spec/clusters/5', 'MF8004 /spec/clusters/7', 'MF8005 /spec/clusters/1', 'MF8005 /spec/clusters/5', 'MF8005 /spec/clusters/7']);
    expect(threaded.diagnostics).toStrictEqual(single.diagnostics);
    expect([...threaded.files]).toStrictEqual([...single.files]);
  }, 120_000);

  it('an exception in a worker is the main thread’s exception, of the first failing cluster in fleet order', () => {
    const { fleet } = plan(clusters(8));
    // ApiObject cannot read an object without apiVersion: cdk8s throws while rendering.
    const broken = (cluster: string): KubeObject => ({ kind: 'ConfigMap', metadata: { name: `broken-${cluster}` } }) as KubeObject;
    const apps: AppSource = (cluster) => (['c3', 'c6'].includes(cluster) ? [{ name: 'shop', objects: [broken(cluster)] }] : []);
    const thrown = (workers: string) => {
      vi.stubEnv('MESHFLEET_WORKERS', workers);
      try {
        renderFleet(fleet!, { charts: {} }, {}, apps, stagedSink(mkdtempSync(join(work, 'thrown-'))).sink);
      } catch (e) {
        return e as Error;
      }
      throw new Error('no error');
    };
    const single = thrown('0');
    const threaded = thrown('3');
    expect(threaded.constructor).toBe(single.constructor);
    expect([threaded.name, threaded.message]).toStrictEqual([single.name, single.message]);
  }, 120_000);

  it('a file a worker cannot write is the same FileAccessError, for the first cluster in fleet order', () => {
    const { fleet } = plan(clusters(8));
    const failing = (workers: string) => {
      vi.stubEnv('MESHFLEET_WORKERS', workers);
      const folder = mkdtempSync(join(work, 'blocked-'));
      // A folder where two clusters' Chart.yaml goes: writing it fails with EISDIR.
      for (const c of ['c4', 'c7']) mkdirSync(join(folder, 'prod', c, 'mesh', 'Chart.yaml'), { recursive: true });
      try {
        renderFleet(fleet!, { charts: {} }, {}, undefined, stagedSink(folder).sink);
      } catch (e) {
        return e as Error & { fix?: string };
      }
      throw new Error('no error');
    };
    const single = failing('0');
    const threaded = failing('2');
    expect(single.message).toContain(join('prod', 'c4', 'mesh', 'Chart.yaml'));
    expect(threaded.constructor).toBe(single.constructor);
    expect(threaded.message.replace(/blocked-\w+/, 'blocked')).toBe(single.message.replace(/blocked-\w+/, 'blocked'));
    expect(threaded.fix).toBe(single.fix);
  }, 120_000);

  it('synth with a failing worker leaves the previous output as it was', () => {
    const document = clusters(6);
    synthWith('2', document, join(REPO, 'apps'), 'kept');
    const before = tree(join(work, 'kept'));
    const mtime = statSync(join(work, 'kept', 'index.json')).mtimeMs;
    const apps: AppSource = (cluster) => (cluster === 'c4' ? [{ name: 'shop', objects: [{ kind: 'ConfigMap', metadata: { name: 'x' } } as KubeObject] }] : []);
    expect(() => synthWith('2', document, join(REPO, 'apps'), 'kept', apps)).toThrow(TypeError);
    expect(tree(join(work, 'kept'))).toStrictEqual(before);
    expect(statSync(join(work, 'kept', 'index.json')).mtimeMs).toBe(mtime);
    expect(readdirSync(work).filter((e) => e.startsWith('.kept.'))).toStrictEqual([]);
  }, 120_000);
});

describe('a render worker that stops', () => {
  it('while rendering a cluster, without reporting it, leaves that cluster to the main thread: the same outcomes, no endless wait', () => {
    const { fleet } = plan(clusters(8));
    const context = fleetContext(fleet!);
    // The worker's thread ends as it claims its second cluster (a claim is an Atomics.add on slot 0 of
    // the shared array), as when its heap limit stops it: it never reports that cluster. It leaves a
    // mark first, which the main thread waits for in stagedSink before its first file, so the worker
    // has claimed a cluster however fast the main thread renders (it took all the others once, under
    // the full suite's load, when it waited only for the worker's first cluster).
    const claimed = join(work, 'second-claim');
    const stopOnSecondClaim = (code: string) =>
      `{ const add = Atomics.add; let claims = 0; Atomics.add = (array, slot, value) => { const at = add(array, slot, value); if (slot === 0 && ++claims === 2) { require('node:fs').writeFileSync(${JSON.stringify(claimed)}, ''); process.exit(1); } return at; }; }\n${code}`;
    const untilClaimed = () => {
      const sleep = new Int32Array(new SharedArrayBuffer(4));
      for (const until = Date.now() + 60_000; Date.now() < until && !existsSync(claimed); ) Atomics.wait(sleep, 0, 0, 20);
    };
    const render = (workers: string, workerCode?: (code: string) => string) => {
      vi.stubEnv('MESHFLEET_WORKERS', workers);
      const folder = mkdtempSync(join(work, 'stopped-'));
      const { sink, recorded } = stagedSink(folder, workerCode ? untilClaimed : undefined);
      const outcomes = renderClusters(context, {}, undefined, sink, sink.staged, { workerCode });
      return { outcomes, recorded, files: tree(folder) };
    };
    const single = render('0');
    const lost = clustersLostToWorkers();
    const stopped = render('1', stopOnSecondClaim);
    expect(clustersLostToWorkers() - lost).toBe(1);
    // The worker rendered its first cluster; the main thread the rest, with the one the worker left.
    expect(new Set(stopped.recorded.map((path) => path.split('/')[1]))).toStrictEqual(new Set(['c1']));
    expect([...stopped.files]).toStrictEqual([...single.files]);
    expect(stopped.outcomes.map((o) => [o.rendered, o.diagnostics, o.paths])).toStrictEqual(single.outcomes.map((o) => [o.rendered, o.diagnostics, o.paths]));
  }, 120_000);

  it('at its heap limit (MESHFLEET_WORKER_HEAP_MB) does not end the process: the main thread renders what it did not', async () => {
    const document = clusters(6);
    synthWith('0', document, REPO, 'heap-single');
    // 1 MB is too little for a worker to start: V8 stops it, and
    // Node emits an error event on its Worker once this thread's event loop turns (below).
    vi.stubEnv('MESHFLEET_WORKER_HEAP_MB', '1');
    synthWith('2', document, REPO, 'heap-capped');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([...tree(join(work, 'heap-capped'))]).toStrictEqual([...tree(join(work, 'heap-single'))]);
  }, 120_000);

  it('heap limit: MESHFLEET_WORKER_HEAP_MB in MB, 1536 unset; refused when not a size in MB, naming the variable and the fix', () => {
    expect(workerHeapMb(undefined)).toBe(1536);
    expect(workerHeapMb(' ')).toBe(1536);
    expect(workerHeapMb('4096')).toBe(4096);
    expect(() => workerHeapMb('0')).toThrow(/^MESHFLEET_WORKER_HEAP_MB is "0", not a heap size in MB: set it to a whole number of MB, or unset it \(1536\)$/);
    expect(() => workerHeapMb('2G')).toThrow(/MESHFLEET_WORKER_HEAP_MB/);
  });

  it('a worker runs under the limits workerResourceLimits gives (its young generation too)', () => {
    const { fleet } = plan(clusters(4));
    const context = fleetContext(fleet!);
    vi.stubEnv('MESHFLEET_WORKERS', '1');
    const report = join(work, 'limits.json');
    const { sink } = stagedSink(mkdtempSync(join(work, 'limits-')));
    // The worker writes the limits its thread runs under before its own code starts.
    const reporting = (code: string) => `require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify(require('node:worker_threads').resourceLimits));\n${code}`;
    renderClusters(context, {}, undefined, sink, sink.staged, { workerCode: reporting });
    expect(JSON.parse(readFileSync(report, 'utf8'))).toMatchObject(workerResourceLimits());
  }, 120_000);

  it('young generation: 16 MB, below V8\'s 48 (fewer pages touched), whatever the old generation\'s limit', () => {
    expect(workerResourceLimits(undefined)).toStrictEqual({ maxOldGenerationSizeMb: 1536, maxYoungGenerationSizeMb: 16 });
    expect(workerResourceLimits('512')).toStrictEqual({ maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 16 });
  });
});

describe('the number of render workers', () => {
  it('is one per spare core (at least one) from the threshold on, none below it', () => {
    expect(workerCount(WORKER_THRESHOLD - 1, undefined)).toBe(0);
    expect(workerCount(WORKER_THRESHOLD, undefined)).toBeGreaterThanOrEqual(1);
  });

  it('is what MESHFLEET_WORKERS says, at most one less than the clusters (the main thread renders too)', () => {
    expect(workerCount(1000, '0')).toBe(0);
    expect(workerCount(10, '3')).toBe(3);
    expect(workerCount(3, '8')).toBe(2);
    expect(workerCount(1000, ' ')).toBeGreaterThanOrEqual(1);
    vi.stubEnv('MESHFLEET_WORKERS', '0');
    expect(workerCount(1000)).toBe(0);
  });

  it('starts before a fleet file is parsed when its size says the fleet reaches the threshold (256 bytes a cluster at least)', () => {
    const file = (name: string, bytes: number) => {
      const path = join(work, name);
      writeFileSync(path, '#'.repeat(bytes));
      return path;
    };
    expect(prestartForFleetFile(file('small.yaml', WORKER_THRESHOLD * 256 - 1))).toBe(0);
    expect(prestartForFleetFile(file('large.yaml', WORKER_THRESHOLD * 256))).toBe(workerCount(WORKER_THRESHOLD, undefined));
    // Not for a TypeScript fleet (its code runs first) or a file that is not there; MESHFLEET_WORKERS=0 stops them.
    expect(prestartForFleetFile(file('large.ts', WORKER_THRESHOLD * 1024))).toBe(0);
    vi.stubEnv('MESHFLEET_WORKERS', '0');
    expect(prestartForFleetFile(file('larger.json', WORKER_THRESHOLD * 1024))).toBe(0);
    expect(prestartForFleetFile(join(work, 'missing.yaml'))).toBe(0);
  });

  it('refuses a value that is not a count, naming the variable and the fix', () => {
    expect(() => workerCount(10, 'two')).toThrow(/^MESHFLEET_WORKERS is "two", not a count of worker threads: set it to 0 .*or unset it$/);
    expect(() => workerCount(10, '-1')).toThrow(/MESHFLEET_WORKERS/);
  });
});
