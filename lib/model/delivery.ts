// How the synthesized output reaches the clusters: the GitOps part of the fleet model. Plain data,
// like types.ts; lib/delivery/ resolves and renders it. Settings merge fleet → environment
// (spec.delivery, then spec.environments.<env>.delivery); a cluster entry may only name where it is.

export type DeliveryEngine = 'argocd' | 'flux' | 'none';

/**
 * How Argo CD gets the Applications:
 * - app-of-apps: one root Application per environment over a folder of Applications (sync waves);
 * - list: one ApplicationSet for the fleet with a list generator (RollingSync orders the rollout);
 * - clusters: the same ApplicationSet, but each cluster is matched to a cluster registered in Argo CD
 *   (label `meshfleet.dev/cluster: <name>` on its cluster Secret), which supplies the server URL.
 */
export type ArgoGenerator = 'app-of-apps' | 'list' | 'clusters';

export interface GitRepoSpec {
  /** The Git repository where charts-out/ is committed (https:// or ssh://; Argo CD also takes git@host:org/repo). */
  readonly url?: string;
  /** Branch to follow. Exactly one of branch, tag, commit per layer. @default "main" */
  readonly branch?: string;
  /** A tag to follow instead of a branch (promotion by moving the tag). */
  readonly tag?: string;
  /** A commit to pin. */
  readonly commit?: string;
  /** Folder of charts-out/ inside the repository. @default "charts-out" */
  readonly path?: string;
}

export interface ArgoCDSettings {
  /** AppProject of the generated Applications. @default "default" */
  readonly project?: string;
  /** @default "app-of-apps" */
  readonly generator?: ArgoGenerator;
}

export interface FluxSettings {
  /** Reconcile interval of every Flux object. @default "10m" */
  readonly interval?: string;
  /**
   * One Flux instance (a management cluster) drives the environment's clusters through a kubeConfig
   * Secret per cluster. Without it, Flux applies to the cluster it runs in, so the environment may
   * hold one cluster only. @default true
   */
  readonly remoteClusters?: boolean;
}

/** Delivery settings a fleet or an environment may set (the environment's win). */
export interface DeliverySettings {
  /** @default "none": plain output only */
  readonly engine?: DeliveryEngine;
  readonly repo?: GitRepoSpec;
  /** Helm repository of the Linkerd charts; an oci:// URL makes Flux use OCIRepository. @default "https://helm.linkerd.io/edge" */
  readonly helmRepository?: string;
  /** Major version of the mesh/ charts; raising it restarts them at <major>.0.0. @default 0 */
  readonly chartMajor?: number;
  readonly argocd?: ArgoCDSettings;
  readonly flux?: FluxSettings;
}

export interface FleetDeliverySpec extends DeliverySettings {
  /** Environments in rollout order, e.g. [dev, staging, prod]; the rest follow in declaration order. */
  readonly rollout?: readonly string[];
  /** Namespace of Argo CD (where Applications live) and of Flux. @default { argocd: "argocd", flux: "flux-system" } */
  readonly namespaces?: { readonly argocd?: string; readonly flux?: string };
}

/** Where one cluster is, for the engine of its environment. */
export interface ClusterDeliverySpec {
  /** Argo CD destination: the API server URL or the cluster name as registered in Argo CD. @default { name: <cluster name> } */
  readonly argocd?: { readonly server?: string; readonly name?: string; readonly project?: string };
  /** The Secret (in the Flux namespace) with the cluster's kubeconfig. @default { secretName: "<cluster>-kubeconfig" } */
  readonly flux?: { readonly kubeConfigSecret?: string; readonly kubeConfigKey?: string };
}
