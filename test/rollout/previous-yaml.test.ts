// The previous output read back (lib/rollout/previous-yaml.ts): what meshfleet wrote is read by the
// fast block-YAML reader, and every text gives what the full parser gives.
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_ENTRIES, MAX_NESTING } from '../../lib/model/load-yaml.ts';
import { parseSimpleYaml } from '../../lib/model/simple-yaml.ts';
import { readDocument, readDocuments } from '../../lib/rollout/previous-yaml.ts';
import { exampleDocument, REPO } from '../support/fleet.ts';
import { renderDocument } from './support.ts';

// Quiet: a Helm template's `{{ … }}` keys would print a process warning each.
const full = (text: string) => parseAllDocuments(text, { logLevel: 'error' }).map((d) => d.toJSON() as unknown);

describe('the previous output read back', () => {
  let yamlFiles: [path: string, text: string][];
  beforeAll(() => {
    const { rendered } = renderDocument(exampleDocument(), join(REPO, 'apps'));
    yamlFiles = [...rendered.files].filter(([path]) => path.endsWith('.yaml'));
  });

  it('reads every YAML file of the example fleet\'s output as the full parser does', () => {
    expect(yamlFiles.length).toBeGreaterThan(50);
    for (const [path, text] of yamlFiles) expect([path, readDocuments(text)]).toStrictEqual([path, full(text)]);
  });

  it('reads every document of the files an upgrade reads (manifests/, routes/, values/) without the full parser: the reason it is fast', () => {
    const read = yamlFiles.filter(([path]) => /^[^/]+\/[^/]+\/(manifests|routes|values)\/[^/]+\.yaml$/.test(path));
    expect(read.length).toBeGreaterThan(30);
    const outside = read.flatMap(([path, text]) => text.split(/^---\n/m).flatMap((part, i) => (parseSimpleYaml(part, { entries: MAX_ENTRIES, nesting: MAX_NESTING }) ? [] : [`${path}#${i}`])));
    expect(outside).toStrictEqual([]);
  });

  it.each([
    ['nothing', ''],
    ['a leading marker', '---\na: 1\n'],
    ['a trailing marker', 'a: 1\n---\n'],
    ['two documents', 'a: 1\n---\nb:\n  - x\n'],
    ['an empty document between two', 'a: 1\n---\n---\nb: 2\n'],
    ['a document of comments only', 'a: 1\n---\n# nothing here\n'],
    ['a marker with a comment', 'a: 1\n--- # next\nb: 2\n'],
    ['an end marker', 'a: 1\n...\n---\nb: 2\n'],
    ['flow style (a hand edit)', 'a: {b: [1, 2]}\n'],
    ['an anchor and alias (a hand edit)', 'a: &x\n  b: 1\nc: *x\n'],
    ['a list at the top', '- a\n- b\n'],
    ['a literal block holding dashes', 'a: |\n  ---\n  b\n'],
  ])('gives what the full parser gives for %s', (_name, text) => {
    expect(readDocuments(text)).toStrictEqual(full(text));
  });

  it.each([
    ['nothing', ''],
    ['a map', 'a:\n  b: "1"\n'],
    ['flow style', '{a: 1}\n'],
    ['a list', '- 1\n'],
  ])('reads a one-document file (%s) as the full parser does', (_name, text) => {
    expect(readDocument(text)).toStrictEqual(parse(text));
  });
});
