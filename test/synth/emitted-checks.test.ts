// Render refuses to write what it emits wrong: an object its schema rejects, or secret material.
// Application objects (fleet.addApp) are the one way user-built objects enter the output, so they
// exercise the checks that meshfleet's own constructs should never trip.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject, App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { fleetInput } from '../../lib/cli/load-input.ts';
import { Fleet, TrustAnchor } from '../../lib/index.ts';
import { FleetError } from '../../lib/model/diagnostics.ts';
import { synthesize } from '../../lib/synth/synthesize.ts';
import { ANCHOR_PEM } from '../support/fleet.ts';

function synthWithApp(build: (scope: import('constructs').Construct) => void): FleetError | undefined {
  const fleet = new Fleet(new App(), 'acme', { trustAnchor: TrustAnchor.fromPem(ANCHOR_PEM), defaults: { linkerd: '2.20', kubernetes: '1.33' } });
  fleet.addEnvironment('prod');
  fleet.addCluster('eu-1', { environment: 'prod' });
  fleet.addNamespace('shop', {});
  fleet.addApp('web', { clusters: ['eu-1'], namespace: 'shop' }, (scope) => build(scope));
  try {
    // An empty output folder: the repository's charts-out/ is another fleet's previous output.
    synthesize(fleetInput(fleet), { dryRun: true, outdir: join(mkdtempSync(join(tmpdir(), 'meshfleet-emitted-')), 'charts-out') });
    return undefined;
  } catch (e) {
    return e as FleetError;
  }
}

describe('checks of emitted objects', () => {
  it('accept a valid application object', () => {
    expect(synthWithApp((scope) => new ApiObject(scope, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config' }, data: { a: 'b' } }))).toBeUndefined();
  });

  it('reject an object its schema rejects, naming the object and the field', () => {
    const error = synthWithApp((scope) => new ApiObject(scope, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', labels: { team: 7 as never } } }));
    expect(error).toBeInstanceOf(FleetError);
    expect(error!.diagnostics.map((d) => [d.path, d.message.split(' is invalid at ')[0]])).toContainEqual(['/spec/clusters/0', 'emitted ConfigMap shop/web-config']);
  });

  it('reject secret material in the output', () => {
    const error = synthWithApp((scope) => new ApiObject(scope, 's', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, stringData: { password: 'hunter2' } }));
    expect(error).toBeInstanceOf(FleetError);
    expect(error!.diagnostics.map((d) => [d.path, d.message.replace(/sha256:[0-9a-f]{8}/, 'sha256:…')])).toContainEqual([
      '/spec/clusters/0',
      'prod/eu-1/mesh/templates/app-web.yaml:10: Secret stringData (sha256:…) would be written to the output',
    ]);
    expect(error!.message).not.toContain('hunter2');
  });
});
