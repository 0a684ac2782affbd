// What one cluster's rendering produced, and the folders and files it is laid out in: read by the
// pipeline that writes it (lib/synth), by delivery (lib/rollout) and by commands reading an output folder.
import type { UpstreamChart } from '../compat/upstream-values.ts';
import type { KubeObject, ObjectFile } from '../model/kube-object.ts';
import type { ResolvedCluster } from '../resolve/resolve.ts';

export const INDEX_FILE = 'index.json';
/** A cluster's Services and routes: plain manifests + kustomization, applied after the mesh. */
export const ROUTES_FOLDER = 'routes';

export interface RenderedCluster {
  readonly cluster: ResolvedCluster;
  /** Folder of the cluster in the output, relative to it ("prod/eu-1"). */
  readonly folder: string;
  readonly objects: readonly KubeObject[];
  /** The same objects as they are laid out in files. */
  readonly objectFiles: readonly ObjectFile[];
  readonly upstreamValues: Partial<Record<UpstreamChart, Record<string, unknown>>>;
  readonly chartVersion: string;
  /** Files written to the cluster's gateway-api/ folder (a vendored bundle); empty otherwise. */
  readonly gatewayApiFiles: ReadonlyMap<string, string>;
  /** The cluster's declared Services and mesh routes, as laid out in its routes/ folder. */
  readonly routeFiles: readonly ObjectFile[];
  /** What index.json counts, without reading the objects (an incremental synth decodes a reused cluster's only when read). */
  readonly counts: ObjectCounts;
}

export interface ObjectCounts {
  /** objects.length */
  readonly objects: number;
  /** Each routes/ file's objects, by file name. */
  readonly routeFiles: Readonly<Record<string, number>>;
}

export function countsOf(objects: readonly unknown[], routeFiles: readonly ObjectFile[]): ObjectCounts {
  return { objects: objects.length, routeFiles: Object.fromEntries(routeFiles.map((f) => [f.name, f.objects.length])) };
}
