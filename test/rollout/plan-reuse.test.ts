// `meshfleet plan` against a folder synth wrote reads synth's cache of it (read only, as synth --check
// does): clusters unchanged since are not rendered again, and the plan is the one a cold run prints.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../lib/cli/main.ts';
import { REPO } from '../support/fleet.ts';

// Counts the clusters rendered (the example's six render on the main thread: no workers below 32).
const renders = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../lib/synth/render-cluster.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../lib/synth/render-cluster.ts')>();
  return { ...original, renderCluster: (...args: Parameters<typeof original.renderCluster>) => (renders.count++, original.renderCluster(...args)) };
});

const FLEET = join(REPO, 'apps', 'fleet.yaml');
let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'meshfleet-plan-reuse-'));
  vi.stubEnv('MESHFLEET_CACHE_DIR', join(work, 'cache'));
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(work, { recursive: true, force: true });
});

async function run(...args: string[]) {
  let stdout = '';
  const code = await runCli(args, { out: (t) => (stdout += t), err: () => undefined });
  return { code, stdout };
}

/** The plan's JSON report and how many clusters it rendered. */
async function plan(out: string) {
  renders.count = 0;
  const { code, stdout } = await run('plan', FLEET, '--out', out, '--json');
  return { code, report: JSON.parse(stdout).result, rendered: renders.count };
}

describe('meshfleet plan after synth', () => {
  it('renders no cluster of an unchanged fleet, and prints what a run without the cache prints', async () => {
    const out = join(work, 'out');
    expect((await run('synth', FLEET, '--out', out)).code).toBe(0);
    const reused = await plan(out);
    vi.stubEnv('MESHFLEET_CACHE_DIR', join(work, 'other-cache'));
    const cold = await plan(out);
    expect(reused.code).toBe(0);
    expect(cold.rendered).toBe(6);
    expect(reused.rendered).toBe(0);
    expect(reused.report).toStrictEqual(cold.report);
    expect(reused.report.upgrade).toMatchObject({ converged: true, changedSteps: [] });
  }, 180_000);

  it('renders a cluster whose file was edited by hand, and shows its step as changed', async () => {
    const out = join(work, 'out');
    expect((await run('synth', FLEET, '--out', out)).code).toBe(0);
    appendFileSync(join(out, 'dev', 'dev-1', 'routes', 'routes.yaml'), '# edited\n');
    const edited = await plan(out);
    expect(edited.rendered).toBe(1);
    expect(edited.report.upgrade.changedSteps).toStrictEqual(['dev-1-routes']);
  }, 180_000);
});
