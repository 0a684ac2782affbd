// What one emitted object waits on and what it provides, by kind. The rules follow what the
// controllers do: cert-manager issues a Certificate's Secret once its issuer is Ready, and a CA
// issuer is Ready once its Secret exists (cert-manager docs, "CA" issuer); External Secrets makes an
// ExternalSecret's target Secret once every remote key can be read, and a PushSecret is Ready once
// its source Secret exists and was written to the store (external-secrets.io docs, "PushSecret").
import { apiGroupOf, type KubeObject } from '../model/kube-object.ts';
import { isCoreKind } from '../validate/index.ts';
import { ClusterFacts, type Provision, type Wait } from './facts.ts';

/** Where cert-manager reads a ClusterIssuer's CA Secret: its cluster resource namespace (chart default). */
export const CERT_MANAGER_NAMESPACE = 'cert-manager';
/** Linkerd's proxy injector: pods created before it serves are never meshed. */
export const PROXY_INJECTOR = 'linkerd-proxy-injector';
/** Secret type of a Link's credentials (linkerd multicluster link-gen), built from the target's pushed token. */
export const LINK_CREDENTIALS_TYPE = 'mirror.linkerd.io/remote-kubeconfig';

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);

export interface ObjectWaits {
  readonly waits: readonly Wait[];
  readonly provides: readonly Provision[];
}

type Json = Record<string, any>;

export function objectRef(object: Pick<KubeObject, 'kind' | 'metadata'>): string {
  return object.metadata.namespace ? `${object.kind} ${object.metadata.namespace}/${object.metadata.name}` : `${object.kind} ${object.metadata.name}`;
}

export function isCustomResource(object: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  return !isCoreKind(object.apiVersion, object.kind);
}

/** A Link's credentials: an ExternalSecret building the kubeconfig from the token the target pushes. */
export function waitsOnPeer(object: KubeObject): boolean {
  return object.kind === 'ExternalSecret' && (object as Json).spec?.target?.template?.type === LINK_CREDENTIALS_TYPE;
}

/** What objectWaits and waitsOnPeer read of a spec, per group/kind: field → what is read of it (true: all). */
type SpecRead = { readonly [field: string]: SpecRead | true };
const SPEC_READ: ReadonlyMap<string, SpecRead> = new Map<string, SpecRead>([
  ['cert-manager.io/Certificate', { issuerRef: { kind: true, name: true }, secretName: true }],
  ['cert-manager.io/Issuer', { ca: { secretName: true } }],
  ['cert-manager.io/ClusterIssuer', { ca: { secretName: true } }],
  ['external-secrets.io/ExternalSecret', { data: { remoteRef: { key: true } }, dataFrom: { extract: { key: true } }, target: { name: true, template: { type: true } } }],
  ['external-secrets.io/PushSecret', { selector: { secret: { name: true } }, data: { match: { remoteRef: { remoteKey: true } } } }],
]);

/**
 * What the rollout reads of an emitted object, and nothing else: kind, name and namespace, and of
 * the kinds above the fields of their spec it reads. A large fleet's synth keeps only this of each
 * object after writing it (lib/synth), and render workers send only this across, so every reader
 * of objects in this folder must read no more than this keeps.
 */
export function rolloutView(object: KubeObject): KubeObject {
  const { apiVersion, kind } = object;
  const { name, namespace } = object.metadata;
  const metadata = namespace === undefined ? { name } : { name, namespace };
  const read = kindFacts(apiVersion, kind).specFields;
  const spec = read === undefined ? undefined : picked((object as Json).spec, read);
  return (spec === undefined ? { apiVersion, kind, metadata } : { apiVersion, kind, metadata, spec }) as KubeObject;
}

/** A SpecRead as a list of its fields, made once per kind: rolloutView reads ~60,000 objects at 1000 clusters. */
type SpecFields = readonly (readonly [field: string, read: SpecFields | true])[];

function specFieldsOf(read: SpecRead): SpecFields {
  return Object.entries(read).map(([field, inner]) => [field, inner === true ? true : specFieldsOf(inner)] as const);
}

/** The fields `read` names of a value (of each item of a list), values of any other type as they are. */
function picked(value: unknown, read: SpecFields | true): unknown {
  if (read === true || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => picked(item, read));
  const out: Json = {};
  for (const [field, inner] of read) {
    const v = (value as Json)[field];
    if (v !== undefined) out[field] = picked(v, inner);
  }
  return out;
}

/**
 * Whether the object's waits read its spec (the kinds above). Otherwise they follow from its
 * apiVersion, kind and namespace alone: its namespace, its CRD, the proxy injector for a workload.
 */
export function waitsReadSpec(object: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  return kindFacts(object.apiVersion, object.kind).specFields !== undefined;
}

export function objectWaits(object: KubeObject, cluster: string): ObjectWaits {
  return waitsOf(object, factsOf(cluster));
}

/**
 * objectWaits of each object of one output file of a cluster, in order, their facts and waits those
 * of the cluster's ClusterFacts (the rollout model's, shared with its charts' waits, so that a fact
 * is one Fact across the model).
 */
export function fileWaits(objects: readonly KubeObject[], facts: ClusterFacts): readonly ObjectWaits[] {
  return objects.map((object) => waitsOf(object, facts));
}

/** What the waits of an object read of its apiVersion and kind, worked out once per pair (not per object). */
interface KindFacts {
  readonly group: string;
  readonly custom: boolean;
  readonly workload: boolean;
  /** `<group>/<kind>`: the rules below that read its spec. */
  readonly rule: string;
  /** What its rule reads of the spec (SPEC_READ's entry as a list), if it reads it. */
  readonly specFields: SpecFields | undefined;
  /** A Namespace (v1): it provides the namespace of its name. */
  readonly namespace: boolean;
}

const kinds = new Map<string, Map<string, KindFacts>>();

function kindFacts(apiVersion: string, kind: string): KindFacts {
  let byKind = kinds.get(apiVersion);
  if (!byKind) kinds.set(apiVersion, (byKind = new Map()));
  let known = byKind.get(kind);
  if (!known) {
    const group = apiGroupOf(apiVersion);
    const rule = `${group}/${kind}`;
    const read = SPEC_READ.get(rule);
    known = { group, custom: isCustomResource({ apiVersion, kind }), workload: WORKLOAD_KINDS.has(kind), rule, specFields: read && specFieldsOf(read), namespace: kind === 'Namespace' && apiVersion === 'v1' };
    byKind.set(kind, known);
  }
  return known;
}

// The facts of the cluster whose objects are read now (objects are read cluster by cluster).
let current: ClusterFacts | undefined;
const factsOf = (cluster: string): ClusterFacts => (current?.cluster === cluster ? current : (current = new ClusterFacts(cluster)));

// What an object waits on by its apiVersion, kind and namespace alone (its namespace, its CRD, the
// proxy injector for a workload): one list per namespace and kind of a cluster, shared by its
// objects (~60 objects of ~15 such pairs in ~5 namespaces per cluster at 1000 clusters), not a list
// and up to three fact lookups per object. Kept with the cluster's facts; lists are never changed.
const kindWaitLists = new WeakMap<ClusterFacts, Map<string | undefined, Map<KindFacts, readonly Wait[]>>>();

function kindWaits(kind: KindFacts, ns: string | undefined, facts: ClusterFacts): readonly Wait[] {
  let byNamespace = kindWaitLists.get(facts);
  if (!byNamespace) kindWaitLists.set(facts, (byNamespace = new Map()));
  let byKind = byNamespace.get(ns);
  if (!byKind) byNamespace.set(ns, (byKind = new Map()));
  let list = byKind.get(kind);
  if (!list) {
    const waits: Wait[] = [];
    if (ns) waits.push(facts.wait('namespace', ns, 'apply'));
    if (kind.custom) waits.push(facts.wait('crd', kind.group, 'apply'));
    if (kind.workload) waits.push(facts.wait('webhook', PROXY_INJECTOR, 'apply'));
    byKind.set(kind, (list = waits));
  }
  return list;
}

// Filled per object whose waits read its spec, and copied at their final length (a list grown from
// empty keeps room for 17).
const waits: Wait[] = [];
const provides: Provision[] = [];
let waitCount = 0;
let provideCount = 0;
const addWait = (w: Wait) => void (waits[waitCount++] = w);
const addProvision = (p: Provision) => void (provides[provideCount++] = p);

function waitsOf(object: KubeObject, facts: ClusterFacts): ObjectWaits {
  const ns = object.metadata.namespace;
  const kind = kindFacts(object.apiVersion, object.kind);
  const base = kindWaits(kind, ns, facts);
  const ready = facts.provision('ready', objectRef(object), 'ready');
  if (kind.specFields === undefined) {
    // A Namespace provides itself once applied.
    const provides = kind.namespace ? [facts.provision('namespace', object.metadata.name, 'applied'), ready] : [ready];
    return { waits: base, provides };
  }

  waitCount = 0;
  provideCount = 0;
  for (let i = 0; i < base.length; i++) addWait(base[i]);
  const spec = (object as Json).spec ?? {};
  switch (kind.rule) {
    case 'cert-manager.io/Certificate': {
      const ref = spec.issuerRef ?? {};
      const issuer = ref.kind ?? 'Issuer';
      addWait(facts.wait('ready', issuer === 'ClusterIssuer' ? `ClusterIssuer ${ref.name}` : `Issuer ${ns}/${ref.name}`, 'ready'));
      addProvision(facts.provision('secret', `${ns}/${spec.secretName}`, 'ready'));
      break;
    }
    case 'cert-manager.io/Issuer':
    case 'cert-manager.io/ClusterIssuer':
      if (spec.ca?.secretName) {
        const secretNs = object.kind === 'Issuer' ? ns : CERT_MANAGER_NAMESPACE;
        addWait(facts.wait('secret', `${secretNs}/${spec.ca.secretName}`, 'ready'));
      }
      break;
    case 'external-secrets.io/ExternalSecret': {
      // Each remote key once, in the order first read.
      const keys: string[] = [];
      for (const d of spec.data ?? []) addKey(keys, d.remoteRef?.key);
      for (const d of spec.dataFrom ?? []) addKey(keys, d.extract?.key);
      for (const key of keys) addWait(facts.wait('store-key', key, 'ready'));
      addProvision(facts.provision('secret', `${ns}/${spec.target?.name ?? object.metadata.name}`, 'ready'));
      break;
    }
    case 'external-secrets.io/PushSecret': {
      const source = spec.selector?.secret?.name;
      if (source) addWait(facts.wait('secret', `${ns}/${source}`, 'ready'));
      const keys: string[] = [];
      for (const d of spec.data ?? []) addKey(keys, d.match?.remoteRef?.remoteKey);
      for (const key of keys) addProvision(facts.provision('store-key', key, 'ready'));
      break;
    }
  }
  addProvision(ready);
  return { waits: waits.slice(0, waitCount), provides: provides.slice(0, provideCount) };
}

function addKey(keys: string[], key: string | undefined): void {
  if (key && !keys.includes(key)) keys.push(key);
}
