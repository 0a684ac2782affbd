// External Secrets names its store kinds the same way in ExternalSecret and PushSecret; meshfleet's
// model defaults to the ClusterSecretStore a platform team shares across namespaces.
export type StoreKind = 'SecretStore' | 'ClusterSecretStore';

export function storeKindOf(store: { readonly kind?: StoreKind }): StoreKind {
  return store.kind ?? 'ClusterSecretStore';
}
