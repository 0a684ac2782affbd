// Emitted routes whose fields the cluster's Linkerd release does not read: Linkerd's route types come
// from one Gateway API version (lib/compat/gateway-api.ts), so a field beyond it is silently ignored.
import { GATEWAY_API_GROUP, linkerdGatewayAPI } from '../compat/gateway-api.ts';
import { show, warning, type Diagnostic } from '../model/diagnostics.ts';
import type { KubeObject } from '../model/kube-object.ts';
import type { ResolvedCluster } from '../resolve/resolve.ts';
import { structuralSchemaFor } from './schema-registry.ts';
import { foundValid, validBefore } from './valid-before.ts';

/**
 * Linkerd releases that ignore routes using fields beyond a Gateway API version: the emitted routes'
 * fields checked against that version's experimental schema (Linkerd's types come from it). `files`:
 * the objects by file, with the file's text when it is known: a text whose routes had no field
 * beyond the version in an earlier run is not checked again (valid-before.ts), nor its schema loaded.
 */
export function routeFieldsBeyondLinkerd(cluster: ResolvedCluster, files: readonly (readonly [text: string | undefined, objects: readonly KubeObject[]])[]): Diagnostic[] {
  const limit = linkerdGatewayAPI(cluster.release).fieldsUpTo;
  if (!limit) return [];
  const check = `route fields up to Gateway API ${limit}`;
  const diagnostics: Diagnostic[] = [];
  for (const [text, objects] of files) {
    const routes = objects.filter((object) => object.apiVersion.startsWith(`${GATEWAY_API_GROUP}/`));
    if (routes.length === 0 || (text !== undefined && validBefore(check, text))) continue;
    const before = diagnostics.length;
    for (const object of routes) {
      // Unknown fields are the schema's structural verdict: the version's CEL rules need not run.
      const validate = structuralSchemaFor(object.apiVersion, object.kind, { gatewayAPI: { version: limit, channel: 'experimental' } });
      const unknown = validate ? validate(object).filter((v) => v.message.startsWith('unknown field')) : [];
      const route = cluster.routes.find((r) => r.spec.kind === object.kind && r.spec.name === object.metadata.name && r.spec.namespace === object.metadata.namespace);
      for (const field of unknown) {
        diagnostics.push(
          warning('MF3217', route?.path ?? cluster.path, `Linkerd ${cluster.linkerdVersion} ignores ${object.kind} ${object.metadata.namespace}/${object.metadata.name} on cluster ${cluster.name}: ${show(field.path)} is beyond the Gateway API v${limit} spec it reads`, `leave out what needs a newer Gateway API, or upgrade Linkerd`),
        );
      }
    }
    if (text !== undefined && diagnostics.length === before) foundValid(check, text);
  }
  return diagnostics;
}
