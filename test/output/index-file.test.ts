// index.json (lib/output/index-file.ts) is JSON.stringify(index, null, 2) of the whole, though each
// cluster's entry is made on its own (on the thread that rendered it, or taken from the cache).
import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { indexFile, oneByte } from '../../lib/output/index-file.ts';
import { fleetDocument, render } from '../support/fleet.ts';
import type { ResolvedFleet } from '../../lib/resolve/resolve.ts';

/** An entry as clusterIndexEntry makes it: its JSON, indented to its place in environments[].clusters[]. */
const entry = (environment: string, value: object) => ({ environment, entry: { text: JSON.stringify(value, null, 2).replaceAll('\n', `\n${' '.repeat(8)}`), clean: true } });

describe('indexFile', () => {
  it("is the whole index as JSON.stringify(…, null, 2) writes it, every cluster's entry in its environment in fleet order", () => {
    const fleet = {
      name: 'f',
      trust: { domain: 'cluster.local', anchor: { certificates: [{ subject: 'CN="clusters": []', fingerprint256: 'AB', validTo: '2030' }] } },
      environments: [{ name: 'dev' }, { name: 'empty' }, { name: 'prod' }],
    } as unknown as ResolvedFleet;
    const gitops = {
      fleetFiles: ['gitops/"clusters": [].yaml'],
      environments: new Map([['dev', { engine: 'argocd', entry: 'dev/root.yaml', files: ['dev/a.yaml'] }]]),
    };
    const clusters = [
      ['dev', { name: 'a', links: [{ name: 'b', credentials: [{ secret: 'x' }] }], empty: [], nothing: {} }],
      ['prod', { name: 'c', mesh: { objects: 3 } }],
      ['dev', { name: 'b', ha: false }],
    ] as const;
    const { text, outline } = indexFile(fleet, clusters.map(([env, value]) => entry(env, value)), gitops);
    const index = JSON.parse(text) as { environments: { name: string; clusters: unknown[] }[] };
    expect(JSON.stringify(index, null, 2) + '\n').toBe(text);
    expect(index.environments.map((e) => [e.name, e.clusters])).toStrictEqual([
      ['dev', [clusters[0][1], clusters[2][1]]],
      ['empty', []],
      ['prod', [clusters[1][1]]],
    ]);
    // The outline the secret scan reads when every entry stood clean: the same file, each entry `{}`.
    const outlined = { ...index, environments: index.environments.map((e) => ({ ...e, clusters: e.clusters.map(() => ({})) })) };
    expect(outline).toBe(JSON.stringify(outlined, null, 2) + '\n');
    // As bytes, an entry held as bytes (taken from the cache) is never made text nor copied: the same file as UTF-8.
    const held = clusters.map(([env, value]) => {
      const { text: entryText, clean } = entry(env, value).entry;
      return { environment: env, entry: { clean, bytes: Buffer.from(entryText), get text(): string { throw new Error('made text'); } } };
    });
    const asBytes = indexFile(fleet, held, gitops);
    const pieces = asBytes.pieces();
    expect(Buffer.concat(pieces).toString('utf8')).toBe(text);
    for (const { entry: held1 } of held) expect(pieces).toContain(held1.bytes);
    expect(asBytes.outline).toBe(outline);
    expect(() => asBytes.text).toThrow('made text');
  });
});

describe('oneByte', () => {
  // V8's serializer tags a one-byte string '"' (after its two header bytes); a two-byte one 'c', after a padding byte when needed.
  const isOneByte = (text: string) => serialize(text)[2] === 0x22;

  it('makes ASCII text held two bytes a character a one-byte string with the same characters', () => {
    // A slice of a two-byte string is two-byte, whatever its characters.
    const twoByte = `→${'{\n  "name": "c1"\n}'.repeat(50)}`.slice(1);
    expect(isOneByte(twoByte)).toBe(false);
    const text = oneByte(twoByte);
    expect(isOneByte(text)).toBe(true);
    expect(text).toBe(twoByte);
  });

  it("keeps index.json one-byte when the fleet's names are held two bytes a character (as V8 holds some parsed names)", () => {
    const network = `→${'network-one-two'}`.slice(1);
    expect(isOneByte(network)).toBe(false);
    const { files, clusters } = render(fleetDocument((doc) => doc.spec.clusters.forEach((c: { network: string }) => (c.network = network))));
    // The name reached the entries as it was given, and is in index.json.
    expect(clusters.every((c) => !isOneByte(c.cluster.network))).toBe(true);
    const index = files.get('index.json')!;
    expect(index).toContain('"network": "network-one-two"');
    expect(isOneByte(index)).toBe(true);
  });

  it('leaves text with other characters as it is', () => {
    const text = 'subject: CN=Zürich → ☃';
    expect(oneByte(text)).toBe(text);
  });
});
