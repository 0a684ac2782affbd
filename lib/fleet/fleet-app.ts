import { Chart } from 'cdk8s';
import type { Construct, IConstruct } from 'constructs';
import type { MeshServiceSpec, ServiceExportSpec } from '../model/types.ts';

/** Where an application's meshed workloads declare their policy, exports and federation membership. */
export interface AppDeclarationSink {
  addMeshService(spec: MeshServiceSpec, source: string): void;
  exportService(spec: ServiceExportSpec, source: string): void;
  federate(member: { readonly name: string; readonly namespace: string; readonly cluster: string }, source: string): void;
}

const FLEET_APP = Symbol.for('meshfleet.FleetApp');

export interface FleetAppProps {
  /** The application's name: its objects go to app-<name>.yaml in the cluster's mesh chart. */
  readonly appName: string;
  readonly cluster: string;
  /** Namespace of the objects that set none. @default none: every object names its own */
  readonly namespace?: string;
  readonly declarations: AppDeclarationSink;
}

/**
 * One application on one cluster (created by fleet.addApp): a cdk8s chart for the application's own
 * objects. Meshed workloads inside it declare their policy to the fleet, so the policy is checked
 * and rendered like one written in the fleet file.
 */
export class FleetApp extends Chart {
  /** The FleetApp a construct belongs to, if any (Chart.of finds the nearest chart of any kind). */
  static enclosing(construct: IConstruct): FleetApp | undefined {
    // Not instanceof: cdk8s makes `instanceof` of every Chart subclass true for any chart.
    return construct.node.scopes.reverse().find((s): s is FleetApp => (s as { [FLEET_APP]?: boolean })[FLEET_APP] === true);
  }

  readonly [FLEET_APP] = true;

  readonly appName: string;
  readonly cluster: string;
  readonly declarations: AppDeclarationSink;

  constructor(scope: Construct, id: string, props: FleetAppProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    this.appName = props.appName;
    this.cluster = props.cluster;
    this.declarations = props.declarations;
  }
}
