// The conventions of a cluster's mesh/ chart that its delivery relies on: output writes the chart
// with them (lib/output/helm-chart.ts), the Argo CD and Flux constructs name and select from it.

/**
 * A cluster's mesh chart is named after the cluster: a chart repository or OCI registry keys charts
 * by name, and the packaged charts of a fleet share one (`meshfleet package`).
 */
export function meshChartName(cluster: string): string {
  return `mesh-${cluster}`;
}

/**
 * The value that selects template files: a delivery step that applies part of the chart lists its
 * files (a Helm release cannot be split otherwise); empty or unset, the chart renders every object.
 */
export const FILES_VALUE = 'files';
