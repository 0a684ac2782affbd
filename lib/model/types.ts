// The fleet model as users write it: the YAML document and the TypeScript API produce exactly these
// objects. Plain data only (no cdk8s), so every layer can read it and the JSON Schema can describe it.
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

export interface FleetDocument {
  readonly apiVersion: typeof FLEET_API_VERSION;
  readonly kind: typeof FLEET_KIND;
  readonly metadata: { readonly name: string };
  readonly spec: FleetSpec;
}

export interface FleetSpec {
  readonly trust: TrustSpec;
  /** Settings every cluster starts from (overridden by its environment, then by the cluster itself). */
  readonly defaults?: ClusterSettings;
  /** Environment overlays, keyed by environment name (a DNS label: dev, staging, prod). */
  readonly environments?: Readonly<Record<string, EnvironmentSpec>>;
  readonly clusters: readonly ClusterSpec[];
  /** Which clusters mirror which (see types-multicluster.ts). */
  readonly links?: readonly LinkSpec[];
  readonly federatedServices?: readonly FederatedServiceSpec[];
  /** Services exported to linked clusters, for export labels and link checks. */
  readonly exports?: readonly ServiceExportSpec[];
  /** How Link credentials reach source clusters. @default { type: "externalSecret" } */
  readonly credentials?: CredentialsSpec;
  /** GitOps delivery (Argo CD, Flux) of the output, rollout order, chart major. @default engine "none" */
  readonly delivery?: FleetDeliverySpec;
  /** Application namespaces: meshed, annotated, and the service accounts policies may name (types-policy.ts). */
  readonly namespaces?: readonly NamespaceSpec[];
  /** Who may call which service, rate limits, egress control (types-policy.ts). */
  readonly policy?: PolicySpec;
  /** Mesh routes (HTTPRoute, GRPCRoute, TCPRoute, TLSRoute), each for the clusters it names. */
  readonly routes?: readonly RouteSpec[];
  /** Service protocol declarations, each for the clusters it names. */
  readonly services?: readonly ServiceDeclarationSpec[];
}

export interface TrustSpec {
  /** The shared trust anchor: public certificate(s) only. The key never enters meshfleet. */
  readonly anchor: TrustAnchorSource;
  /** Identity trust domain shared by every cluster. @default "cluster.local" */
  readonly domain?: string;
  /** Who signs each cluster's identity issuer certificate. @default { type: "secret", name: "linkerd-trust-anchor" } */
  readonly issuer?: AnchorIssuerSpec;
  /** Lifetime of each cluster's identity issuer certificate. @default { duration: "48h", renewBefore: "25h" } */
  readonly identityIssuer?: { readonly duration?: string; readonly renewBefore?: string };
}

/** A PEM bundle inline, or a path to one (relative to the fleet file, or to the working folder for TS). */
export type TrustAnchorSource = { readonly pem: string } | { readonly file: string };

/**
 * How the trust anchor's key reaches cert-manager. Every option keeps the key out of git:
 * - externalSecret: an External Secrets `ExternalSecret` copies cert and key from a secret store into
 *   the Secret that a CA `Issuer` reads;
 * - secret: the Secret (type kubernetes.io/tls) is put in place by other means (SealedSecrets, SOPS…);
 * - clusterIssuer: an existing cert-manager `ClusterIssuer` (Vault, PKI…) signs the identity issuer.
 */
export type AnchorIssuerSpec =
  | {
      readonly type: 'externalSecret';
      readonly store: { readonly name: string; readonly kind?: 'SecretStore' | 'ClusterSecretStore' };
      /** Key of the anchor in the store. */
      readonly remoteKey: string;
      /** Property holding the certificate. @default "tls.crt" */
      readonly certificateProperty?: string;
      /** Property holding the private key. @default "tls.key" */
      readonly keyProperty?: string;
      /** @default "1h" */
      readonly refreshInterval?: string;
    }
  | { readonly type: 'secret'; readonly name: string }
  | { readonly type: 'clusterIssuer'; readonly name: string };

export type InboundPolicy =
  | 'all-authenticated'
  | 'all-unauthenticated'
  | 'cluster-authenticated'
  | 'cluster-unauthenticated'
  | 'deny'
  | 'audit';

export interface ResourceQuantities {
  readonly request?: string;
  readonly limit?: string;
}

export interface ProxySettings {
  /** Proxy log level, e.g. "warn,linkerd=info". */
  readonly logLevel?: string;
  readonly logFormat?: 'plain' | 'json';
  /** Run the proxy as a native sidecar. @default the Linkerd version's chart default */
  readonly nativeSidecar?: boolean;
  /** Ports treated as opaque TCP: numbers or "from-to" ranges. Replaces the chart's list. */
  readonly opaquePorts?: readonly (number | string)[];
  readonly defaultInboundPolicy?: InboundPolicy;
  readonly resources?: {
    readonly cpu?: ResourceQuantities;
    readonly memory?: ResourceQuantities;
    readonly ephemeralStorage?: ResourceQuantities;
  };
}

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
  /** "2.18", "2.19", "2.20" or an edge tag such as "edge-26.8.3". */
  readonly linkerd?: string;
  /** Kubernetes minor version, e.g. "1.33". */
  readonly kubernetes?: string;
  /** @default "cluster.local" */
  readonly clusterDomain?: string;
  /** High availability: the chart's values-ha settings. @default false */
  readonly ha?: boolean;
  /** The Linkerd CNI plugin is installed (namespaces can then enforce the restricted pod security level). @default false */
  readonly cni?: boolean;
  readonly proxy?: ProxySettings;
  readonly controlPlane?: ControlPlaneSettings;
  /** The multicluster gateway of this cluster. */
  readonly gateway?: GatewaySettings;
  readonly multicluster?: MulticlusterSettings;
  /** How the cluster gets its Gateway API CRDs. @default { mode: "managed" } */
  readonly gatewayAPI?: GatewayAPISettings;
}

export interface EnvironmentSpec extends ClusterSettings {
  /** Overrides for single clusters of this environment, keyed by cluster name; they win over everything else. */
  readonly clusters?: Readonly<Record<string, ClusterSettings>>;
  /** Delivery settings of this environment; they win over spec.delivery. */
  readonly delivery?: DeliverySettings;
}

export interface ClusterSpec extends ClusterSettings {
  /** DNS label, unique in the fleet. */
  readonly name: string;
  readonly environment: string;
  /** Clusters on the same network can reach each other's pod IPs. @default the cluster's own name */
  readonly network?: string;
  readonly podCIDR?: string;
  readonly serviceCIDR?: string;
  /** The cluster's Kubernetes API server URL, https. */
  readonly apiServer?: string;
  /** Where the delivery engine finds this cluster (Argo CD destination, Flux kubeConfig). */
  readonly delivery?: ClusterDeliverySpec;
}
