// A topology in one of the picture formats; SVG loads Graphviz (WebAssembly) only when asked for.
import { topologyDot } from './dot.ts';
import { topologyMermaid } from './mermaid.ts';
import type { Topology } from './topology.ts';

export const GRAPH_FORMATS = ['svg', 'dot', 'mermaid'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export async function drawTopology(topology: Topology, format: GraphFormat): Promise<string> {
  if (format === 'mermaid') return topologyMermaid(topology);
  const dot = topologyDot(topology);
  return format === 'dot' ? dot : (await import('./svg.ts')).renderSvg(dot);
}
