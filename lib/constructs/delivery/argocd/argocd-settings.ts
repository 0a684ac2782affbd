// Settings Argo CD itself needs for what meshfleet emits, as ConfigMap patches to merge into the
// installation (kubectl patch, or a kustomize patch of the Argo CD install).
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GATES_LABEL } from './component-application.ts';

export const APPLICATION_HEALTH_KEY = 'resource.customizations.health.argoproj.io_Application';

/**
 * Argo CD stopped assessing the health of Application objects in 1.8, so an app-of-apps moves past a
 * sync wave as soon as the child Application exists. This check reports the child's own health (and
 * Progressing while its sync runs), so waves wait for the previous components to be Healthy. A child
 * labelled meshfleet.dev/gates=false (link credentials, which wait for the token another cluster
 * pushes: Degraded until then, by Argo CD's built-in ExternalSecret check) counts as Healthy once it
 * is synced, so it holds neither later waves nor the environment root.
 */
export const APPLICATION_HEALTH_LUA = `-- meshfleet: an Application is as healthy as Argo CD says it is; waves across Applications wait for it.
local hs = { status = "Progressing", message = "waiting for the Application's health" }
if obj.status ~= nil then
  if obj.status.operationState ~= nil and obj.status.operationState.phase == "Running" then
    hs.message = "sync running"
    return hs
  end
  local gates = obj.metadata.labels == nil or obj.metadata.labels["${GATES_LABEL}"] ~= "false"
  if not gates and obj.status.sync ~= nil and obj.status.sync.status == "Synced" then
    hs.status = "Healthy"
    hs.message = "synced; its health (" .. ((obj.status.health or {}).status or "unknown") .. ") holds nothing"
    return hs
  end
  if obj.status.health ~= nil and obj.status.health.status ~= nil then
    hs.status = obj.status.health.status
    hs.message = obj.status.health.message or ""
  end
end
return hs
`;

export interface ArgoCDConfigProps {
  readonly namespace: string;
  /** An ApplicationSet uses RollingSync, which Argo CD runs only with progressive syncs enabled. */
  readonly progressiveSyncs: boolean;
}

/** The argocd-cm health check for Applications, and the flag progressive syncs need. */
export class ArgoCDConfig extends Construct {
  constructor(scope: Construct, id: string, props: ArgoCDConfigProps) {
    super(scope, id);
    const labels = { 'app.kubernetes.io/part-of': 'argocd' };
    new ApiObject(this, 'HealthCheck', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'argocd-cm', namespace: props.namespace, labels },
      data: { [APPLICATION_HEALTH_KEY]: APPLICATION_HEALTH_LUA },
    });
    if (props.progressiveSyncs) {
      new ApiObject(this, 'ProgressiveSyncs', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'argocd-cmd-params-cm', namespace: props.namespace, labels },
        data: { 'applicationsetcontroller.enable.progressive.syncs': 'true' },
      });
    }
  }
}
