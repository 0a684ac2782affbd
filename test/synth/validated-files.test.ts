// Files an earlier synth validated (lib/synth/validated-files.ts): the objects of a file rendered
// again with the same text are known; a file not listed, with other text or gone is not.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/model/kube-object.ts';
import { objectsValidatedBefore } from '../../lib/synth/validated-files.ts';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'meshfleet-validated-'));
  mkdirSync(join(folder, 'dev/c1/manifests'), { recursive: true });
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const object = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

describe('objectsValidatedBefore', () => {
  it('knows the objects of listed files whose text is the text in the folder, and no others', () => {
    const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map(object);
    const file = (name: string, text: string) => (writeFileSync(join(folder, 'dev/c1/manifests', name), text), [`dev/c1/manifests/${name}`, Buffer.byteLength(text)] as const);
    const validated = {
      folder,
      files: [
        file('same.yaml', 'kind: Namespace\nname: á\n'),
        file('other.yaml', 'kind: Namespace\nname: b\n'),
        file('longer.yaml', 'kind: Namespace\nname: e\n'),
        ['dev/c1/manifests/gone.yaml', 0] as const,
      ],
    };
    file('unlisted.yaml', 'kind: Namespace\nname: c\n');
    const known = objectsValidatedBefore(validated, [
      ['dev/c1/manifests/same.yaml', 'kind: Namespace\nname: á\n', [a!]],
      // The same size, another text; a byte more.
      ['dev/c1/manifests/other.yaml', 'kind: Namespace\nname: B\n', [b!]],
      ['dev/c1/manifests/longer.yaml', 'kind: Namespace\nname: e\n\n', [e!]],
      ['dev/c1/manifests/unlisted.yaml', 'kind: Namespace\nname: c\n', [c!]],
      ['dev/c1/manifests/gone.yaml', '', [d!]],
    ]);
    expect([...known]).toStrictEqual([a]);
  });

  it('knows nothing without validated files, or of a file whose text was not made', () => {
    writeFileSync(join(folder, 'x.yaml'), 'x\n');
    const validated = { folder, files: [['x.yaml', 2] as const] };
    expect(objectsValidatedBefore(undefined, [['x.yaml', 'x\n', [object('x')]]]).size).toBe(0);
    expect(objectsValidatedBefore(validated, [['x.yaml', undefined, [object('x')]]]).size).toBe(0);
    expect(objectsValidatedBefore(validated, [['x.yaml', 'x\n', [object('x')]]]).size).toBe(1);
  });
});
