import { Construct } from 'constructs';
import { AuthorizationPolicy, MeshTlsAuthentication, NetworkAuthentication } from '../../../imports/policy.linkerd.io.ts';
import type { AuthorizationObject, NetworkRange, PolicyTarget } from '../../resolve/policy.ts';
import { assertCidr, assertObjectName } from '../assert-props.ts';

/** What the policy authorizes: a Server, an HTTPRoute of either group, or a GRPCRoute. */
export type AuthorizationTarget = PolicyTarget;
export type ClientNetwork = NetworkRange;
/** A name for the AuthorizationPolicy and its authentications, its target, and the accepted identities and networks. */
export type CallerAuthorizationProps = AuthorizationObject;

/**
 * Allows some clients to use a Server or a route: an AuthorizationPolicy that requires a
 * MeshTLSAuthentication (the clients' identities), a NetworkAuthentication (their addresses), or both
 * (meshed clients from those addresses). Linkerd allows at most one of each per policy.
 */
export class CallerAuthorization extends Construct {
  constructor(scope: Construct, id: string, props: CallerAuthorizationProps) {
    super(scope, id);
    const path = this.node.path;
    assertObjectName(props.name, 'AuthorizationPolicy name', path);
    const { identities, networks } = props;
    if (!identities?.length && !networks?.length) {
      throw new Error(`${path}: AuthorizationPolicy ${props.name} names no identities and no networks, so it would allow nobody. Fix: give identities, networks or both`);
    }
    for (const identity of identities ?? []) {
      if (!/^(\*|(\*\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.test(identity)) {
        throw new Error(`${path}: ${JSON.stringify(identity)} is not a mesh identity. Fix: use "<sa>.<ns>.serviceaccount.identity.linkerd.<trust domain>", a "*." prefix for a namespace, or "*"`);
      }
    }
    for (const network of networks ?? []) {
      assertCidr(network.cidr, 'client network', path);
      for (const address of network.except ?? []) assertCidr(address.includes('/') ? address : `${address}/${address.includes(':') ? 128 : 32}`, 'excepted address', path);
    }

    const metadata = { name: props.name, namespace: props.namespace };
    const required: { group: string; kind: string; name: string }[] = [];
    if (identities?.length) {
      new MeshTlsAuthentication(this, 'MeshTLS', { metadata, spec: { identities: [...identities] } });
      required.push({ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: props.name });
    }
    if (networks?.length) {
      new NetworkAuthentication(this, 'Network', {
        metadata,
        spec: { networks: networks.map((n) => ({ cidr: n.cidr, ...(n.except?.length ? { except: [...n.except] } : {}) })) },
      });
      required.push({ group: 'policy.linkerd.io', kind: 'NetworkAuthentication', name: props.name });
    }
    new AuthorizationPolicy(this, 'Resource', {
      metadata,
      spec: { targetRef: { ...props.target }, requiredAuthenticationRefs: required },
    });
  }
}
