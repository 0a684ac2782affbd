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

/** One fact and its waits, made on first use. */
interface FactEntry {
  readonly fact: Fact;
  apply?: Wait;
  ready?: Wait;
}

/**
 * The facts of one cluster (and of the secret store): a cluster's objects wait on the same few
 * namespaces, CRDs and issuers, so their waits share one Fact and one Wait per stage instead of two
 * new objects per wait (~155,000 waits at 1000 clusters), and the name of a shared fact is hashed
 * once (the fact index finds facts by name, fact-index.ts). What an object provides is its own
 * (its Secret, its readiness), so provisions are made fresh. Facts and waits are never changed.
 */
export class ClusterFacts {
  private readonly entries = FACT_KINDS.map(() => new Map<string, FactEntry>());
  constructor(readonly cluster: string) {}

  fact(kind: FactKind, name: string): Fact {
    // The secret store is every cluster's: its facts have no cluster.
    return kind === 'store-key' ? { kind, name } : { kind, name, cluster: this.cluster };
  }

  wait(kind: FactKind, name: string, stage: WaitStage): Wait {
    const names = this.entries[factKindNumber(kind)];
    let entry = names.get(name);
    if (!entry) names.set(name, (entry = { fact: this.fact(kind, name) }));
    return stage === 'apply' ? (entry.apply ??= { fact: entry.fact, stage }) : (entry.ready ??= { fact: entry.fact, stage });
  }

  provision(kind: FactKind, name: string, stage: Provision['stage']): Provision {
    return { fact: this.fact(kind, name), stage };
  }
}
