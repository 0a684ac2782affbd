// One benchmark size in its own process, so peak memory belongs to that size alone.
// Prints one JSON line: synth time and the floor (same objects to YAML, written without cdk8s).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOutputTree } from '../lib/output/diff.ts';
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

// The floor: the same objects (the clusters' and the GitOps ones) and values files, serialized to YAML
// and written, no cdk8s, no checks.
const floorStarted = performance.now();
let floorBytes = 0;
for (const r of result.rendered.clusters) {
  const dir = join(work, 'floor', r.folder);
  mkdirSync(dir, { recursive: true });
  [...r.objects, ...r.routeFiles.flatMap((f) => f.objects)].forEach((o, i) => {
    const text = toYaml(o);
    floorBytes += text.length;
    writeFileSync(join(dir, `${i}.yaml`), text);
  });
  for (const [chart, values] of Object.entries(r.upstreamValues)) writeFileSync(join(dir, `${chart}.yaml`), toYaml(values));
}
result.rendered.delivery.objectFiles.forEach((file, i) => {
  const text = file.objects.map((o) => toYaml(o)).join('---\n');
  floorBytes += text.length;
  writeFileSync(join(work, 'floor', `delivery-${i}.yaml`), text);
});
const floorMs = performance.now() - floorStarted;
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
