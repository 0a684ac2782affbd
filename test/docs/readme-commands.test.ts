// Every shell command the README shows works as written in a fresh clone and changes no committed
// file. The README's ```sh blocks are read and each command is run in a copy of the repository's tracked
// files (node_modules linked in); after each one `git status` of the copy must be clean. Commands that
// load the library through tsx (TypeScript fleets, npm run synth, cdk8s synth) and the first npx command
// are spawned as written; meshfleet commands on YAML fleets and lint run in this process, as the CLI
// would, in the copy (the same arguments, a fraction of the start-up time). A command that cannot run
// here must be listed below with the reason, so a new or broken command fails the test. The how-to pages
// in docs/how-to/ run in a user's own repository, so every command of theirs must be listed too: run
// here when it means the same in this clone, else with the reason it is not; the fleets they show are
// synthesized below, with a trust anchor made by their own openssl commands.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../lib/cli/main.ts';
import { REPO } from '../support/fleet.ts';
import { readTree } from '../support/tree.ts';

/** Commands of a page that are not run, with the reason. Anything else must be runnable. */
const NOT_RUN: Readonly<Record<string, string>> = {
  'npm ci': 'installs from the npm registry; the copy links the installed node_modules instead',
  'npm test': 'this test is part of npm test',
  // "Your own fleet repository": a user's new repository, with meshfleet from the registry.
  'npm init -y': "starts a user's repository; the pack-and-install test does the same in an empty project",
  'npm install --save-dev meshfleet': 'needs meshfleet on the npm registry; the pack-and-install test installs the packed package',
  'npx meshfleet init': "scaffolds a user's repository; the pack-and-install test runs it in an empty project",
  'npx meshfleet synth': "synthesizes the fleet init wrote; the pack-and-install test runs it after init",
  'npx meshfleet init my-fleet --typescript': "scaffolds a user's TypeScript fleet; the pack-and-install test runs it",
  'cd my-fleet': "enters the user's new TypeScript fleet",
  'npm install': "installs a user's TypeScript fleet's dependencies from the registry; the pack-and-install test does",
};

/** How-to commands that mean the same in this clone as in a user's repository: run like README ones. */
const HOWTO_RUN_IN_CLONE = new Set(['npx meshfleet synth --check', 'npx meshfleet diff --summary', 'npm run synth']);

/**
 * How-to commands that need a user's repository (an installed package, a new fleet) or the network. The
 * fleets the how-to pages show are checked below instead: synthesized, checked, and compared.
 */
const HOWTO_NOT_RUN: Readonly<Record<string, string>> = {
  'npm install --save-dev meshfleet': 'needs the npm registry (the pack-and-install test installs the packed package)',
  'npm install': "installs a user's TypeScript fleet's dependencies from the registry",
  'npm init -y': "starts a user's repository",
  'mkdir mesh': "creates a user's repository",
  'cd mesh': "enters a user's repository",
  'mkdir -p trust': "creates a folder of a user's repository",
  'npx meshfleet init': "scaffolds a user's repository; the pack-and-install test runs it in an empty project",
  'npx meshfleet init --typescript': "scaffolds a user's repository; the pack-and-install test runs it in an empty project",
  'npx meshfleet --version': 'needs the installed package; the pack-and-install test runs it',
  'npx meshfleet validate': "checks a user's fleet.yaml; the how-to fleets are checked below",
  'npx meshfleet synth': "writes a user's charts-out/; the how-to fleets are synthesized below",
  'npx meshfleet validate main.ts': "checks a user's TypeScript fleet; the how-to's main.ts is synthesized below",
  'npx meshfleet synth main.ts': "writes a user's charts-out/; the how-to's main.ts is synthesized below",
  'npx cdk8s synth': "runs a user's TypeScript fleet through cdk8s; the README runs this clone's",
  'npx tsc --noEmit': "type-checks a user's TypeScript fleet; the pack-and-install test does",
  'step certificate create root.linkerd.cluster.local trust/anchor.crt anchor.key --profile root-ca --no-password --insecure --not-after 87600h':
    'the step CLI is not a dependency; the openssl commands next to it are run below',
  'shred -u anchor.key': 'removes the key the commands above wrote',
  'git add fleet.yaml trust/anchor.crt charts-out': "commits in a user's repository",
  'git add main.ts trust/anchor.crt charts-out': "commits in a user's repository",
  'git add fleet.yaml charts-out': "commits in a user's repository",
  'git commit -m "Linkerd fleet"': "commits in a user's repository",
  'git commit -m "Add cluster us-1"': "commits in a user's repository",
};

/** The trust anchor commands of the YAML how-to, run for real to prove meshfleet accepts the anchor. */
const OPENSSL = /^openssl /;

/** A command the test can run: the meshfleet command in any spelling, npm run synth, cdk8s synth. */
const RUNNABLE = /^(npx meshfleet|meshfleet|node bin\/meshfleet\.js|npm run synth|npx cdk8s synth)(\s|$)/;

/** Commands of a markdown file's ```sh blocks: comments removed, continuations joined, && split. */
function shellCommands(markdown: string): string[] {
  const commands: string[] = [];
  const blocks = markdown.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm);
  for (const [, body] of blocks) {
    const lines = body.replace(/\\\n\s*/g, ' ').split('\n');
    for (const line of lines) {
      const code = line.replace(/(^|\s)#.*$/, '').trim();
      if (!code) continue;
      commands.push(...code.split('&&').map((c) => c.trim()).filter(Boolean));
    }
  }
  return commands;
}

const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
const howtoDir = join(REPO, 'docs', 'how-to');
const howtoText = (file: string) => readFileSync(join(howtoDir, file), 'utf8');
const howtos = readdirSync(howtoDir)
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => ({ file: `docs/how-to/${f}`, commands: shellCommands(howtoText(f)) }));

const readmeCommands = shellCommands(readme);
const readmeRuns = readmeCommands.filter((c) => !(c in NOT_RUN));
const howtoRuns = [...new Set(howtos.flatMap((h) => h.commands).filter((c) => HOWTO_RUN_IN_CLONE.has(c) && !readmeRuns.includes(c)))];
const howtoOpenssl = howtos.flatMap((h) => h.commands).filter((c) => OPENSSL.test(c));

/** The first fenced block of a language in a markdown text that contains marker. */
function block(markdown: string, language: string, marker: string): string {
  const found = [...markdown.matchAll(new RegExp('^```' + language + '\\n([\\s\\S]*?)^```', 'gm'))].find(([, body]) => body.includes(marker));
  if (!found) throw new Error(`no ${language} block with ${marker}`);
  return found[1];
}

/**
 * The arguments of a meshfleet command the test may run in this process (as the CLI would, in the
 * clone): YAML fleets and lint. TypeScript fleets (named, or apps/main.ts found with no file) are
 * spawned, since a fleet must be an instance of this library's Fleet, not of the clone's copy.
 */
function inProcessArgs(command: string): string[] | undefined {
  const match = /^(?:npx meshfleet|meshfleet|node bin\/meshfleet\.js)\s+(.*)$/.exec(command);
  if (!match) return undefined;
  const args = [...match[1].matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  const yamlFleet = args.some((a) => /\.ya?ml$/.test(a));
  return args[0] === 'lint' || yamlFleet ? args : undefined;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function quiet() {
  const io = { text: '', out: (t: string) => void (io.text += t), err: (t: string) => void (io.text += t) };
  return io;
}

const temporary: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe('shell commands of the README and the how-to pages', () => {
  let clone = '';

  beforeAll(() => {
    // A fresh clone as far as the commands can tell: the tracked files, committed, node_modules linked.
    clone = tempDir('meshfleet-readme-');
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: REPO, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of tracked) {
      mkdirSync(dirname(join(clone, file)), { recursive: true });
      cpSync(join(REPO, file), join(clone, file));
    }
    symlinkSync(join(REPO, 'node_modules'), join(clone, 'node_modules'), 'dir');
    git(clone, 'init', '-q');
    git(clone, 'add', '-A');
    git(clone, 'commit', '-q', '-m', 'clone');
  }, 120_000);

  it('finds the commands it runs (the extraction works)', () => {
    expect(readmeCommands).toContain('npm run synth');
    expect(readmeCommands).toContain('npm ci');
    expect(readmeRuns.length).toBeGreaterThanOrEqual(5);
    expect(howtos.map((h) => h.file)).toContain('docs/how-to/ci-synth-check.md');
    expect(howtoRuns).toContain('npx meshfleet synth --check');
    expect(howtoOpenssl).toHaveLength(2);
  });

  it('runs every README command or lists why not', () => {
    const unknown = readmeRuns.filter((c) => !RUNNABLE.test(c));
    expect(unknown, 'README commands neither runnable here nor listed in NOT_RUN with a reason').toStrictEqual([]);
  });

  it('runs or lists every how-to command', () => {
    const listed = (c: string) => HOWTO_RUN_IN_CLONE.has(c) || c in HOWTO_NOT_RUN || c in NOT_RUN || OPENSSL.test(c);
    const unlisted = howtos.flatMap((h) => h.commands.filter((c) => !listed(c)).map((c) => `${h.file}: ${c}`));
    expect(unlisted, 'how-to commands neither run here nor listed with a reason').toStrictEqual([]);
  });

  it('lists no command that no page has any more', () => {
    const all = new Set([...readmeCommands, ...howtos.flatMap((h) => h.commands)]);
    const stale = [...Object.keys(NOT_RUN), ...Object.keys(HOWTO_NOT_RUN), ...HOWTO_RUN_IN_CLONE].filter((c) => !all.has(c));
    expect(stale).toStrictEqual([]);
  });

  it('runs each command in the clone: exit 0, no committed file changed, no untracked file left', { timeout: 300_000 }, async () => {
    let spawnedNpx = false;
    // Commands of no known kind fail the test above; they are not run (they may reach a cluster).
    for (const command of [...readmeRuns, ...howtoRuns].filter((c) => RUNNABLE.test(c))) {
      const args = inProcessArgs(command);
      // The first npx command runs as written, proving npx finds the package's own bin in a clone.
      if (args && (spawnedNpx || !command.startsWith('npx '))) {
        const io = quiet();
        const cwd = process.cwd();
        let status: number;
        try {
          process.chdir(clone);
          status = await runCli(args, io);
        } finally {
          process.chdir(cwd);
        }
        expect(status, `${command}\n${io.text.slice(-2000)}`).toBe(0);
      } else {
        spawnedNpx ||= command.startsWith('npx meshfleet');
        const run = spawnSync('sh', ['-c', command.replace(/^meshfleet\s/, 'npx meshfleet ')], {
          cwd: clone,
          encoding: 'utf8',
          // cdk8s asks the registry for a newer CLI on every run; a fresh clone may be offline.
          env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', NO_COLOR: '1' },
          timeout: 120_000,
        });
        expect(run.status, `${command}\n${`${run.stdout ?? ''}${run.stderr ?? ''}`.slice(-2000)}`).toBe(0);
      }
      expect(git(clone, 'status', '--porcelain'), `${command} changed the clone`).toBe('');
    }
    expect(spawnedNpx).toBe(true);
  });
});

describe('the fleets of the how-to pages', () => {
  it('the YAML fleet, with a trust anchor made by the page\'s openssl commands, synthesizes and is then up to date', async () => {
    const repo = tempDir('meshfleet-howto-yaml-');
    mkdirSync(join(repo, 'trust'));
    for (const command of howtoOpenssl) execFileSync('sh', ['-c', command], { cwd: repo, stdio: 'pipe' });
    writeFileSync(join(repo, 'fleet.yaml'), block(howtoText('first-fleet-yaml.md'), 'yaml', 'apiVersion: meshfleet.dev/v1alpha1'));
    const fleet = join(repo, 'fleet.yaml');
    const out = join(repo, 'charts-out');
    const synth = quiet();
    expect(await runCli(['synth', fleet, '--out', out], synth), synth.text).toBe(0);
    expect(readFileSync(join(out, 'prod', 'eu-1', 'values', 'linkerd-control-plane.yaml'), 'utf8')).toContain('BEGIN CERTIFICATE');
    expect(await runCli(['synth', '--check', fleet, '--out', out], quiet())).toBe(0);
  });

  it('the TypeScript fleet synthesizes to exactly the files of the YAML fleet', async () => {
    const repo = tempDir('meshfleet-howto-ts-');
    cpSync(join(REPO, 'apps', 'trust'), join(repo, 'trust'), { recursive: true });
    writeFileSync(join(repo, 'fleet.yaml'), block(howtoText('first-fleet-yaml.md'), 'yaml', 'apiVersion: meshfleet.dev/v1alpha1'));
    // The page imports the installed package; here it is this repository's library.
    const main = block(howtoText('first-fleet-typescript.md'), 'ts', 'new Fleet(').replace("from 'meshfleet'", `from ${JSON.stringify(join(REPO, 'lib', 'index.ts'))}`);
    expect(main).not.toContain("'meshfleet'");
    writeFileSync(join(repo, 'main.ts'), main);
    const cwd = process.cwd();
    try {
      // Both fleets name trust/anchor.crt relative to themselves; the TypeScript one reads it from the working folder.
      process.chdir(repo);
      for (const [input, out] of [['fleet.yaml', 'yaml-out'], ['main.ts', 'ts-out']]) {
        const io = quiet();
        expect(await runCli(['synth', join(repo, input), '--out', join(repo, out)], io), io.text).toBe(0);
      }
    } finally {
      process.chdir(cwd);
    }
    expect(readTree(join(repo, 'ts-out'))).toStrictEqual(readTree(join(repo, 'yaml-out')));
  });
});
