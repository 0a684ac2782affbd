// meshfleet graph: the example fleet's topology as DOT, Mermaid and SVG (Graphviz in WebAssembly),
// with every cluster, link, gateway, hub and federated service; and the README's picture up to date.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../lib/cli/main.ts';
import { topologyDot } from '../../lib/graph/dot.ts';
import { topologyMermaid } from '../../lib/graph/mermaid.ts';
import { topologyOf } from '../../lib/graph/topology.ts';
import { exampleDocument, fleetDocument, plan, REPO } from '../support/fleet.ts';
import { capture } from '../support/cli.ts';

const EXAMPLE = join(REPO, 'apps', 'fleet.yaml');

async function graph(...args: string[]) {
  const io = capture();
  const code = await runCli(['graph', ...args], io);
  return { code, ...io };
}

const example = plan(exampleDocument()).fleet!;
/** What the picture must show, from the resolved fleet itself. */
const clusters = example.clusters.map((c) => c.name);
const links = example.links.map((l) => ({ source: l.source, target: l.target, mode: l.mode }));
const gatewayTargets = new Set(example.links.filter((l) => l.mode === 'gateway').map((l) => l.target));

const decode = (text: string) =>
  text.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

/** Node and edge titles and the text lines of each node, read from Graphviz's SVG. */
function parseSvg(svg: string) {
  const groups = [...svg.matchAll(/<g id="[^"]+" class="(node|edge)">\s*<title>([^<]*)<\/title>([\s\S]*?)<\/g>/g)];
  const nodes = new Map<string, string[]>();
  const edges: string[] = [];
  for (const [, kind, title, body] of groups) {
    if (kind === 'node') nodes.set(decode(title!), [...body!.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => decode(m[1]!)));
    else edges.push(decode(title!));
  }
  return { nodes, edges };
}

describe('meshfleet graph of the example fleet', () => {
  it('DOT: every cluster with its Linkerd version, HA, gateway and hub, grouped by environment and network', async () => {
    const { code, stdout } = await graph(EXAMPLE, '--format', 'dot');
    expect(code).toBe(0);
    for (const cluster of example.clusters) {
      const line = stdout.split('\n').find((l) => l.trimStart().startsWith(`"${cluster.name}" [label=`));
      expect(line, cluster.name).toBeDefined();
      expect(line).toContain(`Linkerd ${cluster.linkerdVersion}${cluster.ha ? ' · HA' : '\\n'}`.replace(/\\n$/, ''));
      expect(line!.includes('\\ngateway'), `${cluster.name} gateway`).toBe(gatewayTargets.has(cluster.name));
      expect(line!.includes('\\nhub'), `${cluster.name} hub`).toBe(cluster.name === 'us-1');
      expect(line!.includes('peripheries=2'), `${cluster.name} HA frame`).toBe(cluster.ha);
    }
    expect(stdout).toContain('subgraph "cluster_environment_prod" {');
    expect(stdout).toContain('subgraph "cluster_network_prod_eu" {');
    expect(stdout).toContain('subgraph "cluster_network_prod_us" {');
    // eu-1 sits in network eu of environment prod.
    const euBlock = stdout.slice(stdout.indexOf('subgraph "cluster_network_prod_eu"'), stdout.indexOf('subgraph "cluster_network_prod_us"'));
    expect(euBlock).toContain('"eu-1" [label=');
    expect(euBlock).not.toContain('"us-1" [label=');
  });

  it('DOT: every link once per pair, with its direction and mode', async () => {
    const { stdout } = await graph(EXAMPLE, '--format', 'dot');
    const edges = [...stdout.matchAll(/^ {2}"([^"]+)" -> "([^"]+)" \[label="(gateway|flat)"[^\n]*?(, dir=both)?\];$/gm)].map(([, s, t, mode, both]) => ({ s, t, mode, both: Boolean(both) }));
    const shown = edges.flatMap((e) => [{ source: e.s, target: e.t, mode: e.mode }, ...(e.both ? [{ source: e.t, target: e.s, mode: e.mode }] : [])]);
    expect(new Set(shown.map((l) => JSON.stringify(l)))).toEqual(new Set(links.map((l) => JSON.stringify(l))));
    expect(shown).toHaveLength(links.length);
    expect(edges.filter((e) => e.mode === 'flat').every((e) => /style=dashed/.test(stdout.split('\n').find((l) => l.includes(`"${e.s}" -> "${e.t}"`))!))).toBe(true);
  });

  it('DOT: federated services joined to their member clusters', async () => {
    const { stdout } = await graph(EXAMPLE, '--format', 'dot');
    for (const service of example.federatedServices) {
      expect(stdout).toContain(`"federated:${service.namespace}/${service.name}" [label="${service.name}-federated\\nnamespace ${service.namespace}"`);
      for (const c of service.clusters) expect(stdout).toContain(`"federated:${service.namespace}/${service.name}" -> "${c}" [dir=none`);
    }
  });

  it('Mermaid: nested subgraphs, every cluster, arrows by mode and direction, the hub as a hexagon', async () => {
    const { code, stdout } = await graph(EXAMPLE, '--format', 'mermaid');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^---\ntitle: fleet acme\n---\nflowchart LR\n/);
    expect(stdout).toContain('  subgraph env_prod["environment prod"]\n    subgraph net_prod_eu["network eu"]\n      cluster_eu_1["eu-1<br/>Linkerd 2.20 · HA<br/>gateway 203.0.113.11"]');
    for (const name of clusters) expect(stdout).toMatch(new RegExp(`^ +cluster_${name.replace(/-/g, '_')}[\\[{]`, 'm'));
    expect(stdout).toContain('cluster_us_1{{"us-1<br/>Linkerd 2.18 · HA<br/>gateway gw.us-1.acme.example<br/>hub"}}');
    expect(stdout).toContain('  cluster_eu_1 <-.->|flat| cluster_eu_2\n');
    expect(stdout).toContain('  cluster_eu_1 <-->|gateway| cluster_us_1\n');
    expect(stdout).toContain('  federated_shop_checkout -.- cluster_eu_2\n');
    // Subgraphs are balanced.
    expect(stdout.match(/^ *subgraph /gm)!.length).toBe(stdout.match(/^ *end$/gm)!.length);
  });

  it('SVG: rendered in-process; holds every cluster with its labels, every link and federated service', async () => {
    const { code, stdout, stderr } = await graph(EXAMPLE, '--format', 'svg');
    expect(code).toBe(0);
    expect(stderr).toMatch(/^meshfleet: \d+ warning\(s\) about the fleet; meshfleet validate lists them\n$/);
    expect(stdout).toMatch(/^<\?xml[\s\S]*<svg [\s\S]*<\/svg>\n$/);
    const { nodes, edges } = parseSvg(stdout);
    for (const cluster of example.clusters) {
      expect(nodes.get(cluster.name), cluster.name).toEqual(expect.arrayContaining([cluster.name, `Linkerd ${cluster.linkerdVersion}${cluster.ha ? ' · HA' : ''}`]));
    }
    expect(nodes.get('us-1')).toEqual(['us-1', 'Linkerd 2.18 · HA', 'gateway gw.us-1.acme.example', 'hub']);
    for (const link of links) expect(edges.includes(`${link.source}->${link.target}`) || edges.includes(`${link.target}->${link.source}`), `${link.source}->${link.target}`).toBe(true);
    for (const service of example.federatedServices) expect(nodes.get(`federated:${service.namespace}/${service.name}`)).toEqual([`${service.name}-federated`, `namespace ${service.namespace}`]);
    expect(nodes.size).toBe(clusters.length + example.federatedServices.length);
  });

  it('is deterministic: the same fleet gives the same bytes', async () => {
    const first = await graph(EXAMPLE, '--format', 'svg');
    const second = await graph(EXAMPLE, '--format', 'svg');
    expect(second.stdout).toBe(first.stdout);
  });

  it('docs/images/fleet.svg, shown in the README, is the example\'s picture (npm run gen:graph)', async () => {
    const { stdout } = await graph(EXAMPLE);
    expect(readFileSync(join(REPO, 'docs', 'images', 'fleet.svg'), 'utf8')).toBe(stdout);
  });
});

describe('meshfleet graph', () => {
  it('draws one-way links with one head, and a gateway only where a gateway link arrives', () => {
    const doc = fleetDocument((d) => {
      d.spec.clusters.push({ name: 'c', environment: 'prod', network: 'n2', podCIDR: '10.3.0.0/16', serviceCIDR: '10.103.0.0/16', apiServer: 'https://c.example:6443', gateway: { address: '192.0.2.12' } });
      d.spec.links = [{ hub: 'c', spokes: ['a'], mode: 'gateway', direction: 'to-hub' }, { from: 'a', to: 'b', mode: 'flat' }];
    });
    const topology = topologyOf(plan(doc).fleet!, doc.spec.links);
    expect(topology.links).toEqual([
      { source: 'a', target: 'c', mode: 'gateway', both: false },
      { source: 'a', target: 'b', mode: 'flat', both: false },
    ]);
    const dot = topologyDot(topology);
    expect(dot).toContain('"a" -> "c" [label="gateway", color="#1d4ed8", fontcolor="#1d4ed8", penwidth=1.6];');
    expect(dot).toContain('"c" [label="c\\nLinkerd 2.20\\ngateway 192.0.2.12\\nhub", penwidth=2.5];');
    expect(dot).toContain('"a" [label="a\\nLinkerd 2.20"];');
    expect(topologyMermaid(topology)).toContain('  cluster_a -.->|flat| cluster_b\n');
  });

  it('writes --out with the format of its extension', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshfleet-graph-'));
    expect((await graph(EXAMPLE, '--out', join(dir, 'fleet.mmd'))).code).toBe(0);
    expect(readFileSync(join(dir, 'fleet.mmd'), 'utf8')).toMatch(/^---\ntitle: fleet acme/);
    expect((await graph(EXAMPLE, '--out', join(dir, 'fleet.gv'))).code).toBe(0);
    expect(readFileSync(join(dir, 'fleet.gv'), 'utf8')).toMatch(/^digraph "acme" \{/);
  });

  it('exits 1 with the errors and no picture when the fleet has errors, leaving --out as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshfleet-graph-'));
    const fleet = join(dir, 'fleet.yaml');
    writeFileSync(fleet, readFileSync(EXAMPLE, 'utf8').replace('anchor:\n      file: trust/anchor.crt', `anchor:\n      file: ${join(REPO, 'apps', 'trust', 'anchor.crt')}`).replace('{ mesh: [us-1, us-2], mode: flat }', '{ mesh: [us-1, us-3], mode: flat }'));
    writeFileSync(join(dir, 'old.svg'), 'previous');
    const { code, stdout, stderr } = await graph(fleet, '--out', join(dir, 'old.svg'));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error MF4001 \/spec\/links\/1\/mesh\/1 \(.*fleet\.yaml:\d+:\d+\): .*us-3/m);
    expect(readFileSync(join(dir, 'old.svg'), 'utf8')).toBe('previous');
  });

  it('exits 2 on an unknown format', async () => {
    const { code, stderr } = await graph(EXAMPLE, '--format', 'png');
    expect(code).toBe(2);
    expect(stderr).toContain('unknown format png: use svg, dot, mermaid');
  });
});

describe('meshfleet schema', () => {
  it('prints the committed fleet schema', async () => {
    const io = capture();
    expect(await runCli(['schema'], io)).toBe(0);
    expect(io.stdout).toBe(readFileSync(join(REPO, 'schemas', 'fleet.schema.json'), 'utf8'));
    expect(JSON.parse(io.stdout).properties.spec.properties.clusters.description).toMatch(/clusters of the fleet/);
  });
});
