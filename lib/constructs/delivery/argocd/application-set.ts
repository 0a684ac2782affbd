import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ARGOCD_API_VERSION, type ApplicationDestination } from './application.ts';

export interface RollingSyncStep {
  readonly matchExpressions: readonly { readonly key: string; readonly operator: 'In' | 'NotIn'; readonly values: readonly string[] }[];
  readonly maxUpdate?: number | string;
}

/** A generator: literal parameter sets, or parameter sets per cluster registered in Argo CD. */
export type Generator =
  | { readonly list: { readonly elements: readonly Readonly<Record<string, unknown>>[] } }
  | { readonly clusters: { readonly selector: { readonly matchLabels: Readonly<Record<string, string>> } } }
  | { readonly matrix: { readonly generators: readonly Generator[] } };

export interface ApplicationSetProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly generators: readonly Generator[];
  /** Application template; string values are Go templates over each parameter set. */
  readonly template: {
    readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
    readonly spec: { readonly project: string; readonly destination: ApplicationDestination };
  };
  /** A Go template rendering a patch merged over each generated Application (for what differs in shape). */
  readonly templatePatch?: string;
  /** @default no RollingSync: every Application syncs on its own */
  readonly rollingSyncSteps?: readonly RollingSyncStep[];
}

/** An Argo CD ApplicationSet with Go templates (goTemplate: true) and, optionally, RollingSync. */
export class ApplicationSet extends Construct {
  constructor(scope: Construct, id: string, props: ApplicationSetProps) {
    super(scope, id);
    new ApiObject(this, 'Resource', {
      apiVersion: ARGOCD_API_VERSION,
      kind: 'ApplicationSet',
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels ? { ...props.labels } : undefined },
      spec: {
        goTemplate: true,
        generators: props.generators,
        ...(props.rollingSyncSteps ? { strategy: { type: 'RollingSync', rollingSync: { steps: props.rollingSyncSteps } } } : {}),
        template: props.template,
        ...(props.templatePatch ? { templatePatch: props.templatePatch } : {}),
      },
    });
  }
}
