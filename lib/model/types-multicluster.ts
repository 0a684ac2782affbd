// The multicluster part of the fleet model: links between clusters, gateways, federated services,
// exported services and how Link credentials reach the source clusters.

export type LinkModeName = 'gateway' | 'flat';

/** One link or a list of links: every `from` mirrors services of every `to`. */
export interface LinkPairSpec {
  readonly from: string | readonly string[];
  readonly to: string | readonly string[];
  readonly mode: LinkModeName;
}

/** Every member links to every other member. */
export interface LinkMeshSpec {
  readonly mesh: readonly string[];
  readonly mode: LinkModeName;
}

/**
 * Spokes and a hub. `direction`: spokes mirror the hub's services (`to-hub`), the hub mirrors the
 * spokes' (`from-hub`), or both. @default "both"
 */
export interface LinkHubSpec {
  readonly hub: string;
  readonly spokes: readonly string[];
  readonly mode: LinkModeName;
  readonly direction?: 'to-hub' | 'from-hub' | 'both';
}

export type LinkSpec = LinkPairSpec | LinkMeshSpec | LinkHubSpec;

/** A service whose members in several clusters form one `<name>-federated` service. */
export interface FederatedServiceSpec {
  readonly name: string;
  readonly namespace: string;
  readonly clusters: readonly string[];
}

/** A service the fleet knows about: exported for mirroring, and who uses it. */
export interface ServiceExportSpec {
  readonly name: string;
  readonly namespace: string;
  readonly cluster: string;
  /** `gateway` mirrors over gateway links, `remote-discovery` over flat links. */
  readonly export: 'gateway' | 'remote-discovery';
  /** Clusters that call it; absent means any cluster linked to it. */
  readonly consumers?: readonly string[];
}

/**
 * How each Link's credentials (a kubeconfig for the target's API server) reach the source:
 * - externalSecret: an ExternalSecret builds them from the target's remote-access token in a secret
 *   store (a PushSecret on the target puts it there, unless pushSecret is false);
 * - sealedSecret: SealedSecrets with data you sealed (cluster-wide scope), keyed "<source>/<target>";
 * - external: meshfleet emits nothing; you provide Secret cluster-credentials-<target> yourself.
 */
export type CredentialsSpec =
  | {
      readonly type: 'externalSecret';
      /** @default the trust anchor issuer's store when it uses External Secrets */
      readonly store?: { readonly name: string; readonly kind?: 'SecretStore' | 'ClusterSecretStore' };
      /** Remote keys are <prefix>/<target>/<source>. @default "linkerd-multicluster" */
      readonly remoteKeyPrefix?: string;
      /** @default true */
      readonly pushSecret?: boolean;
      /** @default "1h" */
      readonly refreshInterval?: string;
    }
  | { readonly type: 'sealedSecret'; readonly sealedKubeconfigs: Readonly<Record<string, string>> }
  | { readonly type: 'external' };

/** The multicluster gateway of a cluster (runs only where some gateway link targets it). */
export interface GatewaySettings {
  /** Load balancer addresses or hostnames, comma-separated: known only once the LoadBalancer exists. */
  readonly address?: string;
  /** @default 4143 */
  readonly port?: number;
  /** @default "LoadBalancer" */
  readonly serviceType?: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
  /** @default 1, 3 with ha */
  readonly replicas?: number;
  readonly loadBalancerClass?: string;
  readonly loadBalancerSourceRanges?: readonly string[];
  readonly serviceAnnotations?: Readonly<Record<string, string>>;
  /** @default { path: "/ready", port: 4191, seconds: 3 } */
  readonly probe?: { readonly path?: string; readonly port?: number; readonly seconds?: number };
}

export interface MulticlusterSettings {
  /** Replicas of each Link's service mirror controller (active/passive by lease). @default 1, 2 with ha */
  readonly controllerReplicas?: number;
  readonly logLevel?: 'error' | 'warn' | 'info' | 'debug' | 'trace';
  readonly logFormat?: 'plain' | 'json';
  /** Raw overrides of linkerd-multicluster values; every key must exist upstream. */
  readonly values?: Readonly<Record<string, unknown>>;
}
