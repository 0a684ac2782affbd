import { Construct } from 'constructs';
import type { Component } from '../components.ts';
import type { KubeObject } from '../../../model/kube-object.ts';
import { plainObjectJson } from '../../object-json.ts';
import { Application, applicationObject } from './application.ts';
import { componentApplication, type ComponentContext } from './component-application.ts';

export interface ClusterApplicationsProps extends ComponentContext {
  /** The cluster's components, in apply order. */
  readonly components: readonly Component[];
}

/**
 * A cluster's Applications for app-of-apps: one per component, ordered by sync waves. The waves
 * only hold when Argo CD reports Application health (ArgoCDHealthCheck), otherwise the parent
 * moves on as soon as a child Application object exists.
 */
export class ClusterApplications extends Construct {
  readonly applications: readonly Application[];

  constructor(scope: Construct, id: string, props: ClusterApplicationsProps) {
    super(scope, id);
    this.applications = props.components.map((component) => new Application(this, component.name, componentApplication(component, props)));
  }
}

/**
 * The objects of ClusterApplications, without its constructs: what synth writes to a cluster's
 * clusters/<name>.yaml (a thousand clusters' files need no construct tree).
 */
export function clusterApplicationObjects(props: ClusterApplicationsProps): KubeObject[] {
  return props.components.map((component) => plainObjectJson(applicationObject(componentApplication(component, props))));
}
