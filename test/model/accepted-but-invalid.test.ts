// Finding 9 of issue 17: input that was accepted but is invalid where it is applied. Each is refused
// (or, for upstream values, see test/check/upstream-values.test.ts) with its place and a fix.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFleetYamlFile, parseFleetYaml } from '../../lib/model/load-yaml.ts';
import { twoNetworkFleet } from '../multicluster/support.ts';
import { ANCHOR_PEM, errorsOf, fleetDocument } from '../support/fleet.ts';

const messages = (text: string) => parseFleetYaml(text).diagnostics.map((d) => [d.message, d.fix]);

describe('the YAML front door', () => {
  it('refuses invalid UTF-8 with file and line, instead of turning it into U+FFFD', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'meshfleet-utf8-')), 'fleet.yaml');
    const head = Buffer.from('apiVersion: meshfleet.dev/v1alpha1\nkind: Fleet\nmetadata:\n  name: caf');
    writeFileSync(file, Buffer.concat([head, Buffer.from([0xe9, 0x0a]), Buffer.from('spec: {}\n')]));
    expect(loadFleetYamlFile(file, 'fleet.yaml').diagnostics.map((d) => [d.message, d.fix])).toStrictEqual([[`the fleet file fleet.yaml is not valid UTF-8 at line 4 (byte ${head.length})`, 'save fleet.yaml as UTF-8']]);
  });

  it('accepts UTF-8, a written U+FFFD included', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'meshfleet-utf8-')), 'fleet.yaml');
    writeFileSync(file, 'apiVersion: meshfleet.dev/v1alpha1\nkind: Fleet\nmetadata:\n  name: café\n  note: "\uFFFD ü 🚀"\nspec: {}\n');
    expect(loadFleetYamlFile(file).diagnostics).toStrictEqual([]);
  });

  it('refuses custom tags (!Ref), with position and fix', () => {
    expect(messages('kind: Fleet\nmetadata: { name: !Ref Name }\n')).toStrictEqual([
      ['fleet.yaml is not valid YAML at line 2, column 19: Unresolved tag: !Ref', 'remove the tag: a fleet file is plain YAML, without custom tags such as !Ref'],
    ]);
  });

  it('refuses an unknown YAML version directive (%YAML 9.9), accepts %YAML 1.2', () => {
    expect(messages('%YAML 9.9\n---\nkind: Fleet\n')).toStrictEqual([['fleet.yaml is not valid YAML at line 1, column 7: Unsupported YAML version 9.9', 'remove the directive, or write %YAML 1.2']]);
    expect(messages('%YAML 1.2\n---\nkind: Fleet\n')).toStrictEqual([]);
  });

  // The file is lexed once for the nesting check and the parser (load-yaml.ts parseTokens): what the parser reports stays as parseDocument reported it.
  it('reports a second document, then every duplicate key in document order, each at its line', () => {
    const fix = 'fix the YAML syntax (duplicate keys and anchors are not allowed to repeat)';
    expect(messages('kind: Fleet\n---\nkind: Fleet\n')).toStrictEqual([['fleet.yaml is not valid YAML at line 2, column 1: Source contains multiple documents; please use YAML.parseAllDocuments()', fix]]);
    expect(messages('a: 1\nb:\n  c: 1\n  c: 2\na: 3\n---\nx: [\n')).toStrictEqual([
      ['fleet.yaml is not valid YAML at line 6, column 1: Source contains multiple documents; please use YAML.parseAllDocuments()', fix],
      ['fleet.yaml is not valid YAML at line 5, column 1: Map keys must be unique', fix],
      ['fleet.yaml is not valid YAML at line 4, column 3: Map keys must be unique', fix],
    ]);
    expect(messages('a: [1, 2\nb: 1\nb: 2\n')).toStrictEqual([
      ['fleet.yaml is not valid YAML at line 2, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]', fix],
      ['fleet.yaml is not valid YAML at line 3, column 1: Map keys must be unique', fix],
    ]);
  });
});

describe('the trust anchor', () => {
  it('is refused while it is not valid yet (notBefore in the future)', () => {
    const validFrom = new Date(new X509Certificate(ANCHOR_PEM).validFrom);
    const before = new Date(validFrom.getTime() - 24 * 3600 * 1000);
    expect(errorsOf(fleetDocument(), before)).toStrictEqual([['/spec/trust/anchor/pem', expect.stringMatching(new RegExp(`^certificate 1 \\(.*\\) is not valid until ${validFrom.toISOString().replace(/[.]/g, '\\.')}$`))]]);
    // Within the tolerated clock skew it is accepted.
    expect(errorsOf(fleetDocument(), new Date(validFrom.getTime() - 60 * 1000))).toStrictEqual([]);
  });
});

describe('multicluster names', () => {
  it('refuses a cluster named "federated" whose mirrors would take a federated service\'s name', () => {
    const doc = twoNetworkFleet((d) => {
      d.spec.clusters[1].name = 'federated';
      d.spec.links = [{ mesh: ['a1', 'federated'], mode: 'flat' }];
      d.spec.exports = [{ name: 'web', namespace: 'shop', cluster: 'federated', export: 'remote-discovery' }];
      d.spec.federatedServices = [{ name: 'web', namespace: 'shop', clusters: ['a1', 'federated'] }];
    });
    expect(errorsOf(doc)).toStrictEqual([
      ['/spec/clusters/1/name', 'on cluster a1, the mirror of web from federated and the federated service of web would both be the Service shop/web-federated'],
    ]);
  });

  it('refuses names that join alike ("a-b" from "c" and "a" from "b-c")', () => {
    const doc = twoNetworkFleet((d) => {
      d.spec.clusters[1].name = 'x-a2';
      d.spec.links = [{ mesh: ['a1', 'a2', 'x-a2'], mode: 'flat' }];
      d.spec.clusters.push({ ...d.spec.clusters[1], name: 'a2', podCIDR: '10.9.0.0/16', apiServer: 'https://a2.example:6443' });
      d.spec.exports = [
        { name: 'web-x', namespace: 'shop', cluster: 'a2', export: 'remote-discovery' },
        { name: 'web', namespace: 'shop', cluster: 'x-a2', export: 'remote-discovery' },
      ];
    });
    expect(errorsOf(doc).map(([path, message]) => [path, message.split(' would')[0]])).toContainEqual(['/spec/clusters/1/name', 'on cluster a1, the mirror of web from x-a2 and the mirror of web-x from a2']);
  });
});
