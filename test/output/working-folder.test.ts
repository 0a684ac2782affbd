// The output folder refuses the working folder it is given (lib/cli passes the command's), not the
// process's: lib/output reads no process state.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openOutputFolder } from '../../lib/output/output-folder.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'meshfleet-wf-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the working folder of openOutputFolder', () => {
  it('refuses an output folder that is or contains the given working folder, wherever the process runs', () => {
    const work = join(root, 'work');
    mkdirSync(join(work, 'sub'), { recursive: true });
    expect(() => openOutputFolder(work, { write: false, workingFolder: work })).toThrow(expect.objectContaining({ problem: expect.stringContaining('is the working folder') }));
    expect(() => openOutputFolder(work, { write: false, workingFolder: join(work, 'sub') })).toThrow(expect.objectContaining({ problem: expect.stringContaining('contains the working folder') }));
  });

  it('accepts a folder beside it', () => {
    const folder = openOutputFolder(join(root, 'out'), { write: false, workingFolder: join(root, 'work') });
    folder.close();
  });
});
