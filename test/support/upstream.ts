// The upstream folder of the upstream suite; defined in test/upstream/, the only place that may read it.
export { missingUpstreamParts, UPSTREAM, UPSTREAM_PARTS, upstreamPath } from '../upstream/folder.ts';
