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
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(object);
    writeFileSync(join(folder, 'dev/c1/manifests/same.yaml'), 'kind: Namespace\nname: a\n');
    writeFileSync(join(folder, 'dev/c1/manifests/other.yaml'), 'kind: Namespace\nname: b\n');
    writeFileSync(join(folder, 'dev/c1/manifests/unlisted.yaml'), 'kind: Namespace\nname: c\n');
    const validated = { folder, paths: ['dev/c1/manifests/same.yaml', 'dev/c1/manifests/other.yaml', 'dev/c1/manifests/gone.yaml'] };
    const known = objectsValidatedBefore(validated, [
      ['dev/c1/manifests/same.yaml', 'kind: Namespace\nname: a\n', [a!]],
      // One byte more than what was validated.
      ['dev/c1/manifests/other.yaml', 'kind: Namespace\nname: b\n\n', [b!]],
      ['dev/c1/manifests/unlisted.yaml', 'kind: Namespace\nname: c\n', [c!]],
      ['dev/c1/manifests/gone.yaml', '', [d!]],
    ]);
    expect([...known]).toStrictEqual([a]);
  });

  it('knows nothing without validated files, or of a file whose text was not made', () => {
    writeFileSync(join(folder, 'x.yaml'), 'x\n');
    expect(objectsValidatedBefore(undefined, [['x.yaml', 'x\n', [object('x')]]]).size).toBe(0);
    expect(objectsValidatedBefore({ folder, paths: ['x.yaml'] }, [['x.yaml', undefined, [object('x')]]]).size).toBe(0);
    expect(objectsValidatedBefore({ folder, paths: ['x.yaml'] }, [['x.yaml', 'x\n', [object('x')]]]).size).toBe(1);
  });
});
