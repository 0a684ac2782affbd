// Where delivery files go inside charts-out/. Fleet-wide files (what spans environments: the rollout
// order, the Flux sources, the Argo CD settings) live in gitops/; the rest per environment.

/** charts-out/<env>/gitops/ per environment, charts-out/gitops/ for the fleet. */
export const GITOPS_FOLDER = 'gitops';

export function environmentGitopsFolder(environment: string, engine: 'argocd' | 'flux'): string {
  return `${environment}/${GITOPS_FOLDER}/${engine}`;
}

export function fleetGitopsFolder(engine: 'argocd' | 'flux'): string {
  return `${GITOPS_FOLDER}/${engine}`;
}
