/** A Kubernetes object as meshfleet emits it (what cdk8s `toJson()` returns). */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** The API group of an apiVersion (`apps/v1`: apps; `v1`: '', the core group). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Objects of one file: meshfleet writes one file per top-level construct of a cluster
 * (`identity-issuer.yaml`, `webhook-certificates.yaml`…), so a concern reads in one place and a
 * fleet of a thousand clusters does not cost tens of thousands of tiny files.
 */
export interface ObjectFile {
  /** File name, e.g. "identity-issuer.yaml". */
  readonly name: string;
  readonly objects: readonly KubeObject[];
}

/** Multi-document YAML of a file's objects. */
export function documentsOf(file: ObjectFile, serialize: (o: KubeObject) => string): string {
  return file.objects.map(serialize).join('---\n');
}
