// The ownership walk on a thread of its own (lib/output/folder-survey.ts): what incremental synth reads
// of a large output folder — every file's size and modification time, or why meshfleet must not
// replace the folder — is exactly what the walk on the main thread gives, and a thread that fails
// hands over to that walk.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileAccessError } from '../../lib/model/file-access.ts';
import { folderStatsDigest, OUTPUT_MARKER, ownerMarker, surveyedFiles, surveyOwnership, type OwnershipSurvey } from '../../lib/output/folder-ownership.ts';
import { collectHeldSurveyGarbage, filesReadAtJob, heldSurveyCollections, indexesReadOnThread, prefetchedFiles, prefetchForHeldSurvey, prestartSurvey, releasePrestartedSurvey, startSurvey, surveyThreads } from '../../lib/output/folder-survey.ts';
import { readPreviousIndex } from '../../lib/output/previous-index.ts';
import { openOutputFolder } from '../../lib/output/output-folder.ts';
import { readTree } from '../support/tree.ts';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'meshfleet-survey-'));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

/** An output folder of `count` files in nested folders, with the marker listing them: large enough to be surveyed on a thread. */
function outputFolder(count = 1500): { target: string; paths: string[] } {
  const target = join(work, 'out');
  const paths = Array.from({ length: count }, (_, i) => `env-${i % 3}/cluster-${i % 97}/manifests/object-${String(i).padStart(4, '0')}.yaml`);
  for (const [i, path] of paths.entries()) {
    mkdirSync(join(target, dirname(path)), { recursive: true });
    writeFileSync(join(target, path), 'x'.repeat(i % 50));
  }
  writeFileSync(join(target, OUTPUT_MARKER), ownerMarker(paths));
  if (count >= 1500) expect(lstatSync(join(target, OUTPUT_MARKER)).size).toBeGreaterThan(64 * 1024);
  return { target, paths };
}

/**
 * The survey's files (outputFolder's): each folder two levels down (a cluster's) whole, as the digest
 * of its files' paths in it, sizes and times as lstat gives them, which another size, time or file
 * changes; the marker alone, by its size and time.
 */
function expectSurveyed(target: string, paths: readonly string[], survey: NonNullable<OwnershipSurvey['files']>) {
  const files = surveyedFiles(survey);
  const byFolder = new Map<string, [string, number, number][]>();
  for (const path of paths) {
    const folder = path.split('/').slice(0, 2).join('/');
    const { size, mtimeMs } = lstatSync(join(target, path));
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), [path.slice(folder.length + 1), size, mtimeMs]]);
  }
  expect(survey.folders.split('\0').sort()).toStrictEqual([...byFolder.keys()].sort());
  expect(survey.paths.split('\0')).toStrictEqual([OUTPUT_MARKER]);
  for (const [folder, stats] of byFolder) {
    expect(files.folderMatches(folder, folderStatsDigest([...stats].reverse()))).toBe(true);
    const [first, ...rest] = stats;
    const [path, size, mtimeMs] = first!;
    expect(files.folderMatches(folder, folderStatsDigest([[path, size + 1, mtimeMs], ...rest]))).toBe(false);
    expect(files.folderMatches(folder, folderStatsDigest([[path, size, mtimeMs + 1], ...rest]))).toBe(false);
    expect(files.folderMatches(folder, folderStatsDigest(rest))).toBe(false);
    expect(files.folderMatches(folder, folderStatsDigest([...stats, ['missing.yaml', 0, 0]]))).toBe(false);
  }
  const marker = lstatSync(join(target, OUTPUT_MARKER));
  expect(files.matches(OUTPUT_MARKER, marker.size, marker.mtimeMs)).toBe(true);
  expect(files.matches(OUTPUT_MARKER, marker.size + 1, marker.mtimeMs)).toBe(false);
  expect(files.matches(OUTPUT_MARKER, marker.size, marker.mtimeMs + 1)).toBe(false);
  expect(files.matches(paths[0]!, 0, 0)).toBe(false);
  expect(files.folderMatches('env-0/missing', folderStatsDigest([]))).toBe(false);
}

describe('the survey of an output folder on its own thread', () => {
  it('gives what the walk on this thread gives: every file with the size and modification time lstat gives', () => {
    const { target, paths } = outputFolder();
    const pending = startSurvey(target, 'out', true);
    const survey = pending.result();
    expect(pending.where()).toBe('thread');
    expect(survey).toStrictEqual(surveyOwnership(target, 'out', true));
    expectSurveyed(target, paths, survey.files!);
  });

  it('walks the folder, then reads the previous index.json, cut as readPreviousIndex cuts it', () => {
    const { target, paths } = outputFolder();
    const index = { fleet: 'f', trustAnchors: [{ subject: 'CN=root', sha256: 'AB:CD' }], environments: [{ name: 'dev', clusters: [{ name: 'c0', linkerd: 'v1', links: [{ target: 'c1' }] }] }] };
    writeFileSync(join(target, 'index.json'), JSON.stringify(index));
    writeFileSync(join(target, OUTPUT_MARKER), ownerMarker([...paths, 'index.json']));
    const pending = startSurvey(target, 'out', true);
    expect(pending.result().files!.paths.split('\0')).toContain('index.json');
    const previous = pending.previousIndex();
    expect(previous).toStrictEqual(readPreviousIndex(target));
    expect(previous).toStrictEqual({ trustAnchors: [{ sha256: 'AB:CD' }], environments: [{ name: 'dev', clusters: [{ name: 'c0', linkerd: 'v1', links: [{ target: 'c1' }] }] }] });
    expect(pending.where()).toBe('thread');
  });

  it('reads the previous index here when it is asked for while the thread walks (the thread then skips it); after the walk, as the thread read it', () => {
    const { target, paths } = outputFolder();
    const index = (cluster: string) => JSON.stringify({ fleet: 'f', environments: [{ name: 'dev', clusters: [{ name: cluster, linkerd: 'v1' }] }] });
    writeFileSync(join(target, 'index.json'), index('c0'));
    writeFileSync(join(target, OUTPUT_MARKER), ownerMarker([...paths, 'index.json']));
    // The thread starts its code once the gate file exists: still walking (not even started) when the index is asked for.
    const gate = join(work, 'gate');
    const gated = (code: string) => `{ const fs = require('node:fs'); const deadline = Date.now() + 20000; while (!fs.existsSync(${JSON.stringify(gate)}) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); }\n${code}`;
    const pending = startSurvey(target, 'out', true, { workerCode: gated });
    const clusterOf = (previous: unknown) => (previous as { environments: { clusters: { name: string }[] }[] }).environments[0]!.clusters[0]!.name;
    expect(pending.answered()).toBe(false);
    expect(clusterOf(pending.previousIndex())).toBe('c0');
    expect(pending.indexFrom()).toBe('here');
    // Rewritten once read: the index stays the one read here.
    writeFileSync(join(target, 'index.json'), index('c1'));
    writeFileSync(gate, '');
    expect(pending.result()).toStrictEqual(surveyOwnership(target, 'out', true));
    expect(pending.where()).toBe('thread');
    expect(clusterOf(pending.previousIndex())).toBe('c0');
    // Asked once the survey is in: the thread's.
    const after = startSurvey(target, 'out', true, { workerCode: gated });
    after.result();
    expect(clusterOf(after.previousIndex())).toBe('c1');
    expect(after.indexFrom()).toBe('thread');
  });

  it('refuses a folder holding what meshfleet did not write, with the walk on this thread\'s message', () => {
    const { target } = outputFolder();
    writeFileSync(join(target, 'env-1/cluster-5/manifests/stray.yaml'), 'kind: Stray\n');
    mkdirSync(join(target, 'env-2/.git'));
    symlinkSync('/etc/hostname', join(target, 'env-0/link.yaml'));
    const pending = startSurvey(target, 'out', true);
    const survey = pending.result();
    expect(pending.where()).toBe('thread');
    expect(survey).toStrictEqual(surveyOwnership(target, 'out', true));
    expect(survey.files).toBeUndefined();
    expect(survey.refusal?.problem).toMatch(/^--out out holds 3 entries meshfleet did not write: /);
    for (const entry of ['env-1/cluster-5/manifests/stray.yaml (a file)', 'env-2/.git/ (a folder)', 'env-0/link.yaml (a symbolic link)']) expect(survey.refusal?.problem).toContain(entry);
  });

  it('hands over to the walk on this thread when its own fails, which then throws that error', () => {
    const { target } = outputFolder();
    // A marker past the output file limit (a sparse file): reading it fails, on either thread.
    truncateSync(join(target, OUTPUT_MARKER), 64 * 1024 * 1024 + 1);
    const pending = startSurvey(target, 'out', true);
    expect(() => pending.result()).toThrow(FileAccessError);
    expect(pending.where()).toBe('here');
  });

  // A thread gone silent is given up after a minute (ANSWER_TIMEOUT_MS); one that stopped must be
  // noticed within seconds (the watchdog starts after 1 s of waiting), well under these tests' timeout.
  /**
   * A survey whose thread runs `workerCode`, asked as synth asks (the file read ahead, the walk, then
   * the index): whether the file came, the walk and where it ran, and the index, with index.json
   * rewritten (cluster c1) once the walk is in, so that an index read here (c1) is told from one the
   * thread read before (c0).
   */
  const stoppedSurvey = (workerCode: (code: string) => string) => {
    const { target } = outputFolder();
    const index = (cluster: string) => JSON.stringify({ fleet: 'f', environments: [{ name: 'dev', clusters: [{ name: cluster, linkerd: 'v1' }] }] });
    writeFileSync(join(target, 'index.json'), index('c0'));
    const ahead = join(work, 'cache.bin');
    writeFileSync(ahead, 'cached');
    const started = Date.now();
    const pending = startSurvey(target, 'out', true, { workerCode }, ahead);
    const read = pending.readAhead();
    expect(pending.result()).toStrictEqual(surveyOwnership(target, 'out', true));
    const walked = pending.where();
    writeFileSync(join(target, 'index.json'), index('c1'));
    const previous = pending.previousIndex() as { environments: { clusters: { name: string }[] }[] };
    expect(Date.now() - started).toBeLessThan(15_000);
    return { readAhead: read && Buffer.from(read).toString(), walked, indexOf: previous.environments[0]!.clusters[0]!.name };
  };
  /** The thread posts a message and then counts it with an Atomics.add: it ends right after its `n`th. */
  const stopAfter = (n: number) => (code: string) => `{ const add = Atomics.add; let posted = 0; Atomics.add = (array, slot, value) => { const at = add(array, slot, value); if (++posted === ${n}) process.exit(3); return at; }; }\n${code}`;

  it('notices a thread that stops before answering (as at its heap limit) within seconds, and does its work here', () => {
    expect(stoppedSurvey(() => 'process.exit(3);')).toStrictEqual({ readAhead: undefined, walked: 'here', indexOf: 'c1' });
  }, 30_000);

  it('notices a thread that stops between its answers: what it sent from the thread, the rest made here', () => {
    expect(stoppedSurvey(stopAfter(1))).toStrictEqual({ readAhead: 'cached', walked: 'here', indexOf: 'c1' });
    expect(stoppedSurvey(stopAfter(2))).toStrictEqual({ readAhead: 'cached', walked: 'thread', indexOf: 'c1' });
  }, 60_000);

  it('reads the file it is asked to before the walk, and moves its bytes here; none when it cannot read it, or runs here', () => {
    const { target } = outputFolder();
    const ahead = join(work, 'cache.bin');
    const bytes = Buffer.alloc(3 * 1024 * 1024, 7);
    writeFileSync(ahead, bytes);
    const pending = startSurvey(target, 'out', true, {}, ahead);
    const read = pending.readAhead()!;
    expect(Buffer.from(read).equals(bytes)).toBe(true);
    // Its own memory, whole: moved from the thread, not a view of a pool.
    expect([read.byteOffset, read.buffer.byteLength]).toStrictEqual([0, bytes.length]);
    // Taken once.
    expect(pending.readAhead()).toBeUndefined();
    expect(pending.result()).toStrictEqual(surveyOwnership(target, 'out', true));
    expect(pending.where()).toBe('thread');
    pending.stop();
    const missing = startSurvey(target, 'out', true, {}, join(work, 'missing.bin'));
    expect(missing.readAhead()).toBeUndefined();
    expect(missing.result()).toStrictEqual(surveyOwnership(target, 'out', true));
    missing.stop();
    const small = outputFolder(3);
    const here = startSurvey(small.target, 'out', true, {}, ahead);
    expect(here.readAhead()).toBeUndefined();
    expect(here.where()).toBe('here');
  });

  it("tunes V8's compiler as its thread starts (in the CLI's process) when it and the main thread take every core", async () => {
    const { target } = outputFolder();
    // Fresh modules, so that tuning stays allowed for this test only (the flags are reset after it).
    vi.resetModules();
    const tuning = await import('../../lib/compiler-tuning.ts');
    const fresh = await import('../../lib/output/folder-survey.ts');
    tuning.allowCompilerTuning();
    try {
      expect(tuning.compilerFlagState()).toBe('default');
      const pending = fresh.startSurvey(target, 'out', true);
      const everyCore = availableParallelism() <= 2 && tuning.compilerFlagsFor(process.versions.v8).length > 0;
      expect(tuning.compilerFlagState()).toBe(everyCore ? 'tuned' : 'default');
      expect(pending.result().files).toBeDefined();
      expect(pending.where()).toBe('thread');
      pending.stop();
    } finally {
      tuning.releaseCoresToCompiler();
    }
  });

  it('tells whether the survey is in without waiting for it (answered): a synth renders changed clusters until then', () => {
    const { target } = outputFolder();
    const pending = startSurvey(target, 'out', true, { threshold: 0 });
    const deadline = Date.now() + 10_000;
    while (!pending.answered() && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    expect(pending.answered()).toBe(true);
    expect(pending.result()).toStrictEqual(surveyOwnership(target, 'out', true));
    expect(pending.where()).toBe('thread');
    pending.stop();
    // Made here when asked for: nothing to wait for.
    expect(startSurvey(target, 'out', true, { threshold: Number.POSITIVE_INFINITY }).answered()).toBe(true);
  });

  it('takes the thread prestartSurvey started (loading while the fleet file is read), which gives the same survey', () => {
    const { target } = outputFolder();
    const before = surveyThreads().started;
    prestartSurvey(target);
    expect(surveyThreads()).toStrictEqual({ prestarted: true, started: before + 1 });
    const pending = startSurvey(target, 'out', true);
    expect(surveyThreads()).toStrictEqual({ prestarted: false, started: before + 1 });
    expect(pending.result()).toStrictEqual(surveyOwnership(target, 'out', true));
    expect(pending.where()).toBe('thread');
  });

  it('has a prestarted thread read the file to read ahead before its job, which then gets those bytes; a job naming another file, or after the file changed, reads it then', () => {
    const { target } = outputFolder();
    const ahead = join(work, 'cache.bin');
    writeFileSync(ahead, 'read early');
    prestartSurvey(target, false, ahead);
    expect(prefetchedFiles(0, 10_000)).toBe(1);
    const pending = startSurvey(target, 'out', true, {}, ahead);
    expect(Buffer.from(pending.readAhead()!).toString()).toBe('read early');
    expect(pending.result()).toStrictEqual(surveyOwnership(target, 'out', true));
    pending.previousIndex();
    expect(surveyThreads().prestarted).toBe(false);
    // Changed once read (the same length, the time set back: its inode's change time tells): read again when the job comes.
    prestartSurvey(target, true);
    prefetchForHeldSurvey(ahead);
    expect(prefetchedFiles(0, 10_000)).toBe(1);
    const { atime, mtime } = statSync(ahead);
    writeFileSync(ahead, 'read later');
    utimesSync(ahead, atime, mtime);
    const changed = startSurvey(target, 'out', true, {}, ahead);
    expect(Buffer.from(changed.readAhead()!).toString()).toBe('read later');
    changed.result();
    changed.previousIndex();
    expect(filesReadAtJob()).toBe(1);
    // Held, the same thread: unchanged since it was read ahead, not read at the job.
    prefetchForHeldSurvey(ahead);
    expect(prefetchedFiles(1, 10_000)).toBe(2);
    const unchanged = startSurvey(target, 'out', true, {}, ahead);
    expect(Buffer.from(unchanged.readAhead()!).toString()).toBe('read later');
    unchanged.result();
    unchanged.previousIndex();
    expect(filesReadAtJob()).toBe(1);
    releasePrestartedSurvey();
    prestartSurvey(target, false, ahead);
    expect(prefetchedFiles(0, 10_000)).toBe(1);
    const other = join(work, 'other.bin');
    writeFileSync(other, 'another file');
    const another = startSurvey(target, 'out', true, {}, other);
    expect(Buffer.from(another.readAhead()!).toString()).toBe('another file');
    another.stop();
    // A held thread (the watch mode's, waiting between runs) reads nothing ahead unless asked to (prefetchForHeldSurvey).
    prestartSurvey(target, true, ahead);
    expect(prefetchedFiles(0, 200)).toBe(0);
    releasePrestartedSurvey();
    // Nor is one not held asked to.
    prestartSurvey(target, false);
    prefetchForHeldSurvey(ahead);
    expect(prefetchedFiles(0, 200)).toBe(0);
    releasePrestartedSurvey();
  });

  it('stops a prestarted thread nothing took once the event loop turns, and starts none for a small folder', async () => {
    const { target } = outputFolder();
    const before = surveyThreads().started;
    prestartSurvey(target);
    expect(surveyThreads().prestarted).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(surveyThreads()).toStrictEqual({ prestarted: false, started: before + 1 });
    prestartSurvey(outputFolder(20).target);
    expect(surveyThreads()).toStrictEqual({ prestarted: false, started: before + 1 });
  });

  it('keeps a held thread (the watch mode\'s) for the next survey once it answered, each survey of the folder as it is then', async () => {
    const { target, paths } = outputFolder();
    const before = surveyThreads().started;
    prestartSurvey(target, true);
    for (let round = 0; round < 3; round++) {
      // Each survey sees the folder as it is now, not as an earlier one saw it.
      writeFileSync(join(target, paths[round]), 'y'.repeat(100 + round));
      const pending = startSurvey(target, 'out', true);
      expect(pending.previousIndex()).toStrictEqual(readPreviousIndex(target));
      expect(pending.result()).toStrictEqual(surveyOwnership(target, 'out', true));
      expect(pending.where()).toBe('thread');
      // Kept, not stopped, when the event loop turns.
      await new Promise((resolve) => setImmediate(resolve));
      expect(surveyThreads()).toStrictEqual({ prestarted: true, started: before + 1 });
      prestartSurvey(target, true);
    }
    releasePrestartedSurvey();
    expect(surveyThreads()).toStrictEqual({ prestarted: false, started: before + 1 });
    // A thread not held is not kept.
    prestartSurvey(target);
    startSurvey(target, 'out', true).result();
    expect(surveyThreads()).toStrictEqual({ prestarted: false, started: before + 2 });
    // Nor a held one that failed (here: a marker past the output file limit).
    prestartSurvey(target, true);
    truncateSync(join(target, OUTPUT_MARKER), 64 * 1024 * 1024 + 1);
    const failing = startSurvey(target, 'out', true);
    expect(() => failing.result()).toThrow(FileAccessError);
    expect(surveyThreads()).toStrictEqual({ prestarted: false, started: before + 3 });
  });

  it("has a held thread skip the index it was to read once it was read here, and read it when it was not", () => {
    const { target } = outputFolder();
    writeFileSync(join(target, 'index.json'), JSON.stringify({ fleet: 'f', environments: [] }));
    prestartSurvey(target, true);
    expect(indexesReadOnThread()).toBe(0);
    // The survey first, then the index: the thread's.
    const surveyThenIndex = () => {
      const pending = startSurvey(target, 'out', true);
      pending.result();
      expect(pending.previousIndex()).toStrictEqual(readPreviousIndex(target));
      expect(pending.indexFrom()).toBe('thread');
    };
    surveyThenIndex();
    expect(indexesReadOnThread()).toBe(1);
    // The index at once, as a synth waiting for the walk asks for it: read here, and not by the
    // thread, which is kept for the next survey all the same. (The thread reads a large file first,
    // as asked: it is still busy with that when the index is asked for.)
    const busy = join(work, 'busy.bin');
    writeFileSync(busy, Buffer.alloc(32 * 1024 * 1024));
    prefetchForHeldSurvey(busy);
    const asked = startSurvey(target, 'out', true);
    expect(asked.previousIndex()).toStrictEqual(readPreviousIndex(target));
    expect(asked.indexFrom()).toBe('here');
    expect(asked.result()).toStrictEqual(surveyOwnership(target, 'out', true));
    expect(surveyThreads().prestarted).toBe(true);
    expect(indexesReadOnThread()).toBe(1);
    // The next job's index is the thread's again.
    surveyThenIndex();
    expect(indexesReadOnThread()).toBe(2);
    releasePrestartedSurvey();
  });

  it('has a held thread that surveyed collect its garbage when asked between runs, and none that has not surveyed since', () => {
    const { target } = outputFolder();
    prestartSurvey(target, true);
    // Not yet surveyed: nothing to collect.
    collectHeldSurveyGarbage();
    expect(heldSurveyCollections(0, 200)?.count).toBe(0);
    for (let round = 1; round <= 2; round++) {
      const pending = startSurvey(target, 'out', true);
      expect(pending.previousIndex()).toStrictEqual(readPreviousIndex(target));
      expect(pending.result()).toStrictEqual(surveyOwnership(target, 'out', true));
      collectHeldSurveyGarbage();
      const collected = heldSurveyCollections(round - 1, 10_000)!;
      expect(collected.count).toBe(round);
      // What the survey of 1500 files left (~1 MB) is gone.
      const [before, after] = collected.heapKiB;
      expect(before - after, `${before} → ${after} KiB`).toBeGreaterThan(512);
      // Asked again before it surveyed again: not collected again.
      collectHeldSurveyGarbage();
      expect(heldSurveyCollections(round, 200)?.count).toBe(round);
    }
    releasePrestartedSurvey();
    expect(heldSurveyCollections()).toBeUndefined();
  });

  it('walks a small folder on this thread, when its result is first asked for', () => {
    const { target } = outputFolder(20);
    const pending = startSurvey(target, 'out', true);
    expect(pending.result()).toStrictEqual(surveyOwnership(target, 'out', true));
    expect(pending.where()).toBe('here');
  });
});

describe('an output folder opened with stats', () => {
  it('opens a folder of someone else, and refuses it at stage() (exit 2) with the folder and its parent untouched', () => {
    const { target } = outputFolder();
    writeFileSync(join(target, 'notes.md'), 'mine\n');
    const before = readTree(work);
    const folder = openOutputFolder(target, { write: true, workingFolder: work, stats: true });
    try {
      let refused: unknown;
      try {
        folder.stage();
      } catch (e) {
        refused = e;
      }
      expect(refused).toBeInstanceOf(FileAccessError);
      expect((refused as FileAccessError).exitCode).toBe(2);
      expect((refused as Error).message).toContain('holds 1 entry meshfleet did not write: notes.md (a file)');
      expect(() => folder.files()).toThrow('did not write');
    } finally {
      folder.close();
    }
    expect(readTree(work)).toStrictEqual(before);
    expect(readdirSync(work)).toStrictEqual(['out']);
  });

  it('gives its files with their sizes and times, as the walk found them', () => {
    const { target, paths } = outputFolder();
    const folder = openOutputFolder(target, { write: true, workingFolder: work, stats: true });
    try {
      const files = folder.files()!;
      for (const [folderPath, file] of [['env-0/cluster-0', 'manifests/object-0000.yaml'], ['env-1/cluster-1', 'manifests/object-0001.yaml']] as const) {
        const inFolder = paths.filter((path) => path.startsWith(`${folderPath}/`)).map((path) => {
          const { size, mtimeMs } = lstatSync(join(target, path));
          return [path.slice(folderPath.length + 1), size, mtimeMs] as [string, number, number];
        });
        expect(inFolder.map(([path]) => path)).toContain(file);
        expect(files.folderMatches(folderPath, folderStatsDigest(inFolder))).toBe(true);
      }
      expect(files.matches('env-0/missing.yaml', 0, 0)).toBe(false);
    } finally {
      folder.close();
    }
  });
});
