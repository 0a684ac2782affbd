// Interrupted synth: a `meshfleet synth` process killed with SIGKILL while it writes its temporary
// output folder must leave the previous output exactly as it was, and the next synth must succeed
// and clean up after the killed one (lib/output/atomic-write.ts).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generateFleet } from '../../bench/generate-fleet.ts';
import { runCli } from '../../lib/cli/main.ts';
import { REPO } from '../support/fleet.ts';
import { readTree } from '../support/tree.ts';

/** Clusters of the fleet synth is killed writing. */
const BIG_FLEET = 300;

// Quiet: what the synths print is shown only when one fails.
let printed = '';
const quiet = { out: () => {}, err: (text: string) => void (printed += text) };

/** Starts synth in its own process and SIGKILLs it as soon as its temporary folder appears. */
function synthKilledWhileWriting(workspace: string, fleetFile: string): Promise<{ signal: NodeJS.Signals | null; sawTemporaryFolder: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'meshfleet.js'), 'synth', fleetFile, '--out', join(workspace, 'out')], {
      cwd: workspace,
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
      stdio: 'ignore',
    });
    let sawTemporaryFolder = false;
    const poll = setInterval(() => {
      if (readdirSync(workspace).some((entry) => entry.startsWith('.out.tmp-'))) {
        sawTemporaryFolder = true;
        clearInterval(poll);
        child.kill('SIGKILL');
      }
    }, 5);
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearInterval(poll);
      resolve({ signal, sawTemporaryFolder });
    });
  });
}

describe('synth killed midway', () => {
  it('leaves the previous output intact, and the next synth succeeds and cleans up', async () => {
    // GIVEN a previous output from a small fleet, and a fleet big enough to take seconds to write: the
    // staged folder of 300 clusters exists for 1 s or more (6 s on a loaded 2-core machine), the poll
    // looks every 5 ms
    const workspace = mkdtempSync(join(tmpdir(), 'meshfleet-kill-'));
    const out = join(workspace, 'out');
    writeFileSync(join(workspace, 'small.yaml'), stringify(generateFleet(4)));
    expect(await runCli(['synth', join(workspace, 'small.yaml'), '--out', out], quiet), printed).toBe(0);
    const previous = readTree(out);
    const bigFleet = join(workspace, 'fleet.yaml');
    writeFileSync(bigFleet, stringify(generateFleet(BIG_FLEET)));

    // WHEN synth is killed while it writes its temporary folder
    const killed = await synthKilledWhileWriting(workspace, bigFleet);

    // THEN it was killed mid-write, and the previous output is exactly as it was
    expect(killed).toStrictEqual({ signal: 'SIGKILL', sawTemporaryFolder: true });
    expect(readdirSync(workspace).filter((entry) => entry.startsWith('.out.tmp-'))).toHaveLength(1);
    expect(readTree(out)).toStrictEqual(previous);

    // AND the next synth writes the big fleet and removes what the killed one left behind
    expect(await runCli(['synth', bigFleet, '--out', out], quiet), printed).toBe(0);
    expect(readdirSync(workspace).filter((entry) => entry.startsWith('.out.')).sort()).toStrictEqual([]);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as { environments: { clusters: unknown[] }[] };
    expect(index.environments.flatMap((environment) => environment.clusters)).toHaveLength(BIG_FLEET);
  }, 180_000);
});
