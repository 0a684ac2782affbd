import { Construct } from 'constructs';
import { ServerV1Beta3 } from '../../../imports/policy.linkerd.io.ts';
import type { InboundPolicy, ProxyProtocol } from '../../model/types.ts';
import { ACCESS_POLICIES } from '../../compat/access-policies.ts';
import { assertObjectName, assertOneOf } from '../assert-props.ts';

export const PROXY_PROTOCOL_VALUES: readonly ProxyProtocol[] = ['unknown', 'HTTP/1', 'HTTP/2', 'gRPC', 'opaque', 'TLS'];

export interface MeshServerProps {
  readonly name: string;
  readonly namespace: string;
  /** Labels of the pods that serve the port; never empty (that would select every pod of the namespace). */
  readonly podSelector: Readonly<Record<string, string>>;
  /** The pods' port: a number, or a container port name. */
  readonly port: number | string;
  /** @default "unknown" (the proxy detects the protocol) */
  readonly proxyProtocol?: ProxyProtocol;
  /** What happens to traffic no AuthorizationPolicy allows. @default "deny" */
  readonly accessPolicy?: InboundPolicy;
}

/** A port of a set of pods, as the inbound proxy sees it: its protocol and its default access. */
export class MeshServer extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: MeshServerProps) {
    super(scope, id);
    const path = this.node.path;
    assertObjectName(props.name, 'Server name', path);
    if (Object.keys(props.podSelector).length === 0) {
      throw new Error(`${path}: Server ${props.name} has an empty podSelector, which selects every pod of namespace ${props.namespace}. Fix: give the labels of the service's pods, e.g. { app: "${props.name}" }`);
    }
    const port = props.port;
    if (typeof port === 'number' ? !Number.isInteger(port) || port < 1 || port > 65535 : !/^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/.test(port)) {
      throw new Error(`${path}: Server port ${JSON.stringify(port)} is neither a port number nor a port name. Fix: use 1-65535 or the container port's name (e.g. "http")`);
    }
    const proxyProtocol = props.proxyProtocol ?? 'unknown';
    const accessPolicy = props.accessPolicy ?? 'deny';
    assertOneOf(proxyProtocol, PROXY_PROTOCOL_VALUES, 'proxyProtocol', path);
    assertOneOf(accessPolicy, ACCESS_POLICIES, 'accessPolicy', path);
    this.name = props.name;
    new ServerV1Beta3(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      // accessPolicy is written even when it is the CRD's default: the file should say "deny".
      spec: { podSelector: { matchLabels: { ...props.podSelector } }, port, proxyProtocol, accessPolicy },
    });
  }
}
