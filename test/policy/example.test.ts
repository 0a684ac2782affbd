// The example fleet's applications and policy (apps/main.ts): what each cluster gets, as a snapshot.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInput } from '../../lib/cli/load-input.ts';
import { objectYaml } from '../../lib/output/manifests.ts';
import { synthesize, type SynthResult } from '../../lib/synth/synthesize.ts';
import { REPO } from '../support/fleet.ts';

const POLICY_FILES = /^(policy|app-.*)\.yaml$/;

describe('example applications and policy', () => {
  let result: SynthResult;
  beforeAll(async () => {
    result = synthesize(await loadInput(join(REPO, 'apps', 'main.ts')), { dryRun: true });
  });

  it('runs the meshed applications on several clusters', () => {
    const apps = result.rendered.clusters.map((c) => [c.cluster.name, c.objectFiles.map((f) => f.name).filter((f) => f.startsWith('app-'))]);
    expect(apps).toStrictEqual([['dev-1', ['app-shop.yaml']], ['staging-1', []], ['eu-1', ['app-shop.yaml']], ['eu-2', ['app-shop.yaml']], ['us-1', ['app-catalog.yaml']], ['us-2', []]]);
  });

  it('warns exactly where callers come through a gateway', () => {
    expect(result.diagnostics.filter((d) => d.path.startsWith('/spec/policy')).map((d) => [d.severity, d.path])).toStrictEqual([
      ['warning', '/spec/policy/services/4/routes/0/allow/1'],
      ['warning', '/spec/policy/services/5/allow/0'],
    ]);
  });

  it.each(['dev/dev-1', 'staging/staging-1', 'prod/eu-1', 'prod/eu-2', 'prod/us-1', 'prod/us-2'])('policy of %s', (folder) => {
    const cluster = result.rendered.clusters.find((c) => c.folder === folder)!;
    const files = objectYaml(cluster.objectFiles.filter((f) => POLICY_FILES.test(f.name)));
    expect(Object.fromEntries(files)).toMatchSnapshot();
  });
});
