// Validates every object meshfleet emits: built-in kinds with kubernetes-models, custom resources
// with the CRD schemas of the versions the cluster runs, ObjectMeta for all, then, as the API
// server calls admission webhooks after schema validation, the rules of Linkerd's policy webhook
// when the cluster runs Linkerd. An object nothing can check is reported too: a check that cannot
// fail is a defect.
import type { KubeObject } from '../model/kube-object.ts';
import { coreKindValidator, isPrereleaseCoreApiVersion, objectMetaViolations } from './core-kinds.ts';
import { linkerdAdmissionViolations } from './linkerd-admission.ts';
import { schemaFor, servedApiVersionsOf, sourceSetsFor, type SchemaSources, type ValidateFn } from './schema-registry.ts';

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

/**
 * `known`: objects that passed these checks before with the same sources (lib/synth/validated-files.ts):
 * only the webhook's rules, which read the other objects too, are run for them.
 */
export function validateObjects(objects: readonly KubeObject[], sources: SchemaSources, known?: ReadonlySet<KubeObject>): ObjectIssue[] {
  const issues: ObjectIssue[] = [];
  const validators = validatorsFor(sources);
  for (const object of objects) {
    if (known?.has(object)) {
      if (sources.linkerd !== undefined) for (const violation of linkerdAdmissionViolations(object, sources.linkerd, objects)) issues.push(issueFor(object, violation.path, violation.message));
      continue;
    }
    checked++;
    const metadataViolations = objectMetaViolations(String(object.kind), object.metadata);
    for (const violation of metadataViolations) issues.push(issueFor(object, violation.path, violation.message));

    if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
      issues.push(issueFor(object, '', `apiVersion and kind must be strings, got ${JSON.stringify(object.apiVersion)} ${JSON.stringify(object.kind)}`));
      continue;
    }
    const validate = validatorOf(validators, object.apiVersion, object.kind, sources);
    if (!validate) {
      issues.push(issueFor(object, '', noSchemaMessage(object.apiVersion, object.kind, sources)));
      continue;
    }
    const schemaViolations = validate(object);
    if (schemaViolations.length > 0) {
      // kubernetes-models also types metadata (labels must be strings, …): one message per place is enough.
      const reportedPaths = metadataViolations.length > 0 ? new Set(metadataViolations.map((violation) => violation.path)) : undefined;
      for (const violation of schemaViolations) {
        if (!reportedPaths?.has(violation.path)) issues.push(issueFor(object, violation.path, violation.message, violation.rule));
      }
    }
    if (sources.linkerd !== undefined && schemaViolations.length === 0 && metadataViolations.length === 0) {
      for (const violation of linkerdAdmissionViolations(object, sources.linkerd, objects)) issues.push(issueFor(object, violation.path, violation.message));
    }
  }
  return issues;
}

/** Objects this thread checked against their schemas (tests read it: what an incremental synth validates again). */
let checked = 0;
export function objectsChecked(): number {
  return checked;
}

/** Tells schema sources apart: two with the same key check objects alike. */
export function schemaSourcesKey(sources: SchemaSources): string {
  return `${sources.linkerd ?? ''}\u0000${sources.gatewayAPI?.version ?? ''}\u0000${sources.gatewayAPI?.channel ?? ''}`;
}

/** apiVersion → kind → validator (null: none), per schema sources. */
type Validators = Map<string, Map<string, ValidateFn | null>>;

const validatorsBySources = new Map<string, Validators>();

/**
 * Every object asks which validator checks its apiVersion/kind: answered once per sources and
 * kind, without building a key string per object.
 */
function validatorsFor(sources: SchemaSources): Validators {
  const key = schemaSourcesKey(sources);
  let validators = validatorsBySources.get(key);
  if (!validators) validatorsBySources.set(key, (validators = new Map()));
  return validators;
}

function validatorOf(validators: Validators, apiVersion: string, kind: string, sources: SchemaSources): ValidateFn | undefined {
  let byKind = validators.get(apiVersion);
  if (!byKind) validators.set(apiVersion, (byKind = new Map()));
  let validate = byKind.get(kind);
  if (validate === undefined) {
    validate = coreKindValidator(apiVersion, kind) ?? schemaFor(apiVersion, kind, sources) ?? null;
    byKind.set(kind, validate);
  }
  return validate ?? undefined;
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
