// The texts of files whose objects passed their checks, kept between runs (lib/validate/valid-before.ts):
// a verdict is one text's under one set of schema sources, read back by a fresh thread from the file,
// handed from a render worker to the main thread, and a file that cannot be read only costs the checks.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

type Store = typeof import('../../lib/validate/valid-before.ts');

/** A fresh thread as far as the store goes, reading and writing `file`. */
async function fresh(file: string | undefined): Promise<Store> {
  vi.resetModules();
  const store = await import('../../lib/validate/valid-before.ts');
  store.useValidBefore(file);
  return store;
}

const fileIn = () => join(mkdtempSync(join(tmpdir(), 'meshfleet-valid-before-')), 'valid-before.bin');
const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n';

describe('files found valid before', () => {
  it('are known again by text and schema sources, from the file a run wrote', async () => {
    const file = fileIn();
    const first = await fresh(file);
    expect(first.validBefore('2.20', text)).toBe(false);
    first.foundValid('2.20', text);
    expect(first.validBefore('2.20', text)).toBe(true);
    first.saveValidBefore();
    const next = await fresh(file);
    expect(next.validBefore('2.20', text)).toBe(true);
    expect(next.validBefore('2.18', text)).toBe(false);
    expect(next.validBefore('2.20', `${text} `)).toBe(false);
    expect((await fresh(undefined)).validBefore('2.20', text)).toBe(false);
  });

  it("found on a render worker are kept by the main thread's file", async () => {
    const file = fileIn();
    const worker = await fresh(file);
    worker.foundValid('s', text);
    worker.foundValid('s', text);
    const found = worker.takeFound();
    expect(found?.length).toBe(16);
    expect(worker.takeFound()).toBeUndefined();
    const main = await fresh(file);
    main.addFound(found!);
    main.saveValidBefore();
    expect((await fresh(file)).validBefore('s', text)).toBe(true);
  });

  it('only cost the checks when the file is corrupt, and the next write replaces it', async () => {
    const file = fileIn();
    writeFileSync(file, 'not ours\n0123456789abcdef0123456789abcdef');
    const store = await fresh(file);
    expect(store.validBefore('s', text)).toBe(false);
    store.foundValid('s', text);
    store.saveValidBefore();
    expect(readFileSync(file, 'latin1').startsWith('meshfleet valid-before 2\n')).toBe(true);
    expect((await fresh(file)).validBefore('s', text)).toBe(true);
  });

  it('are found among many whose first bytes are the same, not on a digest differing in its last byte, and written back as read', async () => {
    // The digest of a verdict, as lib/validate/valid-before.ts makes it: of the check and the text's SHA-256 (as one-byte text, hashed as UTF-8).
    const digestOf = (check: string, t: string) => createHash('sha256').update(`${check}\0${createHash('sha256').update(t).digest('binary')}`).digest().subarray(0, 16);
    const wanted = digestOf('s', text);
    // 2000 digests starting as the wanted one does (the lookup's table is keyed by the first four bytes), then the wanted one.
    const crowd = Array.from({ length: 2000 }, (_, i) => Buffer.concat([wanted.subarray(0, 4), createHash('sha256').update(String(i)).digest().subarray(0, 12)]));
    const nearly = Buffer.from(wanted);
    nearly[15] ^= 1;
    const file = fileIn();
    const body = Buffer.concat([...crowd, nearly, wanted]);
    writeFileSync(file, Buffer.concat([Buffer.from('meshfleet valid-before 2\n', 'latin1'), body]));
    const store = await fresh(file);
    expect(store.validBefore('s', text)).toBe(true);
    expect(store.validBefore('s', `${text}#`)).toBe(false);
    store.foundValid('t', text);
    store.saveValidBefore();
    expect(readFileSync(file)).toStrictEqual(Buffer.concat([Buffer.from('meshfleet valid-before 2\n', 'latin1'), body, digestOf('t', text)]));
    const without = fileIn();
    writeFileSync(without, Buffer.concat([Buffer.from('meshfleet valid-before 2\n', 'latin1'), ...crowd, nearly]));
    expect((await fresh(without)).validBefore('s', text)).toBe(false);
  });
});
