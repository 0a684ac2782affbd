// meshfleet init, --version and --help, in process. The installed package is tested in
// test/package/pack.test.ts.
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaReference } from '../../lib/cli/init.ts';
import { runCli } from '../../lib/cli/main.ts';
import { integer, placeholderAnchorPem } from '../../lib/cli/placeholder-anchor.ts';
import { NEWEST_STABLE_LINKERD } from '../../lib/compat/linkerd-releases.ts';
import { REPO } from '../support/fleet.ts';
import { capture } from '../support/cli.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => statSync(join(dir, p)).isFile())
    .map((p) => p.split(/[\\/]/).join('/'))
    .sort();
}

const repoPackage = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));

describe('meshfleet init', () => {
  it('writes a fleet file that synthesizes, with the schema line, README, .gitignore and CI check', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'meshfleet-init-')), 'Acme_Mesh');
    const io = capture();
    expect(await runCli(['init', dir], io)).toBe(0);
    expect(filesUnder(dir)).toStrictEqual(['.github/workflows/meshfleet.yaml', '.gitignore', 'README.md', 'fleet.yaml', 'trust/anchor.crt']);
    const fleet = readFileSync(join(dir, 'fleet.yaml'), 'utf8');
    expect(fleet.split('\n')[0]).toBe('# yaml-language-server: $schema=./node_modules/meshfleet/schemas/fleet.schema.json');
    expect(fleet).toContain('name: acme-mesh');
    expect(fleet).toContain(`linkerd: "${NEWEST_STABLE_LINKERD.version}"`);
    expect(readFileSync(join(dir, '.github/workflows/meshfleet.yaml'), 'utf8')).toContain('npx meshfleet synth --check');
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('step certificate create root.linkerd.cluster.local ca.crt ca.key');
    expect(readme).toContain('openssl req -x509');
    expect(readme).toMatch(/secret store, never into the repository/);
    expect(readme).not.toMatch(/\{\{/);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toContain('*.key');

    const synth = capture();
    expect(await runCli(['synth', join(dir, 'fleet.yaml'), '--out', join(dir, 'charts-out')], synth)).toBe(0);
    expect(synth.stderr).toBe('');
    expect(existsSync(join(dir, 'charts-out', 'dev', 'dev-1', 'mesh', 'Chart.yaml'))).toBe(true);
    expect(await runCli(['synth', '--check', join(dir, 'fleet.yaml'), '--out', join(dir, 'charts-out')], capture())).toBe(0);
  });

  it('writes no private key anywhere: the placeholder anchor is a public CA certificate only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshfleet-init-'));
    expect(await runCli(['init', dir, '--typescript'], capture())).toBe(0);
    for (const file of filesUnder(dir)) expect(readFileSync(join(dir, file), 'utf8'), file).not.toMatch(/PRIVATE KEY/);
    const anchor = new X509Certificate(readFileSync(join(dir, 'trust', 'anchor.crt')));
    expect(anchor.ca).toBe(true);
    expect(anchor.subject).toContain('placeholder');
    expect(anchor.checkIssued(anchor)).toBe(true);
    expect(anchor.verify(anchor.publicKey)).toBe(true);
  });

  it('--typescript writes a cdk8s app whose dependencies are the versions meshfleet is built with', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'meshfleet-init-')), 'fleet');
    expect(await runCli(['init', dir, '--typescript'], capture())).toBe(0);
    expect(filesUnder(dir)).toStrictEqual(['.github/workflows/meshfleet.yaml', '.gitignore', 'README.md', 'cdk8s.yaml', 'main.ts', 'package.json', 'trust/anchor.crt', 'tsconfig.json']);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(manifest.type).toBe('module');
    expect(manifest.dependencies).toStrictEqual({
      cdk8s: repoPackage.dependencies.cdk8s,
      'cdk8s-plus-28': repoPackage.dependencies['cdk8s-plus-28'],
      constructs: repoPackage.dependencies.constructs,
      meshfleet: `^${repoPackage.version}`,
    });
    expect(Object.keys(manifest.devDependencies).sort()).toStrictEqual(['@types/node', 'cdk8s-cli', 'tsx', 'typescript']);
    expect(readFileSync(join(dir, 'main.ts'), 'utf8')).toContain("from 'meshfleet'");
    expect(readFileSync(join(dir, 'cdk8s.yaml'), 'utf8')).toMatch(/^output: cdk8s\.out$/m);
  });

  it('refuses to overwrite existing files: exit 2, names them, writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshfleet-init-'));
    writeFileSync(join(dir, 'README.md'), 'ours\n');
    mkdirSync(join(dir, 'trust'));
    writeFileSync(join(dir, 'trust', 'anchor.crt'), 'ours\n');
    const io = capture();
    expect(await runCli(['init', dir], io)).toBe(2);
    expect(io.stderr).toContain('trust/anchor.crt, README.md already exist');
    expect(filesUnder(dir)).toStrictEqual(['README.md', 'trust/anchor.crt']);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('ours\n');
  });

  it('exits 2 on a wrong command line', async () => {
    const io = capture();
    expect(await runCli(['init', 'a', 'b'], io)).toBe(2);
    expect(io.stderr).toContain('one folder at most');
    expect(await runCli(['init', '--yaml'], capture())).toBe(2);
  });

  it('the schema line points at the installed schema: the running one when installed above the fleet', () => {
    const installed = join(sep, 'p', 'node_modules', 'meshfleet', 'schemas', 'fleet.schema.json');
    expect(schemaReference(join(sep, 'p'), installed)).toBe('./node_modules/meshfleet/schemas/fleet.schema.json');
    expect(schemaReference(join(sep, 'p', 'fleets', 'eu'), installed)).toBe('../../node_modules/meshfleet/schemas/fleet.schema.json');
    // npx's cache, or a checkout of meshfleet: where `npm install meshfleet` will put it.
    expect(schemaReference(join(sep, 'q'), installed)).toBe('./node_modules/meshfleet/schemas/fleet.schema.json');
    expect(schemaReference(join(sep, 'q'), join(sep, 'src', 'meshfleet', 'schemas', 'fleet.schema.json'))).toBe('./node_modules/meshfleet/schemas/fleet.schema.json');
  });
});

describe('placeholder trust anchor', () => {
  it('is a self-signed P-256 CA certificate valid from now for the given days', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const cert = new X509Certificate(placeholderAnchorPem({ commonName: 'root.linkerd.cluster.local', now, days: 365 }));
    expect(cert.subject).toContain('CN=root.linkerd.cluster.local');
    expect(cert.issuer).toBe(cert.subject);
    expect(new Date(cert.validFrom).toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(new Date(cert.validTo).toISOString()).toBe('2031-01-01T00:00:00.000Z');
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.ca).toBe(true);
  });

  it('writes serials and other integers as minimal DER (a random serial may start with zero bytes)', () => {
    const hex = (bytes: number[]) => integer(Buffer.from(bytes)).toString('hex');
    expect(hex([0x00, 0x01, 0x02])).toBe('02020102');
    expect(hex([0x00, 0x00, 0x80])).toBe('02020080');
    expect(hex([0x80])).toBe('02020080');
    expect(hex([0x7f, 0xff])).toBe('02027fff');
    expect(hex([0x00, 0x00])).toBe('020100');
  });

  it('writes GeneralizedTime for dates from 2050 on', () => {
    const cert = new X509Certificate(placeholderAnchorPem({ commonName: 'x', now: new Date('2049-06-01T00:00:00Z'), days: 365 }));
    expect(new Date(cert.validTo).toISOString()).toBe('2050-06-01T00:00:00.000Z');
  });
});

describe('meshfleet --version and --help', () => {
  it('--version prints the package version', async () => {
    const io = capture();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.stdout).toBe(`${repoPackage.version}\n`);
  });

  it('--help lists every command and exits 0; no command prints it and exits 2', async () => {
    const help = capture();
    expect(await runCli(['--help'], help)).toBe(0);
    for (const command of ['synth', 'diff', 'validate', 'lint', 'init', '--version']) expect(help.stdout).toContain(`meshfleet ${command}`);
    const none = capture();
    expect(await runCli([], none)).toBe(2);
    expect(none.stdout).toBe(help.stdout);
  });
});
