// Validation of built-in Kubernetes kinds (Namespace, Service, Deployment, RBAC, webhooks, …) with
// the `kubernetes-models` package, plus ObjectMeta rules that hold for every kind (built-in or custom).
//
// kubernetes-models compiles each kind's OpenAPI schema to an ajv function; `validate()` throws a
// ValidationError whose `errors` are ajv ErrorObjects (instancePath, keyword, params). Those schemas
// do not reject unknown fields, so the top level of common kinds is checked against a table here,
// and ObjectMeta is checked field by field below (a misspelt `labelz` must not pass silently).
import { createRequire } from 'node:module';
import { escapePointer, violationsFromAjvErrors, type SchemaViolation, type ValidateFn } from './schema-registry.ts';

const require = createRequire(import.meta.url);

interface KubernetesModelClass {
  new (data: unknown): { validate(): void };
  readonly apiVersion: string;
  readonly kind: string;
}

// `v1`, `apps/v1`, `rbac.authorization.k8s.io/v1`: only GA versions. Every alpha/beta version of a
// built-in group is either removed (extensions/v1beta1, policy/v1beta1, batch/v1beta1, …) or off by
// default in the Kubernetes versions Linkerd 2.18+ supports, so emitting one is a defect.
const GA_API_VERSION = /^(?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v\d+$/;
const ANY_API_VERSION = /^(?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v\d+(?:(?:alpha|beta)\d+)?$/;
const KIND_NAME = /^[A-Z][A-Za-z0-9]*$/;

const coreValidators = new Map<string, ValidateFn | undefined>();

/**
 * The validator of a built-in kind, or undefined when kubernetes-models has no such apiVersion/kind
 * (then it is a custom resource, or unknown). The kind's module is loaded on first use only.
 */
export function coreKindValidator(apiVersion: string, kind: string): ValidateFn | undefined {
  const key = `${apiVersion}\u0000${kind}`;
  if (coreValidators.has(key)) return coreValidators.get(key);
  const model = GA_API_VERSION.test(apiVersion) && KIND_NAME.test(kind) ? loadModel(apiVersion, kind) : undefined;
  const validator = model ? validatorFor(model, kind) : undefined;
  coreValidators.set(key, validator);
  return validator;
}

/** True for a built-in alpha/beta apiVersion that kubernetes-models knows (e.g. batch/v1beta1 CronJob). */
export function isPrereleaseCoreApiVersion(apiVersion: string, kind: string): boolean {
  return !GA_API_VERSION.test(apiVersion) && ANY_API_VERSION.test(apiVersion) && KIND_NAME.test(kind) && loadModel(apiVersion, kind) !== undefined;
}

function loadModel(apiVersion: string, kind: string): KubernetesModelClass | undefined {
  let exported: Record<string, unknown>;
  try {
    // Synchronous and per kind: `kubernetes-models/apps/v1/Deployment` pulls in only that schema.
    exported = require(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const model = exported[kind] as KubernetesModelClass | undefined;
  // The folder also holds sub-structures (PodSpec, ObjectMeta, …) which are not resources.
  if (typeof model !== 'function' || model.apiVersion !== apiVersion || model.kind !== kind) return undefined;
  return model;
}

function validatorFor(model: KubernetesModelClass, kind: string): ValidateFn {
  const allowedTopLevel = TOP_LEVEL_FIELDS[kind];
  return (object: unknown) => {
    const violations: SchemaViolation[] = [];
    if (allowedTopLevel && isRecord(object)) {
      for (const field of Object.keys(object)) {
        if (!COMMON_TOP_LEVEL.includes(field) && !allowedTopLevel.includes(field)) {
          violations.push({ path: `/${escapePointer(field)}`, message: `unknown field: ${kind} has no top-level field "${field}"` });
        }
      }
    }
    try {
      new model(object).validate();
    } catch (error) {
      const ajvErrors = (error as { errors?: unknown }).errors;
      if (!Array.isArray(ajvErrors)) throw error;
      violations.push(...violationsFromAjvErrors(ajvErrors));
    }
    return violations;
  };
}

const COMMON_TOP_LEVEL = ['apiVersion', 'kind', 'metadata'];
const SPEC_STATUS = ['spec', 'status'];

/** Top-level fields of the built-in kinds meshfleet emits (kubernetes-models does not reject extras). */
const TOP_LEVEL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Namespace: SPEC_STATUS,
  ConfigMap: ['data', 'binaryData', 'immutable'],
  Secret: ['data', 'stringData', 'type', 'immutable'],
  ServiceAccount: ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
  Service: SPEC_STATUS,
  Deployment: SPEC_STATUS,
  StatefulSet: SPEC_STATUS,
  DaemonSet: SPEC_STATUS,
  Job: SPEC_STATUS,
  CronJob: SPEC_STATUS,
  Pod: SPEC_STATUS,
  PodDisruptionBudget: SPEC_STATUS,
  HorizontalPodAutoscaler: SPEC_STATUS,
  NetworkPolicy: SPEC_STATUS,
  Ingress: SPEC_STATUS,
  Role: ['rules'],
  ClusterRole: ['rules', 'aggregationRule'],
  RoleBinding: ['subjects', 'roleRef'],
  ClusterRoleBinding: ['subjects', 'roleRef'],
  MutatingWebhookConfiguration: ['webhooks'],
  ValidatingWebhookConfiguration: ['webhooks'],
  ValidatingAdmissionPolicy: SPEC_STATUS,
  ValidatingAdmissionPolicyBinding: ['spec'],
  CustomResourceDefinition: SPEC_STATUS,
  PriorityClass: ['value', 'globalDefault', 'description', 'preemptionPolicy'],
  Lease: ['spec'],
};

// ---------------------------------------------------------------------------------------------
// ObjectMeta: the API server checks these for every kind, CRDs included (their schemas only say
// `metadata: {type: object}`), so they are checked here once for all objects.

const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'labels', 'annotations', 'finalizers', 'ownerReferences',
  'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp',
  'deletionGracePeriodSeconds', 'managedFields', 'selfLink',
]);

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ANNOTATIONS_TOTAL_LIMIT = 256 * 1024;

/** Kinds whose names are path segments rather than DNS names (e.g. `system:controller:foo`). */
const PATH_SEGMENT_NAMED = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

export function objectMetaViolations(kind: string, metadata: unknown): SchemaViolation[] {
  if (!isRecord(metadata)) return [{ path: '/metadata', message: `must be an object, got ${describe(metadata)}` }];
  const violations: SchemaViolation[] = [];
  const add = (path: string, message: string) => violations.push({ path: `/metadata${path}`, message });

  for (const field of Object.keys(metadata)) {
    if (!OBJECT_META_FIELDS.has(field)) add(`/${escapePointer(field)}`, 'unknown field: not part of ObjectMeta');
  }

  const name = metadata.name;
  if (typeof name !== 'string' || name === '') {
    if (metadata.generateName === undefined) add('/name', typeof name === 'string' ? 'must not be empty' : 'required field is missing');
  } else {
    const problem = nameProblem(kind, name);
    if (problem) add('/name', problem);
  }
  if (metadata.namespace !== undefined) {
    if (typeof metadata.namespace !== 'string' || !isDns1123Label(metadata.namespace)) {
      add('/namespace', `must be a DNS-1123 label (lower-case alphanumerics and '-', at most 63), got ${describe(metadata.namespace)}`);
    }
  }

  if (metadata.labels !== undefined) {
    if (!isRecord(metadata.labels)) add('/labels', `must be a map of strings, got ${describe(metadata.labels)}`);
    else {
      for (const [key, value] of Object.entries(metadata.labels)) {
        const path = `/labels/${escapePointer(key)}`;
        const keyProblem = qualifiedNameProblem(key);
        if (keyProblem) add(path, `label key ${keyProblem}`);
        if (typeof value !== 'string') add(path, `label value must be a string, got ${describe(value)}`);
        else if (value.length > 63 || !LABEL_VALUE.test(value)) {
          add(path, `label value must be at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric, got ${JSON.stringify(value)}`);
        }
      }
    }
  }

  if (metadata.annotations !== undefined) {
    if (!isRecord(metadata.annotations)) add('/annotations', `must be a map of strings, got ${describe(metadata.annotations)}`);
    else {
      let totalSize = 0;
      for (const [key, value] of Object.entries(metadata.annotations)) {
        const path = `/annotations/${escapePointer(key)}`;
        const keyProblem = qualifiedNameProblem(key);
        if (keyProblem) add(path, `annotation key ${keyProblem}`);
        if (typeof value !== 'string') add(path, `annotation value must be a string, got ${describe(value)}`);
        else totalSize += key.length + value.length;
      }
      if (totalSize > ANNOTATIONS_TOTAL_LIMIT) add('/annotations', `annotations total ${totalSize} bytes, over the API server limit of ${ANNOTATIONS_TOTAL_LIMIT}`);
    }
  }
  return violations;
}

function nameProblem(kind: string, name: string): string | undefined {
  if (kind === 'Namespace') {
    return isDns1123Label(name) ? undefined : `Namespace name must be a DNS-1123 label (lower-case alphanumerics and '-', at most 63), got ${JSON.stringify(name)}`;
  }
  if (kind === 'Service') {
    // Mirrored services (`<svc>-<cluster>`) hit this 63-character limit first.
    return name.length <= 63 && DNS1035_LABEL.test(name)
      ? undefined
      : `Service name must be a DNS-1035 label (start with a letter, lower-case alphanumerics and '-', at most 63), got ${JSON.stringify(name)} (${name.length})`;
  }
  if (PATH_SEGMENT_NAMED.has(kind)) {
    return name === '.' || name === '..' || name.includes('/') || name.includes('%') ? `must not be "." or ".." or contain "/" or "%", got ${JSON.stringify(name)}` : undefined;
  }
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name)
    ? undefined
    : `must be a DNS-1123 subdomain (lower-case alphanumerics, '-' and '.', at most 253), got ${JSON.stringify(name)}`;
}

function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    return `prefix must be a DNS-1123 subdomain, got ${JSON.stringify(key)}`;
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) {
    return `name part must be 1-63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric, got ${JSON.stringify(key)}`;
  }
  return undefined;
}

function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return `${typeof value} ${JSON.stringify(value)}`;
}
