// Changes between two versions of the output that deserve a second look before they are merged:
// read from index.json (and the values files), tolerant of fields a version does not have, so
// output written by an older or newer meshfleet still compares.
import { parse } from 'yaml';
import { valuesFilePath } from './cluster-layout.ts';
import type { FileLookup } from './diff.ts';

export interface Risk {
  /** Where: "fleet", an environment, or "<env>/<cluster>". */
  readonly scope: string;
  readonly message: string;
}

type Json = Record<string, unknown>;

interface ClusterEntry {
  readonly environment: string;
  readonly entry: Json;
}

/**
 * Risky changes between the index (and files) on disk and those synth would write:
 * trust anchor changed, a link removed, Gateway API bundle changed, Linkerd version changed, a
 * cluster or environment removed, an environment moved to another delivery engine.
 */
export function riskyChanges(before: FileLookup, after: FileLookup): Risk[] {
  const oldIndex = parseJson(before.get('index.json'));
  const newIndex = parseJson(after.get('index.json'));
  if (!oldIndex || !newIndex) return [];
  const risks: Risk[] = [];

  const oldAnchors = anchorFingerprints(oldIndex);
  const newAnchors = anchorFingerprints(newIndex);
  const added = newAnchors.filter((a) => !oldAnchors.includes(a));
  const removed = oldAnchors.filter((a) => !newAnchors.includes(a));
  if (added.length || removed.length) {
    const parts = [...(added.length ? [`added ${added.map(short).join(', ')}`] : []), ...(removed.length ? [`removed ${removed.map(short).join(', ')}`] : [])];
    const hint = removed.length && !added.length ? 'clusters whose workloads still hold certificates from the removed anchor lose mTLS' : 'every cluster must trust old and new anchors until all certificates are reissued';
    risks.push({ scope: 'fleet', message: `trust anchor changed (${parts.join('; ')}): ${hint}` });
  }
  if (String(oldIndex.trustDomain ?? '') !== String(newIndex.trustDomain ?? '')) {
    risks.push({ scope: 'fleet', message: `trust domain ${String(oldIndex.trustDomain)} → ${String(newIndex.trustDomain)}: every identity changes` });
  }

  const oldEnvs = environments(oldIndex);
  const newEnvs = environments(newIndex);
  for (const [name, env] of oldEnvs) {
    const next = newEnvs.get(name);
    if (!next) {
      risks.push({ scope: name, message: 'environment removed: its delivery engine removes Linkerd from its clusters' });
      continue;
    }
    const engine = (e: Json) => String((e.gitops as Json | undefined)?.engine ?? 'none');
    if (engine(env) !== engine(next)) {
      risks.push({ scope: name, message: `delivery engine ${engine(env)} → ${engine(next)}: remove the old engine's objects without pruning (or both engines manage the same objects)` });
    }
  }

  const oldClusters = clusters(oldIndex);
  const newClusters = clusters(newIndex);
  for (const [name, { environment, entry }] of oldClusters) {
    const scope = `${environment}/${name}`;
    const next = newClusters.get(name);
    if (!next) {
      risks.push({ scope, message: 'cluster removed: its delivery engine removes Linkerd from it (CRDs stay)' });
      continue;
    }
    if (next.environment !== environment) risks.push({ scope, message: `cluster moved to environment ${next.environment}` });
    const oldLinkerd = entry.linkerd;
    const newLinkerd = next.entry.linkerd;
    if (oldLinkerd !== undefined && newLinkerd !== undefined && oldLinkerd !== newLinkerd) {
      risks.push({ scope, message: `Linkerd version ${String(oldLinkerd)} → ${String(newLinkerd)}: the control plane is upgraded (check the upgrade notes; upgrade one release at a time)` });
    }
    const gone = linkNames(entry).filter((l) => !linkNames(next.entry).includes(l));
    for (const link of gone) risks.push({ scope, message: `link to ${link} removed: services mirrored from it disappear` });
    const oldGateway = gatewayAPIOf(entry, before, scope);
    const newGateway = gatewayAPIOf(next.entry, after, `${next.environment}/${name}`);
    if (oldGateway !== newGateway) {
      risks.push({ scope, message: `Gateway API bundle ${oldGateway ?? 'not managed'} → ${newGateway ?? 'not managed'}: CRD changes apply to every route in the cluster (never downgrade or switch standard → experimental over ≥ 1.5)` });
    }
  }
  return risks;
}

/** Mesh chart versions that change, per cluster ("prod/eu-1" → "0.1.0 → 0.2.0"). */
export function chartVersionChanges(before: FileLookup, after: FileLookup): Map<string, string> {
  const oldIndex = parseJson(before.get('index.json'));
  const newIndex = parseJson(after.get('index.json'));
  const changes = new Map<string, string>();
  if (!newIndex) return changes;
  const old = oldIndex ? clusters(oldIndex) : new Map<string, ClusterEntry>();
  for (const [name, { environment, entry }] of clusters(newIndex)) {
    const version = (e: Json | undefined) => (isObject(e?.mesh) ? (e!.mesh as Json).version : undefined);
    const was = version(old.get(name)?.entry);
    const now = version(entry);
    if (now !== undefined && was !== now) changes.set(`${environment}/${name}`, `${was === undefined ? 'new' : String(was)} → ${String(now)}`);
  }
  return changes;
}

function parseJson(text: string | undefined): Json | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function anchorFingerprints(index: Json): string[] {
  const anchors = Array.isArray(index.trustAnchors) ? index.trustAnchors : [];
  return anchors.map((a) => (isObject(a) ? String(a.sha256 ?? a.fingerprint ?? JSON.stringify(a)) : String(a))).sort();
}

function short(fingerprint: string): string {
  return fingerprint.length > 23 ? `${fingerprint.slice(0, 23)}…` : fingerprint;
}

function environments(index: Json): Map<string, Json> {
  const list = Array.isArray(index.environments) ? index.environments : [];
  return new Map(list.filter(isObject).map((e) => [String(e.name), e]));
}

function clusters(index: Json): Map<string, ClusterEntry> {
  const found = new Map<string, ClusterEntry>();
  for (const [name, env] of environments(index)) {
    for (const c of Array.isArray(env.clusters) ? env.clusters : []) {
      if (isObject(c)) found.set(String(c.name), { environment: name, entry: c });
    }
  }
  return found;
}

/** Outgoing links of a cluster entry, by target: `links` may list names, or objects with target/name. */
function linkNames(entry: Json): string[] {
  const links = Array.isArray(entry.links) ? entry.links : [];
  return links.map((l) => (isObject(l) ? String(l.target ?? l.to ?? l.name) : String(l)));
}

/**
 * The cluster's Gateway API bundle as a comparable string: the index entry's `gatewayAPI` (any
 * shape), else what the linkerd-crds values say about Linkerd installing its own copy.
 */
function gatewayAPIOf(entry: Json, files: FileLookup, folder: string): string | undefined {
  const key = Object.keys(entry).find((k) => /^gateway-?api$/i.test(k));
  if (key && entry[key] !== undefined && entry[key] !== null) return describe(entry[key]);
  const crds = files.get(valuesFilePath(folder, 'linkerd-crds'));
  if (crds === undefined) return undefined;
  try {
    const values = parse(crds) as Json | null;
    return values?.installGatewayAPI === true ? 'installed by linkerd-crds' : undefined;
  } catch {
    return undefined;
  }
}

function describe(value: unknown): string {
  if (!isObject(value)) return String(value);
  const { version, channel, mode, path } = value as Record<string, unknown>;
  if (version !== undefined || channel !== undefined) return [version, channel, mode].filter((v) => v !== undefined).join(' ');
  return path !== undefined ? `vendored ${String(path)}` : JSON.stringify(value);
}
