import { Construct } from 'constructs';
import type { ServiceDeclarationSpec } from '../../model/routes.ts';
import { DeclaredService } from './declared-service.ts';

export interface MeshServicesProps {
  /** Declarations of one cluster; only those with a selector become Services (the others describe Services owned elsewhere). */
  readonly services: readonly ServiceDeclarationSpec[];
}

/** The Services meshfleet writes for a cluster, with their protocol declarations. */
export class MeshServices extends Construct {
  constructor(scope: Construct, id: string, props: MeshServicesProps) {
    super(scope, id);
    for (const service of props.services) {
      if (!service.selector) continue;
      new DeclaredService(this, `${service.namespace}.${service.name}`, { name: service.name, namespace: service.namespace, selector: service.selector, ports: service.ports });
    }
  }
}
