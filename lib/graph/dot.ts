// The topology as Graphviz DOT: one box per cluster inside a frame per network inside a frame per
// environment; links as arrows from the source (which mirrors) to the target (whose services are
// mirrored), solid for gateway links and dashed for flat ones; federated services as ovals joined to
// their member clusters by dotted lines. Written line by line in a fixed order: the same fleet gives
// the same bytes. Helvetica: Graphviz sizes boxes with its built-in metrics for it (a font list would
// fall back to Times metrics and crop the text in viewers that draw Helvetica or Arial).
import { clusterLines, federatedLines, type Topology } from './topology.ts';

const FONT = 'Helvetica';
const MODE_STYLE = {
  gateway: 'color="#1d4ed8", fontcolor="#1d4ed8", penwidth=1.6',
  flat: 'color="#15803d", fontcolor="#15803d", style=dashed',
} as const;

/** A DOT double-quoted string; `\n` in the text becomes a centred line break. */
const quote = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

export function federatedNodeId(namespace: string, name: string): string {
  return `federated:${namespace}/${name}`;
}

export function topologyDot(topology: Topology): string {
  const out: string[] = [
    `digraph ${quote(topology.fleet)} {`,
    `  graph [label=${quote(`fleet ${topology.fleet}`)}, labelloc=t, fontname=${quote(FONT)}, fontsize=16, rankdir=TB, nodesep=0.5, ranksep=0.8];`,
    `  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#334155", fontname=${quote(FONT)}, fontsize=11, margin="0.3,0.08"];`,
    `  edge [fontname=${quote(FONT)}, fontsize=10];`,
  ];
  for (const environment of topology.environments) {
    out.push(`  subgraph ${quote(`cluster_environment_${environment.name}`)} {`);
    out.push(`    label=${quote(`environment ${environment.name}`)}; fontsize=13; style="rounded,filled"; fillcolor="#f1f5f9"; color="#94a3b8";`);
    for (const network of environment.networks) {
      out.push(`    subgraph ${quote(`cluster_network_${environment.name}_${network.name}`)} {`);
      out.push(`      label=${quote(`network ${network.name}`)}; fontsize=12; style="rounded,dashed,filled"; fillcolor="#e2e8f0"; color="#64748b";`);
      for (const cluster of network.clusters) {
        const hub = cluster.hub ? ', penwidth=2.5' : '';
        const ha = cluster.ha ? ', peripheries=2' : '';
        out.push(`      ${quote(cluster.name)} [label=${quote(clusterLines(cluster).join('\n'))}${hub}${ha}];`);
      }
      out.push('    }');
    }
    out.push('  }');
  }
  for (const link of topology.links) {
    const direction = link.both ? ', dir=both' : '';
    out.push(`  ${quote(link.source)} -> ${quote(link.target)} [label=${quote(link.mode)}, ${MODE_STYLE[link.mode]}${direction}];`);
  }
  for (const service of topology.federatedServices) {
    const id = federatedNodeId(service.namespace, service.name);
    out.push(`  ${quote(id)} [label=${quote(federatedLines(service).join('\n'))}, shape=ellipse, style=filled, fillcolor="#fef3c7", color="#b45309"];`);
    for (const cluster of service.clusters) out.push(`  ${quote(id)} -> ${quote(cluster)} [dir=none, style=dotted, color="#b45309"];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}
