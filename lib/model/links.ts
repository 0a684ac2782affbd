// Multicluster links and federated services, as far as routes need them (cross-cluster failover
// backends are checked against links). A minimal form: the multicluster work owns the full model.

export type LinkMode = 'gateway' | 'flat';

/** `from` mirrors services of `to`: mirrored services are named `<service>-<to>` on `from`. */
export interface LinkSpec {
  readonly from: string;
  readonly to: string;
  readonly mode: LinkMode;
}

/** A service federated across clusters (flat networks); consumers call `<name>-federated`. */
export interface FederatedServiceSpec {
  readonly name: string;
  readonly namespace: string;
  readonly clusters: readonly string[];
}
