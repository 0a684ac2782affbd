// GIVEN a fleet synthesized once WHEN a cluster's Linkerd version changes, or a cluster is unlinked
// and retired THEN `meshfleet plan` shows the steps in order with the checks between them and what
// to delete outside Git, and synth refuses a downgrade (unless spec.upgrades.allowDowngrade), a
// skipped release, a link whose ends drift further apart during the rollout, and a cluster removed
// while peers still link to it, leaving the previous output untouched.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli } from '../../lib/cli/main.ts';
import { fleetDocument } from '../support/fleet.ts';

type Json = Record<string, any>;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** a, b (network n1, flat) and c (network n2, linked from a through its gateway), delivered by Flux. */
function baseDocument(edit: (doc: Json) => void = () => {}): Json {
  return fleetDocument((doc) => {
    doc.spec.defaults = { linkerd: '2.19', kubernetes: '1.32' }; // every release in the table supports 1.32
    doc.spec.clusters.push({ name: 'c', environment: 'prod', network: 'n2', podCIDR: '10.3.0.0/16', serviceCIDR: '10.103.0.0/16', apiServer: 'https://c.example:6443', gateway: { address: '192.0.2.12' } });
    doc.spec.links = [
      { mesh: ['a', 'b'], mode: 'flat' },
      { from: 'a', to: 'c', mode: 'gateway' },
    ];
    doc.spec.delivery = { engine: 'flux', repo: { url: 'https://git.example.com/mesh.git' } };
    edit(doc);
  });
}

/** A folder with the fleet file synthesized once; `next` writes another fleet file and runs commands. */
async function workspace(first: Json) {
  const dir = mkdtempSync(join(tmpdir(), 'meshfleet-staged-'));
  dirs.push(dir);
  const fleet = join(dir, 'fleet.yaml');
  const out = join(dir, 'charts-out');
  const run = async (...args: string[]) => {
    const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
    const code = await runCli([...args, fleet, '--out', out], io);
    return { code, stdout: io.stdout, stderr: io.stderr };
  };
  writeFileSync(fleet, stringify(first));
  const synthesized = await run('synth');
  expect(synthesized.code, synthesized.stderr).toBe(0);
  const index = () => readFileSync(join(out, 'index.json'), 'utf8');
  return {
    run,
    index,
    next: (doc: Json) => writeFileSync(fleet, stringify(doc)),
    /** synth must refuse: exit 1, the output as it was; returns stderr. */
    refused: async () => {
      const before = index();
      const { code, stderr } = await run('synth');
      expect(code).toBe(1);
      expect(index()).toBe(before);
      return stderr;
    },
  };
}

const withVersion = (cluster: string, version: string, edit: (doc: Json) => void = () => {}) =>
  baseDocument((doc) => {
    doc.spec.clusters.find((c: Json) => c.name === cluster).linkerd = version;
    edit(doc);
  });

describe('Linkerd version changes', () => {
  it('plan shows the steps of an upgrade in order with the check after each; synth accepts it', async () => {
    const ws = await workspace(baseDocument());
    ws.next(baseDocument((doc) => (doc.spec.defaults.linkerd = '2.20')));
    const plan = await ws.run('plan');
    expect(plan.code, plan.stderr).toBe(0);
    const section = plan.stdout.slice(plan.stdout.indexOf('Linkerd 2.19 → 2.20 on prod/c'));
    expect(section.split('\n').slice(0, 9)).toStrictEqual([
      'Linkerd 2.19 → 2.20 on prod/c: in this order, checking each step before the next',
      '  1. c-linkerd-crds: linkerd-crds chart 2025.10.7 → 2026.6.3',
      '       check: kubectl --context c wait --for condition=established --timeout=120s crd --all',
      '  2. c-linkerd-control-plane: linkerd-control-plane chart 2025.10.7 → 2026.6.3',
      '       check: linkerd --context c check',
      '  3. c-linkerd-multicluster: linkerd-multicluster chart → 2026.6.3',
      '       check: linkerd --context c multicluster check',
      '  4. data-plane: restart meshed workloads so their proxies run the new version (no GitOps engine does this)',
      '       check: kubectl --context c rollout restart deployment,statefulset,daemonset --namespace <each meshed namespace> && linkerd --context c check --proxy',
    ]);
    expect(plan.stdout).toContain('Linkerd 2.19 → 2.20 on prod/a');
    expect((await ws.run('synth')).code).toBe(0);
    expect(JSON.parse(ws.index()).environments[0].clusters.map((c: Json) => c.linkerd)).toStrictEqual(['2.20', '2.20', '2.20']);
  });

  it('refuses a downgrade unless spec.upgrades.allowDowngrade is set', async () => {
    const ws = await workspace(baseDocument());
    ws.next(withVersion('c', '2.18'));
    expect(await ws.refused()).toMatch(/Linkerd 2\.19 → 2\.18 on c is a downgrade.*\n.*spec\.upgrades\.allowDowngrade: true/);
    ws.next(withVersion('c', '2.18', (doc) => (doc.spec.upgrades = { allowDowngrade: true })));
    expect((await ws.run('synth')).code).toBe(0);
  });

  it('refuses skipping a release, naming the one to go to first', async () => {
    const ws = await workspace(baseDocument((doc) => (doc.spec.defaults.linkerd = '2.18')));
    ws.next(baseDocument((doc) => (doc.spec.defaults.linkerd = 'edge-26.8.3')));
    const stderr = await ws.refused();
    expect(stderr).toContain('Linkerd 2.18 → edge-26.8.3 on a skips 2.19, 2.20: Linkerd upgrades one release at a time');
    expect(stderr).toContain('move a to 2.19 first');
  });

  it('refuses a link whose ends would drift more than one release apart during the rollout', async () => {
    // c at 2.19, a and b at 2.20; a → c. Moving a to edge-26.8.3 would put 2.19 and edge-26.8.3 on one link.
    const ws = await workspace(baseDocument((doc) => (doc.spec.defaults.linkerd = '2.20', doc.spec.clusters[2].linkerd = '2.19')));
    ws.next(baseDocument((doc) => (doc.spec.clusters[2].linkerd = '2.19', doc.spec.clusters[0].linkerd = 'edge-26.8.3', doc.spec.clusters[1].linkerd = 'edge-26.8.3')));
    const stderr = await ws.refused();
    expect(stderr).toContain('linked clusters a and c would run Linkerd 2.19 and edge-26.8.3 during the rollout, 2 releases apart in the release table (allowed: 1)');
    expect(stderr).toContain('upgrade c first (to 2.20), deliver it, then a');
    // Upgrading c first is fine: 2.20 and 2.20 at worst.
    ws.next(baseDocument((doc) => (doc.spec.defaults.linkerd = '2.20')));
    expect((await ws.run('synth')).code).toBe(0);
  });
});

describe('retiring a cluster', () => {
  it('refuses removing a cluster that peers still link to; unlinking first, then removing it, works and plan shows the order', async () => {
    const ws = await workspace(baseDocument());
    const withoutC = baseDocument((doc) => {
      doc.spec.clusters = doc.spec.clusters.filter((c: Json) => c.name !== 'c');
      doc.spec.links = [{ mesh: ['a', 'b'], mode: 'flat' }];
    });
    ws.next(withoutC);
    const refusal = await ws.refused();
    expect(refusal).toContain('cluster c is removed while a still link to it in the previous output');
    expect(refusal).toContain('keep c in spec.clusters and remove it from spec.links only');

    // Stage 1: unlink. The plan shows the Link first, then the credentials, then the target's side.
    ws.next(baseDocument((doc) => (doc.spec.links = [{ mesh: ['a', 'b'], mode: 'flat' }])));
    const unlink = await ws.run('plan');
    expect(unlink.code, unlink.stderr).toBe(0);
    const steps = unlink.stdout.slice(unlink.stdout.indexOf('link a → c removed')).split('\n').slice(0, 5);
    expect(steps[0]).toBe('link a → c removed: in this order');
    expect(steps[1]).toMatch(/^ {2}1\. a: Link linkerd-multicluster\/c removed \(step a-mesh-links\)/);
    expect(steps[2]).toMatch(/^ {2}2\. a: credentials linkerd-multicluster\/cluster-credentials-c, linkerd\/cluster-credentials-c removed \(step a-mesh-link-credentials\)/);
    expect(steps[3]).toMatch(/^ {2}3\. c: remote-access ServiceAccount linkerd-multicluster\/linkerd-service-mirror-remote-access-a removed/);
    // credentials.type external: the Secrets were put in place by hand, so they are named.
    expect(steps[4]).toBe('  outside Git, delete: Secret linkerd-multicluster/cluster-credentials-c on a (you put it there: credentials.type external)');
    expect((await ws.run('synth')).code).toBe(0);

    // Stage 2: remove the cluster. The plan names what lives outside Git.
    ws.next(withoutC);
    const retire = await ws.run('plan');
    expect(retire.code, retire.stderr).toBe(0);
    expect(retire.stdout).toContain('cluster prod/c retired:\n  1. c: its Applications or Kustomizations pruned: Linkerd removed from it (CRDs stay)\n  outside Git, delete: the Flux kubeconfig Secret c-kubeconfig (kubectl -n flux-system delete secret c-kubeconfig)\n');
    expect((await ws.run('synth')).code).toBe(0);
  });

  it('names the Argo CD cluster Secret by the destination the Applications used', async () => {
    const argo = (edit: (doc: Json) => void = () => {}) =>
      baseDocument((doc) => {
        doc.spec.links = [{ mesh: ['a', 'b'], mode: 'flat' }];
        doc.spec.delivery = { engine: 'argocd', repo: { url: 'https://git.example.com/mesh.git' }, argocd: { destination: 'server' } };
        edit(doc);
      });
    const ws = await workspace(argo());
    ws.next(argo((doc) => (doc.spec.clusters = doc.spec.clusters.filter((c: Json) => c.name !== 'c'))));
    const plan = await ws.run('plan');
    expect(plan.stdout).toContain('outside Git, delete: the Argo CD cluster Secret of c (argocd cluster rm https://c.example:6443)');
  });
});
