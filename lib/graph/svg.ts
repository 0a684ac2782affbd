// SVG from DOT, in-process: Graphviz compiled to WebAssembly (@viz-js/viz), no `dot` binary needed.
// Imported only by `meshfleet graph --format svg`, so other commands never load its 1.2 MB module
// (the WebAssembly is inlined).
// Graphviz lays out deterministically and the WebAssembly build measures text with built-in font
// metrics, not the system's fonts: the same DOT gives the same SVG on every machine.

export async function renderSvg(dot: string): Promise<string> {
  const { instance } = await import('@viz-js/viz');
  const viz = await instance();
  const result = viz.render(dot, { format: 'svg', engine: 'dot' });
  if (result.status !== 'success') {
    throw new Error(`Graphviz could not draw the topology: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  return result.output;
}
