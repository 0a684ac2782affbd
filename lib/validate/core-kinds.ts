// Validation of built-in Kubernetes kinds (Namespace, Service, Deployment, RBAC, webhooks, …) with
// the `kubernetes-models` package, plus ObjectMeta rules that hold for every kind (built-in or custom).
//
// kubernetes-models compiles each kind's OpenAPI schema to an ajv function; `validate()` throws a
// ValidationError whose `errors` are ajv ErrorObjects (instancePath, keyword, params). Those
// validators do not reject unknown fields, know no list-map keys and none of the API server's own
// value checks (a Service port of 700000 is an int32), so this file adds them: unknown fields at any
// depth against the field trees in schemas/core-kinds/fields.json (scripts/gen-core-kind-fields.ts),
// list-map keys, port ranges and names. ObjectMeta is checked field by field below for every kind.
import { packageFile } from '../package-files.ts';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { escapePointer, violationsFromAjvErrors, type SchemaViolation, type ValidateFn } from './schema-registry.ts';
import { validationLibraries } from '../validation-libraries.ts';
import { apiGroupOf } from '../model/kube-object.ts';

const require = createRequire(import.meta.url);

/** `apiVersion kind` of the built-in kinds meshfleet emits, whose models the validation libraries hold (validation-libraries.ts). */
export const EMITTED_CORE_KINDS: ReadonlySet<string> = new Set(['v1 Namespace', 'v1 Service', 'v1 ServiceAccount', 'v1 ConfigMap', 'apps/v1 Deployment']);

interface KubernetesModelClass {
  new (data: unknown): { validate(): void };
  readonly prototype: { validate(this: unknown): void };
  readonly apiVersion: string;
  readonly kind: string;
}

// `v1`, `apps/v1`, `rbac.authorization.k8s.io/v1`: only GA versions. Every alpha/beta version of a
// built-in group is either removed (extensions/v1beta1, policy/v1beta1, batch/v1beta1, …) or off by
// default in the Kubernetes versions Linkerd 2.18+ supports, so emitting one is a defect.
const GA_API_VERSION = /^(?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v\d+$/;
const ANY_API_VERSION = /^(?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v\d+(?:(?:alpha|beta)\d+)?$/;
const KIND_NAME = /^[A-Z][A-Za-z0-9]*$/;
/**
 * The API groups kubernetes-models holds, its folders ('' the core group's `v1`; a test compares them
 * with the package's). Any other group is a custom resource's (cert-manager.io, fluxcd.io, linkerd.io,
 * and gateway.networking.k8s.io, a CRD's group under k8s.io): not looked up there, where a missing
 * module costs a thrown resolution error (~1.5 ms each, 17 ms for a process's first, on every thread
 * that validates a route).
 */
export const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'extensions',
  'flowcontrol.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
]);

const coreValidators = new Map<string, ValidateFn | undefined>();

/**
 * The validator of a built-in kind, or undefined when kubernetes-models has no such apiVersion/kind
 * (then it is a custom resource, or unknown). The kind's module is loaded on first use only.
 */
export function coreKindValidator(apiVersion: string, kind: string): ValidateFn | undefined {
  const key = `${apiVersion}\u0000${kind}`;
  if (coreValidators.has(key)) return coreValidators.get(key);
  const model = GA_API_VERSION.test(apiVersion) && KIND_NAME.test(kind) ? loadModel(apiVersion, kind) : undefined;
  const validator = model ? validatorFor(model, apiVersion, kind) : undefined;
  coreValidators.set(key, validator);
  return validator;
}

/**
 * Whether kubernetes-models has the apiVersion/kind (coreKindValidator finds a validator for it),
 * without making one for a kind meshfleet emits (EMITTED_CORE_KINDS): the rollout asks this of
 * every kind it orders, also in a run that validates no file (each was valid before,
 * lib/validate/valid-before.ts), where loading the kinds' schemas and ajv's formats cost each
 * rendering thread ~9 ms.
 */
export function isCoreKind(apiVersion: string, kind: string): boolean {
  return EMITTED_CORE_KINDS.has(`${apiVersion} ${kind}`) || coreKindValidator(apiVersion, kind) !== undefined;
}

/** True for a built-in alpha/beta apiVersion that kubernetes-models knows (e.g. batch/v1beta1 CronJob). */
export function isPrereleaseCoreApiVersion(apiVersion: string, kind: string): boolean {
  return !GA_API_VERSION.test(apiVersion) && ANY_API_VERSION.test(apiVersion) && KIND_NAME.test(kind) && loadModel(apiVersion, kind) !== undefined;
}

function loadModel(apiVersion: string, kind: string): KubernetesModelClass | undefined {
  if (!BUILT_IN_GROUPS.has(apiGroupOf(apiVersion))) return undefined;
  let exported: Record<string, unknown>;
  try {
    // Synchronous and per kind: `kubernetes-models/apps/v1/Deployment` pulls in only that schema.
    const key = `${apiVersion} ${kind}`;
    exported = (EMITTED_CORE_KINDS.has(key) ? validationLibraries().emittedCoreKind[key]!() : require(`kubernetes-models/${apiVersion}/${kind}`)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const model = exported[kind] as KubernetesModelClass | undefined;
  // The folder also holds sub-structures (PodSpec, ObjectMeta, …) which are not resources.
  if (typeof model !== 'function' || model.apiVersion !== apiVersion || model.kind !== kind) return undefined;
  return model;
}

function validatorFor(model: KubernetesModelClass, apiVersion: string, kind: string): ValidateFn {
  const rootRef = coreKindFields().roots[`${apiVersion} ${kind}`];
  const notEnforced = REQUIRED_NOT_ENFORCED[`${apiVersion} ${kind}`] ?? [];
  return (object: unknown) => {
    // The API server decodes a null field as absent (Go zero value): `annotations:` with nothing
    // after it, or `endpoints: null`, must not read as a wrong type.
    const decoded = withoutNulls(object);
    const violations: SchemaViolation[] = [];
    if (rootRef !== undefined) walkFields(decoded, rootRef, [], violations);
    try {
      // The model's constructor only copies the object without its undefined fields (for its own
      // toJSON) before validate() reads it; an object without any is validated as it is.
      if (holdsUndefined(decoded)) new model(decoded).validate();
      else model.prototype.validate.call(decoded);
    } catch (error) {
      const ajvErrors = (error as { errors?: unknown }).errors;
      if (!Array.isArray(ajvErrors)) throw error;
      for (const violation of violationsFromAjvErrors(ajvErrors)) {
        if (violation.message === 'required field is missing' && notEnforced.includes(violation.path)) continue;
        violations.push(violation);
      }
    }
    return violations;
  };
}

// ---------------------------------------------------------------------------------------------
// Strict fields, list-map keys and the value checks of the API server's own validation code,
// which the OpenAPI definitions (and so kubernetes-models) do not carry.

interface CoreKindFields {
  /** `apps/v1 Deployment` → type name */
  readonly roots: Readonly<Record<string, string>>;
  /** type name → field → `` (scalar), `*` (any value), `name`, `[]name` (list), `{}name` (map) */
  readonly types: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

let fieldsFile: CoreKindFields | undefined;

function coreKindFields(): CoreKindFields {
  if (!fieldsFile) {
    const url = packageFile('schemas/core-kinds/fields.json');
    try {
      fieldsFile = JSON.parse(readFileSync(url, 'utf8')) as CoreKindFields;
    } catch (error) {
      throw new Error(`cannot read ${url.pathname} (${(error as Error).message}): run \`node --import tsx scripts/gen-core-kind-fields.ts\``);
    }
  }
  return fieldsFile;
}

const UNKNOWN_FIELD = 'unknown field: not in the schema (kubectl apply with strict field validation and the API server reject it)';

/**
 * Walks value along its field tree. The JSON pointer is kept as segments and joined only when a
 * violation is reported: building a path string per field cost more than the checks themselves.
 */
function walkFields(value: unknown, ref: string, segments: string[], violations: SchemaViolation[]): void {
  if (ref === '' || ref === '*' || value === undefined) return;
  if (ref.startsWith('[]')) {
    if (!Array.isArray(value)) return;
    const itemRef = ref.slice(2);
    for (let i = 0; i < value.length; i++) {
      segments.push(String(i));
      walkFields(value[i], itemRef, segments, violations);
      segments.pop();
    }
    return;
  }
  if (ref.startsWith('{}')) {
    if (!isRecord(value)) return;
    const itemRef = ref.slice(2);
    for (const key in value) {
      segments.push(escapePointer(key));
      walkFields(value[key], itemRef, segments, violations);
      segments.pop();
    }
    return;
  }
  if (!isRecord(value)) return; // a wrong type is reported by the kubernetes-models validator
  const fields = coreKindFields().types[ref];
  if (!fields) return;
  for (const field in value) {
    const item = value[field];
    const fieldRef = fields[field];
    segments.push(escapePointer(field));
    if (fieldRef === undefined) {
      violations.push({ path: pointerOf(segments), message: UNKNOWN_FIELD });
    } else {
      if (typesWithFieldRules().has(ref)) {
        const rule = `${ref}.${field}`;
        const listMap = LIST_MAP_KEYS[rule];
        if (listMap && Array.isArray(item)) violations.push(...duplicateListMapEntries(item, listMap, pointerOf(segments)));
        const problem = VALUE_CHECKS[rule]?.(item, value);
        if (problem) violations.push({ path: pointerOf(segments), message: problem });
      }
      walkFields(item, fieldRef, segments, violations);
    }
    segments.pop();
  }
  const objectCheck = OBJECT_CHECKS[ref];
  if (objectCheck) violations.push(...objectCheck(value, pointerOf(segments)));
}

let fieldRuleTypes: Set<string> | undefined;

/** Types with a list-map or value rule on some field (most types have none). */
function typesWithFieldRules(): Set<string> {
  fieldRuleTypes ??= new Set([...Object.keys(LIST_MAP_KEYS), ...Object.keys(VALUE_CHECKS)].map((rule) => rule.slice(0, rule.lastIndexOf('.'))));
  return fieldRuleTypes;
}

function pointerOf(segments: readonly string[]): string {
  return segments.length === 0 ? '' : `/${segments.join('/')}`;
}

interface ListMap {
  readonly keys: readonly string[];
  /** Defaults the API server applies to key fields before comparing (protocol: TCP). */
  readonly defaults?: Readonly<Record<string, unknown>>;
}

/**
 * Lists the API server treats as maps (`x-kubernetes-list-type: map` with these
 * `x-kubernetes-list-map-keys` in the Kubernetes OpenAPI v3 spec; `+listType=map` markers in
 * k8s.io/api core/v1 types.go): a duplicate key is refused.
 */
const LIST_MAP_KEYS: Readonly<Record<string, ListMap>> = {
  'v1/ServiceSpec.ports': { keys: ['port', 'protocol'], defaults: { protocol: 'TCP' } },
  'v1/PodSpec.containers': { keys: ['name'] },
  'v1/PodSpec.initContainers': { keys: ['name'] },
  'v1/PodSpec.ephemeralContainers': { keys: ['name'] },
  'v1/Container.ports': { keys: ['containerPort', 'protocol'], defaults: { protocol: 'TCP' } },
  'v1/Container.env': { keys: ['name'] },
  'v1/EphemeralContainer.env': { keys: ['name'] },
};

function duplicateListMapEntries(items: readonly unknown[], listMap: ListMap, path: string): SchemaViolation[] {
  const seen = new Map<string, number>();
  const violations: SchemaViolation[] = [];
  items.forEach((item, index) => {
    if (!isRecord(item)) return;
    const key = JSON.stringify(listMap.keys.map((field) => item[field] ?? listMap.defaults?.[field] ?? null));
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else violations.push({ path: `${path}/${index}`, message: `duplicate entry: same ${listMap.keys.join('+')} (${key.slice(1, -1)}) as entry ${first} (x-kubernetes-list-type: map); give each entry its own ${listMap.keys.join(' and ')}` });
  });
  return violations;
}

const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

function portProblem(value: unknown, allowZero = false): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return undefined; // type errors come from the schema
  const min = allowZero ? 0 : 1;
  return value >= min && value <= 65535 ? undefined : `must be between ${min} and 65535, inclusive, got ${value}`;
}

/** Values the API server's validation (k8s.io/kubernetes pkg/apis/core/validation, apps/validation) refuses. */
const VALUE_CHECKS: Readonly<Record<string, (value: unknown, parent: Record<string, unknown>) => string | undefined>> = {
  'v1/ServicePort.port': (value) => portProblem(value),
  'v1/ServicePort.nodePort': (value) => portProblem(value, true),
  'v1/ServicePort.targetPort': (value) =>
    typeof value === 'string'
      ? value.length <= 15 && IANA_SVC_NAME.test(value) ? undefined : `must be a port number or an IANA service name (at most 15 lower-case alphanumerics and '-', with a letter), got ${JSON.stringify(value)}`
      : portProblem(value, true),
  'v1/ServicePort.name': (value) => (typeof value !== 'string' || value === '' || (value.length <= 63 && DNS1123_LABEL.test(value)) ? undefined : `must be a DNS-1123 label, got ${JSON.stringify(value)}`),
  'v1/ContainerPort.containerPort': (value) => portProblem(value),
  'v1/ContainerPort.hostPort': (value) => portProblem(value, true),
  'v1/ContainerPort.name': (value) => (typeof value !== 'string' || (value.length <= 15 && IANA_SVC_NAME.test(value)) ? undefined : `must be an IANA service name (at most 15 lower-case alphanumerics and '-', with a letter), got ${JSON.stringify(value)}`),
  'v1/Container.name': (value) => (typeof value !== 'string' || (value.length <= 63 && DNS1123_LABEL.test(value)) ? undefined : `must be a DNS-1123 label, got ${JSON.stringify(value)}`),
  'apps/v1/DeploymentSpec.replicas': (value) => (typeof value === 'number' && value < 0 ? `must be greater than or equal to 0, got ${value}` : undefined),
  'apps/v1/StatefulSetSpec.replicas': (value) => (typeof value === 'number' && value < 0 ? `must be greater than or equal to 0, got ${value}` : undefined),
};

/** Checks across the fields of one object (pkg/apis/core/validation ValidateService). */
const OBJECT_CHECKS: Readonly<Record<string, (value: Record<string, unknown>, path: string) => SchemaViolation[]>> = {
  'v1/ServiceSpec': (spec, path) => {
    if (!Array.isArray(spec.ports) || spec.ports.length < 2) return [];
    return spec.ports.flatMap((port: unknown, i: number) =>
      isRecord(port) && (typeof port.name !== 'string' || port.name === '') ? [{ path: `${path}/ports/${i}/name`, message: 'required field is missing: a Service with more than one port must name each port' }] : [],
    );
  },
};

/**
 * Fields the OpenAPI definition marks required but the API server accepts absent (its Go type has
 * `omitempty` and validation allows nil): an EndpointSlice with no endpoints is valid.
 */
const REQUIRED_NOT_ENFORCED: Readonly<Record<string, readonly string[]>> = {
  'discovery.k8s.io/v1 EndpointSlice': ['/endpoints'],
};

/** True when a field of an object at any depth is undefined (kubernetes-models' copy drops those). */
function holdsUndefined(value: unknown): boolean {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (holdsUndefined(value[i])) return true;
    return false;
  }
  if (!isRecord(value)) return false;
  for (const key in value) {
    const item = value[key];
    if (item === undefined || holdsUndefined(item)) return true;
  }
  return false;
}

/** A copy without null-valued object fields at any depth (list items stay); unchanged parts are shared. */
export function withoutNulls(value: unknown): unknown {
  // Loops rather than forEach/Object.entries: this runs over every built-in object and every
  // ObjectMeta, which seldom hold a null, and then allocates nothing.
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = withoutNulls(item);
      if (next !== item) (copy ??= [...value])[i] = next;
    }
    return copy ?? value;
  }
  if (!isRecord(value)) return value;
  let copy: Record<string, unknown> | undefined;
  // for…in reads fields through V8's enum cache; only own fields count, as with Object.keys.
  const plain = Object.getPrototypeOf(value) === Object.prototype;
  for (const key in value) {
    if (!plain && !Object.hasOwn(value, key)) continue;
    const item = value[key];
    if (item === null) {
      copy ??= { ...value };
      delete copy[key];
      continue;
    }
    const next = withoutNulls(item);
    if (next !== item) (copy ??= { ...value })[key] = next;
  }
  return copy ?? value;
}

// ---------------------------------------------------------------------------------------------
// ObjectMeta: the API server checks these for every kind, CRDs included (their schemas only say
// `metadata: {type: object}`), so they are checked here once for all objects.

const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'labels', 'annotations', 'finalizers', 'ownerReferences',
  'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp',
  'deletionGracePeriodSeconds', 'managedFields', 'selfLink',
]);

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ANNOTATIONS_TOTAL_LIMIT = 256 * 1024;

/** Kinds whose names are path segments rather than DNS names (e.g. `system:controller:foo`). */
const PATH_SEGMENT_NAMED = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

export function objectMetaViolations(kind: string, decodedMetadata: unknown): SchemaViolation[] {
  if (!isRecord(decodedMetadata)) return [{ path: '/metadata', message: `must be an object, got ${describe(decodedMetadata)}` }];
  // `annotations:` with nothing after it (null) is decoded as absent, as the API server does.
  const metadata = withoutNulls(decodedMetadata) as Record<string, unknown>;
  const violations: SchemaViolation[] = [];

  for (const field in metadata) {
    if (!OBJECT_META_FIELDS.has(field) && Object.hasOwn(metadata, field)) addMetadataViolation(violations, `/${escapePointer(field)}`, 'unknown field: not part of ObjectMeta');
  }

  const name = metadata.name;
  if (typeof name !== 'string' || name === '') {
    if (metadata.generateName === undefined) addMetadataViolation(violations, '/name', typeof name === 'string' ? 'must not be empty' : 'required field is missing');
  } else {
    const problem = nameProblem(kind, name);
    if (problem) addMetadataViolation(violations, '/name', problem);
  }
  if (metadata.namespace !== undefined) {
    if (typeof metadata.namespace !== 'string' || !isDns1123Label(metadata.namespace)) {
      addMetadataViolation(violations, '/namespace', `must be a DNS-1123 label (lower-case alphanumerics and '-', at most 63), got ${describe(metadata.namespace)}`);
    }
  }

  if (metadata.labels !== undefined) {
    if (!isRecord(metadata.labels)) addMetadataViolation(violations, '/labels', `must be a map of strings, got ${describe(metadata.labels)}`);
    else {
      const labels = metadata.labels;
      for (const key of Object.keys(labels)) {
        const value = labels[key];
        // The pointer is made only for a problem: most keys and values have none.
        const keyProblem = qualifiedNameProblem(key);
        if (keyProblem) addMetadataViolation(violations, `/labels/${escapePointer(key)}`, `label key ${keyProblem}`);
        if (typeof value !== 'string') addMetadataViolation(violations, `/labels/${escapePointer(key)}`, `label value must be a string, got ${describe(value)}`);
        else if (value.length > 63 || !LABEL_VALUE.test(value)) {
          addMetadataViolation(violations, `/labels/${escapePointer(key)}`, `label value must be at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric, got ${JSON.stringify(value)}`);
        }
      }
    }
  }

  if (metadata.annotations !== undefined) {
    if (!isRecord(metadata.annotations)) addMetadataViolation(violations, '/annotations', `must be a map of strings, got ${describe(metadata.annotations)}`);
    else {
      let totalSize = 0;
      const annotations = metadata.annotations;
      for (const key of Object.keys(annotations)) {
        const value = annotations[key];
        const keyProblem = qualifiedNameProblem(key);
        if (keyProblem) addMetadataViolation(violations, `/annotations/${escapePointer(key)}`, `annotation key ${keyProblem}`);
        if (typeof value !== 'string') addMetadataViolation(violations, `/annotations/${escapePointer(key)}`, `annotation value must be a string, got ${describe(value)}`);
        else totalSize += key.length + value.length;
      }
      if (totalSize > ANNOTATIONS_TOTAL_LIMIT) addMetadataViolation(violations, '/annotations', `annotations total ${totalSize} bytes, over the API server limit of ${ANNOTATIONS_TOTAL_LIMIT}`);
    }
  }
  return violations;
}

/** Not a closure per object: keepNames in the CLI bundle makes each closure a defineProperty too. */
function addMetadataViolation(violations: SchemaViolation[], path: string, message: string): void {
  violations.push({ path: `/metadata${path}`, message });
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
  return name.length <= 253 && isDns1123Subdomain(name)
    ? undefined
    : `must be a DNS-1123 subdomain (lower-case alphanumerics, '-' and '.', at most 253), got ${JSON.stringify(name)}`;
}

/** Label and annotation keys found valid: fleets repeat a handful of keys on every object. */
const validQualifiedNames = new Set<string>();
const MAX_VALID_QUALIFIED_NAMES = 4096;

function qualifiedNameProblem(key: string): string | undefined {
  if (validQualifiedNames.has(key)) return undefined;
  const problem = qualifiedNameCheck(key);
  if (problem === undefined && validQualifiedNames.size < MAX_VALID_QUALIFIED_NAMES) validQualifiedNames.add(key);
  return problem;
}

function qualifiedNameCheck(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !isDns1123Subdomain(prefix))) {
    return `prefix must be a DNS-1123 subdomain, got ${JSON.stringify(key)}`;
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) {
    return `name part must be 1-63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric, got ${JSON.stringify(key)}`;
  }
  return undefined;
}

/**
 * `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$` without a regular expression
 * (it was a visible part of checking every object's name): dot-separated labels, each non-empty,
 * of lower-case alphanumerics and '-', starting and ending with an alphanumeric.
 */
function isDns1123Subdomain(value: string): boolean {
  let labelStart = 0;
  for (let i = 0; i <= value.length; i++) {
    const code = i < value.length ? value.charCodeAt(i) : DOT;
    if (code === DOT) {
      if (i === labelStart || value.charCodeAt(i - 1) === DASH) return false;
      labelStart = i + 1;
    } else if (code === DASH) {
      if (i === labelStart) return false;
    } else if (!((code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39))) return false;
  }
  return true;
}

const DOT = 0x2e;
const DASH = 0x2d;

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
