// Rules for a Link's ends and its credentials, in one place: lib/check/multicluster-rules.ts turns a
// problem into a diagnostic with a path, the MirrorLink and LinkCredentials constructs throw it.
import type { ValueProblem } from './diagnostics.ts';
import type { CredentialsSpec, LinkModeName } from './types.ts';

/** A gateway link mirrors through the target's gateway, so it needs the address to reach it. */
export function gatewayAddressProblem(link: { readonly mode: LinkModeName; readonly source: string; readonly target: string }, address: string | undefined, targetPath?: string): ValueProblem | undefined {
  if (link.mode !== 'gateway' || address) return undefined;
  return {
    message: `gateway link ${link.source} → ${link.target}, but ${link.target} has no gateway address`,
    fix: `set gateway.address on cluster ${link.target}${targetPath ? ` (at ${targetPath})` : ''} to its gateway LoadBalancer's addresses once it exists`,
  };
}

/** Credentials from External Secrets build the kubeconfig from the target's API server URL. */
export function linkApiServerProblem(credentials: CredentialsSpec, target: string, apiServer: string | undefined): ValueProblem | undefined {
  if (credentials.type !== 'externalSecret' || apiServer) return undefined;
  return { message: `${target} is a link target, and the Link credentials need its API server URL`, fix: `set apiServer on cluster ${target}` };
}

export function credentialsStoreProblem(credentials: CredentialsSpec): ValueProblem | undefined {
  if (credentials.type !== 'externalSecret' || credentials.store) return undefined;
  return {
    message: 'Link credentials come from External Secrets by default, but no secret store is named',
    fix: 'set credentials.store (or use an externalSecret trust issuer, whose store is then used), or credentials.type: sealedSecret | external',
  };
}

export function sealedKubeconfigProblem(credentials: CredentialsSpec, source: string, target: string): ValueProblem | undefined {
  if (credentials.type !== 'sealedSecret' || credentials.sealedKubeconfigs[`${source}/${target}`]) return undefined;
  return { message: `no sealed kubeconfig for ${source}/${target}`, fix: `seal the kubeconfig for ${source} → ${target} (cluster-wide scope) and add it under "${source}/${target}"` };
}
