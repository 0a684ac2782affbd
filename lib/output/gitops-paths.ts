// Where delivery files go inside charts-out/. Fleet-wide files (what spans environments: the rollout
// order, the Flux sources, the Argo CD settings) live in gitops/; the rest per environment.

import { GITOPS_FOLDER } from '../model/output-folder-names.ts';

export { GITOPS_FOLDER };

export function environmentGitopsFolder(environment: string, engine: 'argocd' | 'flux'): string {
  return `${environment}/${GITOPS_FOLDER}/${engine}`;
}

export function fleetGitopsFolder(engine: 'argocd' | 'flux'): string {
  return `${GITOPS_FOLDER}/${engine}`;
}
