// The user's line a TypeScript fleet's construct names, as the command finds it in a real Node
// process: tsx's source maps, no stack formatter of the test runner's (vitest installs one, so the
// in-process tests of typescript-api.test.ts and front-doors.test.ts take the other path).
import { spawnSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/fleet.ts';
import { scratchFolderPerTest } from '../support/scratch.ts';

const scratch = scratchFolderPerTest('meshfleet-source-location-');

// Types, a comment and a cast on the lines that make constructs: the compiled JavaScript's columns
// differ from the TypeScript's, which the command must name.
const FLEET = `import { App } from 'cdk8s';
import { Fleet, GatewayApi, TrustAnchor, type ICluster } from ${JSON.stringify(join(REPO, 'lib', 'index.ts'))};

const fleet = new Fleet(new App(), 'acme', { trustAnchor: TrustAnchor.fromFile(${JSON.stringify(join(REPO, 'apps', 'trust', 'anchor.crt'))}), defaults: { linkerd: '2.20', kubernetes: '1.33' } });
const prod: unknown = fleet.addEnvironment('prod');
type Settings = { readonly environment: string; readonly linkerd: '2.20' };
const settings: Settings = { environment: 'prod', linkerd: '3.0' as '2.20' };
export const cluster: ICluster = /* a comment that moves the column */ fleet.addCluster('eu-1', settings);
if (process.env.BAD_VERSION) { const api: unknown = /* another */ GatewayApi.override({ version: 'v1.2.1' }); void api; }
void prod;
export default fleet;
`;

/** "main.ts:<line>:<column>" of the call named `method` on the line holding `marker` (V8 names the method's name). */
function callAt(marker: string, method: string): string {
  const lines = FLEET.split('\n');
  const line = lines.findIndex((text) => text.includes(marker));
  return `main.ts:${line + 1}:${lines[line]!.indexOf(method, lines[line]!.indexOf(marker)) + 1}`;
}

function validate(env: Record<string, string> = {}) {
  const dir = scratch.path;
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'main.ts'), FLEET);
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  const result = spawnSync(process.execPath, [join(REPO, 'bin', 'meshfleet.js'), 'validate', 'main.ts'], { cwd: dir, env: { ...process.env, ...env, NO_COLOR: '1' }, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

describe('the user\'s line in a TypeScript fleet run by the command', () => {
  it('is the TypeScript line and column of the call that made the construct', () => {
    const { status, stderr } = validate();
    expect(status).toBe(1);
    expect(stderr).toContain(`error MF2003 /spec/clusters/0/linkerd (${callAt("fleet.addCluster('eu-1'", 'addCluster')}, construct acme/clusters/eu-1): unknown Linkerd version "3.0"`);
  });

  it('starts the message of a definition error thrown at the call', () => {
    const { status, stderr } = validate({ BAD_VERSION: '1' });
    expect(status).toBe(1);
    expect(stderr).toContain(`${callAt('GatewayApi.override(', 'override')}: Gateway API version "v1.2.1" is not a bundle version`);
  });
});
