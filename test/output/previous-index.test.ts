// The previous output's index.json is kept cut to what lib/rollout reads of it (previousIndexView in
// lib/output/previous-index.ts): every field the readers read of a whole index, recorded through a
// proxy, reads the same in the cut one. A reader that starts reading another field fails here until
// the view keeps it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { clusterIndexView, indexViewPieces, parseIndex, previousIndexOf, previousIndexView, readIndexView, type PreviousIndex } from '../../lib/output/previous-index.ts';
import { indexViewFile } from '../../lib/synth/incremental.ts';
import { synthesize } from '../../lib/synth/synthesize.ts';
import { removedLinks, retiredClusters } from '../../lib/rollout/retire.ts';
import { stagedChangeDiagnostics } from '../../lib/rollout/staged-changes.ts';
import { linkerdVersionChanges } from '../../lib/rollout/version-change.ts';
import { exampleDocument, plan, render, REPO } from '../support/fleet.ts';

type Read = { readonly path: readonly string[]; readonly how: 'get' | 'has' | 'keys' };

/** The value with every read of it (and of what it holds) recorded. */
function recorded<T>(value: T, reads: Read[], path: readonly string[] = []): T {
  if (typeof value !== 'object' || value === null) return value;
  return new Proxy(value, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof key !== 'string') return value;
      reads.push({ path: [...path, key], how: 'get' });
      return recorded(value, reads, [...path, key]);
    },
    has(target, key) {
      if (typeof key === 'string') reads.push({ path: [...path, key], how: 'has' });
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      reads.push({ path, how: 'keys' });
      return Reflect.ownKeys(target);
    },
  });
}

/** What a read gives: the value itself when it is a primitive, else its kind (a function, an array, an object). */
function outcome(index: unknown, { path, how }: Read): unknown {
  let value = index;
  for (const key of how === 'get' ? path : path.slice(0, -1)) value = (value as Record<string, unknown> | undefined)?.[key];
  if (how === 'has') return typeof value === 'object' && value !== null ? path.at(-1)! in value : `not an object: ${typeof value}`;
  if (how === 'keys') return Object.keys(value as object).sort();
  return typeof value === 'function' ? 'a function' : Array.isArray(value) ? `an array of ${value.length}` : typeof value === 'object' && value !== null ? 'an object' : value;
}

describe('the previous index as lib/rollout reads it', () => {
  it('keeps every field the staged-change checks and plan read, as the whole file has it', () => {
    const { fleet } = plan(exampleDocument());
    const whole = JSON.parse(readFileSync(join(REPO, 'charts-out', 'index.json'), 'utf8')) as Record<string, any>;
    // A rotation in progress in the previous output, so its fields are read too.
    whole.trustRotation = { stage: 'reissue', previous: whole.trustAnchors[0].sha256 };
    const reads: Read[] = [];
    const previous = recorded(whole as PreviousIndex, reads);
    stagedChangeDiagnostics(previous, fleet!);
    removedLinks(previous, fleet!);
    retiredClusters(previous, fleet!);
    linkerdVersionChanges(previous, fleet!);

    // Not vacuous: the readers read each kind of field the view keeps.
    const keys = new Set(reads.map((r) => r.path.at(-1)));
    for (const key of ['sha256', 'stage', 'previous', 'environments', 'engine', 'clusters', 'name', 'linkerd', 'upstreamCharts', 'linkerd-multicluster', 'links', 'target', 'object', 'credentials', 'secret']) expect(keys).toContain(key);
    const view = previousIndexView(whole);
    for (const read of reads) expect([read, outcome(view, read)]).toStrictEqual([read, outcome(whole, read)]);
    // And it is the cut one that synth and plan get.
    expect(parseIndex(JSON.stringify(whole))).toStrictEqual(view);
  });

  it("is what previousIndexOf gives while index.json is the file it is the view of; a view that does not parse, the file's", () => {
    const work = mkdtempSync(join(tmpdir(), 'meshfleet-index-view-'));
    vi.stubEnv('MESHFLEET_CACHE_DIR', join(work, 'cache'));
    try {
      const out = join(work, 'out');
      synthesize({ document: exampleDocument(), baseDir: join(REPO, 'apps') }, { outdir: out, keep: 'rollout', incremental: true, workingFolder: work });
      const fromFile = previousIndexView(JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as PreviousIndex);
      const file = indexViewFile(out);
      const header = readFileSync(file, 'utf8').split('\n')[0]!;
      // Another view under the same header: taken, not the file (which is not read).
      const other = { environments: [{ name: 'from-the-view', clusters: [] }] };
      writeFileSync(file, `${header}\n${JSON.stringify(other)}`);
      expect(previousIndexOf(out, file)).toStrictEqual(other);
      // A view that does not parse: none on the survey's thread, the file's on this one.
      writeFileSync(file, `${header}\n{"environments": [`);
      expect(readIndexView(out, file)).toBeUndefined();
      expect(previousIndexOf(out, file)).toStrictEqual(fromFile);
    } finally {
      vi.unstubAllEnvs();
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('is made as synth writes index.json (the next run takes it instead of the file): the view of the file, from each entry before it is written', () => {
    // As the command synthesizes (keep 'rollout', recording the incremental cache): every entry with its view.
    const work = mkdtempSync(join(tmpdir(), 'meshfleet-index-view-'));
    vi.stubEnv('MESHFLEET_CACHE_DIR', join(work, 'cache'));
    try {
      const out = join(work, 'out');
      const { rendered } = synthesize({ document: exampleDocument(), baseDir: join(REPO, 'apps') }, { outdir: out, keep: 'rollout', incremental: true, workingFolder: work });
      const fromFile = previousIndexView(JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as PreviousIndex);
      expect(JSON.parse(Buffer.concat(rendered.indexView()!).toString('utf8'))).toStrictEqual(fromFile);
      expect(JSON.parse(readIndexView(out, indexViewFile(out))!)).toStrictEqual(fromFile);
    } finally {
      vi.unstubAllEnvs();
      rmSync(work, { recursive: true, force: true });
    }
    // A render that records no cache makes none (its entries' views cost 12–30 µs a cluster).
    expect(render(exampleDocument()).indexView()).toBeUndefined();
    // Every part the readers read: a rotation in progress, an engine, links' credentials, an environment without clusters.
    const link = { name: 'b', target: 'b', object: 'linkerd-multicluster/b', gateway: { address: 'x' }, credentials: [{ secret: 'linkerd/c', kind: 'ExternalSecret' }] };
    const entries = [
      { name: 'a', network: 'n', linkerd: '2.18', upstreamCharts: { 'linkerd-crds': { chart: 'linkerd-crds' } }, links: [link], manifests: 'dev/a/manifests' },
      { name: 'b', linkerd: '2.19', upstreamCharts: {}, mesh: { objects: 3 } },
    ];
    const index = {
      fleet: 'f',
      trustAnchors: [{ subject: 'CN=root', sha256: 'AB:CD', notAfter: 'later' }],
      trustRotation: { stage: 'reissue', previous: 'EF:01' },
      gitops: { files: ['gitops/x.yaml'] },
      environments: [
        { name: 'dev', gitops: { engine: 'flux', entry: 'gitops/flux/dev.yaml', files: [] }, clusters: [] },
        { name: 'empty', clusters: [] },
      ],
    };
    const whole = { ...index, environments: [{ ...index.environments[0]!, clusters: entries }, index.environments[1]!] };
    const made = indexViewPieces(index, [entries.map((e) => clusterIndexView(e)), []]);
    expect(JSON.parse(Buffer.concat(made).toString('utf8'))).toStrictEqual(previousIndexView(JSON.parse(JSON.stringify(whole)) as PreviousIndex));
    expect(JSON.parse(Buffer.concat(indexViewPieces({ environments: [] }, [])).toString('utf8'))).toStrictEqual({ environments: [] });
    // A second environment of no field the view keeps, and one with clusters after it.
    const three = { environments: [{ name: 'a', clusters: [] }, { other: 1, clusters: [] }, { name: 'c', clusters: [] }] };
    const views = [[clusterIndexView(entries[0]!)], [], [clusterIndexView(entries[1]!)]];
    const filled = { environments: three.environments.map((env, i) => ({ ...env, clusters: i === 0 ? [entries[0]] : i === 2 ? [entries[1]] : [] })) };
    expect(JSON.parse(Buffer.concat(indexViewPieces(three, views)).toString('utf8'))).toStrictEqual(previousIndexView(JSON.parse(JSON.stringify(filled)) as PreviousIndex));
  });

  it('holds a small part of the file', () => {
    const text = readFileSync(join(REPO, 'charts-out', 'index.json'), 'utf8');
    expect(JSON.stringify(parseIndex(text)).length).toBeLessThan(text.length / 5);
  });
});
