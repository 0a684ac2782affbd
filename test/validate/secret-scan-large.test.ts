// The scanner's shortcuts (the run finder's one pass, key words located before the kubeconfig
// pattern is tried, the memory of harmless base64 runs, the `kind: Secret` search before splitting
// documents) must not hide anything: every kind of finding, plain and base64-encoded, is found at
// the same line with the same fingerprint when it sits at the start, middle or end of a large file
// of real output, and nothing else is reported.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findSecretMaterial, lineAt } from '../../lib/model/secret-material.ts';
import { scanFiles } from '../../lib/validate/index.ts';
import { REPO } from '../support/fleet.ts';
import { SECRET_SAMPLES } from './secret-samples.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Every file of the example output, one after the other: a few hundred kB of real YAML and JSON. */
function exampleOutput(): string {
  const parts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else parts.push(readFileSync(path, 'utf8').replace(/\n?$/, '\n'));
    }
  };
  walk(join(REPO, 'charts-out'));
  return parts.join('---\n');
}

const large = exampleOutput();
const lines = large.split('\n');
const at = { start: 0, middle: Math.floor(lines.length / 2), end: lines.length - 1 };

/** `text` inserted before line `line` (0-based) of the large file. */
const insert = (text: string, line: number) => [...lines.slice(0, line), text.replace(/\n?$/, ''), ...lines.slice(line)].join('\n');

// A PuTTY finding's fingerprint covers the 4 kB after its header, so it depends on what follows.
const shown = (kind: string, line: number, fingerprint: string) => `${kind} @${line}${kind.includes('PuTTY') ? '' : ` ${fingerprint}`}`;

/** What the scan reports, as kind, line and fingerprint. */
const reported = (text: string) => scanFiles({ 'out/large.yaml': text }).map((i) => shown(i.kind, i.line, i.fingerprint));

/** The findings of the sample alone, moved down by `line` lines. */
const expected = (sample: string, line: number) => findSecretMaterial(sample).map((f) => shown(f.kind, lineAt(sample, f.index) + line, f.fingerprint));

describe('the secret scan on large files', () => {
  it('finds nothing in the large file itself', () => {
    expect(large.length).toBeGreaterThan(200_000);
    expect(reported(large)).toStrictEqual([]);
  });

  for (const [where, line] of Object.entries(at)) {
    it(`finds every kind of sample at the ${where} of a large file, at its line, and nothing else`, () => {
      for (const sample of SECRET_SAMPLES) {
        const alone = expected(sample.text, line);
        expect(alone.some((f) => f.startsWith(`${sample.kind} @`)), sample.label).toBe(true);
        expect(reported(insert(sample.text, line)), sample.label).toStrictEqual(alone);
      }
    });

    it(`finds every sample base64-encoded at the ${where} of a large file`, () => {
      for (const sample of SECRET_SAMPLES.filter((s) => !s.kind.startsWith('headerless'))) {
        const text = `value: ${b64(sample.text)}\n`;
        const found = reported(insert(text, line));
        expect(found, sample.label).toStrictEqual(expected(text, line));
        expect(found.some((f) => f.startsWith(`base64-encoded ${sample.kind} @${line + 1}`)), sample.label).toBe(true);
      }
    });
  }

  it('finds a v1 Secret with data among many documents that only mention secrets', () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  note: aHVudGVyMg==\n';
    const text = insert(`---\n${secret}---`, at.middle);
    expect(reported(text)).toStrictEqual([`Secret data @${at.middle + 6} ${findOne(text)}`]);
  });

  it('finds a short base64 value followed by the next key of its map (not taken for a wrapped line)', () => {
    for (const sample of SECRET_SAMPLES.filter((s) => !s.kind.startsWith('headerless'))) {
      const kinds = findSecretMaterial(`data:\n  value: ${b64(sample.text)}\n  other: x\n`).map((f) => f.kind);
      expect(kinds, sample.label).toContain(`base64-encoded ${sample.kind}`);
    }
  });

  it('finds the same the second time (harmless runs are remembered, secret ones are not)', () => {
    const camel = 'targetClusterLinkerdNamespaceAndMoreWords';
    for (const sample of SECRET_SAMPLES) {
      const text = `${camel}: x\nvalue: ${b64(sample.text)}\n${sample.text}\n${camel}: y\n`;
      const first = reported(text);
      expect(first.length, sample.label).toBeGreaterThan(0);
      expect(reported(text), sample.label).toStrictEqual(first);
    }
  });

  it('finds kubeconfig credentials however the key is quoted, escaped or preceded (as a search over the whole text does)', () => {
    // The kubeconfig pattern applied by a plain global search, the way the scanner once ran it.
    const everywhere = /(?:^|[\s{,])(?:\\*["'])?(token|password|client-key-data|client-key|id-token|refresh-token|access-token)(?:\\*["'])?\s*:[ \t]*(\\*"(?:(?!\\*")[^\n])*\\*"|'[^'\n]*'|[^\n]*)/gm;
    const piece = fc.constantFrom(
      'token', 'password', 'client-key', 'client-key-data', 'id-token', 'refresh-token', 'access-token', 'xtoken', 'token-x', 'tokens',
      ':', ': ', ' : ', '"', "'", '\\"', '\\\\"', '\\', ' ', '\n', '\t', '{', '}', ',', '[', ']', '#', 'abc123', 'S3cr3tValue', '{{ .token }}', '""', 'null',
    );
    const frame = (body: string) => `kind: Config\nclusters: []\nusers:\n${body}\n`;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
        const text = frame(pieces.join(''));
        const found = findSecretMaterial(text).filter((f) => f.kind.startsWith('kubeconfig user '));
        const matches = [...text.matchAll(everywhere)].map((m) => m.index! + m[0].indexOf(m[1]!));
        // Every finding is at a place the global search matches (some matches are placeholders or empty).
        for (const f of found) expect(matches).toContain(f.index);
        // And every match with a plain word value is reported.
        for (const m of text.matchAll(everywhere)) {
          if (/^(?:abc123|S3cr3tValue)\b/.test(m[2]!)) expect(found.map((f) => f.index)).toContain(m.index! + m[0].indexOf(m[1]!));
        }
      }),
      { numRuns: 3000 },
    );
  });
});

function findOne(text: string): string {
  return scanFiles({ 'out/large.yaml': text })[0]!.fingerprint;
}
