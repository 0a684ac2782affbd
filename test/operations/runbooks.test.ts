// GIVEN the runbooks in docs/operations/ WHEN each is played on a copy of the example fleet (its
// `npx meshfleet` commands run as written, its fleet edits applied by the implementations below,
// which must match the runbook's lines exactly; cluster-side commands skipped) THEN every stage's
// synth, diff and plan succeed with the output the runbook promises. A runbook line the test cannot
// play fails the test, so the runbooks and this test change together.
import { X509Certificate } from 'node:crypto';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { runCli } from '../../lib/cli/main.ts';
import { FIXTURES, REPO } from '../support/fleet.ts';

type Json = Record<string, any>;
interface Result {
  readonly command: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Commands run against clusters, the store or Git: not played here. */
const CLUSTER_SIDE = new Set(['kubectl', 'linkerd', 'git', 'vault', 'cmctl', 'argocd', 'flux']);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The runbook's sections ("## …") with the lines of their sh blocks. */
function sections(name: string): Map<string, string[]> {
  const text = readFileSync(join(REPO, 'docs', 'operations', name), 'utf8');
  const found = new Map<string, string[]>();
  let heading = '';
  let inBlock = false;
  for (const line of text.split('\n')) {
    if (!inBlock && line.startsWith('## ')) found.set((heading = line.slice(3)), []);
    else if (line.startsWith('```')) inBlock = !inBlock && line === '```sh';
    else if (inBlock && heading) found.get(heading)!.push(line);
  }
  return found;
}

class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'meshfleet-runbook-'));
  readonly env: Record<string, string> = {};
  constructor() {
    dirs.push(this.dir);
    cpSync(join(REPO, 'apps', 'fleet.yaml'), this.path('fleet.yaml'));
    cpSync(join(REPO, 'apps', 'trust'), this.path('trust'), { recursive: true });
  }
  path(p: string): string {
    return join(this.dir, p);
  }
  edit(change: (doc: Json) => void): void {
    const doc = parse(readFileSync(this.path('fleet.yaml'), 'utf8'));
    change(doc);
    writeFileSync(this.path('fleet.yaml'), stringify(doc));
  }
  cluster(doc: Json, name: string): Json {
    return doc.spec.clusters.find((c: Json) => c.name === name);
  }
  read(p: string): string {
    return readFileSync(this.path(join('charts-out', p)), 'utf8');
  }
  index(): Json {
    return JSON.parse(this.read('index.json'));
  }
  async meshfleet(...args: string[]): Promise<Result> {
    const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
    const code = await runCli([...args, this.path('fleet.yaml'), '--out', this.path('charts-out')], io);
    return { command: `meshfleet ${args.join(' ')}`, code, stdout: io.stdout, stderr: io.stderr };
  }
  /** Plays one section: edits and meshfleet commands in order; returns the commands' results by command. */
  async play(lines: readonly string[], edits: Readonly<Record<string, (ws: Workspace) => void>>): Promise<Map<string, Result>> {
    const results = new Map<string, Result>();
    for (const line of lines.map((l) => l.trim()).filter(Boolean)) {
      const [first, second, ...rest] = line.split(/\s+/);
      if (first === 'npx' && second === 'meshfleet') {
        const result = await this.meshfleet(...rest);
        results.set(rest.join(' '), result);
        continue;
      }
      if (CLUSTER_SIDE.has(first)) continue;
      const edit = edits[line];
      if (!edit) throw new Error(`the test cannot play this runbook line: ${line}`);
      edit(this);
    }
    return results;
  }
}

const ok = (r: Result | undefined): Result => {
  expect(r, 'command missing from the runbook section').toBeDefined();
  expect(r!.code, `${r!.command}\n${r!.stderr}`).toBe(0);
  return r!;
};
const objects = (ws: Workspace, p: string): Json[] => parseAllDocuments(ws.read(p)).map((d) => d.toJSON());
const anchorsIn = (ws: Workspace, cluster: string) => (parse(ws.read(`prod/${cluster}/values/linkerd-control-plane.yaml`)).identityTrustAnchorsPEM as string).match(/BEGIN CERTIFICATE/g)!.length;

async function started(): Promise<Workspace> {
  const ws = new Workspace();
  ok(await ws.meshfleet('synth'));
  return ws;
}

describe('docs/operations/rotate-trust-anchor.md', () => {
  it('plays bundle → reissue → restart → remove on the example fleet', async () => {
    const s = sections('rotate-trust-anchor.md');
    const ws = await started();
    const edits: Record<string, (ws: Workspace) => void> = {
      'step certificate create root.linkerd.cluster.local new-anchor.crt new-anchor.key --profile root-ca --no-password --insecure --not-after 87600h': (w) =>
        copyFileSync(join(FIXTURES, 'second-anchor.crt'), w.path('new-anchor.crt')),
      'export OLD=$(openssl x509 -in trust/anchor.crt -noout -fingerprint -sha256 | cut -d= -f2)': (w) =>
        (w.env.OLD = new X509Certificate(readFileSync(w.path('trust/anchor.crt'))).fingerprint256),
      'cp trust/anchor.crt old-anchor.crt && cat old-anchor.crt new-anchor.crt > trust/anchor.crt': (w) => {
        copyFileSync(w.path('trust/anchor.crt'), w.path('old-anchor.crt'));
        writeFileSync(w.path('trust/anchor.crt'), readFileSync(w.path('old-anchor.crt'), 'utf8') + readFileSync(w.path('new-anchor.crt'), 'utf8'));
      },
      [`yq -i '.spec.trust.rotation = {"stage": "bundle", "previous": strenv(OLD)}' fleet.yaml`]: (w) => w.edit((d) => (d.spec.trust.rotation = { stage: 'bundle', previous: w.env.OLD })),
      [`yq -i '.spec.trust.rotation.stage = "reissue" | .spec.trust.issuer.remoteKey = "linkerd/trust-anchor-2"' fleet.yaml`]: (w) =>
        w.edit((d) => ((d.spec.trust.rotation.stage = 'reissue'), (d.spec.trust.issuer.remoteKey = 'linkerd/trust-anchor-2'))),
      [`yq -i '.spec.trust.rotation.stage = "restart"' fleet.yaml`]: (w) => w.edit((d) => (d.spec.trust.rotation.stage = 'restart')),
      'cp new-anchor.crt trust/anchor.crt': (w) => copyFileSync(w.path('new-anchor.crt'), w.path('trust/anchor.crt')),
      [`yq -i 'del(.spec.trust.rotation)' fleet.yaml`]: (w) => w.edit((d) => delete d.spec.trust.rotation),
    };
    const issuerBefore = ws.read('prod/eu-1/manifests/identity-issuer.yaml');
    const NEW = new X509Certificate(readFileSync(join(FIXTURES, 'second-anchor.crt'))).fingerprint256;

    await ws.play(s.get('0. Make the new anchor')!, edits);
    const bundle = await ws.play(s.get('1. Stage bundle: trust both anchors')!, edits);
    expect(ok(bundle.get('diff --summary')).stdout).toMatch(/! fleet: trust anchor changed \(added /);
    ok(bundle.get('synth'));
    ok(bundle.get('plan'));
    expect(anchorsIn(ws, 'eu-1')).toBe(2);
    expect(ws.read('prod/eu-1/manifests/identity-issuer.yaml')).toBe(issuerBefore);

    const reissue = await ws.play(s.get('2. Stage reissue: sign the identity issuers with the new anchor')!, edits);
    expect(ok(reissue.get('diff --summary')).stdout).toContain('prod/eu-1: manifests/identity-issuer.yaml');
    ok(reissue.get('synth'));
    const issuer = objects(ws, 'prod/eu-1/manifests/identity-issuer.yaml');
    expect(issuer.find((o) => o.kind === 'Certificate')!.metadata.annotations).toStrictEqual({ 'meshfleet.dev/signed-by-anchor': NEW });
    expect(issuer.find((o) => o.kind === 'ExternalSecret')!.spec.data[0].remoteRef.key).toBe('linkerd/trust-anchor-2');
    expect(anchorsIn(ws, 'eu-1')).toBe(2);

    const restart = await ws.play(s.get('3. Stage restart: certificates from the new anchor everywhere')!, edits);
    ok(restart.get('synth'));
    expect(ws.index().trustRotation.stage).toBe('restart');

    const remove = await ws.play(s.get('4. Remove the old anchor')!, edits);
    expect(ok(remove.get('diff --summary')).stdout).toMatch(/! fleet: trust anchor changed \(removed /);
    ok(remove.get('synth'));
    expect(anchorsIn(ws, 'eu-1')).toBe(1);
    expect(ws.index().trustAnchors.map((a: Json) => a.sha256)).toStrictEqual([NEW]);
  }, 300_000);
});

const US1 = (version: string) => `yq -i '(.spec.clusters[] | select(.name == "us-1")).linkerd = "${version}"' fleet.yaml`;

describe('docs/operations/upgrade-linkerd.md', () => {
  it('plays us-1 2.18 → 2.19 → 2.20, and backing out with the downgrade allowed', async () => {
    const s = sections('upgrade-linkerd.md');
    const ws = await started();
    const edits: Record<string, (ws: Workspace) => void> = {
      [US1('2.19')]: (w) => w.edit((d) => (w.cluster(d, 'us-1').linkerd = '2.19')),
      [`yq -i 'del((.spec.clusters[] | select(.name == "us-1")).linkerd)' fleet.yaml`]: (w) => w.edit((d) => delete w.cluster(d, 'us-1').linkerd),
      [`yq -i '(.spec.clusters[] | select(.name == "us-1")).linkerd = "2.19" | .spec.upgrades.allowDowngrade = true' fleet.yaml`]: (w) =>
        w.edit((d) => ((w.cluster(d, 'us-1').linkerd = '2.19'), (d.spec.upgrades = { allowDowngrade: true }))),
    };
    const first = await ws.play(s.get('1. One release: 2.18 → 2.19')!, edits);
    const plan = ok(first.get('plan')).stdout;
    expect(plan).toContain('Linkerd 2.18 → 2.19 on prod/us-1: in this order, checking each step before the next');
    for (const step of ['1. us-1-linkerd-crds', '2. us-1-linkerd-control-plane', '3. us-1-linkerd-multicluster', '4. data-plane']) expect(plan).toContain(`  ${step}: `);
    expect(ok(first.get('diff --summary')).stdout).toContain('! prod/us-1: Linkerd version 2.18 → 2.19');
    ok(first.get('synth'));
    // The cluster-side checks of the runbook are the ones plan printed.
    for (const line of s.get('1. One release: 2.18 → 2.19')!.filter((l) => l.startsWith('linkerd ') || l.startsWith('kubectl --context us-1 wait'))) {
      expect(plan).toContain(line);
    }
    expect(ws.index().environments.find((e: Json) => e.name === 'prod').clusters.find((c: Json) => c.name === 'us-1').linkerd).toBe('2.19');

    const second = await ws.play(s.get('2. The next release: 2.19 → 2.20')!, edits);
    expect(ok(second.get('plan')).stdout).toContain('Linkerd 2.19 → 2.20 on prod/us-1');
    ok(second.get('synth'));

    // Backing out without the setting is refused; the runbook's line sets it.
    ws.edit((d) => (ws.cluster(d, 'us-1').linkerd = '2.19'));
    const refused = await ws.meshfleet('synth');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is a downgrade');
    const back = await ws.play(s.get('Backing out')!, edits);
    ok(back.get('synth'));
  }, 300_000);
});

describe('docs/operations/add-a-cluster.md and retire-a-cluster.md', () => {
  it('plays adding eu-3, then unlinking and removing it', async () => {
    const ws = await started();
    const mesh = (from: string[], to: string[]) => (w: Workspace) => w.edit((d) => (d.spec.links.find((l: Json) => JSON.stringify(l.mesh) === JSON.stringify(from)).mesh = to));
    const edits: Record<string, (ws: Workspace) => void> = {
      [`yq -i '.spec.clusters += [{"name": "eu-3", "environment": "prod", "network": "eu", "podCIDR": "10.30.0.0/16", "serviceCIDR": "10.31.0.0/16", "apiServer": "https://eu-3.k8s.acme.example:6443", "gateway": {"address": "203.0.113.13"}}]' fleet.yaml`]: (w) =>
        w.edit((d) => d.spec.clusters.push({ name: 'eu-3', environment: 'prod', network: 'eu', podCIDR: '10.30.0.0/16', serviceCIDR: '10.31.0.0/16', apiServer: 'https://eu-3.k8s.acme.example:6443', gateway: { address: '203.0.113.13' } })),
      [`yq -i '(.spec.links[] | select(.mesh == ["eu-1", "eu-2"])).mesh = ["eu-1", "eu-2", "eu-3"]' fleet.yaml`]: mesh(['eu-1', 'eu-2'], ['eu-1', 'eu-2', 'eu-3']),
      [`yq -i '(.spec.links[] | select(.mesh == ["eu-1", "eu-2", "eu-3"])).mesh = ["eu-1", "eu-2"]' fleet.yaml`]: mesh(['eu-1', 'eu-2', 'eu-3'], ['eu-1', 'eu-2']),
      [`yq -i 'del(.spec.clusters[] | select(.name == "eu-3"))' fleet.yaml`]: (w) => w.edit((d) => (d.spec.clusters = d.spec.clusters.filter((c: Json) => c.name !== 'eu-3'))),
    };
    const add = sections('add-a-cluster.md');
    await ws.play(add.get('1. Outside Git, first')!, edits);
    const added = await ws.play(add.get('2. The entry and its links')!, edits);
    expect(ok(added.get('diff --summary')).stdout).toContain('prod/eu-3');
    expect(ok(added.get('plan')).stdout).toContain('added clusters: eu-3');
    ok(added.get('synth'));
    const prod = () => ws.index().environments.find((e: Json) => e.name === 'prod').clusters;
    expect(prod().find((c: Json) => c.name === 'eu-3').links.map((l: Json) => l.target)).toStrictEqual(['eu-1', 'eu-2']);
    expect(prod().find((c: Json) => c.name === 'eu-1').links.map((l: Json) => l.target)).toContain('eu-3');
    await ws.play(add.get('3. Check it')!, edits);

    // Removing the cluster and its links in one step is refused: unlink first.
    const retire = sections('retire-a-cluster.md');
    const original = readFileSync(ws.path('fleet.yaml'), 'utf8');
    edits[retire.get('1. Unlink it')!.find((l) => l.startsWith('yq'))!](ws);
    edits[retire.get('2. Remove it')!.find((l) => l.startsWith('yq'))!](ws);
    const together = await ws.meshfleet('synth');
    expect(together.code).toBe(1);
    expect(together.stderr).toContain('cluster eu-3 is removed while eu-1, eu-2 still link to it in the previous output');
    writeFileSync(ws.path('fleet.yaml'), original);

    const unlinked = await ws.play(retire.get('1. Unlink it')!, edits);
    const unlinkPlan = ok(unlinked.get('plan')).stdout;
    expect(unlinkPlan).toContain('link eu-1 → eu-3 removed: in this order\n  1. eu-1: Link linkerd-multicluster/eu-3 removed (step eu-1-mesh-links)');
    expect(unlinkPlan).toContain('  2. eu-1: credentials linkerd-multicluster/cluster-credentials-eu-3, linkerd/cluster-credentials-eu-3 removed (step eu-1-mesh-link-credentials)');
    expect(unlinkPlan).toContain('link eu-3 → eu-2 removed');
    ok(unlinked.get('synth'));
    expect(prod().find((c: Json) => c.name === 'eu-1').links.map((l: Json) => l.target)).not.toContain('eu-3');

    const removed = await ws.play(retire.get('2. Remove it')!, edits);
    expect(ok(removed.get('plan')).stdout).toContain('cluster prod/eu-3 retired:\n  1. eu-3: its Applications or Kustomizations pruned: Linkerd removed from it (CRDs stay)\n  outside Git, delete: the Flux kubeconfig Secret eu-3-kubeconfig (kubectl -n flux-system delete secret eu-3-kubeconfig)');
    expect(ok(removed.get('diff --summary')).stdout).toContain('! prod/eu-3: cluster removed');
    ok(removed.get('synth'));
    expect(prod().map((c: Json) => c.name)).not.toContain('eu-3');
  }, 300_000);
});

describe('docs/operations/rotate-link-credentials.md', () => {
  it('confirms nothing in Git changes', async () => {
    const s = sections('rotate-link-credentials.md');
    const ws = await started();
    const results = await ws.play(s.get('1. Confirm nothing in Git changes')!, {});
    expect(ok(results.get('synth --check')).stdout).toMatch(/is up to date/);
    ok(results.get('plan'));
    for (const heading of ['2. New token on the target, pushed to the store', '3. The source picks it up']) await ws.play(s.get(heading)!, {});
    // The names the runbook uses are the ones in the output.
    expect(ws.read('prod/us-2/manifests/remote-access.yaml')).toContain('name: remote-access-us-1');
    expect(ws.read('prod/us-2/manifests/remote-access.yaml')).toContain('name: linkerd-service-mirror-remote-access-us-1-token');
    expect(ws.read('prod/us-1/manifests/link-credentials.yaml')).toContain('name: cluster-credentials-us-2');
    expect(ws.read('prod/gitops/flux/steps/us-2/linkerd-multicluster/release.yaml')).toContain('name: us-2-linkerd-multicluster');
  }, 300_000);
});
