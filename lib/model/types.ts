// The fleet model as users write it: the YAML document and the TypeScript API produce exactly these
// objects. Plain data only (no cdk8s), so every layer can read it and the JSON Schema can describe it.
import type { AccessPolicy } from '../compat/access-policies.ts';
import type { ClusterDeliverySpec, DeliverySettings, FleetDeliverySpec } from './delivery.ts';

export type * from './delivery.ts';

import type {
  CredentialsSpec,
  FederatedServiceSpec,
  GatewaySettings,
  LinkSpec,
  MulticlusterSettings,
  ServiceExportSpec,
} from './types-multicluster.ts';
import type { NamespaceSpec, PolicySpec } from './types-policy.ts';

export * from './types-multicluster.ts';
export * from './types-policy.ts';
import type { GatewayAPISettings } from './gateway-api-settings.ts';
import type { RouteSpec, ServiceDeclarationSpec } from './routes.ts';

export type * from './gateway-api-settings.ts';
export type * from './routes.ts';

export const FLEET_API_VERSION = 'meshfleet.dev/v1alpha1';
export const FLEET_KIND = 'Fleet';

/** A meshfleet fleet: one Linkerd multicluster fleet described once. */
export interface FleetDocument {
  /** The version of the fleet format. */
  readonly apiVersion: typeof FLEET_API_VERSION;
  /** Always "Fleet". */
  readonly kind: typeof FLEET_KIND;
  /** The fleet's identity. */
  readonly metadata: {
    /** The fleet's name (a DNS label); names the Argo CD and Flux objects meshfleet writes. @example acme */
    readonly name: string;
  };
  /** The fleet: trust, clusters, their settings, links, policy, routes and delivery. */
  readonly spec: FleetSpec;
}

export interface FleetSpec {
  /** The identity all clusters share: one trust anchor, one trust domain, an issuer certificate per cluster. */
  readonly trust: TrustSpec;
  /** Settings every cluster starts from (overridden by its environment, then by the cluster itself). */
  readonly defaults?: ClusterSettings;
  /** Environment overlays, keyed by environment name (a DNS label: dev, staging, prod). */
  readonly environments?: Readonly<Record<string, EnvironmentSpec>>;
  /** The clusters of the fleet: name, environment, network and the settings they override. */
  readonly clusters: readonly ClusterSpec[];
  /** Which clusters mirror which: pairs, lists, full meshes or hub and spokes, each over gateways or a flat network. */
  readonly links?: readonly LinkSpec[];
  /** Services whose members on several clusters form one `<name>-federated` service on each of them. */
  readonly federatedServices?: readonly FederatedServiceSpec[];
  /** Services exported to linked clusters, for export labels and link checks. */
  readonly exports?: readonly ServiceExportSpec[];
  /** How Link credentials reach source clusters. @default { type: "externalSecret" } */
  readonly credentials?: CredentialsSpec;
  /** GitOps delivery (Argo CD, Flux) of the output, rollout order, chart major. @default engine "none" */
  readonly delivery?: FleetDeliverySpec;
  /** How synth treats a change of Linkerd version against the previous output (docs/operations/upgrade-linkerd.md). */
  readonly upgrades?: UpgradeSettings;
  /** Application namespaces: meshed, annotated, and the service accounts policies may name (types-policy.ts). */
  readonly namespaces?: readonly NamespaceSpec[];
  /** Who may call which service, rate limits, egress control (types-policy.ts). */
  readonly policy?: PolicySpec;
  /** Mesh routes (HTTPRoute, GRPCRoute, TCPRoute, TLSRoute), each for the clusters it names. */
  readonly routes?: readonly RouteSpec[];
  /** Service protocol declarations, each for the clusters it names. */
  readonly services?: readonly ServiceDeclarationSpec[];
  /**
   * Warnings the team has read and accepts: each is then only counted in the summary, and `--strict`
   * does not fail on it. Errors cannot be acknowledged.
   * @example [{ code: "MF7004", pointer: "/spec/delivery/rollout/1", reason: "prod follows a tag we move by hand" }]
   */
  readonly acknowledge?: readonly AcknowledgementSpec[];
}

/** One acknowledged warning (codes: docs/reference/diagnostics.md). */
export interface AcknowledgementSpec {
  /** The warning's code, as printed before its pointer. @example "MF7004" */
  readonly code: string;
  /** Only the warning at this JSON pointer, or under it. @default every warning with the code */
  readonly pointer?: string;
  /** Why it is accepted, for the next reader. */
  readonly reason?: string;
}

export interface TrustSpec {
  /** The shared trust anchor: public certificate(s) only. The key never enters meshfleet. */
  readonly anchor: TrustAnchorSource;
  /** Identity trust domain shared by every cluster. @default "cluster.local" */
  readonly domain?: string;
  /** Who signs each cluster's identity issuer certificate. @default { type: "secret", name: "linkerd-trust-anchor" } */
  readonly issuer?: AnchorIssuerSpec;
  /**
   * A trust anchor rotation in progress, one stage per synth and rollout: bundle (the anchor bundle
   * holds the previous and the new anchor; issuers still signed by the previous), reissue (issuers
   * signed by the new anchor: trust.issuer points at its key), restart (proxies restarted, so every
   * workload certificate chains to the new anchor); then remove this block and the previous anchor
   * from the bundle. Synth compares with the previous output and refuses a skipped stage or an anchor
   * dropped while still in use (docs/operations/rotate-trust-anchor.md).
   */
  readonly rotation?: TrustRotationSpec;
  /** Lifetime of each cluster's identity issuer certificate. @default { duration: "48h", renewBefore: "25h" } */
  readonly identityIssuer?: {
    /** Lifetime of the certificate (a Go duration). @default "48h" */
    readonly duration?: string;
    /** How long before expiry cert-manager renews it (a Go duration, shorter than duration). @default "25h" */
    readonly renewBefore?: string;
  };
}

/** Checks on Linkerd version changes that an operator may lift, knowingly. */
export interface UpgradeSettings {
  /** Accept a cluster moving to an older Linkerd release than the previous output has (its CRDs and stored objects may not go back). @default false */
  readonly allowDowngrade?: boolean;
}

/** The stages of a trust anchor rotation, in order (the rotation ends by removing trust.rotation). */
export const TRUST_ROTATION_STAGES = ['bundle', 'reissue', 'restart'] as const;
export type TrustRotationStage = (typeof TRUST_ROTATION_STAGES)[number];

/** Where a trust anchor rotation stands. */
export interface TrustRotationSpec {
  /** The stage the fleet is in: bundle, then reissue, then restart. @example bundle */
  readonly stage: TrustRotationStage;
  /** SHA-256 fingerprint of the anchor being retired (`openssl x509 -noout -fingerprint -sha256`); it stays in the bundle until the rotation ends. @example "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89" */
  readonly previous: string;
}

/** A PEM bundle inline, or a path to one (relative to the fleet file, or to the working folder for TS). */
export type TrustAnchorSource =
  | {
      /** The PEM certificate bundle itself (public certificates only). */
      readonly pem: string;
    }
  | {
      /** Path of a PEM certificate file, relative to the fleet file. @example trust/anchor.crt */
      readonly file: string;
    };

/**
 * How the trust anchor's key reaches cert-manager. Every option keeps the key out of git:
 * - externalSecret: an External Secrets `ExternalSecret` copies cert and key from a secret store into
 *   the Secret that a CA `Issuer` reads;
 * - secret: the Secret (type kubernetes.io/tls) is put in place by other means (SealedSecrets, SOPS…);
 * - clusterIssuer: an existing cert-manager `ClusterIssuer` (Vault, PKI…) signs the identity issuer.
 */
export type AnchorIssuerSpec =
  | {
      /** Copy certificate and key from a secret store with an External Secrets `ExternalSecret`. */
      readonly type: 'externalSecret';
      /** The External Secrets store holding the trust anchor. */
      readonly store: {
        /** Name of the SecretStore or ClusterSecretStore. @example vault-backend */
        readonly name: string;
        /** Kind of the store. @default "ClusterSecretStore" */
        readonly kind?: 'SecretStore' | 'ClusterSecretStore';
      };
      /** Key of the anchor in the store. @example linkerd/trust-anchor */
      readonly remoteKey: string;
      /** Property holding the certificate. @default "tls.crt" */
      readonly certificateProperty?: string;
      /** Property holding the private key. @default "tls.key" */
      readonly keyProperty?: string;
      /** How often External Secrets refreshes the copy (a Go duration). @default "1h" */
      readonly refreshInterval?: string;
    }
  | {
      /** Read the anchor from a Secret of type kubernetes.io/tls put in place by other means. */
      readonly type: 'secret';
      /** Name of that Secret in the linkerd namespace, where the CA Issuer reads it. @example linkerd-trust-anchor */
      readonly name: string;
    }
  | {
      /** Let an existing cert-manager ClusterIssuer sign each identity issuer certificate. */
      readonly type: 'clusterIssuer';
      /** Name of the ClusterIssuer. @example vault-issuer */
      readonly name: string;
    };

/** A Linkerd access policy (lib/compat/access-policies.ts). */
export type InboundPolicy = AccessPolicy;

/** A request and a limit of one resource, as Kubernetes quantities. */
export interface ResourceQuantities {
  /** What the proxy container requests (for scheduling): a Kubernetes quantity such as "100m" or "64Mi". */
  readonly request?: string;
  /** The most the proxy container may use: a Kubernetes quantity such as "1" or "256Mi". */
  readonly limit?: string;
}

/** The Linkerd proxy injected next to each meshed pod. */
export interface ProxySettings {
  /** Proxy log level: a level or a list of target=level directives. @default the chart's, "warn,linkerd=info,hickory=error" @example warn,linkerd=info */
  readonly logLevel?: string;
  /** Proxy log format. @default "plain" */
  readonly logFormat?: 'plain' | 'json';
  /** Run the proxy as a native sidecar. @default the Linkerd version's chart default */
  readonly nativeSidecar?: boolean;
  /** Ports treated as opaque TCP: numbers or "from-to" ranges. Replaces the chart's list. */
  readonly opaquePorts?: readonly (number | string)[];
  /** What a pod accepts on a port no Server describes. @default "all-unauthenticated" */
  readonly defaultInboundPolicy?: InboundPolicy;
  /** Resources of the proxy container. @default the chart's (none set) */
  readonly resources?: {
    /** CPU of the proxy container. */
    readonly cpu?: ResourceQuantities;
    /** Memory of the proxy container. */
    readonly memory?: ResourceQuantities;
    /** Ephemeral storage of the proxy container. */
    readonly ephemeralStorage?: ResourceQuantities;
  };
}

/** The Linkerd control plane (linkerd-control-plane chart). */
export interface ControlPlaneSettings {
  /** Raw overrides of linkerd-control-plane values; every key must exist upstream for the version. */
  readonly values?: Readonly<Record<string, unknown>>;
  /** Cron schedule of the heartbeat job. @default a fixed time derived from the cluster name */
  readonly heartbeatSchedule?: string;
  /** Turn the heartbeat CronJob off. @default false */
  readonly disableHeartbeat?: boolean;
}

/** Everything a fleet default, an environment or a cluster may set. */
export interface ClusterSettings {
  /** Linkerd version: a stable line ("2.20") or an edge tag ("edge-26.8.3"); the release table pins its charts. @example "2.20" */
  readonly linkerd?: string;
  /** Kubernetes minor version of the cluster, for the compatibility checks. @example "1.33" */
  readonly kubernetes?: string;
  /** The cluster's DNS domain (kubelet `--cluster-domain`). @default "cluster.local" */
  readonly clusterDomain?: string;
  /** High availability: the chart's values-ha settings. @default false */
  readonly ha?: boolean;
  /** The Linkerd CNI plugin is installed (namespaces can then enforce the restricted pod security level). @default false */
  readonly cni?: boolean;
  /** The proxy injected into meshed pods: logs, opaque ports, default inbound policy, resources. */
  readonly proxy?: ProxySettings;
  /** The control plane: raw chart values and the heartbeat job. */
  readonly controlPlane?: ControlPlaneSettings;
  /** The multicluster gateway of this cluster. */
  readonly gateway?: GatewaySettings;
  /** The linkerd-multicluster extension of this cluster: service mirror controllers, logs, raw values. */
  readonly multicluster?: MulticlusterSettings;
  /** How the cluster gets its Gateway API CRDs. @default { mode: "managed" } */
  readonly gatewayAPI?: GatewayAPISettings;
}

/** An environment: settings its clusters share (over spec.defaults), overrides per cluster, delivery. */
export interface EnvironmentSpec extends ClusterSettings {
  /** Overrides for single clusters of this environment, keyed by cluster name; they win over everything else. */
  readonly clusters?: Readonly<Record<string, ClusterSettings>>;
  /** Delivery settings of this environment; they win over spec.delivery. */
  readonly delivery?: DeliverySettings;
}

/** A cluster of the fleet; its settings win over its environment's and the fleet defaults. */
export interface ClusterSpec extends ClusterSettings {
  /** The cluster's name: a DNS label, unique in the fleet; names its output folder and its Links. @example eu-1 */
  readonly name: string;
  /** The environment the cluster belongs to (a key of spec.environments, or a new one). @example prod */
  readonly environment: string;
  /** Clusters on the same network can reach each other's pod IPs. @default the cluster's own name */
  readonly network?: string;
  /** The cluster's pod range; checked for overlaps within a network, and used for flat links and policy. @example 10.10.0.0/16 */
  readonly podCIDR?: string;
  /** The cluster's Service range, checked for overlaps with pod ranges. @example 10.11.0.0/16 */
  readonly serviceCIDR?: string;
  /** The cluster's Kubernetes API server URL, https; linked clusters reach it through their Link credentials. @example https://eu-1.example.com:6443 */
  readonly apiServer?: string;
  /** Where the delivery engine finds this cluster (Argo CD destination, Flux kubeConfig). */
  readonly delivery?: ClusterDeliverySpec;
}
