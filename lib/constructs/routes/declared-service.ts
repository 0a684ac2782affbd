import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ServiceDeclarationPortSpec } from '../../model/routes.ts';
import { appProtocolProblem } from '../../model/route-values.ts';
import { assertValue } from './route-parts.ts';

export interface DeclaredServiceProps {
  readonly name: string;
  readonly namespace: string;
  /** Labels of the pods behind the Service. */
  readonly selector: Readonly<Record<string, string>>;
  /** Ports, each with the protocol Linkerd should assume (`appProtocol`) instead of detecting it. */
  readonly ports: readonly ServiceDeclarationPortSpec[];
}

/**
 * A Service whose ports declare their protocol, so Linkerd skips detection (which stalls
 * server-speaks-first protocols for up to 10 s) and applies HTTP features only where they belong.
 */
export class DeclaredService extends Construct {
  constructor(scope: Construct, id: string, props: DeclaredServiceProps) {
    super(scope, id);
    for (const port of props.ports) {
      if (port.appProtocol !== undefined) assertValue(appProtocolProblem(port.appProtocol, port.port), `Service ${props.namespace}/${props.name}`);
    }
    new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        selector: { ...props.selector },
        ports: props.ports.map((port) => ({
          ...(port.name !== undefined ? { name: port.name } : {}),
          port: port.port,
          protocol: 'TCP',
          ...(port.targetPort !== undefined ? { targetPort: port.targetPort } : {}),
          ...(port.appProtocol !== undefined ? { appProtocol: port.appProtocol } : {}),
        })),
      },
    });
  }
}
