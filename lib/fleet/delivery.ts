// TypeScript front door for GitOps delivery: each factory builds exactly the fleet file's `delivery`
// settings (spec.delivery, spec.environments.<env>.delivery).
import type { ArgoDestinationNaming, ArgoGenerator, DeliverySettings, GitRepoSpec, MeshDeliverySettings } from '../model/delivery.ts';

export interface GitRepoOptions {
  /** The repository (https:// or ssh://; Argo CD also takes git@host:org/repo). @default the layer below's */
  readonly url?: string;
  /** Folder of the output inside the repository. @default "charts-out" */
  readonly path?: string;
  /** Secret (in the engine's namespace) with the credentials of a private repository: Flux GitRepository `secretRef`. @default none */
  readonly secretRef?: { readonly name: string };
}

/** The Git repository, and the branch, tag or commit, the delivery engine reads the output from. */
export class GitRepo {
  /** Follow a branch. */
  static branch(branch: string, options: GitRepoOptions = {}): GitRepo {
    return new GitRepo({ ...urlOf(options), branch, ...pathOf(options), ...secretRefOf(options) });
  }

  /** Follow a tag (promotion by moving the tag). */
  static tag(tag: string, options: GitRepoOptions = {}): GitRepo {
    return new GitRepo({ ...urlOf(options), tag, ...pathOf(options), ...secretRefOf(options) });
  }

  /** Pin a commit. */
  static commit(commit: string, options: GitRepoOptions = {}): GitRepo {
    return new GitRepo({ ...urlOf(options), commit, ...pathOf(options), ...secretRefOf(options) });
  }

  /** A repository at the branch of the layer below (default "main"). */
  static url(url: string, options: Omit<GitRepoOptions, 'url'> = {}): GitRepo {
    return new GitRepo({ url, ...pathOf(options), ...secretRefOf(options) });
  }

  /** The fleet document's `repo`. */
  private constructor(readonly spec: GitRepoSpec) {}
}

/** What the engines apply of each cluster's mesh objects (the fleet file's `delivery.mesh`). */
export class MeshDelivery {
  /** The plain manifests/ folder (kustomize). The default. */
  static manifests(): MeshDelivery {
    return new MeshDelivery({ source: 'manifests' });
  }

  /** The versioned mesh/ chart, read from its folder in Git as a Helm chart. */
  static gitChart(): MeshDelivery {
    return new MeshDelivery({ source: 'chart' });
  }

  /**
   * The mesh/ chart packaged (`meshfleet package`) and uploaded to a Helm chart repository (https://,
   * serving the index.yaml meshfleet writes) or an OCI registry path (oci://).
   */
  static chartRepository(url: string): MeshDelivery {
    return new MeshDelivery({ source: 'chart-repository', chartRepository: url });
  }

  /** The fleet document's `delivery.mesh`. */
  private constructor(readonly spec: MeshDeliverySettings) {}
}

export interface DeliveryProps {
  /** Where the output is committed. @default the layer below's */
  readonly repo?: GitRepo;
  /** Helm repository of the Linkerd charts; an oci:// URL makes Flux use OCIRepository. @default "https://helm.linkerd.io/edge" */
  readonly helmRepository?: string;
  /** Major version of the mesh/ charts; raising it restarts them at <major>.0.0. @default 0 */
  readonly chartMajor?: number;
  /** What the engines apply of each cluster's mesh objects. @default MeshDelivery.manifests() */
  readonly mesh?: MeshDelivery;
}

export interface ArgoCdDeliveryProps extends DeliveryProps {
  /** AppProject of the generated Applications. @default "default" */
  readonly project?: string;
  /** app-of-apps, or one ApplicationSet (list or clusters generator). @default "app-of-apps" */
  readonly generator?: ArgoGenerator;
  /** How Applications name their destination cluster: by "name" (an Argo CD cluster Secret) or by "server" URL. @default server for a cluster that sets delivery.argocd.server, else name */
  readonly destination?: ArgoDestinationNaming;
}

export interface FluxDeliveryProps extends DeliveryProps {
  /** Reconcile interval of every Flux object. @default "10m" */
  readonly interval?: string;
  /** One Flux instance drives the environment's clusters through a kubeConfig Secret each. @default true */
  readonly remoteClusters?: boolean;
}

/** How the output reaches the clusters: the engine and its settings, for the fleet or one environment. */
export class Delivery {
  /** Argo CD applies the output. */
  static argocd(props: ArgoCdDeliveryProps = {}): Delivery {
    const { project, generator, destination, ...common } = props;
    const argocd = { ...(project !== undefined ? { project } : {}), ...(generator !== undefined ? { generator } : {}), ...(destination !== undefined ? { destination } : {}) };
    return new Delivery({ engine: 'argocd', ...commonOf(common), ...(Object.keys(argocd).length ? { argocd } : {}) });
  }

  /** Flux applies the output. */
  static flux(props: FluxDeliveryProps = {}): Delivery {
    const { interval, remoteClusters, ...common } = props;
    const flux = { ...(interval !== undefined ? { interval } : {}), ...(remoteClusters !== undefined ? { remoteClusters } : {}) };
    return new Delivery({ engine: 'flux', ...commonOf(common), ...(Object.keys(flux).length ? { flux } : {}) });
  }

  /** Plain output only: you apply it yourself. */
  static none(): Delivery {
    return new Delivery({ engine: 'none' });
  }

  /** Only these settings, with the engine of the layer below (e.g. another tag for one environment). */
  static override(props: DeliveryProps): Delivery {
    return new Delivery(commonOf(props));
  }

  /** The fleet document's `delivery` settings. */
  private constructor(readonly spec: DeliverySettings) {}
}

function commonOf(props: DeliveryProps): DeliverySettings {
  return {
    ...(props.repo ? { repo: props.repo.spec } : {}),
    ...(props.helmRepository !== undefined ? { helmRepository: props.helmRepository } : {}),
    ...(props.chartMajor !== undefined ? { chartMajor: props.chartMajor } : {}),
    ...(props.mesh ? { mesh: props.mesh.spec } : {}),
  };
}

function urlOf(options: GitRepoOptions) {
  return options.url !== undefined ? { url: options.url } : {};
}

function pathOf(options: GitRepoOptions) {
  return options.path !== undefined ? { path: options.path } : {};
}

function secretRefOf(options: GitRepoOptions) {
  return options.secretRef !== undefined ? { secretRef: { name: options.secretRef.name } } : {};
}
