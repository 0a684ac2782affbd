// The multicluster part of the fleet model: links between clusters, gateways, federated services,
// exported services and how Link credentials reach the source clusters.

/**
 * How a source cluster reaches a target's services: `gateway` through the target's multicluster gateway
 * (clusters on different networks), `flat` pod to pod (clusters on one network, remote discovery).
 */
export type LinkModeName = 'gateway' | 'flat';

/** One link or a list of links: every `from` mirrors services of every `to`. */
export interface LinkPairSpec {
  /** The source cluster(s): each gets a Link to each target and mirrors its exported services. @example eu-1 */
  readonly from: string | readonly string[];
  /** The target cluster(s) whose services are mirrored. @example [eu-2, us-1] */
  readonly to: string | readonly string[];
  /** How the sources reach the targets' services. */
  readonly mode: LinkModeName;
}

/** Every member links to every other member. */
export interface LinkMeshSpec {
  /** The clusters that all link to each other (at least two). @example [eu-1, eu-2, us-1] */
  readonly mesh: readonly string[];
  /** How the members reach each other's services. */
  readonly mode: LinkModeName;
}

/** Spokes and a hub. */
export interface LinkHubSpec {
  /** The hub cluster. @example eu-1 */
  readonly hub: string;
  /** The spoke clusters. @example [dev-1, staging-1] */
  readonly spokes: readonly string[];
  /** How hub and spokes reach each other's services. */
  readonly mode: LinkModeName;
  /** `to-hub`: the spokes mirror the hub's services; `from-hub`: the hub mirrors the spokes'; `both`: both. @default "both" */
  readonly direction?: 'to-hub' | 'from-hub' | 'both';
}

export type LinkSpec = LinkPairSpec | LinkMeshSpec | LinkHubSpec;

/** A service whose members in several clusters form one `<name>-federated` service. */
export interface FederatedServiceSpec {
  /** The Service's name, the same on every member (at most 53 characters: the mirror adds "-federated"). @example web */
  readonly name: string;
  /** The Service's namespace. @example shop */
  readonly namespace: string;
  /** The clusters whose Service is a member; each of them gets the federated service. @example [eu-1, eu-2] */
  readonly clusters: readonly string[];
}

/** A service the fleet knows about: exported for mirroring, and who uses it. */
export interface ServiceExportSpec {
  /** The Service's name. @example orders */
  readonly name: string;
  /** The Service's namespace. @example shop */
  readonly namespace: string;
  /** The cluster the Service runs on. @example eu-1 */
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
      /** An ExternalSecret on each source builds the kubeconfig from a secret store. */
      readonly type: 'externalSecret';
      /** The External Secrets store. @default the trust anchor issuer's store when it uses External Secrets */
      readonly store?: {
        /** Name of the SecretStore or ClusterSecretStore. @example vault-backend */
        readonly name: string;
        /** Kind of the store. @default "ClusterSecretStore" */
        readonly kind?: 'SecretStore' | 'ClusterSecretStore';
      };
      /** Remote keys are <prefix>/<target>/<source>. @default "linkerd-multicluster" */
      readonly remoteKeyPrefix?: string;
      /** A PushSecret on each target writes its remote-access token into the store. @default true */
      readonly pushSecret?: boolean;
      /** How often External Secrets refreshes the kubeconfigs (a Go duration). @default "1h" */
      readonly refreshInterval?: string;
    }
  | {
      /** SealedSecrets you sealed yourself carry the kubeconfigs. */
      readonly type: 'sealedSecret';
      /** The sealed kubeconfig of each link, keyed "<source>/<target>" (sealed with cluster-wide scope). */
      readonly sealedKubeconfigs: Readonly<Record<string, string>>;
    }
  | {
      /** meshfleet emits nothing: you provide Secret cluster-credentials-<target> on each source. */
      readonly type: 'external';
    };

/** The multicluster gateway of a cluster (runs only where some gateway link targets it). */
export interface GatewaySettings {
  /** Load balancer addresses or hostnames, comma-separated: known only once the LoadBalancer exists. */
  readonly address?: string;
  /** Port the gateway listens on for linked clusters. @default 4143 */
  readonly port?: number;
  /** Type of the gateway's Service. @default "LoadBalancer" */
  readonly serviceType?: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
  /** Gateway replicas. @default 1, 3 with ha */
  readonly replicas?: number;
  /** `spec.loadBalancerClass` of the gateway's Service (which load balancer implementation serves it). */
  readonly loadBalancerClass?: string;
  /** Source CIDRs allowed through the gateway's load balancer. @example ["203.0.113.0/24"] */
  readonly loadBalancerSourceRanges?: readonly string[];
  /** Annotations of the gateway's Service (cloud load balancer settings). */
  readonly serviceAnnotations?: Readonly<Record<string, string>>;
  /** The probe linked clusters send the gateway to know it is alive. */
  readonly probe?: {
    /** HTTP path of the probe. @default "/ready" */
    readonly path?: string;
    /** Port of the probe. @default 4191 */
    readonly port?: number;
    /** Seconds between probes. @default 3 */
    readonly seconds?: number;
  };
}

/** The linkerd-multicluster extension of a cluster. */
export interface MulticlusterSettings {
  /** Replicas of each Link's service mirror controller (active/passive by lease). @default 1, 2 with ha */
  readonly controllerReplicas?: number;
  /** Log level of the service mirror controllers. @default "info" */
  readonly logLevel?: 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** Log format of the service mirror controllers. @default "plain" */
  readonly logFormat?: 'plain' | 'json';
  /** Raw overrides of linkerd-multicluster values; every key must exist upstream. */
  readonly values?: Readonly<Record<string, unknown>>;
}
