// `meshfleet init [dir] [--typescript]`: starts a fleet repository: a fleet that synthesizes at once
// (on a placeholder trust anchor), a README saying how to make and where to keep the real one, a
// .gitignore and a CI workflow running `synth --check`. With --typescript the fleet is a cdk8s app.
// Templates are in templates/init/; existing files are never overwritten.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NEWEST_STABLE_LINKERD } from '../compat/linkerd-releases.ts';
import { packageFile } from '../package-files.ts';
import type { CliIo } from './io.ts';
import { placeholderAnchorPem } from './placeholder-anchor.ts';
import { parseCommandLine, UsageError } from './usage-error.ts';

export const INIT_HELP = `usage: meshfleet init [dir] [--typescript] [--json]

Starts a fleet repository in dir (default: the working folder): fleet.yaml, or with --typescript a
cdk8s app (main.ts, package.json, tsconfig.json, cdk8s.yaml); a placeholder trust anchor in
trust/anchor.crt; README.md (how to create the real trust anchor and where its key goes);
.gitignore; and .github/workflows/meshfleet.yaml, which runs \`meshfleet synth --check\`.
Existing files are never overwritten: init then writes nothing and exits 2.
  --json   print one JSON object on stdout: the folder and the files written (or, when some exist,
           those files and nothing written)
Examples:
  meshfleet init                      # fleet.yaml in the working folder
  meshfleet init mesh --typescript    # a TypeScript fleet in ./mesh
`;

interface MeshfleetPackage {
  readonly version: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

export async function runInit(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine('init', INIT_HELP, () => {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { typescript: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) return undefined;
    if (positionals.length > 1) throw new UsageError(`one folder at most, got ${positionals.join(' ')}`);
    return { values, positionals };
  });
  if (!parsed) {
    io.out(INIT_HELP);
    return 0;
  }
  const { values, positionals } = parsed;
  const dir = resolve(positionals[0] ?? '.');
  const files = initFiles(dir, Boolean(values.typescript), new Date());
  const existing = Object.keys(files).filter((path) => existsSync(join(dir, path)));
  const at = relative(process.cwd(), dir);
  const report = (exitCode: number, written: readonly string[], error?: string) =>
    io.out(JSON.stringify({ command: 'init', ok: exitCode === 0, exitCode, dir: at || '.', typescript: Boolean(values.typescript), files: written, ...(error ? { existing, error } : {}) }, null, 2) + '\n');
  if (existing.length && values.json) {
    report(2, [], `${existing.join(', ')} already ${existing.length === 1 ? 'exists' : 'exist'}; nothing written`);
    return 2;
  }
  if (existing.length) {
    io.err(`meshfleet init: ${existing.join(', ')} already ${existing.length === 1 ? 'exists' : 'exist'} in ${dir}; nothing written. Run init in a new folder, or move ${existing.length === 1 ? 'it' : 'them'} away.\n`);
    return 2;
  }
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text, { flag: 'wx' }); // and never overwrite one made meanwhile
  }
  if (values.json) {
    report(0, Object.keys(files));
    return 0;
  }
  const cd = at ? `cd ${at} && ` : '';
  io.out(
    `meshfleet: wrote ${Object.keys(files).join(', ')}${at ? ` in ${at}` : ''}\n` +
      `next: ${cd}${values.typescript ? 'npm install && ' : ''}npx meshfleet synth; replace the placeholder trust anchor before deploying (README.md)\n`,
  );
  return 0;
}

/** The files of a new fleet repository, by path in it. */
export function initFiles(dir: string, typescript: boolean, now: Date): Record<string, string> {
  const meshfleet = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as MeshfleetPackage;
  const name = fleetNameOf(dir);
  const fill = (template: string, extra: Record<string, string> = {}) =>
    readFileSync(packageFile(`templates/init/${template}`), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
      const value = { name, linkerd: NEWEST_STABLE_LINKERD.version, kubernetes: NEWEST_STABLE_LINKERD.kubernetes.max, ...extra }[key];
      if (value === undefined) throw new Error(`templates/init/${template}: no value for {{${key}}}`);
      return value;
    });
  const common = {
    'trust/anchor.crt': placeholderAnchorPem({ commonName: 'root.linkerd.cluster.local', now, days: 365 }),
    'README.md': fill('README.md', {
      fleetFile: typescript ? 'main.ts' : 'fleet.yaml',
      install: typescript ? 'npm install                    # meshfleet, cdk8s and TypeScript (package.json)\n' : 'npm install --save-dev meshfleet   # once: pins the version CI runs (package.json)\n',
    }),
    '.gitignore': fill('gitignore'),
    '.github/workflows/meshfleet.yaml': fill('github-workflow.yaml'),
  };
  if (!typescript) return { 'fleet.yaml': fill('fleet.yaml', { schema: schemaReference(dir, fileURLToPath(packageFile('schemas/fleet.schema.json'))) }), ...common };
  return {
    'main.ts': fill('typescript/main.ts'),
    'package.json': JSON.stringify(typescriptPackage(name, meshfleet), null, 2) + '\n',
    'tsconfig.json': fill('typescript/tsconfig.json'),
    'cdk8s.yaml': fill('typescript/cdk8s.yaml'),
    ...common,
  };
}

/** package.json of a TypeScript fleet: the versions meshfleet itself is built and tested with. */
function typescriptPackage(name: string, meshfleet: MeshfleetPackage) {
  const { dependencies: deps, devDependencies: dev } = meshfleet;
  return {
    name,
    private: true,
    type: 'module',
    scripts: { synth: 'meshfleet synth', check: 'meshfleet synth --check', typecheck: 'tsc --noEmit' },
    dependencies: { cdk8s: deps.cdk8s, 'cdk8s-plus-28': deps['cdk8s-plus-28'], constructs: deps.constructs, meshfleet: `^${meshfleet.version}` },
    devDependencies: { '@types/node': dev['@types/node'], 'cdk8s-cli': dev['cdk8s-cli'], tsx: deps.tsx, typescript: dev.typescript },
  };
}

/**
 * Where the fleet file's editor finds the schema: the running meshfleet's own copy when it is
 * installed in a node_modules at or above dir, else where `npm install meshfleet` in dir puts it.
 */
export function schemaReference(dir: string, schema: string): string {
  const modules = schema.lastIndexOf(`${sep}node_modules${sep}`);
  const installedAt = modules >= 0 ? schema.slice(0, modules) : undefined;
  if (installedAt !== undefined && (dir === installedAt || dir.startsWith(installedAt + sep))) {
    const path = relative(dir, schema).split(sep).join('/');
    return path.startsWith('.') ? path : `./${path}`;
  }
  return './node_modules/meshfleet/schemas/fleet.schema.json';
}

/** The folder's name as a fleet name (a DNS label), or "fleet". */
function fleetNameOf(dir: string): string {
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return /^[a-z0-9]/.test(name) ? name : 'fleet';
}
