// One benchmark size in its own process, so peak memory belongs to that size alone.
// Prints one JSON line: synth time, its checks run again, and the floor (the same files made without meshfleet).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { listOutputFiles, readOutputTree } from '../lib/output/diff.ts';
import { toYaml } from '../lib/output/yaml.ts';
import { synthesize } from '../lib/synth/synthesize.ts';
import { scanFiles, validateObjects } from '../lib/validate/index.ts';
import { generateFleet } from './generate-fleet.ts';

const clusters = Number(process.argv[2]);
// RAM-backed when the machine has it, so the table measures meshfleet rather than the disk (on a
// shared VM disk, writing the 1000-cluster output alone took 12–27 s). MESHFLEET_BENCH_DIR picks a disk.
const base = process.env.MESHFLEET_BENCH_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
const work = mkdtempSync(join(base, 'meshfleet-bench-'));
const document = generateFleet(clusters);

// Warm-up on a small fleet, so module loading and schema compilation are not billed to the size.
synthesize({ document: generateFleet(4), baseDir: work }, { outdir: join(work, 'warmup') });

const started = performance.now();
const result = synthesize({ document, baseDir: work }, { outdir: join(work, 'charts-out') });
const synthMs = performance.now() - started;

// The floor: the same files, made without meshfleet: every object and values document it wrote,
// serialized by a plain YAML emitter (a file's objects once, as its manifest and the chart template
// wrapping it share one text), and every file it wrote written with the same path and bytes into an
// empty folder. Timed apart from reading meshfleet's files back (one cluster folder at a time, so the
// floor's heap holds one cluster's text, not the whole output's: holding all of it made the floor's
// garbage collection 2–3× slower at 1000 clusters and the ratio below 1×). The fastest of three: a
// floor is what the machine can do, and single runs of it at 1000 clusters took 0.8 s in one bench
// and 2.7 s in another.
const clusterFolders = new Set(result.rendered.clusters.map((r) => r.folder));
const serialize = (objects: readonly object[]) => objects.map((o) => toYaml(o)).join('---\n');
// What is not in a cluster's folder (GitOps files, index.json, versions.lock.json), read back once.
const rest = new Map(
  listOutputFiles(join(work, 'charts-out'))
    .filter((path) => !clusterFolders.has(path.split('/').slice(0, 2).join('/')))
    .map((path) => [path, readFileSync(join(work, 'charts-out', path), 'utf8')]),
);
function floorOnce(into: string): { ms: number; bytes: number } {
  let ms = 0;
  let bytes = 0;
  const timed = (step: () => void) => {
    const from = performance.now();
    step();
    ms += performance.now() - from;
  };
  const made = new Set<string>();
  const writeAll = (files: ReadonlyMap<string, string>, folder: string) => {
    for (const [path, text] of files) {
      const dir = dirname(join(folder, path));
      if (!made.has(dir)) mkdirSync(dir, { recursive: true });
      made.add(dir);
      writeFileSync(join(folder, path), text);
      bytes += Buffer.byteLength(text);
    }
  };
  for (const r of result.rendered.clusters) {
    const files = readOutputTree(join(work, 'charts-out', r.folder));
    timed(() => {
      for (const file of [...r.objectFiles, ...r.routeFiles]) serialize(file.objects);
      for (const values of Object.values(r.upstreamValues)) toYaml(values);
      writeAll(files, join(into, r.folder));
    });
  }
  // The rest: the delivery objects serialized, every file written.
  timed(() => {
    for (const file of result.rendered.delivery.objectFiles) serialize(file.objects);
    writeAll(rest, into);
  });
  rmSync(into, { recursive: true, force: true });
  return { ms, bytes };
}
const floors = [0, 1, 2].map((i) => floorOnce(join(work, `floor-${i}`)));
const floorMs = Math.min(...floors.map((f) => f.ms));
const floorBytes = floors[0]!.bytes;
if (floorBytes !== result.bytes) throw new Error(`the floor wrote ${floorBytes} bytes, meshfleet ${result.bytes}: not the same files`);

// What was written, read back before the clock starts (synth streams it and keeps none).
const written = readOutputTree(join(work, 'charts-out'));

// The checks of the emitted objects that render.ts runs, again, on every object: none is skipped as
// valid before (lib/validate/valid-before.ts), as the synth above skips those it checked in earlier runs.
const validationStarted = performance.now();
let issues = 0;
for (const r of result.rendered.clusters) {
  issues += validateObjects(r.objects, { linkerd: r.cluster.release.valuesSet as never }).length;
}
// The secret scan over every file written (render.ts scans each cluster's files as it makes them).
const scanStarted = performance.now();
issues += scanFiles(written).length;
const secretScanMs = performance.now() - scanStarted;
const validationMs = performance.now() - validationStarted;
if (issues > 0) throw new Error(`the generated fleet has ${issues} validation issues`);

const objects =
  result.rendered.clusters.reduce((n, r) => n + r.objects.length + r.routeFiles.reduce((m, f) => m + f.objects.length, 0), 0) +
  result.rendered.delivery.objectFiles.reduce((n, f) => n + f.objects.length, 0);
rmSync(work, { recursive: true, force: true });

console.log(
  JSON.stringify({
    clusters,
    synthMs,
    validationMs,
    secretScanMs,
    floorMs,
    objects,
    files: result.files,
    bytes: result.bytes,
    floorBytes,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
