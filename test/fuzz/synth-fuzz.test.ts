// Hostile input: thousands of broken fleet files through `meshfleet synth`, in process. Whatever the
// input, synth must not throw or print a stack trace, must exit 1 with a message that names a JSON
// path (or a YAML position), and must leave the output folder exactly as it was: per input, no file of
// it written, added or removed (size, inode and nanosecond mtime of every file, see treeStamp); after
// each property, every file's content compared with the content before.
import { cpSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../lib/cli/main.ts';
import { REPO } from '../support/fleet.ts';
import { readTree, treeStamp } from '../support/tree.ts';
import { documentMutation, EXAMPLE_FLEET_TEXT, textMutation, type Mutation } from './fleet-mutations.ts';

// 2,100 inputs in all; a fixed seed so a failure reproduces, and a new seed is one edit away.
const SEED = 20_260_707;
const DOCUMENT_RUNS = 1_500;
const TEXT_RUNS = 600;

// A broken document is reported at a JSON pointer (`error /spec/clusters/3/name (…)`; `/` when the
// whole document is wrong). Broken YAML must name its line and column, or a field below the root:
// the root alone is always located at the file's first line, which says nothing.
const NAMES_A_PATH = /^error MF\d{4} \/\S*/m;
const NAMES_A_POSITION = /line \d+, column \d+|\.yaml:\d+:\d+\)|^error MF\d{4} \/[^\s(]+/m;
const CRASH_SIGNS = /\n\s+at .+:\d+:\d+|TypeError|RangeError|ReferenceError|Maximum call stack|Cannot read propert|is not a function|is not iterable|\[object Object\]/;

let workspace: string;
let fleetFile: string;
let outdir: string;
let before: Record<string, string>;
let beforeStamp: string;

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'meshfleet-fuzz-'));
  cpSync(join(REPO, 'apps', 'trust'), join(workspace, 'trust'), { recursive: true });
  fleetFile = join(workspace, 'fleet.yaml');
  outdir = join(workspace, 'charts-out');
  writeFileSync(fleetFile, EXAMPLE_FLEET_TEXT);
  // Quiet: the example's warnings are shown only when the synth fails.
  let stderr = '';
  const io = { out: () => {}, err: (text: string) => void (stderr += text) };
  expect(await runCli(['synth', fleetFile, '--out', outdir], io), stderr).toBe(0);
  before = readTree(outdir);
  beforeStamp = treeStamp(outdir);
});

async function synthRefuses(mutation: Mutation, namesThePlace: RegExp): Promise<void> {
  writeFileSync(fleetFile, mutation.text);
  let stdout = '';
  let stderr = '';
  const code = await runCli(['synth', fleetFile, '--out', outdir], { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  const output = stdout + stderr;
  const verdict = {
    code,
    namesAPlace: namesThePlace.test(stderr),
    crashSigns: output.match(CRASH_SIGNS)?.[0] ?? null,
    outputUntouched: treeStamp(outdir) === beforeStamp,
    strayFolders: readdirSync(workspace).filter((entry) => entry.startsWith('.charts-out.')),
  };
  const expected = { code: 1, namesAPlace: true, crashSigns: null, outputUntouched: true, strayFolders: [] };
  if (JSON.stringify(verdict) !== JSON.stringify(expected)) {
    throw new Error(`${mutation.description}\n${JSON.stringify(verdict)}\n--- output ---\n${output.slice(0, 2000)}`);
  }
}

describe('synth on mutated fleet files', () => {
  it(`refuses ${DOCUMENT_RUNS} schema-breaking documents with a path and leaves the output alone`, async () => {
    await fc.assert(fc.asyncProperty(documentMutation, (mutation) => synthRefuses(mutation, NAMES_A_PATH)), { seed: SEED, numRuns: DOCUMENT_RUNS, endOnFailure: true });
    expect(readTree(outdir)).toStrictEqual(before);
  }, 120_000);

  it(`refuses ${TEXT_RUNS} broken YAML texts with a position and leaves the output alone`, async () => {
    await fc.assert(fc.asyncProperty(textMutation, (mutation) => synthRefuses(mutation, NAMES_A_POSITION)), { seed: SEED, numRuns: TEXT_RUNS, endOnFailure: true });
    expect(readTree(outdir)).toStrictEqual(before);
  }, 120_000);

  it('would see a file of the output rewritten with the same content (the per-input check can fail)', () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'meshfleet-fuzz-stamp-')), 'charts-out');
    cpSync(outdir, copy, { recursive: true });
    const index = join(copy, 'index.json');
    // Timestamps tick in clock ticks: the copy is backdated, as the real output was written long before.
    const earlier = new Date(Date.now() - 60_000);
    utimesSync(index, earlier, earlier);
    const stamp = treeStamp(copy);
    writeFileSync(index, readFileSync(index));
    expect(treeStamp(copy)).not.toBe(stamp);
  });
});
