// The topology as a Mermaid flowchart (GitHub and most Markdown viewers draw it): environments and
// networks as nested subgraphs, links as arrows (solid: gateway, dotted: flat; two heads when both
// clusters mirror each other), federated services as stadium nodes joined to their members.
import { clusterLines, federatedLines, type Topology } from './topology.ts';

/** Mermaid ids: letters, digits and "_" only; prefixed so that no id is a keyword ("end"). */
const id = (kind: string, ...parts: string[]) => `${kind}_${parts.join('_').replace(/[^A-Za-z0-9]/g, '_')}`;
/** A quoted label; Mermaid reads HTML entities, so quotes and angle brackets are escaped. */
const label = (lines: readonly string[]) =>
  `"${lines.map((l) => l.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')).join('<br/>')}"`;

export function topologyMermaid(topology: Topology): string {
  const out: string[] = ['---', `title: fleet ${topology.fleet}`, '---', 'flowchart LR'];
  const ids = new Map<string, string>();
  for (const environment of topology.environments) {
    out.push(`  subgraph ${id('env', environment.name)}[${label([`environment ${environment.name}`])}]`);
    for (const network of environment.networks) {
      out.push(`    subgraph ${id('net', environment.name, network.name)}[${label([`network ${network.name}`])}]`);
      for (const cluster of network.clusters) {
        ids.set(cluster.name, id('cluster', cluster.name));
        const shape = cluster.hub ? ['{{', '}}'] : ['[', ']'];
        out.push(`      ${ids.get(cluster.name)}${shape[0]}${label(clusterLines(cluster))}${shape[1]}`);
      }
      out.push('    end');
    }
    out.push('  end');
  }
  for (const link of topology.links) {
    const arrow = link.mode === 'gateway' ? (link.both ? '<-->' : '-->') : link.both ? '<-.->' : '-.->';
    out.push(`  ${ids.get(link.source)} ${arrow}|${link.mode}| ${ids.get(link.target)}`);
  }
  for (const service of topology.federatedServices) {
    const node = id('federated', service.namespace, service.name);
    out.push(`  ${node}([${label(federatedLines(service))}])`);
    for (const cluster of service.clusters) out.push(`  ${node} -.- ${ids.get(cluster)}`);
  }
  return out.join('\n') + '\n';
}
