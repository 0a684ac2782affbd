// Every upstream values file meshfleet writes, rendered by the real helm with the packaged chart of
// exactly its version and the Kubernetes version of its cluster: the example fleet, the bench fleets of
// 10 and 100 clusters and a generated matrix (release × HA × link mode × gateway Service type × probe
// port × overrides). Each render succeeds, is byte-identical twice and holds no private key, and the
// rendered objects mean what the fleet says: cert-manager issued identity and webhooks, PDBs exactly
// with HA (less what a chart quirk row of the compat table rules out), one controller per Link, probe
// and gateway ports that match the Links at both ends.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateFleet } from '../../bench/generate-fleet.ts';
import { DEFAULT_PROXY_ADMIN_PORT, LINKERD_RELEASES, kubernetesFloor, type LinkerdRelease } from '../../lib/compat/linkerd-releases.ts';
import type { UpstreamChart } from '../../lib/compat/upstream-values.ts';
import { fleetInput } from '../../lib/cli/load-input.ts';
import { planFleet } from '../../lib/synth/plan.ts';
import { renderFleet, type Rendered, type RenderedCluster } from '../../lib/synth/render.ts';
import { scanFiles } from '../../lib/validate/secret-scan.ts';
import { ANCHOR_PEM, REPO } from '../support/fleet.ts';
import { runHelmAsync } from '../support/tools.ts';
import { upstreamPath } from '../support/upstream.ts';

type Obj = Record<string, any>;

const NAMESPACE: Record<UpstreamChart, string> = {
  'linkerd-crds': 'linkerd',
  'linkerd-control-plane': 'linkerd',
  'linkerd-multicluster': 'linkerd-multicluster',
};
const CONTROL_PLANE_PDBS = ['linkerd-dst', 'linkerd-identity', 'linkerd-proxy-injector'];
const WEBHOOKS = {
  'linkerd-proxy-injector-webhook-config': 'linkerd/linkerd-proxy-injector',
  'linkerd-sp-validator-webhook-config': 'linkerd/linkerd-sp-validator',
  'linkerd-policy-validator-webhook-config': 'linkerd/linkerd-policy-validator',
};
const HEARTBEAT = /^heartbeatSchedule: (.*)$/m;
const ADMIN_PORT_ANNOTATION = 'config.linkerd.io/admin-port';
const OVERRIDE_HISTORY = 3;
const CHART_HISTORY_DEFAULT = 10;

/**
 * What a render must show, from the fleet model (Links at both ends) rather than the values file; only
 * what concerns the job's chart, so that renders dedupe across clusters.
 */
interface Expectation {
  readonly ha?: boolean;
  /** Deployments' revisionHistoryLimit: a controlPlane.values or multicluster.values override reaches the chart. */
  readonly revisionHistoryLimit?: number;
  /** Chart quirk rows of the release say the chart renders no controller PDBs. */
  readonly noControllerPdb?: boolean;
  /** Outgoing Links: name, and the probe port for gateway Links. */
  readonly links?: readonly { readonly name: string; readonly probePort?: number }[];
  /** The ports incoming gateway Links dial; absent when no gateway link arrives. */
  readonly gateway?: { readonly port: number; readonly probePort: number; readonly adminPort: number };
}

interface RenderJob {
  readonly key: string;
  readonly release: LinkerdRelease;
  readonly chart: UpstreamChart;
  readonly kubeVersion: string;
  readonly values: string;
  readonly expect: Expectation;
  /** Where it came from, for messages ("example prod/us-1"). */
  readonly origins: string[];
  /** heartbeatSchedule of every values file this render stands for (control plane only). */
  readonly schedules: string[];
}

interface RenderResult {
  readonly job: RenderJob;
  readonly output?: string;
  readonly error?: string;
  readonly identical: boolean;
}

interface Checked {
  readonly job: RenderJob;
  readonly problems: readonly string[];
}

/** Distinct render jobs of a fleet, keyed by what the render depends on and what is asserted. */
class Jobs {
  readonly byKey = new Map<string, RenderJob>();
  readonly perSource = new Map<string, Set<string>>();
  valuesFiles = 0;

  add(source: string, rendered: Rendered): void {
    expect(rendered.diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
    const keys = this.perSource.get(source) ?? new Set<string>();
    this.perSource.set(source, keys);
    for (const r of rendered.clusters) {
      for (const chart of Object.keys(r.upstreamValues) as UpstreamChart[]) {
        const values = rendered.files.get(`${r.folder}/values/${chart}.yaml`)!;
        const expectation = expectationOf(r, rendered, chart);
        const kubeVersion = `${r.cluster.kubernetes}.0`;
        // Each cluster has its own heartbeat minute; the chart reads heartbeatSchedule only as the
        // CronJob's schedule (checked below), so files that differ in it alone render alike.
        const schedule = HEARTBEAT.exec(values)?.[1];
        const key = createHash('sha256')
          .update(JSON.stringify([r.cluster.release.version, chart, kubeVersion, values.replace(HEARTBEAT, 'heartbeatSchedule: <cluster>'), expectation]))
          .digest('hex');
        this.valuesFiles++;
        keys.add(key);
        const known = this.byKey.get(key);
        if (known) known.origins.push(`${source} ${r.folder}`);
        else this.byKey.set(key, { key, release: r.cluster.release, chart, kubeVersion, values, expect: expectation, origins: [`${source} ${r.folder}`], schedules: [] });
        if (schedule !== undefined) this.byKey.get(key)!.schedules.push(schedule);
      }
    }
  }
}

function expectationOf(r: RenderedCluster, rendered: Rendered, chart: UpstreamChart): Expectation {
  const history = (values: Obj | undefined) => (values?.revisionHistoryLimit as number | undefined) ?? CHART_HISTORY_DEFAULT;
  if (chart === 'linkerd-crds') return {};
  if (chart === 'linkerd-control-plane') return { ha: r.cluster.ha, revisionHistoryLimit: history(r.cluster.controlPlane.values as Obj) };
  const links = r.objects
    .filter((o) => o.kind === 'Link')
    .map((l: Obj) => ({ name: l.metadata.name as string, ...(l.spec.probeSpec ? { probePort: Number(l.spec.probeSpec.port) } : {}) }));
  const incoming = rendered.clusters
    .flatMap((c) => c.objects)
    .filter((o: Obj) => o.kind === 'Link' && o.spec.targetClusterName === r.cluster.name && o.spec.gatewayPort !== undefined) as Obj[];
  const dialed = new Set(incoming.map((l) => `${l.spec.gatewayPort}/${l.spec.probeSpec.port}`));
  // Every source dials the same ports: the target opens one pair.
  expect(dialed.size, `Links to ${r.cluster.name} dial ${[...dialed].join(', ')}`).toBeLessThanOrEqual(1);
  const admin = (r.cluster.controlPlane.values?.proxy as Obj | undefined)?.ports?.admin;
  return {
    ha: r.cluster.ha,
    revisionHistoryLimit: history(r.cluster.multicluster.values as Obj),
    noControllerPdb: r.cluster.release.chartQuirks.some((q) => q.noControllerPdb),
    links,
    ...(incoming.length
      ? { gateway: { port: Number(incoming[0].spec.gatewayPort), probePort: Number(incoming[0].spec.probeSpec.port), adminPort: admin ?? DEFAULT_PROXY_ADMIN_PORT } }
      : {}),
  };
}

function renderDocument(document: unknown, baseDir = REPO, apps?: Parameters<typeof renderFleet>[3]): Rendered {
  const plan = planFleet(document, { baseDir });
  if (!plan.fleet) throw new Error(plan.diagnostics.map((d) => `${d.path}: ${d.message}`).join('\n'));
  return renderFleet(plan.fleet, { charts: {} }, {}, apps);
}

/**
 * The generated matrix: one fleet per release × HA × overrides. In each, a source links to a target of
 * every gateway variant (LoadBalancer/NodePort × default/custom probe port) through a gateway and to
 * as many targets flat, and as many clusters have no links at all: every link mode meets every
 * gateway setting, and the source's controllers see them all at once.
 */
function matrixFleets(): { name: string; document: Obj }[] {
  const gateways = [
    { id: 'lb', settings: { serviceType: 'LoadBalancer' } },
    { id: 'lb-probe', settings: { serviceType: 'LoadBalancer', port: 4443, probe: { port: 4181, path: '/ready', seconds: 5 } } },
    { id: 'np', settings: { serviceType: 'NodePort', port: 30143, probe: { port: 30191 } } },
    { id: 'np-probe', settings: { serviceType: 'NodePort', port: 31443, probe: { port: 31191, seconds: 10 } } },
  ];
  const fleets: { name: string; document: Obj }[] = [];
  for (const release of LINKERD_RELEASES) {
    for (const ha of [false, true]) {
      for (const overrides of [false, true]) {
        let n = 0;
        const cluster = (name: string, network: string, gateway: Obj) => ({
          name,
          environment: 'prod',
          network,
          podCIDR: `10.${n}.0.0/16`,
          serviceCIDR: `10.${100 + n++}.0.0/16`,
          apiServer: `https://${name}.example:6443`,
          gateway: { address: `192.0.2.${n}`, ...gateway },
        });
        const clusters: Obj[] = [cluster('src', 'home', {})];
        const links: Obj[] = [];
        for (const g of gateways) {
          clusters.push(cluster(`gw-${g.id}`, `net-${g.id}`, g.settings), cluster(`flat-${g.id}`, 'home', g.settings), cluster(`solo-${g.id}`, `solo-${g.id}`, g.settings));
          links.push({ from: 'src', to: `gw-${g.id}`, mode: 'gateway' }, { from: 'src', to: `flat-${g.id}`, mode: 'flat' });
        }
        // HA clusters run the newest Kubernetes the release supports; the others its floor.
        const kubernetes = ha ? release.kubernetes.max : kubernetesFloor(release);
        fleets.push({
          name: `matrix ${release.version}${ha ? ' ha' : ''}${overrides ? ' overrides' : ''} (Kubernetes ${kubernetes})`,
          document: {
            apiVersion: 'meshfleet.dev/v1alpha1',
            kind: 'Fleet',
            metadata: { name: 'matrix' },
            spec: {
              trust: { anchor: { pem: ANCHOR_PEM } },
              defaults: {
                linkerd: release.version,
                kubernetes,
                ha,
                ...(overrides
                  ? {
                      controlPlane: { values: { revisionHistoryLimit: OVERRIDE_HISTORY, podLabels: { 'acme.example/team': 'mesh' } } },
                      multicluster: { values: { revisionHistoryLimit: OVERRIDE_HISTORY, commonLabels: { 'acme.example/team': 'mesh' } } },
                    }
                  : {}),
              },
              environments: { prod: {} },
              clusters,
              links,
              credentials: { type: 'external' },
            },
          },
        });
      }
    }
  }
  return fleets;
}

/** Runs `task` over `items`, `width` at a time (helm is CPU-bound; the machine has two cores). */
async function pool<T, R>(items: readonly T[], width: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

function chartFile(job: RenderJob): string {
  return upstreamPath('upstream/linkerd-charts', job.release.version, `${job.chart}-${job.release.chartVersion}.tgz`);
}

/** Renders twice and checks at once, so parsing overlaps the other helm process. */
async function renderAndCheck(job: RenderJob, dir: string): Promise<Checked> {
  const result = await renderJob(job, dir);
  return { job, problems: problemsOf(result) };
}

async function renderJob(job: RenderJob, dir: string): Promise<RenderResult> {
  const valuesFile = join(dir, `${job.key}.yaml`);
  writeFileSync(valuesFile, job.values);
  const args = ['template', job.chart, chartFile(job), '-n', NAMESPACE[job.chart], '-f', valuesFile, '--kube-version', job.kubeVersion];
  try {
    const first = await runHelmAsync(args);
    const second = await runHelmAsync(args);
    return { job, output: first, identical: first === second };
  } catch (e) {
    return { job, error: (e as Error).message, identical: false };
  }
}

/** Kinds the assertions read; the rest (CRDs, RBAC, the values dump) is only scanned as text, parsing is slow. */
const ASSERTED_KINDS = /^kind: (Deployment|Service|PodDisruptionBudget|MutatingWebhookConfiguration|ValidatingWebhookConfiguration|CronJob|Secret)$/m;

function objectsOf(output: string): Obj[] {
  return output
    .split(/^---$/m)
    .filter((doc) => ASSERTED_KINDS.test(doc))
    .map((doc) => parse(doc))
    .filter((o): o is Obj => !!o && typeof o === 'object');
}

/** What is wrong with one render, as lines naming the job; empty when it means what the fleet says. */
function problemsOf(result: RenderResult): string[] {
  const { job } = result;
  const where = `${job.chart} ${job.release.chartVersion} (kube ${job.kubeVersion}) for ${job.origins[0]}${job.origins.length > 1 ? ` and ${job.origins.length - 1} more` : ''}`;
  if (result.error) return [`${where}: ${result.error.split('\n').slice(0, 6).join(' | ')}`];
  const problems: string[] = [];
  const say = (ok: boolean, what: string) => {
    if (!ok) problems.push(`${where}: ${what}`);
  };
  say(result.identical, 'two renders differ');
  const objects = objectsOf(result.output!);
  const secrets = scanFiles({ render: result.output! });
  say(secrets.length === 0, `secret material: ${JSON.stringify(secrets.slice(0, 3))}`);
  const named = (kind: string) => objects.filter((o) => o.kind === kind);
  const pdbs = named('PodDisruptionBudget').map((p) => p.metadata.name as string).sort();
  const deployments = named('Deployment');
  const e = job.expect;

  if (job.chart === 'linkerd-control-plane') {
    const identity = deployments.find((d) => d.metadata.name === 'linkerd-identity');
    const args: string[] = identity?.spec.template.spec.containers.find((c: Obj) => c.name === 'identity')?.args ?? [];
    say(args.includes('-identity-scheme=kubernetes.io/tls'), `identity scheme: ${args.filter((a) => a.includes('scheme')).join(' ') || 'none'}`);
    say(!named('Secret').some((s) => s.metadata.name === 'linkerd-identity-issuer'), 'renders its own identity issuer Secret');
    const webhooks = [...named('MutatingWebhookConfiguration'), ...named('ValidatingWebhookConfiguration')];
    say(webhooks.length === Object.keys(WEBHOOKS).length, `${webhooks.length} webhook configurations`);
    for (const w of webhooks) {
      const from = (WEBHOOKS as Record<string, string>)[w.metadata.name];
      say(w.metadata.annotations?.['cert-manager.io/inject-ca-from'] === from, `${w.metadata.name} inject-ca-from ${w.metadata.annotations?.['cert-manager.io/inject-ca-from']}`);
      say(w.webhooks.every((h: Obj) => h.clientConfig.caBundle === undefined), `${w.metadata.name} carries a caBundle`);
    }
    const schedule = named('CronJob').find((c) => c.metadata.name === 'linkerd-heartbeat')?.spec.schedule;
    say(schedule === HEARTBEAT.exec(job.values)?.[1], `heartbeat schedule ${schedule}`);
    say(JSON.stringify(pdbs) === JSON.stringify(e.ha ? CONTROL_PLANE_PDBS : []), `PDBs ${pdbs.join(', ') || 'none'} with ha=${e.ha}`);
    const history = deployments.map((d) => d.spec.revisionHistoryLimit);
    say(history.every((h) => h === e.revisionHistoryLimit), `revisionHistoryLimit ${history.join(',')}, expected ${e.revisionHistoryLimit}`);
  }

  if (job.chart === 'linkerd-multicluster') {
    const controllers = deployments.filter((d) => d.metadata.labels?.component === 'controller').map((d) => d.metadata.name).sort();
    const linkNames = e.links!.map((l) => l.name);
    say(JSON.stringify(controllers) === JSON.stringify(linkNames.map((n) => `controller-${n}`).sort()), `controllers ${controllers.join(', ')} for Links ${linkNames.join(', ')}`);
    for (const link of e.links!) {
      const probe = named('Service').find((s) => s.metadata.name === `probe-${link.name}`);
      if (link.probePort === undefined) say(!probe, `flat Link ${link.name} has a probe Service`);
      else say(probe?.spec.ports.find((p: Obj) => p.name === 'mc-probe')?.port === link.probePort, `probe-${link.name} port ${JSON.stringify(probe?.spec.ports)} but the Link probes ${link.probePort}`);
    }
    const gatewayService = named('Service').find((s) => s.metadata.annotations?.['mirror.linkerd.io/multicluster-gateway'] === 'true');
    const gatewayDeployment = deployments.find((d) => d.metadata.labels?.component === 'gateway');
    if (!e.gateway) say(!gatewayService && !gatewayDeployment, 'a gateway without incoming gateway Links');
    else if (!gatewayService || !gatewayDeployment) say(false, 'no gateway for incoming gateway Links');
    else {
      const port = (name: string) => gatewayService.spec.ports.find((p: Obj) => p.name === name) as Obj;
      const exposed = gatewayService.spec.type === 'NodePort' ? ['nodePort', 'nodePort'] : ['port', 'port'];
      say(port('mc-gateway')[exposed[0]] === e.gateway.port, `gateway ${gatewayService.spec.type} ${exposed[0]} ${port('mc-gateway')[exposed[0]]}, Links dial ${e.gateway.port}`);
      say(port('mc-probe')[exposed[1]] === e.gateway.probePort, `probe ${gatewayService.spec.type} ${exposed[1]} ${port('mc-probe')[exposed[1]]}, Links probe ${e.gateway.probePort}`);
      // mc-probe has no targetPort: the pod port is the Service port, where the admin server must listen.
      const target = port('mc-probe').targetPort ?? port('mc-probe').port;
      const adminPort = Number(gatewayDeployment.spec.template.metadata.annotations?.[ADMIN_PORT_ANNOTATION] ?? e.gateway.adminPort);
      say(target === adminPort, `probe reaches pod port ${target}, the gateway proxy's admin server listens on ${adminPort}`);
    }
    const expectedPdbs = e.ha
      ? [
          'linkerd-local-service-mirror',
          ...(e.gateway ? [gatewayDeployment?.metadata.name ?? 'linkerd-gateway'] : []),
          ...(e.noControllerPdb ? [] : linkNames.map((n) => `controller-${n}`)),
        ].sort()
      : [];
    say(JSON.stringify(pdbs) === JSON.stringify(expectedPdbs), `PDBs ${pdbs.join(', ') || 'none'}, expected ${expectedPdbs.join(', ') || 'none'} (ha=${e.ha})`);
    const history = deployments.map((d) => d.spec.revisionHistoryLimit);
    say(history.every((h) => h === e.revisionHistoryLimit), `revisionHistoryLimit ${history.join(',')}, expected ${e.revisionHistoryLimit}`);
  }
  return problems;
}

describe('upstream charts render every values file meshfleet writes', () => {
  const jobs = new Jobs();
  let results: Checked[] = [];
  let seconds = 0;

  beforeAll(async () => {
    const started = Date.now();
    const { default: exampleFleet } = await import('../../apps/main.ts');
    const example = fleetInput(exampleFleet, REPO);
    jobs.add('example', renderDocument(example.document, example.baseDir, example.apps));
    jobs.add('bench-10', renderDocument(generateFleet(10)));
    jobs.add('bench-100', renderDocument(generateFleet(100)));
    for (const { name, document } of matrixFleets()) jobs.add(name, renderDocument(document));
    const dir = mkdtempSync(join(tmpdir(), 'meshfleet-upstream-'));
    const prepared = (Date.now() - started) / 1000;
    results = await pool([...jobs.byKey.values()], 2, (job) => renderAndCheck(job, dir));
    seconds = (Date.now() - started) / 1000;
    if (process.env.MESHFLEET_UPSTREAM_STATS) {
      // MESHFLEET_UPSTREAM_STATS=1: how much was rendered, and where the time went.
      console.log(`upstream charts: ${jobs.valuesFiles} values files, ${results.length} distinct, ${2 * results.length} helm renders; fleets ${prepared.toFixed(1)} s, total ${seconds.toFixed(1)} s`);
      for (const chart of Object.keys(NAMESPACE)) console.log(`  ${chart}: ${results.filter((r) => r.job.chart === chart).length} distinct`);
    }
  }, 900_000);

  it('renders each distinct values file twice, byte-identical, with no private key, meaning what the fleet says', () => {
    expect(results.length).toBe(jobs.byKey.size);
    expect(results.flatMap((r) => r.problems)).toStrictEqual([]);
  });

  it('covers every source: the example, both bench fleets and every matrix fleet, with all three charts', () => {
    const sources = [...jobs.perSource.keys()];
    expect(sources.slice(0, 3)).toStrictEqual(['example', 'bench-10', 'bench-100']);
    expect(sources.length).toBe(3 + LINKERD_RELEASES.length * 2 * 2);
    for (const [source, keys] of jobs.perSource) {
      const charts = new Set([...keys].map((k) => jobs.byKey.get(k)!.chart));
      expect([source, [...charts].sort()]).toStrictEqual([source, ['linkerd-control-plane', 'linkerd-crds', 'linkerd-multicluster']]);
    }
    // Every release's charts were rendered at its Kubernetes floor.
    for (const release of LINKERD_RELEASES) {
      expect(results.some((r) => r.job.release === release && r.job.kubeVersion === `${kubernetesFloor(release)}.0`)).toBe(true);
    }
  });

  it('gives every cluster a valid heartbeat schedule, which the control plane charts read only for the CronJob', () => {
    const schedules = results.flatMap((r) => r.job.schedules);
    expect(schedules.length).toBe(results.filter((r) => r.job.chart === 'linkerd-control-plane').reduce((n, r) => n + r.job.origins.length, 0));
    expect(schedules.filter((s) => !/^([1-5]?\d) (1?\d|2[0-3]) \* \* \*$/.test(s))).toStrictEqual([]);
    for (const release of LINKERD_RELEASES) {
      const dir = mkdtempSync(join(tmpdir(), 'meshfleet-chart-'));
      execFileSync('tar', ['xzf', upstreamPath('upstream/linkerd-charts', release.version, `linkerd-control-plane-${release.chartVersion}.tgz`), '-C', dir]);
      const readers = execFileSync('grep', ['-rl', 'heartbeatSchedule', join(dir, 'linkerd-control-plane', 'templates')]).toString().trim().split('\n');
      expect([release.version, readers.map((f) => f.slice(dir.length + 1))]).toStrictEqual([release.version, ['linkerd-control-plane/templates/heartbeat.yaml']]);
    }
  });

  it('renders what charts-out/ holds for the example', () => {
    const example = jobs.perSource.get('example')!;
    for (const key of example) {
      const job = jobs.byKey.get(key)!;
      for (const origin of job.origins.filter((o) => o.startsWith('example '))) {
        const file = join(REPO, 'charts-out', origin.slice('example '.length), 'values', `${job.chart}.yaml`);
        expect([file, readFileSync(file, 'utf8') === job.values]).toStrictEqual([file, true]);
      }
    }
  });
});
