// Helpers for application code: mark a Service (cdk8s-plus-28 `Service`, or any cdk8s ApiObject) for
// mirroring to linked clusters, or as a member of a federated service.
import { EXPORT_LABEL, EXPORT_VALUES, FEDERATED_LABEL, FEDERATED_MEMBER } from '../../compat/multicluster-names.ts';

/** Anything with cdk8s object metadata: cdk8s-plus `Service`, `ApiObject`, imported kinds. */
export interface LabelledObject {
  readonly metadata: { addLabel(key: string, value: string): void };
}

/** `gateway`: mirrored as `<svc>-<cluster>` through gateway links; `remote-discovery`: over flat links. */
export function exportService<T extends LabelledObject>(service: T, mode: 'gateway' | 'remote-discovery'): T {
  service.metadata.addLabel(EXPORT_LABEL, EXPORT_VALUES[mode]);
  return service;
}

/** Joins the Service to `<svc>-federated` in every cluster linked to this one. */
export function federateService<T extends LabelledObject>(service: T): T {
  service.metadata.addLabel(FEDERATED_LABEL, FEDERATED_MEMBER);
  return service;
}

/** The labels for a service the fleet file names, for index.json and hand-written manifests. */
export function exportLabels(mode: 'gateway' | 'remote-discovery', federated: boolean): Record<string, string> {
  return { [EXPORT_LABEL]: EXPORT_VALUES[mode], ...(federated ? federationLabels() : {}) };
}

export function federationLabels(): Record<string, string> {
  return { [FEDERATED_LABEL]: FEDERATED_MEMBER };
}
