import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { KubeObject } from '../../model/kube-object.ts';

export interface AppObjectsProps {
  /** The application's objects as Kubernetes JSON (what a cdk8s chart's toJson() returns). */
  readonly objects: readonly KubeObject[];
}

/**
 * An application's objects inside a cluster's mesh chart, so that they are validated, labelled and
 * written like every other object (one file, app-<name>.yaml).
 */
export class AppObjects extends Construct {
  constructor(scope: Construct, id: string, props: AppObjectsProps) {
    super(scope, id);
    props.objects.forEach((object, i) => {
      const { apiVersion, kind, metadata, ...rest } = object;
      new ApiObject(this, `${i}`, { apiVersion, kind, metadata: metadata as never, ...structuredClone(rest) });
    });
  }
}
