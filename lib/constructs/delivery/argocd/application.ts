// An Argo CD Application as an ApiObject. The Argo CD CRDs are not `cdk8s import`ed: the generated
// classes would be ~2 MB of TypeScript (the ApplicationSet CRD repeats the Application template in
// every generator), and every object is validated against the CRD schema before it is written anyway
// (lib/validate). The interfaces below type the part of the API meshfleet uses.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { NamedObjectProps } from '../../object-json.ts';

export const ARGOCD_API_VERSION = 'argoproj.io/v1alpha1';

/** Deleting the Application deletes what it deployed (without it, the objects are left in place). */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

export interface ApplicationSource {
  readonly repoURL: string;
  readonly targetRevision: string;
  /** A chart of a Helm repository. */
  readonly chart?: string;
  /** A folder of a Git repository (a Helm chart, a kustomization or plain manifests). */
  readonly path?: string;
  /** Names this source so other sources can read its files as `$<ref>/…`. */
  readonly ref?: string;
  readonly helm?: { readonly releaseName?: string; readonly valueFiles?: readonly string[]; readonly valuesObject?: Readonly<Record<string, unknown>> };
  readonly directory?: { readonly recurse?: boolean; readonly include?: string };
}

export interface ApplicationDestination {
  readonly server?: string;
  readonly name?: string;
  readonly namespace?: string;
}

export interface IgnoreDifference {
  /** API group without version. */
  readonly group: string;
  readonly kind: string;
  readonly name?: string;
  readonly jqPathExpressions?: readonly string[];
  readonly jsonPointers?: readonly string[];
}

export interface SyncPolicy {
  /** Absent: Argo CD syncs only when asked (ApplicationSet RollingSync asks step by step). */
  readonly automated?: { readonly prune: boolean; readonly selfHeal: boolean };
  readonly syncOptions?: readonly string[];
  readonly retry?: { readonly limit: number; readonly backoff: { readonly duration: string; readonly factor: number; readonly maxDuration: string } };
}

export interface ApplicationSpec {
  readonly project: string;
  readonly destination: ApplicationDestination;
  /** One source… */
  readonly source?: ApplicationSource;
  /** …or several (an upstream chart plus the Git repository holding its values). */
  readonly sources?: readonly ApplicationSource[];
  readonly syncPolicy?: SyncPolicy;
  readonly ignoreDifferences?: readonly IgnoreDifference[];
}

export interface ApplicationProps {
  readonly name: string;
  /** Namespace Argo CD runs in. */
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** @default none: deleting the Application leaves its objects in the cluster */
  readonly finalizers?: readonly string[];
  readonly spec: ApplicationSpec;
}

export class Application extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: ApplicationProps) {
    super(scope, id);
    this.name = props.name;
    new ApiObject(this, 'Resource', applicationObject(props));
  }
}

/** The Application's object, as the construct defines it (and plainObjectJson renders it without one). */
export function applicationObject(props: ApplicationProps): NamedObjectProps {
  return {
    apiVersion: ARGOCD_API_VERSION,
    kind: 'Application',
    metadata: {
      name: props.name,
      namespace: props.namespace,
      labels: props.labels ? { ...props.labels } : undefined,
      annotations: props.annotations ? { ...props.annotations } : undefined,
      finalizers: props.finalizers?.length ? [...props.finalizers] : undefined,
    },
    spec: props.spec,
  };
}
