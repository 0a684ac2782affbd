// Validates every object meshfleet emits: built-in kinds with kubernetes-models, custom resources
// with the CRD schemas of the versions the cluster runs, ObjectMeta for all, then, as the API
// server calls admission webhooks after schema validation, the rules of Linkerd's policy webhook
// when the cluster runs Linkerd. An object nothing can check is reported too: a check that cannot
// fail is a defect.
import type { KubeObject } from '../model/kube-object.ts';
import { coreKindValidator, isPrereleaseCoreApiVersion, objectMetaViolations } from './core-kinds.ts';
import { linkerdAdmissionViolations } from './linkerd-admission.ts';
import { schemaFor, servedApiVersionsOf, sourceSetsFor, type SchemaSources } from './schema-registry.ts';

export type { KubeObject };

export interface ObjectIssue {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Present only when the object has one. */
  readonly namespace?: string;
  /** JSON pointer inside the object, e.g. `/spec/duration`; `` for the object as a whole. */
  readonly path: string;
  readonly message: string;
  /** Present when a CEL rule (`x-kubernetes-validations`) failed: the rule's text. */
  readonly rule?: string;
}

export function validateObjects(objects: readonly KubeObject[], sources: SchemaSources): ObjectIssue[] {
  const issues: ObjectIssue[] = [];
  for (const object of objects) {
    const report = (path: string, message: string, rule?: string) => issues.push(issueFor(object, path, message, rule));

    const metadataViolations = objectMetaViolations(String(object.kind), object.metadata);
    for (const violation of metadataViolations) report(violation.path, violation.message);
    // kubernetes-models also types metadata (labels must be strings, …): one message per place is enough.
    const reportedPaths = metadataViolations.length > 0 ? new Set(metadataViolations.map((violation) => violation.path)) : undefined;

    if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
      report('', `apiVersion and kind must be strings, got ${JSON.stringify(object.apiVersion)} ${JSON.stringify(object.kind)}`);
      continue;
    }
    const validate = coreKindValidator(object.apiVersion, object.kind) ?? schemaFor(object.apiVersion, object.kind, sources);
    if (!validate) {
      report('', noSchemaMessage(object.apiVersion, object.kind, sources));
      continue;
    }
    const schemaViolations = validate(object);
    for (const violation of schemaViolations) {
      if (!reportedPaths?.has(violation.path)) report(violation.path, violation.message, violation.rule);
    }
    if (sources.linkerd !== undefined && schemaViolations.length === 0 && metadataViolations.length === 0) {
      for (const violation of linkerdAdmissionViolations(object, sources.linkerd, objects)) report(violation.path, violation.message);
    }
  }
  return issues;
}

/** An issue naming the object it is about; shared with the secret scan. */
export function issueFor(object: KubeObject, path: string, message: string, rule?: string): ObjectIssue {
  const metadata = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  return {
    apiVersion: String(object.apiVersion),
    kind: String(object.kind),
    name: typeof metadata.name === 'string' ? metadata.name : '',
    // Absent rather than undefined for cluster-scoped objects, so issues compare with toStrictEqual.
    ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
    path,
    message,
    ...(rule !== undefined ? { rule } : {}),
  };
}

function noSchemaMessage(apiVersion: string, kind: string, sources: SchemaSources): string {
  const subject = `no schema for ${apiVersion} ${kind}`;
  if (isPrereleaseCoreApiVersion(apiVersion, kind)) {
    return `${subject}: a pre-release version of a built-in API (removed or disabled by default on supported clusters); use its GA version`;
  }
  const slash = apiVersion.lastIndexOf('/');
  const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
  const served = group ? servedApiVersionsOf(group, kind, sources) : [];
  let hint = served.length > 0 ? `; the selected CRDs serve ${kind} as ${served.join(', ')}` : '';
  if (!sources.linkerd && group.endsWith('linkerd.io')) hint += '; no Linkerd version was given for this cluster';
  if (!sources.gatewayAPI && group.startsWith('gateway.networking.')) hint += '; no Gateway API bundle was given for this cluster';
  const searched = ['Kubernetes built-in kinds', ...sourceSetsFor(sources)].join(', ');
  return `${subject} in ${searched}${hint}: an object no schema can check is reported, not passed`;
}
