// Incremental synth (lib/synth/incremental.ts): a second synth into the same folder moves unchanged
// clusters' folders over instead of rendering them, and its output is byte-identical to a cold synth
// of the same fleet over the same previous output (the chart versions follow from that output's lock).
// Reuse is observable: a moved file keeps its inode, a rendered one gets a new file.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { deserialize } from 'node:v8';
import { basename, join, relative } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateFleet } from '../../bench/generate-fleet.ts';
import type { Component } from '../../lib/constructs/delivery/components.ts';
import { withValues } from '../../lib/rollout/gitops-files.ts';
import { decode, decodeCachedCluster, encode, encodeCachedCluster, encodeViews, recordParts, recordViews } from '../../lib/synth/cache-records.ts';
import { codeStamp } from '../../lib/synth/hashing.ts';
import { indexViewFile } from '../../lib/synth/incremental.ts';
import { indexViewFileContent, previousIndexView, readIndexView } from '../../lib/output/previous-index.ts';
import { startSurvey } from '../../lib/output/folder-survey.ts';
import { synthesize } from '../../lib/synth/synthesize.ts';
import { objectsChecked } from '../../lib/validate/validate-objects.ts';
import { REPO } from '../support/fleet.ts';
import { diffTrees, readTree } from '../support/tree.ts';

// The output folder's survey (lib/output/folder-survey.ts) runs on its own thread from some 40
// clusters on; `survey.threaded` makes it do so for these small fleets, `survey.last` tells where it
// ran, and `survey.readAhead` is the file it was asked to read ahead and the size it gave (the
// cache file removed once it gave it, with `survey.removeAhead`). `survey.answers` 'late': the survey
// says it has not answered until it is waited for; 'first': it has (it is waited for when asked);
// 'real': as its thread has. `survey.early` lists the clusters a synth rendered meanwhile
// (lib/synth/render-workers.ts renderWhileWaiting), by fleet index; `survey.asked`, in order, when
// the synth asked for the survey and for the previous index.json.
const survey = vi.hoisted(() => ({
  threaded: false,
  removeAhead: false,
  answers: 'real' as 'real' | 'late' | 'first',
  early: [] as number[],
  asked: [] as ('survey' | 'index')[],
  last: undefined as undefined | { where(): 'thread' | 'here' },
  readAhead: undefined as undefined | { path?: string; size?: number },
}));
vi.mock('../../lib/output/folder-survey.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../lib/output/folder-survey.ts')>();
  return {
    ...actual,
    startSurvey: (target: string, display: string, withStats: boolean, _options: unknown, readAhead?: string, indexView?: string) => {
      const pending = actual.startSurvey(target, display, withStats, { threshold: survey.threaded ? 0 : undefined }, readAhead, indexView);
      survey.readAhead = { path: readAhead };
      survey.last = pending;
      let waited = false;
      return {
        ...pending,
        result: () => ((waited = true), survey.asked.push('survey'), pending.result()),
        previousIndex: () => (survey.asked.push('index'), pending.previousIndex()),
        answered: () => (survey.answers === 'late' ? waited : survey.answers === 'first' ? (pending.result(), true) : pending.answered()),
        readAhead: () => {
          const bytes = pending.readAhead();
          survey.readAhead = { path: readAhead, size: bytes?.length };
          if (survey.removeAhead && readAhead) rmSync(readAhead);
          return bytes;
        },
      };
    },
  };
});

vi.mock('../../lib/synth/render-workers.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../lib/synth/render-workers.ts')>();
  return {
    ...actual,
    renderWhileWaiting: (...args: Parameters<typeof actual.renderWhileWaiting>) => {
      const early = actual.renderWhileWaiting(...args);
      survey.early.push(...early.keys());
      return early;
    },
  };
});

// How many index.json entries of decoded cache records were made text (a writing synth takes their bytes);
// `beforeWrite` runs as a record is about to be written into the next cache (recordParts).
const records = vi.hoisted(() => ({ entryTexts: 0, entryBytes: new Set<string>(), beforeWrite: undefined as undefined | (() => void) }));
vi.mock('../../lib/synth/cache-records.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../lib/synth/cache-records.ts')>();
  return {
    ...actual,
    recordParts: (...args: Parameters<typeof actual.recordParts>) => (records.beforeWrite?.(), actual.recordParts(...args)),
    decodeCachedCluster: (...args: Parameters<typeof actual.decodeCachedCluster>) => {
      const decoded = actual.decodeCachedCluster(...args);
      const entry = Object.getOwnPropertyDescriptor(decoded, 'indexEntry')!.get!.bind(decoded);
      return Object.defineProperty(decoded, 'indexEntry', {
        get: () => {
          const held = entry();
          return {
            clean: held.clean,
            // Whose entries' bytes were taken (by the text they hold: the cluster's name is its first field).
            get bytes() {
              records.entryBytes.add(/"name": "([^"]+)"/.exec(Buffer.from(held.bytes!).toString())?.[1] ?? '?');
              return held.bytes;
            },
            view: held.view,
            get text() {
              records.entryTexts++;
              return held.text;
            },
          };
        },
      });
    },
  };
});

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'meshfleet-incremental-'));
  // The cache goes with the test's folder, not into node_modules/.cache.
  vi.stubEnv('MESHFLEET_CACHE_DIR', join(work, 'cache'));
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(work, { recursive: true, force: true });
  survey.threaded = false;
  survey.removeAhead = false;
  survey.answers = 'real';
  survey.early = [];
  survey.asked = [];
  survey.last = undefined;
  survey.readAhead = undefined;
});

/** synth as the CLI runs it (keep 'rollout', incremental), or cold; the FleetError's text when it refuses. */
function synth(document: FleetDocument, outdir: string, incremental = true): string | undefined {
  try {
    synthesize({ document: structuredClone(document), baseDir: join(REPO, 'apps') }, { outdir, keep: 'rollout', incremental, workingFolder: work });
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function tree(dir: string): Map<string, string> {
  return new Map(Object.entries(readTree(dir)));
}

/** Relative path → inode of every file: a moved file keeps its inode, a written one does not. */
function inodes(dir: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const stats = statSync(join(dir, entry));
    if (stats.isFile()) found.set(relative(dir, join(dir, entry)), stats.ino);
  }
  return found;
}

/** Each Flux cluster's steps/<name>/ folder (by cluster name) → its inode: a folder moved whole keeps it. */
function stepsFolders(dir: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const cluster = /^[^/]+\/gitops\/flux\/steps\/([^/]+)$/.exec(entry)?.[1];
    if (cluster) found.set(cluster, statSync(join(dir, entry)).ino);
  }
  return found;
}

/** Files whose inode is the one they had before: taken over from the previous output. */
function kept(before: Map<string, number>, dir: string): string[] {
  return [...inodes(dir)].filter(([path, ino]) => before.get(path) === ino).map(([path]) => path);
}

/** The folders (env/name) of the clusters whose files were taken over. */
function keptClusters(before: Map<string, number>, dir: string): string[] {
  const folders = new Set(kept(before, dir).filter((p) => p.split('/').length > 2 && !p.split('/').slice(0, 2).includes('gitops')).map((p) => p.split('/').slice(0, 2).join('/')));
  return [...folders].sort();
}

/**
 * Synthesizes `edited` incrementally into `out` (which holds a previous output) and cold into a copy
 * of that previous output; both must give the same files, or refuse alike leaving `out` as it was.
 */
function expectIncrementalEqualsCold(edited: FleetDocument, out: string): { keptFiles: number } {
  const copy = join(work, `cold-${Math.random().toString(36).slice(2)}`);
  cpSync(out, copy, { recursive: true });
  const before = inodes(out);
  const previous = tree(out);
  const coldError = synth(edited, copy, false);
  const incrementalError = synth(edited, out);
  expect(incrementalError).toBe(coldError);
  if (coldError) {
    expect(diffTrees(previous, tree(out))).toStrictEqual([]);
  } else {
    expect(diffTrees(tree(copy), tree(out))).toStrictEqual([]);
  }
  rmSync(copy, { recursive: true, force: true });
  expect(readdirSync(work).filter((e) => e.startsWith('.'))).toStrictEqual([]);
  return { keptFiles: coldError ? 0 : kept(before, out).length };
}

type Edit = { readonly name: string; apply(doc: FleetDocument): void };
/** A fleet document as plain, editable JSON. */
type FleetDocument = { spec: any };
type Cluster = { name: string; environment: string; [key: string]: any };
const generate = (clusters: number) => generateFleet(clusters) as unknown as FleetDocument;

const clusters = (doc: FleetDocument) => doc.spec.clusters as Cluster[];
const pick = <T>(items: readonly T[], seed: number) => items[seed % items.length];

function removeCluster(doc: FleetDocument, name: string): void {
  const spec = doc.spec as any;
  spec.clusters = spec.clusters.filter((c: Cluster) => c.name !== name);
  spec.links = (spec.links ?? [])
    .map((l: any) => (l.mesh ? { ...l, mesh: l.mesh.filter((m: string) => m !== name) } : l))
    .filter((l: any) => (l.mesh ? l.mesh.length > 1 : l.from !== name && l.to !== name));
  for (const service of spec.policy?.services ?? []) {
    service.clusters = service.clusters.filter((c: string) => c !== name);
    service.allow = service.allow.filter((a: any) => a.cluster !== name).map((a: any) => (a.clusters ? { ...a, clusters: a.clusters.filter((c: string) => c !== name) } : a)).filter((a: any) => !a.clusters || a.clusters.length);
  }
  spec.policy.services = (spec.policy?.services ?? []).filter((s: any) => s.clusters.length);
}

/** Random edits of a generated fleet: one cluster's settings, links, clusters, policy, delivery, trust. */
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.nat().map((seed) => ({ name: `ha of cluster #${seed}`, apply: (doc: FleetDocument) => void ((c: Cluster) => (c.ha = !c.ha))(pick(clusters(doc), seed)) })),
  fc.nat().map((seed) => ({ name: `proxy log level of cluster #${seed}`, apply: (doc: FleetDocument) => void (pick(clusters(doc), seed).proxy = { logLevel: 'warn' }) })),
  // What a Link's source reads of its target (LinkTarget): the sources must render again.
  fc.nat().map((seed) => ({ name: `API server of cluster #${seed}`, apply: (doc: FleetDocument) => void (pick(clusters(doc), seed).apiServer = `https://moved-${seed % 7}.k8s.example:6443`) })),
  fc.nat().map((seed) => ({ name: `gateway port of hub #${seed}`, apply: (doc: FleetDocument) => void ((c?: Cluster) => c && (c.gateway = { ...c.gateway, port: 4000 + (seed % 100), probe: { port: 5000 + (seed % 100) } }))(pick(clusters(doc).filter((c) => c.gateway), seed)) })),
  // What only the cluster's part of the GitOps files reads (its Argo CD destination, its Flux kubeconfig).
  fc.nat().map((seed) => ({ name: `delivery settings of cluster #${seed}`, apply: (doc: FleetDocument) => void (pick(clusters(doc), seed).delivery = { argocd: { project: `team-${seed % 3}` }, flux: { kubeConfigSecret: `kubeconfig-${seed % 3}` } }) })),
  fc.nat().map((seed) => ({ name: `link #${seed} removed`, apply: (doc: FleetDocument) => void (doc.spec.links?.length && doc.spec.links.splice(seed % doc.spec.links.length, 1)) })),
  fc.nat().map((seed) => ({
    name: `gateway link to c0 from cluster #${seed}`,
    apply: (doc: FleetDocument) => {
      const from = pick(clusters(doc), seed).name;
      if (from !== 'c0' && clusters(doc).some((c) => c.name === 'c0')) (doc.spec.links ??= []).push({ from, to: 'c0', mode: 'gateway' });
    },
  })),
  fc.nat().map((seed) => ({ name: `cluster #${seed} removed`, apply: (doc: FleetDocument) => removeCluster(doc, pick(clusters(doc), seed).name) })),
  fc.constant({
    name: 'cluster added',
    apply: (doc: FleetDocument) => {
      const next = Math.max(...clusters(doc).map((c) => Number(c.name.slice(1)))) + 1;
      doc.spec.clusters.push(generateFleet(next + 1).spec.clusters[next]);
    },
  }),
  fc.nat().map((seed) => ({ name: `rate limit of service #${seed}`, apply: (doc: FleetDocument) => void ((s) => s && (s.ports[0].rateLimit = { total: 500 + (seed % 100) }))(pick(doc.spec.policy?.services ?? [], seed)) })),
  fc.constant({ name: 'delivery repository', apply: (doc: FleetDocument) => void (doc.spec.delivery!.repo = { url: 'https://git.example.com/platform/other.git' }) }),
  fc.constant({ name: 'prod delivered by Argo CD', apply: (doc: FleetDocument) => void ((doc.spec.environments as any).prod.delivery = { engine: 'argocd' }) }),
  fc.constant({ name: 'issuer remote key', apply: (doc: FleetDocument) => void ((doc.spec.trust.issuer as any).remoteKey = 'linkerd/anchor-2') }),
  fc.constant({ name: 'default proxy log format', apply: (doc: FleetDocument) => void (doc.spec.defaults!.proxy = { logFormat: 'plain' }) }),
);

describe('incremental synth', () => {
  it('gives the output a cold synth gives, after random edits of random fleets (property)', () => {
    let keptFiles = 0;
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 11 }), fc.array(edit, { minLength: 1, maxLength: 3 }), (size, edits) => {
        const out = join(work, `out-${Math.random().toString(36).slice(2)}`);
        const document = generate(size);
        expect(synth(document, out)).toBeUndefined();
        for (const e of edits) {
          e.apply(document);
          keptFiles += expectIncrementalEqualsCold(document, out).keptFiles;
        }
        rmSync(out, { recursive: true, force: true });
      }),
      { seed: 20_261_130, numRuns: 8 },
    );
    // Not vacuous: clusters were taken over from the previous output.
    expect(keptFiles).toBeGreaterThan(50);
  });

  it('renders only the changed cluster when its links\' sources do not read the change, on the worker path too', () => {
    vi.stubEnv('MESHFLEET_WORKERS', '2');
    const out = join(work, 'out');
    const document = generate(14);
    expect(synth(document, out)).toBeUndefined();
    // c12 is in the second region: linked (flat) to c10..c13; c10 is that region's hub, linked to c0.
    // Its HA setting is nothing its links' sources read of it.
    (document.spec.clusters[12] as Cluster).ha = true;
    const before = inodes(out);
    expectIncrementalEqualsCold(document, out);
    const all = document.spec.clusters.map((c: Cluster) => `${c.environment}/${c.name}`).sort();
    expect(keptClusters(before, out)).toStrictEqual(all.filter((f: string) => !/\/c12$/.test(f)));
    // And a second synth of the same fleet renders nothing.
    const again = inodes(out);
    expectIncrementalEqualsCold(document, out);
    expect(keptClusters(again, out)).toStrictEqual(all);
  });

  it("writes index.json from the reused clusters' entries as the cache holds them, never made text, and the cold synth's file", () => {
    const out = join(work, 'out');
    const document = generate(6);
    expect(synth(document, out)).toBeUndefined();
    (document.spec.clusters[2] as Cluster).ha = true;
    records.entryTexts = 0;
    expectIncrementalEqualsCold(document, out);
    expect(records.entryTexts).toBe(0);
  });

  it("writes a cold synth's index.json from the entries in the records its threads made for the cache, never made text again", () => {
    // 40 clusters: a render worker renders some of them, the main thread the others.
    const document = generate(40);
    records.entryTexts = 0;
    records.entryBytes.clear();
    expect(synth(document, join(work, 'out'))).toBeUndefined();
    expect(records.entryTexts).toBe(0);
    expect([...records.entryBytes].sort()).toStrictEqual(document.spec.clusters.map((c: Cluster) => c.name).sort());
    // The same file as a synth that records no cache, whose entries are the threads' texts.
    expect(synth(document, join(work, 'plain'), false)).toBeUndefined();
    expect(readFileSync(join(work, 'out', 'index.json')).equals(readFileSync(join(work, 'plain', 'index.json')))).toBe(true);
  });

  it('takes every unchanged cluster\'s part of the GitOps files from the previous synth, three synths in a row', () => {
    const out = join(work, 'out');
    const document = generate(14);
    // Staging's four clusters delivered by Flux, dev's ten by Argo CD.
    (document.spec.environments as Record<string, { delivery?: unknown }>).staging.delivery = { engine: 'flux' };
    const run = (outdir = out, incremental = true) => synthesize({ document: structuredClone(document), baseDir: join(REPO, 'apps') }, { outdir, keep: 'rollout', incremental, workingFolder: work }).rendered.delivery;
    const first = run();
    // Every cluster's part is made with the cluster (render-workers.ts ThreadExtras), its files written then.
    const ownFiles = (name: string) => [...first.takenFiles].filter((path) => path.includes(`/clusters/${name}.yaml`) || path.includes(`/steps/${name}/`));
    const handed = (delivery: typeof first) => [...delivery.takenFiles].filter((path) => !delivery.files.has(path));
    expect(first.takenFiles.size).toBeGreaterThanOrEqual(14);
    expect(handed(first)).toStrictEqual([...first.takenFiles]);
    expect(first.objectFiles.filter((f) => f.cluster)).toStrictEqual([]);
    for (const changed of [3, 12]) {
      (document.spec.clusters[changed] as Cluster).ha = !(document.spec.clusters[changed] as Cluster).ha;
      const copy = join(work, `cold-${changed}`);
      cpSync(out, copy, { recursive: true });
      const before = inodes(out);
      const folders = stepsFolders(out);
      const delivery = run();
      // The components taken over (what the rollout model and the fleet-wide files read) are the ones a cold synth builds.
      expect(delivery.components).toStrictEqual(run(copy, false).components);
      const expected = clusters(document).filter((_, i) => i !== changed).flatMap((c) => ownFiles(c.name));
      expect(expected.length).toBeGreaterThanOrEqual(13);
      // Every part is taken: the unchanged clusters' moved from the previous output as they were
      // (same files), the changed one's made with it; none is written from the main thread.
      expect([...delivery.takenFiles].sort()).toStrictEqual([...expected, ...ownFiles(`c${changed}`)].sort());
      expect(handed(delivery)).toStrictEqual([...delivery.takenFiles]);
      expect(kept(before, out).filter((path) => path.includes('/gitops/') && delivery.takenFiles.has(path)).sort()).toStrictEqual(expected.sort());
      // A Flux cluster's steps/<name>/ holds only its part's files: moved whole (the same folder), not file by file into a new one.
      const movedFolders = [...stepsFolders(out)].filter(([name, ino]) => folders.get(name) === ino).map(([name]) => name);
      expect(folders.size).toBeGreaterThanOrEqual(3);
      expect(movedFolders.sort()).toStrictEqual([...folders.keys()].filter((name) => name !== `c${changed}`).sort());
      // Nothing of a cluster is validated again on the main thread: only the fleet-wide files are built there.
      expect(delivery.objectFiles.filter((f) => f.cluster)).toStrictEqual([]);
    }
  });

  it('renders the clusters linking to a cluster whose API server (which their Links read) changed', () => {
    const out = join(work, 'out');
    const document = generate(14);
    expect(synth(document, out)).toBeUndefined();
    (document.spec.clusters[12] as Cluster).apiServer = 'https://moved.k8s.example:6443';
    const before = inodes(out);
    expectIncrementalEqualsCold(document, out);
    const all = document.spec.clusters.map((c: Cluster) => `${c.environment}/${c.name}`).sort();
    expect(keptClusters(before, out)).toStrictEqual(all.filter((f: string) => !/\/c1[0-3]$/.test(f)));
  });
});

describe('incremental synth checks again only what changed of a cluster it renders again', () => {
  /** How many objects the synth checks against their schemas (on this thread: these fleets have no render workers). */
  const checkedBy = (document: FleetDocument, out: string) => {
    const before = objectsChecked();
    expect(synth(document, out)).toBeUndefined();
    return objectsChecked() - before;
  };
  const setUp = () => {
    const out = join(work, 'out');
    const document = generate(6);
    const cold = checkedBy(document, out);
    // c2's mesh objects and its part of the GitOps files, and the fleet-wide GitOps files.
    expect(cold).toBeGreaterThan(300);
    return { out, document, cold };
  };
  const policy = (out: string) => join(out, 'dev/c2/manifests/policy.yaml');
  const objectsIn = (file: string) => readFileSync(file, 'utf8').split(/^---$/m).length;

  it('none when a setting leaves its objects as they were (high availability: values only), and the output is a cold synth\'s', () => {
    const { out, document } = setUp();
    (document.spec.clusters[2] as Cluster).ha = true;
    const copy = join(work, 'copy');
    cpSync(out, copy, { recursive: true });
    expect(checkedBy(document, out)).toBe(0);
    expect(synth(document, copy, false)).toBeUndefined();
    expect(diffTrees(tree(copy), tree(out))).toStrictEqual([]);
  });

  it("every one of them when the schemas it is checked against changed, though its files' text did not", () => {
    const { out, document } = setUp();
    const text = readFileSync(policy(out), 'utf8');
    (document.spec.clusters[2] as Cluster).gatewayAPI = { channel: 'experimental' };
    const checked = checkedBy(document, out);
    expect(readFileSync(policy(out), 'utf8')).toBe(text);
    // Its mesh objects; its part of the GitOps files is checked against the same schemas as before.
    const mesh = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')).environments[0].clusters[2].mesh.objects as number;
    expect(mesh).toBeGreaterThan(40);
    expect(checked).toBeGreaterThanOrEqual(mesh);
  });

  it('none of a file edited in the folder since (what passed is the text rendered, not the file)', () => {
    const { out, document } = setUp();
    writeFileSync(policy(out), '# edited\n');
    (document.spec.clusters[2] as Cluster).ha = true;
    expect(checkedBy(document, out)).toBe(0);
    expect(readFileSync(policy(out), 'utf8')).not.toBe('# edited\n');
  });

  it('the objects of the files whose text the change changes, not the others', () => {
    const { out, document } = setUp();
    // Every cluster's manifests and routes (the files of its objects), as a synth left them.
    const objectFiles = () =>
      readdirSync(out, { recursive: true, encoding: 'utf8' })
        .filter((f) => /^[^/]+\/c\d+\/(manifests|routes)\/(?!kustomization)[^/]+\.yaml$/.test(f))
        .map((f) => join(out, f));
    const before = new Map(objectFiles().map((f) => [f, readFileSync(f, 'utf8')]));
    // A rate limit of a service c2 serves: the policy objects of the clusters serving it change.
    const service = (document.spec.policy.services as { clusters: string[]; ports: { rateLimit?: object }[] }[]).find((s) => s.clusters.includes('c2'))!;
    service.ports[0]!.rateLimit = { total: 777 };
    const checked = checkedBy(document, out);
    const changed = objectFiles().filter((f) => readFileSync(f, 'utf8') !== before.get(f));
    expect(changed.map((f) => relative(out, f))).toStrictEqual(service.clusters.map((c) => `dev/${c}/manifests/policy.yaml`));
    expect(checked).toBe(changed.reduce((n, f) => n + objectsIn(f), 0));
  });
});

describe('the cache\'s records', () => {
  it('come back exactly as recorded: as JSON when that is exact, else through V8 (undefined, -0, Maps, non-finite numbers, holes)', () => {
    const plain = { folder: 'dev/a', objects: [{ kind: 'Service', spec: { ports: [{ port: 80 }] }, n: null, ok: true }], text: 'é ü' };
    expect(encode(plain)[0]).toBe(0x7b);
    expect(decode(encode(plain))).toStrictEqual(plain);
    for (const value of [{ a: undefined }, { a: -0 }, { a: [1, undefined] }, { a: new Map([['k', 1]]) }, { a: Infinity }, { a: NaN }, { a: new Date(0) }, { a: [1, , 3] }]) {
      const bytes = encode(value);
      expect(bytes[0]).not.toBe(0x7b);
      expect(decode(bytes)).toStrictEqual(value);
    }
  });

  it("hold a cluster's rollout views and upstream charts' values apart from the rest, and give the cluster back (views and values when read)", () => {
    const view = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
    const cluster = { release: { valuesSet: '2.20' }, gatewayAPI: { version: '1.2.1', channel: 'standard' } };
    const rendered = { cluster, folder: 'dev/a', objectFiles: [{ name: 'namespaces.yaml', objects: [view] }], routeFiles: [], upstreamValues: { 'linkerd-control-plane': { a: -0 } }, chartVersion: '1.0.0', counts: { objects: 1, routeFiles: {} } } as never;
    const done = { diagnostics: [], secrets: [], lock: { key: 'dev/a', entry: { version: '1.0.0', hash: 'h' } }, indexEntry: { text: '{\n          "name": "a"\n        }', clean: true } } as never;
    const record = encodeCachedCluster(rendered, ['dev/a/x.yaml'], done);
    const views = encodeViews(rendered);
    // The views open the cold part, after their length, as encodeViews writes them (the rollout digest
    // hashes those bytes: recordViews); the values follow. The hot part holds neither.
    const { hot, cold } = recordParts(record);
    expect(Buffer.from(record).readUInt32LE(0)).toBe(hot.length);
    expect(Buffer.from(cold).readUInt32LE(0)).toBe(views.length);
    expect(Buffer.from(cold.subarray(4, 4 + views.length)).equals(Buffer.from(views))).toBe(true);
    expect(Buffer.from(recordViews(record)).equals(Buffer.from(views))).toBe(true);
    expect(views[0]).toBe(0x7b);
    expect(Buffer.from(hot).includes('namespaces.yaml')).toBe(false);
    expect(Buffer.from(cold).includes('namespaces.yaml')).toBe(true);
    expect(Buffer.from(hot).includes('dev/a/x.yaml')).toBe(true);
    const { views: decodedViews, upstreamValues: decodedValues, ...rest } = decodeCachedCluster(record);
    const { indexEntry, ...others } = rest;
    expect(others).toStrictEqual({ folder: 'dev/a', chartVersion: '1.0.0', counts: { objects: 1, routeFiles: {} }, paths: ['dev/a/x.yaml'], diagnostics: [], secrets: [], lock: { key: 'dev/a', entry: { version: '1.0.0', hash: 'h' } } });
    // The entry in index.json as the record holds it (its UTF-8 bytes), and as text when read.
    expect({ text: indexEntry.text, clean: indexEntry.clean }).toStrictEqual({ text: '{\n          "name": "a"\n        }', clean: true });
    expect(Buffer.from(indexEntry.bytes!).toString('utf8')).toBe(indexEntry.text);
    // Decoded when first read, once: the values through V8 (-0), or as JSON.
    expect(decodedViews()).toStrictEqual({ objectFiles: [{ name: 'namespaces.yaml', objects: [view] }], routeFiles: [] });
    expect(decodedViews()).toBe(decodedViews());
    expect(decodedValues()).toStrictEqual({ 'linkerd-control-plane': { a: -0 } });
    expect(decodedValues()).toBe(decodedValues());
    const plainValues = { 'linkerd-control-plane': { a: 1, b: 'é' }, 'linkerd-crds': {} };
    const plainRecord = encodeCachedCluster({ ...(rendered as object), upstreamValues: plainValues } as never, ['dev/a/x.yaml'], done);
    const { views: plainViews, upstreamValues: plainDecoded, ...plainRest } = decodeCachedCluster(plainRecord);
    expect([plainDecoded(), plainViews(), plainRest]).toStrictEqual([plainValues, decodedViews(), rest]);
    // From its hot part, the cold part read once, when the views or values are first called for.
    let reads = 0;
    const fromHot = decodeCachedCluster(hot, () => (reads++, cold));
    const { views: hotViews, upstreamValues: hotValues, indexEntry: hotEntry, ...hotRest } = fromHot;
    expect([hotRest, hotEntry.text, reads]).toStrictEqual([others, indexEntry.text, 0]);
    expect([hotViews(), hotValues(), hotViews(), reads]).toStrictEqual([decodedViews(), decodedValues(), decodedViews(), 1]);
    // The entry in index.json as its text, UTF-8 or not, and whether it stood clean of secret material.
    for (const entry of [{ text: '{\n          "name": "é → ü"\n        }', clean: true }, { text: '{\n          "namespace": "users"\n        }', clean: false }]) {
      const decoded = decodeCachedCluster(encodeCachedCluster(rendered, [], { ...(done as object), indexEntry: entry } as never)).indexEntry;
      expect({ text: decoded.text, clean: decoded.clean }).toStrictEqual(entry);
      expect(Buffer.from(decoded.bytes!).equals(Buffer.from(entry.text))).toBe(true);
    }
  });

  it("give a reused part's components the cluster's values when first read, each in its place; a rendered one's at once", () => {
    const components = [
      { kind: 'upstream-chart', chart: 'linkerd-control-plane', name: 'cp', values: {}, after: 1 },
      { kind: 'mesh', name: 'mesh' },
    ] as never as Component[];
    let taken = 0;
    const values = { 'linkerd-control-plane': { ha: true } };
    const given = withValues(components, () => (taken++, values));
    expect(taken).toBe(0);
    expect(Object.keys(given[0]!)).toStrictEqual(['kind', 'chart', 'name', 'values', 'after']);
    expect(given[1]).toBe(components[1]);
    expect(JSON.parse(JSON.stringify(given))).toStrictEqual([{ ...components[0], values: { ha: true } }, components[1]]);
    expect(taken).toBe(1);
    // Given as they are (a cluster just rendered): set in place, no getter.
    const set = withValues(components, values);
    expect(Object.getOwnPropertyDescriptor(set[0], 'values')).toStrictEqual({ value: { ha: true }, writable: true, enumerable: true, configurable: true });
    expect(Object.keys(set[0]!)).toStrictEqual(['kind', 'chart', 'name', 'values', 'after']);
  });
});

describe('the cache\'s exactness check', () => {
  it('sends anything JSON would change, at any depth, through V8, and keeps plain and null-prototype data as JSON', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const deep = (leaf: unknown) => ({ a: [{ b: { c: [0, { d: leaf }] } }] });
    for (const value of [deep(undefined), deep(-0), deep(NaN), deep(new Date(0)), deep(new Map([['k', 1]])), deep(10n), cyclic]) {
      const bytes = encode(value);
      expect(bytes[0]).not.toBe(0x7b);
      expect(decode(bytes)).toStrictEqual(value);
    }
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: [1, 'é', { b: null }] });
    for (const value of [bare, deep('plain'), { text: 'ascii only' }, { text: 'ü \u2028 😀 \ud800' }]) {
      const bytes = encode(value);
      expect(bytes[0]).toBe(0x7b);
      expect(decode(bytes)).toStrictEqual(JSON.parse(JSON.stringify(value)));
      expect(Buffer.from(bytes).toString('utf8')).toBe(JSON.stringify(value));
    }
  });
});

describe('incremental synth falls back to rendering', () => {
  const document = generate(4);
  const setUp = () => {
    const out = join(work, 'out');
    expect(synth(document, out)).toBeUndefined();
    return { out, cold: tree(out), before: inodes(out) };
  };
  const cacheFile = () => join(work, 'cache', readdirSync(join(work, 'cache')).find((f) => f.startsWith('synth-') && f.endsWith('.v8'))!);

  it('a cluster with a hand-edited file (and only that cluster)', () => {
    const { out, cold, before } = setUp();
    const edited = join(out, 'dev/c0/values/linkerd-control-plane.yaml');
    writeFileSync(edited, readFileSync(edited, 'utf8').replace('logFormat', 'logformat'));
    synth(document, out);
    expect(diffTrees(cold, tree(out))).toStrictEqual([]);
    expect(keptClusters(before, out)).toStrictEqual(['dev/c1', 'dev/c2', 'dev/c3']);
  });

  it("a cluster whose file was only touched (the same text, another time), or lost one: that cluster (its folder's digest of sizes and times tells)", () => {
    const { out, cold, before } = setUp();
    const touched = join(out, 'dev/c1/values/linkerd-control-plane.yaml');
    const { atime, mtime } = statSync(touched);
    utimesSync(touched, atime, new Date(mtime.getTime() + 1000));
    rmSync(join(out, 'dev/c2/values/linkerd-control-plane.yaml'));
    synth(document, out);
    expect(diffTrees(cold, tree(out))).toStrictEqual([]);
    expect(keptClusters(before, out)).toStrictEqual(['dev/c0', 'dev/c3']);
  });

  it('a hand-edited file of a cluster among the GitOps files: only that cluster\'s part, which is made again', () => {
    const { out, cold, before } = setUp();
    const own = (name: string) => [...before.keys()].filter((path) => path.includes('/gitops/') && (path.endsWith(`/clusters/${name}.yaml`) || path.includes(`/steps/${name}/`)));
    expect(own('c1').length).toBeGreaterThan(0);
    // The same size, another text: only its modification time tells.
    const edited = join(out, own('c1')[0]!);
    writeFileSync(edited, readFileSync(edited, 'utf8').replace(/c1/, 'x1'));
    synth(document, out);
    expect(diffTrees(cold, tree(out))).toStrictEqual([]);
    expect(keptClusters(before, out)).toStrictEqual(['dev/c0', 'dev/c1', 'dev/c2', 'dev/c3']);
    const keptNow = new Set(kept(before, out));
    expect(own('c1').filter((path) => keptNow.has(path))).toStrictEqual([]);
    expect(['c0', 'c2', 'c3'].flatMap(own).every((path) => keptNow.has(path))).toBe(true);
  });

  it('a hand-edited index.json: every cluster', () => {
    const { out, cold, before } = setUp();
    writeFileSync(join(out, 'index.json'), readFileSync(join(out, 'index.json'), 'utf8') + '\n');
    synth(document, out);
    expect(diffTrees(cold, tree(out))).toStrictEqual([]);
    expect(keptClusters(before, out)).toStrictEqual([]);
  });

  it('a cache written by other code or another meshfleet version', () => {
    const { out, cold, before } = setUp();
    // The stamp of this code, in the cache's header, becomes another one of the same length.
    const bytes = readFileSync(cacheFile());
    const at = bytes.indexOf(codeStamp());
    expect(at).toBeGreaterThan(0);
    bytes.write(codeStamp().replace(/^./, (c) => (c === '0' ? '1' : '0')), at);
    writeFileSync(cacheFile(), bytes);
    synth(document, out);
    expect(diffTrees(cold, tree(out))).toStrictEqual([]);
    expect(keptClusters(before, out)).toStrictEqual([]);
  });

  it("a cold file that is not the cache's (another's identity, or none): every cluster, and the next synth reuses again", () => {
    const { out, cold, before } = setUp();
    const coldFile = cacheFile().replace(/\.v8$/, '.cold');
    const bytes = readFileSync(coldFile);
    bytes[0] ^= 0xff;
    writeFileSync(coldFile, bytes);
    synth(document, out);
    expect(diffTrees(cold, tree(out))).toStrictEqual([]);
    expect(keptClusters(before, out)).toStrictEqual([]);
    rmSync(coldFile);
    const again = inodes(out);
    synth(document, out);
    expect(keptClusters(again, out)).toStrictEqual([]);
    const third = inodes(out);
    synth(document, out);
    expect(keptClusters(third, out)).toHaveLength(4);
  });

  it('a corrupt cache, which the next synth replaces', () => {
    const { out, cold, before } = setUp();
    writeFileSync(cacheFile(), readFileSync(cacheFile()).subarray(0, 1000));
    synth(document, out);
    expect(diffTrees(cold, tree(out))).toStrictEqual([]);
    expect(keptClusters(before, out)).toStrictEqual([]);
    const again = inodes(out);
    synth(document, out);
    expect(keptClusters(again, out)).toHaveLength(4);
  });
});

describe('the cache, appended to by a re-synth that reuses most of it', () => {
  const document = generate(6);
  const cacheFile = () => join(work, 'cache', readdirSync(join(work, 'cache')).find((f) => f.startsWith('synth-') && f.endsWith('.v8'))!);
  const coldFile = () => cacheFile().replace(/\.v8$/, '.cold');
  const withHa = (doc: FleetDocument, indexes: number[]) => {
    const edited = structuredClone(doc);
    for (const i of indexes) (edited.spec.clusters[i] as Cluster).ha = true;
    return edited;
  };

  // Where the footer of a cache file starts (its trailer gives its length), and the footer.
  const footerOf = (bytes: Buffer) => {
    const end = bytes.length - 8;
    const start = end - bytes.readUInt32LE(end);
    return { start, footer: deserialize(bytes.subarray(start, end)) as { clusters: { offset: number; length: number; delivery?: { offset: number; length: number } }[] } };
  };
  // The bytes of the records a footer lists from `from` on (those appended after it).
  const recordBytesFrom = (footer: ReturnType<typeof footerOf>['footer'], from: number) =>
    footer.clusters.flatMap((c) => [c, ...(c.delivery ? [c.delivery] : [])]).reduce((n, placed) => n + (placed.offset >= from ? placed.length : 0), 0);

  it('keeps the records it read, adds the records made again over its footer, then a footer, and is read next time', () => {
    const out = join(work, 'out');
    expect(synth(document, out)).toBeUndefined();
    const first = readFileSync(cacheFile());
    const firstCold = readFileSync(coldFile());
    const { start: firstFooter } = footerOf(first);
    const edited = withHa(document, [2]);
    expectIncrementalEqualsCold(edited, out);
    const appended = readFileSync(cacheFile());
    // The cold file too: what was read, then the cold parts of the record and part made again.
    const appendedCold = readFileSync(coldFile());
    expect(appendedCold.length).toBeGreaterThan(firstCold.length);
    expect(appendedCold.length - firstCold.length).toBeLessThan(firstCold.length / 3);
    expect(appendedCold.subarray(0, firstCold.length).equals(firstCold)).toBe(true);
    // The records read, byte for byte; then only the record made again (one cluster of six) and its
    // part, where the footer read was: the reused records are not written twice, the old footer not kept.
    expect(appended.subarray(0, firstFooter).equals(first.subarray(0, firstFooter))).toBe(true);
    const next = footerOf(appended);
    expect(recordBytesFrom(next.footer, firstFooter)).toBeGreaterThan(0);
    expect(next.start - firstFooter).toBe(recordBytesFrom(next.footer, firstFooter));
    expect(next.start - firstFooter).toBeLessThan(firstFooter / 3);
    // Read again: only the cluster changed back is rendered; its record follows the last ones.
    const before = inodes(out);
    expectIncrementalEqualsCold(document, out);
    expect(keptClusters(before, out)).toStrictEqual(['dev/c0', 'dev/c1', 'dev/c3', 'dev/c4', 'dev/c5']);
    const third = readFileSync(cacheFile());
    expect(third.subarray(0, next.start).equals(appended.subarray(0, next.start))).toBe(true);
    expect(footerOf(third).start - next.start).toBe(recordBytesFrom(footerOf(third).footer, next.start));
    expect(readdirSync(join(work, 'cache')).filter((f) => f.endsWith('.tmp'))).toStrictEqual([]);
  });

  it('is cut back to what it read when the synth fails after recording', () => {
    const out = join(work, 'out');
    expect(synth(document, out)).toBeUndefined();
    const first = readFileSync(cacheFile());
    const firstCold = readFileSync(coldFile());
    // A downgrade is refused against the previous index.json, after the clusters are rendered and recorded.
    const downgraded = structuredClone(document);
    (downgraded.spec.clusters[2] as Cluster).linkerd = '2.19';
    expect(synth(downgraded, out)).toMatch(/MF7211/);
    expect(readFileSync(cacheFile()).equals(first)).toBe(true);
    expect(readFileSync(coldFile()).equals(firstCold)).toBe(true);
    const before = inodes(out);
    expectIncrementalEqualsCold(document, out);
    expect(keptClusters(before, out)).toHaveLength(6);
  });

  it('is cut before its footer before anything is appended: a run killed from then on leaves no cache', () => {
    const out = join(work, 'out');
    expect(synth(document, out)).toBeUndefined();
    const first = readFileSync(cacheFile());
    const { start } = footerOf(first);
    // As the first record made again is about to be written: what a run killed then leaves.
    let opened: Buffer | undefined;
    records.beforeWrite = () => void (opened ??= readFileSync(cacheFile()));
    try {
      expect(synth(withHa(document, [2]), out)).toBeUndefined();
    } finally {
      records.beforeWrite = undefined;
    }
    expect(opened?.equals(first.subarray(0, start))).toBe(true);
    writeFileSync(cacheFile(), opened!);
    const before = inodes(out);
    expectIncrementalEqualsCold(withHa(document, [2]), out);
    expect(keptClusters(before, out)).toStrictEqual([]);
  });

  it('is no cache once a run appending to it was killed; the next synth renders all and writes a new one', () => {
    const out = join(work, 'out');
    expect(synth(document, out)).toBeUndefined();
    const first = readFileSync(cacheFile());
    // As a killed run leaves it: the records read, then part of a record where the footer was.
    writeFileSync(cacheFile(), Buffer.concat([first.subarray(0, footerOf(first).start), Buffer.from('{"folder":"dev/c2","chartVers')]));
    const before = inodes(out);
    expectIncrementalEqualsCold(document, out);
    expect(keptClusters(before, out)).toStrictEqual([]);
    expect(readFileSync(cacheFile()).length).toBe(first.length);
  });

  it('keeps the sixteen newest caches (one per output folder), each with its cold file', () => {
    const cache = join(work, 'cache');
    mkdirSync(cache, { recursive: true });
    // Sixteen caches of other folders, each older than the one before.
    const others = Array.from({ length: 16 }, (_, i) => `synth-${String(i).padStart(32, 'a')}`);
    others.forEach((name, i) => {
      for (const file of [`${name}.v8`, `${name}.cold`]) {
        writeFileSync(join(cache, file), 'old');
        const time = new Date(Date.now() - (i + 1) * 60_000);
        utimesSync(join(cache, file), time, time);
      }
    });
    expect(synth(document, join(work, 'out'))).toBeUndefined();
    const left = readdirSync(cache).filter((f) => f.startsWith('synth-'));
    // This folder's pair with its index view, and the fifteen newest others; the oldest went with its cold file.
    expect(left).toHaveLength(33);
    expect(left.filter((f) => f.endsWith('.view'))).toStrictEqual([basename(indexViewFile(join(work, 'out')))]);
    expect(left.filter((f) => f.startsWith(others[15]!))).toStrictEqual([]);
    expect(left.filter((f) => f.startsWith(others[14]!)).sort()).toStrictEqual([`${others[14]}.cold`, `${others[14]}.v8`]);
    // A cold file or index view without its cache file: kept for an hour (it may be a new pair's, between its renames), then removed.
    const orphans = ['new', 'old'].flatMap((age) => ['cold', 'view'].map((suffix) => join(cache, `synth-${age.padStart(32, 'b')}.${suffix}`)));
    for (const orphan of orphans) writeFileSync(orphan, 'orphan');
    const old = new Date(Date.now() - 7_200_000);
    for (const orphan of orphans.slice(2)) utimesSync(orphan, old, old);
    expect(synth(document, join(work, 'out'))).toBeUndefined();
    expect(readdirSync(cache).filter((f) => f.startsWith('synth-'))).toHaveLength(35);
    for (const young of orphans.slice(0, 2)) expect(readdirSync(cache)).toContain(basename(young));
    for (const aged of orphans.slice(2)) expect(readdirSync(cache)).not.toContain(basename(aged));
  });

  it('is written anew when the records it reuses are less than two thirds of it', () => {
    const out = join(work, 'out');
    expect(synth(document, out)).toBeUndefined();
    const first = readFileSync(cacheFile()).length;
    const edited = withHa(document, [0, 1, 2]);
    expectIncrementalEqualsCold(edited, out);
    // Half the clusters rendered again: a new pair of files, as large as a cold synth's of the same
    // fleet, the reused records' cold parts copied from the cold file read.
    const rewritten = readFileSync(cacheFile()).length;
    const rewrittenCold = readFileSync(coldFile());
    expect(readdirSync(join(work, 'cache')).filter((f) => f.endsWith('.tmp'))).toStrictEqual([]);
    rmSync(out, { recursive: true });
    expect(synth(edited, out)).toBeUndefined();
    expect(rewritten).toBe(readFileSync(cacheFile()).length);
    expect(rewritten).not.toBe(first);
    // As large too, with an identity of its own (each new file has a new one).
    const coldSynth = readFileSync(coldFile());
    expect(rewrittenCold.length).toBe(coldSynth.length);
    expect(rewrittenCold.subarray(0, 16).equals(coldSynth.subarray(0, 16))).toBe(false);
  });
});

describe('incremental synth with the output folder surveyed on its own thread', () => {
  const document = generate(4);

  it('reuses the unchanged clusters, renders the changed one and a hand-edited one, and gives the cold output', () => {
    const out = join(work, 'out');
    expect(synth(document, out)).toBeUndefined();
    survey.threaded = true;
    const edited = structuredClone(document);
    (edited.spec.clusters[2] as Cluster).ha = true;
    const file = join(out, 'dev/c0/values/linkerd-control-plane.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('logFormat', 'logformat'));
    const before = inodes(out);
    expectIncrementalEqualsCold(edited, out);
    expect(survey.last?.where()).toBe('thread');
    expect(keptClusters(before, out)).toStrictEqual(['dev/c1', 'dev/c3']);
  });

  /** The document synthesized into `out`; then the next synth's survey answers late, for a copy with HA on in `clusters`. */
  function editedWithLateSurvey(out: string, clusters: readonly number[]) {
    expect(synth(document, out)).toBeUndefined();
    survey.threaded = true;
    survey.answers = 'late';
    const edited = structuredClone(document);
    for (const i of clusters) (edited.spec.clusters[i] as Cluster).ha = true;
    return edited;
  }

  it('keeps the view of the index.json it wrote, which the next survey takes instead of the file while that is the one written', () => {
    survey.threaded = true;
    const out = join(work, 'out');
    const index = join(out, 'index.json');
    const viewOfFile = () => previousIndexView(JSON.parse(readFileSync(index, 'utf8')) as Record<string, unknown>);
    const kept = () => JSON.parse(readIndexView(out, indexViewFile(out)) ?? 'null') as unknown;
    expect(synth(document, out)).toBeUndefined();
    expect(kept()).toStrictEqual(viewOfFile());
    // After re-synths: the reused clusters' parts of the view come from the cache, the others are made again.
    const edited = structuredClone(document);
    (edited.spec.clusters[2] as Cluster).ha = true;
    const before = inodes(out);
    expectIncrementalEqualsCold(edited, out);
    expect(survey.last?.where()).toBe('thread');
    expect(keptClusters(before, out)).toStrictEqual(['dev/c0', 'dev/c1', 'dev/c3']);
    expect(kept()).toStrictEqual(viewOfFile());
    (edited.spec.clusters[2] as Cluster).linkerd = '2.18';
    expectIncrementalEqualsCold(edited, out);
    expect(kept()).toStrictEqual(viewOfFile());
    expect((kept() as any).environments.flatMap((e: any) => e.clusters.map((c: any) => c.linkerd))).toContain('2.18');
    // Taken instead of the file: another index.json of the same size and modification time is not read.
    const view = kept();
    const { size } = statSync(index);
    const time = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    utimesSync(index, time, time);
    writeFileSync(indexViewFile(out), Buffer.concat(indexViewFileContent({ size, mtimeMs: time.getTime() }, [Buffer.from(JSON.stringify(view))])));
    writeFileSync(index, '#'.repeat(size));
    utimesSync(index, time, time);
    expect(previousIndexOnBothPaths(out)).toStrictEqual([view, view]);
    // Not once index.json changed (its time), nor without the file beside the cache: read, then (this one does not parse) none.
    utimesSync(index, new Date(), new Date());
    expect(previousIndexOnBothPaths(out)).toStrictEqual([undefined, undefined]);
    utimesSync(index, time, time);
    rmSync(indexViewFile(out));
    expect(previousIndexOnBothPaths(out)).toStrictEqual([undefined, undefined]);
  });

  /** The previous index a survey of `out` gives, on its thread and on the main thread, with the index view beside the cache. */
  function previousIndexOnBothPaths(out: string): unknown[] {
    return [true, false].map((threaded) => {
      survey.threaded = threaded;
      const pending = startSurvey(out, 'out', true, {}, undefined, indexViewFile(out));
      const previous = pending.previousIndex();
      expect(pending.where()).toBe(threaded ? 'thread' : 'here');
      return previous;
    });
  }

  it("reads the cache as the survey's thread read it ahead, not the file again", () => {
    const out = join(work, 'out');
    expect(synth(document, out)).toBeUndefined();
    const cache = join(work, 'cache', readdirSync(join(work, 'cache')).find((f) => f.startsWith('synth-') && f.endsWith('.v8'))!);
    const size = statSync(cache).size;
    survey.threaded = true;
    // Gone once the thread's bytes are taken: the clusters are reused from those alone.
    survey.removeAhead = true;
    const edited = structuredClone(document);
    (edited.spec.clusters[2] as Cluster).ha = true;
    const before = inodes(out);
    expectIncrementalEqualsCold(edited, out);
    expect(survey.readAhead).toStrictEqual({ path: cache, size });
    expect(keptClusters(before, out)).toStrictEqual(['dev/c0', 'dev/c1', 'dev/c3']);
  });

  it('renders the changed clusters while the survey is out, writes them once it answered, and gives the cold output', () => {
    const out = join(work, 'out');
    const edited = editedWithLateSurvey(out, [1, 2]);
    const before = inodes(out);
    expectIncrementalEqualsCold(edited, out);
    expect(survey.early).toStrictEqual([1, 2]);
    expect(keptClusters(before, out)).toStrictEqual(['dev/c0', 'dev/c3']);
    // Answered before the synth asks: nothing is rendered ahead.
    survey.answers = 'first';
    survey.early = [];
    (edited.spec.clusters[3] as Cluster).ha = true;
    expectIncrementalEqualsCold(edited, out);
    expect(survey.early).toStrictEqual([]);
  });

  it("makes the staged-change checks against the previous index.json while the survey is out, with what they find reported as after rendering", () => {
    const out = join(work, 'out');
    // A downgrade (refused against the previous index.json) and another cluster changed.
    const edited = editedWithLateSurvey(out, [1]);
    (edited.spec.clusters[2] as Cluster).linkerd = '2.19';
    const previous = tree(out);
    expect(synth(edited, out)).toMatch(/MF7211/);
    expect(survey.asked.slice(0, 2)).toStrictEqual(['index', 'survey']);
    expect(survey.early).toStrictEqual([1, 2]);
    expect(diffTrees(previous, tree(out))).toStrictEqual([]);
    // Answered before the synth asks: after rendering, the same refusal.
    survey.answers = 'first';
    survey.asked = [];
    expect(synth(edited, out)).toMatch(/MF7211/);
    expect(survey.asked.slice(0, 2)).toStrictEqual(['survey', 'index']);
    expect(diffTrees(previous, tree(out))).toStrictEqual([]);
    // Allowed again: the output a cold synth gives.
    survey.answers = 'late';
    (edited.spec.clusters[2] as Cluster).linkerd = (document.spec.clusters[2] as Cluster).linkerd;
    expectIncrementalEqualsCold(edited, out);
  });

  it('writes nothing of what it rendered while the survey was out when the survey refuses the folder', () => {
    const out = join(work, 'out');
    const edited = editedWithLateSurvey(out, [2]);
    writeFileSync(join(out, 'dev/c1/notes.md'), 'mine\n');
    // A downgrade too, which the staged-change checks, made while the survey is out, find: the folder's refusal is what is reported.
    (edited.spec.clusters[3] as Cluster).linkerd = '2.19';
    const previous = tree(out);
    const refused = synth(edited, out);
    expect(refused).toContain('holds 1 entry meshfleet did not write: dev/c1/notes.md (a file)');
    expect(refused).not.toMatch(/MF7211/);
    expect(survey.asked.slice(0, 2)).toStrictEqual(['index', 'survey']);
    expect(survey.early).toStrictEqual([2, 3]);
    expect(diffTrees(previous, tree(out))).toStrictEqual([]);
    expect(readdirSync(work).filter((e) => e.startsWith('.'))).toStrictEqual([]);
  });

  it('refuses a folder holding a file meshfleet did not write, leaving it as it was', () => {
    const out = join(work, 'out');
    expect(synth(document, out)).toBeUndefined();
    survey.threaded = true;
    writeFileSync(join(out, 'dev/c1/notes.md'), 'mine\n');
    const previous = tree(out);
    expect(synth(document, out)).toContain('holds 1 entry meshfleet did not write: dev/c1/notes.md (a file)');
    expect(survey.last?.where()).toBe('thread');
    expect(diffTrees(previous, tree(out))).toStrictEqual([]);
    expect(readdirSync(work).filter((e) => e.startsWith('.'))).toStrictEqual([]);
  });
});
