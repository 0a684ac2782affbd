// Command-line basics: per-command help with examples, --version, completion scripts, colour only
// where wanted, progress only on a terminal, and spec.acknowledge through the TypeScript front door.
import { spawnSync } from 'node:child_process';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../lib/cli/main.ts';
import { COMMAND_OPTIONS } from '../../lib/cli/help.ts';
import { colourPaint, colourWanted, diagnosticJson, progressLine } from '../../lib/cli/report.ts';
import { Fleet, TrustAnchor } from '../../lib/index.ts';
import { error, formatDiagnostic } from '../../lib/model/diagnostics.ts';
import { packageVersion } from '../../lib/package-files.ts';
import { ANCHOR_PEM } from '../support/fleet.ts';
import { run } from '../support/cli.ts';

describe('help and version', () => {
  it.each(['synth', 'validate', 'diff', 'lint', 'init', 'plan', 'graph', 'schema', 'completion'])('%s --help prints its own page, with examples', async (command) => {
    const r = await run(command, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage: meshfleet ${command}\\b`));
    expect(r.stdout).toMatch(/\nExamples?:\n  meshfleet /);
    expect((await run('help', command)).stdout).toBe(r.stdout);
  });

  it('--version prints the package version', async () => {
    expect(await run('--version')).toMatchObject({ code: 0, stdout: `${packageVersion()}\n` });
  });
});

describe('completion', () => {
  it('bash, zsh and fish scripts name every command and their options; bash parses it', async () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const r = await run('completion', shell);
      expect(r.code).toBe(0);
      for (const word of ['synth', 'validate', 'diff', 'plan', 'graph', 'completion', 'strict', 'json']) expect(r.stdout, `${shell} ${word}`).toContain(word);
    }
    const script = (await run('completion', 'bash')).stdout;
    expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0);
    // The script completes options of the command being typed.
    const probe = `${script}\nCOMP_WORDS=(meshfleet validate --st); COMP_CWORD=2; _meshfleet; echo "\${COMPREPLY[@]}"`;
    expect(spawnSync('bash', ['-c', probe], { encoding: 'utf8' }).stdout.trim()).toBe('--strict');
    expect((await run('completion', 'tcsh')).code).toBe(2);
  });

  it('knows every command the CLI runs', () => {
    expect(COMMAND_NAMES).toContain('package');
    expect(COMMAND_NAMES.filter((c) => !Object.hasOwn(COMMAND_OPTIONS, c))).toStrictEqual([]);
  });
});

describe('colour', () => {
  it('on a terminal only; NO_COLOR turns it off, FORCE_COLOR on', () => {
    expect(colourWanted({ isTTY: true }, {})).toBe(true);
    expect(colourWanted({ isTTY: false }, {})).toBe(false);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourWanted({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(true);
    expect(colourWanted({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });

  it('colours severity, code, place and fix, and leaves the text the same', () => {
    const d = error('MF4001', '/spec/links/0/to', 'no cluster named "eu-3"', 'did you mean "eu-1"?');
    const coloured = formatDiagnostic(d, () => 'fleet.yaml:3:7', colourPaint);
    expect(coloured).toContain('\x1b[31m');
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(formatDiagnostic(d, () => 'fleet.yaml:3:7'));
  });

  it('the bin prints no escape codes into a pipe', () => {
    const r = spawnSync(process.execPath, ['bin/meshfleet.js', 'validate', 'apps/fleet.yaml'], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined } });
    expect(r.stderr).toContain('warning MF');
    expect(r.stderr).not.toContain('\x1b[');
  });
});

describe('progress', () => {
  it('writes to a terminal only, and clears its line', () => {
    let written = '';
    const tty = { isTTY: true, write: (t: string) => (written += t) };
    const show = progressLine(tty, true);
    show('checking 500 clusters…');
    show();
    expect(written).toBe('\r\x1b[2Kchecking 500 clusters…\r\x1b[2K');
    written = '';
    progressLine({ isTTY: false, write: (t: string) => (written += t) }, true)('x');
    progressLine(tty, false)('x');
    expect(written).toBe('');
  });
});

describe('diagnostics as JSON', () => {
  it('splits file:line:column, keeps a construct path as the file, and prefers a location the front door set', () => {
    const d = error('MF4001', '/spec/links/0/to', 'm', 'f');
    expect(diagnosticJson(d, () => 'fleet.yaml:3:7')).toEqual({ code: 'MF4001', severity: 'error', pointer: '/spec/links/0/to', file: 'fleet.yaml', line: 3, column: 7, message: 'm', fix: 'f' });
    expect(diagnosticJson(d, () => 'construct acme/links')).toMatchObject({ file: 'construct acme/links' });
    expect(diagnosticJson({ ...d, location: { file: 'main.ts', line: 12, column: 3 } }, () => 'construct acme')).toMatchObject({ file: 'main.ts', line: 12, column: 3 });
  });
});

describe('spec.acknowledge in TypeScript', () => {
  it('the Fleet prop writes spec.acknowledge', () => {
    const fleet = new Fleet(new App(), 'acme', { trustAnchor: TrustAnchor.fromPem(ANCHOR_PEM), acknowledge: [{ code: 'MF7004', reason: 'prod follows a tag' }] });
    expect(fleet.toDocument().spec.acknowledge).toEqual([{ code: 'MF7004', reason: 'prod follows a tag' }]);
  });
});
