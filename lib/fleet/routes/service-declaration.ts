import { AppProtocol } from '../app-protocol.ts';
import type { Construct } from 'constructs';
import { appProtocolProblem } from '../../model/route-values.ts';
import type { ServiceDeclarationSpec } from '../../model/routes.ts';
import { assertDnsLabel, assertValue } from '../asserts.ts';
import { DefinitionError } from '../source-location.ts';
import { FleetEntry } from '../fleet-entry.ts';
import { selectionSpec, type SelectionProps } from './mesh-route.ts';

export interface ServiceDeclarationPort {
  readonly port: number;
  /** Required when the Service has several ports. @default none */
  readonly name?: string;
  /** @default the port */
  readonly targetPort?: number | string;
  /** @default none: Linkerd detects the protocol */
  readonly protocol?: AppProtocol;
}

export interface ServiceDeclarationProps extends SelectionProps {
  /** @default the construct id */
  readonly name?: string;
  readonly namespace: string;
  /** With a selector meshfleet writes the Service; without, the declaration describes a Service owned elsewhere. @default none */
  readonly selector?: Readonly<Record<string, string>>;
  readonly ports: readonly ServiceDeclarationPort[];
}

/** A Service protocol declaration of the fleet (spec.services), for the clusters it names. */
export class ServiceDeclaration extends FleetEntry<ServiceDeclarationSpec> {
  readonly list = 'services';
  protected readonly spec: ServiceDeclarationSpec;

  constructor(scope: Construct, id: string, props: ServiceDeclarationProps) {
    super(scope, id);
    const name = props.name ?? id;
    assertDnsLabel(name, 'service name', this.node.path);
    assertDnsLabel(props.namespace, 'namespace', this.node.path);
    if (!props.ports.length) throw new DefinitionError(`${this.node.path}: service ${props.namespace}/${name} declares no port. Fix: add ports: [{ port, protocol }]`);
    for (const port of props.ports) {
      if (port.protocol) assertValue(appProtocolProblem(port.protocol.value, port.port), this.node.path);
    }
    this.spec = {
      name,
      namespace: props.namespace,
      ...selectionSpec(props, `${this.node.path}: service ${props.namespace}/${name}`),
      ...(props.selector ? { selector: { ...props.selector } } : {}),
      ports: props.ports.map((p) => ({
        port: p.port,
        ...(p.name !== undefined ? { name: p.name } : {}),
        ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}),
        ...(p.protocol ? { appProtocol: p.protocol.value } : {}),
      })),
    };
  }
}
