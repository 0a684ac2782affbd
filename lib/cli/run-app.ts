// Lets a TypeScript fleet file synthesize itself when run directly (`tsx apps/main.ts`, or
// `cdk8s synth` through cdk8s.yaml), with the same messages and exit codes as the CLI.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Fleet } from '../fleet/fleet.ts';
import { FleetError } from '../model/diagnostics.ts';
import { toYaml } from '../output/yaml.ts';
import { synthesize } from '../synth/synthesize.ts';
import { fleetInput } from './load-input.ts';

/** True when the module with this import.meta.url is the program being run. */
export function isMainModule(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === moduleUrl;
}

export function runApp(fleet: Fleet, outdir = process.env.MESHFLEET_OUT ?? 'charts-out'): void {
  try {
    const result = synthesize(fleetInput(fleet), { outdir, workingFolder: process.cwd() });
    // cdk8s synth clears its own output folder and expects plain manifests there; charts-out is
    // never handed to it, so its atomic swap and version lock stay intact.
    const cdk8sOut = process.env.CDK8S_OUTDIR;
    if (cdk8sOut) {
      mkdirSync(cdk8sOut, { recursive: true });
      for (const r of result.rendered.clusters) {
        const text = r.objects.map((o) => toYaml(o)).join('---\n');
        writeFileSync(join(cdk8sOut, `${r.cluster.environment}-${r.cluster.name}.k8s.yaml`), text);
      }
    }
    console.log(`meshfleet: ${result.rendered.clusters.length} cluster(s) written to ${result.outdir}`);
  } catch (e) {
    console.error(e instanceof FleetError ? e.message : `meshfleet: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
