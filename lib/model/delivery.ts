// How the synthesized output reaches the clusters: the GitOps part of the fleet model. Plain data,
// like types.ts; lib/resolve/delivery.ts resolves it, lib/rollout/gitops-files.ts renders it. Settings merge fleet → environment
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

/** The Git repository the delivery engine reads charts-out/ from. */
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
  /**
   * Credentials of a private repository, by reference: a Secret in the Flux namespace that the
   * GitRepository reads (`spec.secretRef`: username/password or token for https, identity and
   * known_hosts for ssh). Argo CD does not take a reference: register the repository (or its
   * credential template) in Argo CD, a Secret labelled argocd.argoproj.io/secret-type: repository or
   * repo-creds (docs/reference/gitops-delivery.md). @default none (a public repository)
   */
  readonly secretRef?: {
    /** Name of the Secret in the Flux namespace. @example mesh-repo-auth */
    readonly name: string;
  };
}

/**
 * How an Argo CD Application names its destination cluster:
 * - name: `destination.name`, the cluster's name as registered in Argo CD (cluster.delivery.argocd.name, else the fleet's cluster name);
 * - server: `destination.server`, the API server URL as registered (cluster.delivery.argocd.server, else the cluster's apiServer).
 */
export type ArgoDestinationNaming = 'name' | 'server';

/** Argo CD settings. */
export interface ArgoCDSettings {
  /** AppProject of the generated Applications. @default "default" */
  readonly project?: string;
  /** How Argo CD gets the Applications: app-of-apps, or one ApplicationSet (list or clusters generator). @default "app-of-apps" */
  readonly generator?: ArgoGenerator;
  /** How Applications name their destination cluster: name or server (generators app-of-apps and list). @default server for a cluster that sets delivery.argocd.server, else name */
  readonly destination?: ArgoDestinationNaming;
}

/** Flux settings. */
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

/**
 * Where the engines take a cluster's mesh objects from:
 * - manifests: the manifests/ folder in Git, as plain manifests (kustomize);
 * - chart: the versioned mesh/ chart, from its folder in Git, as a Helm chart;
 * - chart-repository: the same chart packaged (`meshfleet package`) and uploaded to a Helm chart
 *   repository or an OCI registry, at its version.
 */
export type MeshSource = 'manifests' | 'chart' | 'chart-repository';

/** How each cluster's mesh objects (its mesh/ chart and manifests/ folder) reach the cluster. */
export interface MeshDeliverySettings {
  /** What the engines apply: manifests (the manifests/ folder), chart (the mesh/ chart from Git) or chart-repository (the packaged chart from chartRepository). @default "manifests" */
  readonly source?: MeshSource;
  /**
   * The Helm chart repository (https://, serving the index.yaml `meshfleet package` writes) or OCI
   * registry path (oci://) the packaged mesh charts are uploaded to; needed by source chart-repository.
   * @example oci://registry.acme.example/mesh
   */
  readonly chartRepository?: string;
}

/** Delivery settings a fleet or an environment may set (the environment's win). */
export interface DeliverySettings {
  /** The GitOps engine that applies the output: argocd, flux, or none (plain output only). @default "none" */
  readonly engine?: DeliveryEngine;
  /** Where the output is committed. */
  readonly repo?: GitRepoSpec;
  /** Helm repository of the Linkerd charts; an oci:// URL makes Flux use OCIRepository. @default "https://helm.linkerd.io/edge" */
  readonly helmRepository?: string;
  /** Major version of the mesh/ charts; raising it restarts them at <major>.0.0. @default 0 */
  readonly chartMajor?: number;
  /** How the mesh objects are delivered: the manifests/ folder, or the versioned mesh/ chart (from Git or a chart repository). */
  readonly mesh?: MeshDeliverySettings;
  /** Argo CD settings (engine argocd): AppProject, generator. */
  readonly argocd?: ArgoCDSettings;
  /** Flux settings (engine flux): interval, remote clusters. */
  readonly flux?: FluxSettings;
}

export interface FleetDeliverySpec extends DeliverySettings {
  /** Environments in rollout order, e.g. [dev, staging, prod]; the rest follow in declaration order. */
  readonly rollout?: readonly string[];
  /** Namespaces the engines run in. */
  readonly namespaces?: {
    /** Namespace of Argo CD, where the Applications live. @default "argocd" */
    readonly argocd?: string;
    /** Namespace of Flux. @default "flux-system" */
    readonly flux?: string;
  };
}

/** Where one cluster is, for the engine of its environment. */
export interface ClusterDeliverySpec {
  /** The cluster as an Argo CD destination. */
  readonly argocd?: {
    /** The API server URL exactly as registered in Argo CD. @example https://eu-1.example.com:6443 */
    readonly server?: string;
    /** The cluster's name as registered in Argo CD (when no server is given). @default the cluster's name */
    readonly name?: string;
    /** AppProject of this cluster's Applications. @default the environment's */
    readonly project?: string;
  };
  /** The cluster for a Flux instance that drives it remotely. */
  readonly flux?: {
    /** The Secret (in the Flux namespace) holding the cluster's kubeconfig. @default "<cluster>-kubeconfig" */
    readonly kubeConfigSecret?: string;
    /** The key of the kubeconfig in that Secret. @default Flux's: "value", else "value.yaml" */
    readonly kubeConfigKey?: string;
  };
}
