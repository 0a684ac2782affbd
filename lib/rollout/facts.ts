// What the rollout model reasons about: facts that hold on a cluster (or in the secret store) once
// some object is applied or Ready. An object waits on facts; an object, an upstream chart or the
// GitOps engine provides them. Every fact has one key, so providers and waiters meet in a map.

/**
 * The kinds of wait:
 * - crd: the CRDs of an API group are established (a component installs them, or a prerequisite);
 * - namespace: the namespace exists (an emitted Namespace, or the engine creates it);
 * - secret: a Secret exists (made by cert-manager from a Certificate, by External Secrets, or by an
 *   upstream chart such as linkerd-multicluster's `<sa>-token`);
 * - ready: another object is Ready (a cert-manager Issuer before its Certificates);
 * - webhook: an admission webhook is serving (pods must pass Linkerd's proxy injector to be meshed);
 * - store-key: a value is in the secret store (pushed by a PushSecret, possibly on another cluster,
 *   or put there by you).
 */
export type FactKind = 'crd' | 'namespace' | 'secret' | 'ready' | 'webhook' | 'store-key';

export interface Fact {
  readonly kind: FactKind;
  /** crd: the API group; namespace: its name; secret/ready: "<Kind> <ns>/<name>"; webhook: its Service; store-key: the key. */
  readonly name: string;
  /** The cluster the fact holds on; undefined for the secret store, which every cluster shares. */
  readonly cluster?: string;
}

export function factKey(fact: Fact): string {
  return `${fact.kind}:${fact.name}@${fact.cluster ?? '*'}`;
}

export function describeFact(fact: Fact, from?: string): string {
  const where = fact.cluster && fact.cluster !== from ? ` on ${fact.cluster}` : '';
  switch (fact.kind) {
    case 'crd':
      return `CRDs of ${fact.name} established${where}`;
    case 'namespace':
      return `namespace ${fact.name}${where}`;
    case 'secret':
      return `Secret ${fact.name}${where}`;
    case 'ready':
      return `${fact.name} Ready${where}`;
    case 'webhook':
      return `webhook ${fact.name} serving${where}`;
    case 'store-key':
      return `store key ${fact.name}`;
  }
}

/**
 * When a wait matters: "apply" fails the apply itself (the API server refuses a custom resource
 * without its CRD, an object in a missing namespace, a pod the injector has not seen is never
 * meshed); "ready" lets the object exist but keeps it (and the health of its step) from Ready.
 */
export type WaitStage = 'apply' | 'ready';

export interface Wait {
  readonly fact: Fact;
  readonly stage: WaitStage;
}

/** A fact an object provides, once applied or once Ready. */
export interface Provision {
  readonly fact: Fact;
  readonly stage: 'applied' | 'ready';
}

/**
 * Facts meshfleet does not deliver and assumes: cert-manager and External Secrets (their CRDs and
 * webhooks) run on every cluster before its components, as the README's prerequisites say.
 */
export const PREREQUISITE_GROUPS: ReadonlySet<string> = new Set(['cert-manager.io', 'external-secrets.io']);

/** The kinds in a fixed order, for tables indexed by kind (factKindNumber). */
export const FACT_KINDS: readonly FactKind[] = ['crd', 'namespace', 'secret', 'ready', 'webhook', 'store-key'];

const KIND_NUMBERS = new Map(FACT_KINDS.map((kind, n) => [kind, n]));

/** A kind's place in FACT_KINDS; -1 for a key naming no kind (FactIndex.idOf of a foreign key). */
export function factKindNumber(kind: FactKind): number {
  return KIND_NUMBERS.get(kind) ?? -1;
}

/**
 * The facts of a rollout model: one Fact per fact key, each numbered in the order made, shared by
 * every wait and provision that names it (a ClusterFacts per cluster, the secret store's shared by
 * all). The fact index (fact-index.ts) then numbers a model whose facts all come from its registry
 * by these numbers, without building, hashing or comparing a key per wait (~275,000 waits and
 * provisions at 1000 clusters), and finds a fact by its key here.
 */
export class FactRegistry {
  private readonly clusters = new Map<string, ClusterFacts>();
  /** The secret store's facts (store-key), every cluster's. */
  readonly store = new Map<string, NumberedFact>();
  /** How many facts were made: their numbers are 0 up to this. */
  size = 0;

  /** The facts of a cluster, made on first use. */
  of(cluster: string): ClusterFacts {
    let facts = this.clusters.get(cluster);
    if (!facts) this.clusters.set(cluster, (facts = new ClusterFacts(cluster, this)));
    return facts;
  }

  /** The Fact of a key's parts, if one was made; nothing is made. */
  find(kind: FactKind, name: string, cluster: string | undefined): Fact | undefined {
    if (kind === 'store-key') return cluster === undefined ? this.store.get(name) : undefined;
    return cluster === undefined ? undefined : this.clusters.get(cluster)?.find(kind, name);
  }
}

// A Fact of a registry carries its registry and number, and its waits and provisions (one per
// stage, made on first use), in private fields: it still reads, compares and prints as its kind,
// name and cluster only (a private field is neither enumerated, nor copied by a spread, nor serialized).
class NumberedFact implements Fact {
  readonly #registry: FactRegistry;
  readonly #number: number;
  #apply: Wait | undefined = undefined;
  #ready: Wait | undefined = undefined;
  #applied: Provision | undefined = undefined;
  #provided: Provision | undefined = undefined;
  declare readonly cluster?: string;
  constructor(
    registry: FactRegistry,
    readonly kind: FactKind,
    readonly name: string,
    cluster: string | undefined,
  ) {
    this.#registry = registry;
    this.#number = registry.size++;
    if (cluster !== undefined) this.cluster = cluster;
  }

  static numberIn(fact: Fact, registry: FactRegistry): number {
    return #number in fact && (fact as NumberedFact).#registry === registry ? (fact as NumberedFact).#number : -1;
  }

  wait(stage: WaitStage): Wait {
    return stage === 'apply' ? (this.#apply ??= { fact: this, stage }) : (this.#ready ??= { fact: this, stage });
  }

  provision(stage: Provision['stage']): Provision {
    return stage === 'applied' ? (this.#applied ??= { fact: this, stage }) : (this.#provided ??= { fact: this, stage });
  }
}

/** A Fact's number in the registry that made it; -1 for a fact made elsewhere (by hand, or by another registry). */
export function factNumber(fact: Fact, registry: FactRegistry): number {
  return NumberedFact.numberIn(fact, registry);
}

/**
 * The facts of one cluster (and of the secret store) in a registry: a cluster's objects wait on the
 * same few namespaces, CRDs and issuers, so their waits share one Fact and one Wait per stage
 * instead of two new objects per wait (~155,000 waits at 1000 clusters); what an object provides
 * shares the Fact of those that wait on it (an Issuer's readiness, a Secret). Facts, waits and
 * provisions are never changed.
 */
export class ClusterFacts {
  private readonly facts = FACT_KINDS.map(() => new Map<string, NumberedFact>());
  constructor(
    readonly cluster: string,
    readonly registry: FactRegistry = new FactRegistry(),
  ) {}

  fact(kind: FactKind, name: string): Fact {
    return this.numbered(kind, name);
  }

  wait(kind: FactKind, name: string, stage: WaitStage): Wait {
    return this.numbered(kind, name).wait(stage);
  }

  provision(kind: FactKind, name: string, stage: Provision['stage']): Provision {
    return this.numbered(kind, name).provision(stage);
  }

  /** The Fact of a kind and name of this cluster, if one was made. */
  find(kind: FactKind, name: string): Fact | undefined {
    return this.facts[factKindNumber(kind)]?.get(name);
  }

  private numbered(kind: FactKind, name: string): NumberedFact {
    // The secret store is every cluster's: its facts have no cluster.
    const names = kind === 'store-key' ? this.registry.store : this.facts[factKindNumber(kind)];
    let fact = names.get(name);
    if (!fact) names.set(name, (fact = new NumberedFact(this.registry, kind, name, kind === 'store-key' ? undefined : this.cluster)));
    return fact;
  }
}
