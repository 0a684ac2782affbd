import { Construct } from 'constructs';
import type { Component } from '../components.ts';
import { Application } from './application.ts';
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
