// The parts a cluster's delivery is made of, as both engines' constructs read them. Which components a
// cluster has is derived from what was rendered for it (lib/rollout/components.ts).
import type { UpstreamChart } from '../../compat/upstream-values.ts';
import type { GatewayAPISource } from '../../resolve/gateway-api.ts';
import type { DriftRule } from './drift.ts';
import { phaseBefore, type Phase } from './phases.ts';

/** Where a cluster's Gateway API CRDs come from, as resolved (lib/resolve/gateway-api.ts). */
export type { GatewayAPISource };

/** What both engines need to know about a part of the cluster that installs CRDs. */
export type CrdSize = 'none' | 'small' | 'large';

export interface ComponentBase {
  /** Stable id: the Helm release name, and the suffix of the Application/HelmRelease/Kustomization name. */
  readonly name: string;
  readonly phase: Phase;
  /** Namespace the component's namespaced objects go to. */
  readonly namespace: string;
  /** No earlier component provides the namespace, so the engine creates it (without labels). */
  readonly createNamespace: boolean;
  /** "large": over the 256 KiB annotation limit of client-side apply, so apply server-side. */
  readonly crds: CrdSize;
  /** Some of its objects are custom resources whose CRDs another component or Application installs. */
  readonly usesForeignCrds: boolean;
  readonly drift: readonly DriftRule[];
  /**
   * Where a Flux HelmRelease keeps the Helm release record: Helm writes it before any object, so the
   * namespace must exist by then. @default namespace
   */
  readonly storageNamespace?: string;
}

/**
 * The mesh/ chart a part of the mesh is delivered as (delivery mesh.source chart or
 * chart-repository): from its folder in Git, or packaged in a chart repository at its version.
 */
export type MeshChart =
  | { readonly from: 'git'; readonly name: string; readonly version: string; readonly path: string }
  | { readonly from: 'repository'; readonly name: string; readonly version: string; readonly repository: string };

/** A namespace every cluster has, so a Helm release record can be kept there before anything is applied. */
export const HELM_STORAGE_NAMESPACE = 'default';

export interface UpstreamChartComponent extends ComponentBase {
  readonly kind: 'upstream-chart';
  readonly chart: UpstreamChart;
  readonly version: string;
  /** The values file, relative to charts-out/. */
  readonly valuesFile: string;
  readonly values: Readonly<Record<string, unknown>>;
}

export interface MeshComponent extends ComponentBase {
  readonly kind: 'mesh';
  /** The mesh/ chart and manifests/ folders, relative to charts-out/. */
  readonly chartPath: string;
  readonly manifestsPath: string;
  readonly chartVersion: string;
  /**
   * The files of manifests/ this component applies, when the cluster's objects span phases (from the
   * chart, the templates its `files` value selects). @default the whole chart
   */
  readonly files?: readonly string[];
  /** The chart this part is delivered as; undefined: the manifests/ files. Never set for routes/. */
  readonly chart?: MeshChart;
}

export interface GatewayAPIComponent extends ComponentBase {
  readonly kind: 'gateway-api';
  readonly source: GatewayAPISource;
}

export type Component = UpstreamChartComponent | MeshComponent | GatewayAPIComponent;

export const MESH_COMPONENT = 'mesh';
export const GATEWAY_API_COMPONENT = 'gateway-api-crds';

/** The components a component waits for: those of the gating phase before its own (phases.ts). */
export function previousPhaseComponents(components: readonly Component[], component: Component): Component[] {
  const before = phaseBefore(component.phase, new Set(components.map((c) => c.phase)));
  return before ? components.filter((c) => c.phase === before) : [];
}
