// The validation corpus as a test: every valid manifest is accepted and every invalid one is
// rejected for the intended reason, against each bundle it names. Then coverage: every CEL rule,
// list-map and set of the HTTPRoute, GRPCRoute, Gateway, ReferenceGrant and TLSRoute CRDs of Gateway
// API v1.2.1 and v1.5.1 (both channels) is hit by at least one invalid case, so coverage cannot
// silently drop when the corpus or the CRDs change.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listCelRules } from '../../lib/validate/cel-rules.ts';
import { validateObjects, type ObjectIssue } from '../../lib/validate/index.ts';
import { corpusCases, type CorpusCase } from './corpus.ts';

const cases = corpusCases();
const issuesByCase = new Map<CorpusCase, { label: string; issues: ObjectIssue[] }[]>(
  cases.map((c) => [c, c.sources.map(({ label, sources }) => ({ label, issues: validateObjects(c.objects, sources) }))]),
);

describe('validation corpus', () => {
  it('has valid and invalid cases', () => {
    expect(cases.filter((c) => c.valid).length).toBeGreaterThanOrEqual(30);
    expect(cases.filter((c) => !c.valid).length).toBeGreaterThanOrEqual(200);
  });

  it.each(cases.filter((c) => c.valid).map((c) => [c.name, c] as const))('accepts %s', (_, corpusCase) => {
    for (const { label, issues } of issuesByCase.get(corpusCase)!) expect({ label, issues }).toStrictEqual({ label, issues: [] });
  });

  it.each(cases.filter((c) => !c.valid).map((c) => [c.name, c] as const))('rejects %s for the intended reason', (_, corpusCase) => {
    const { path, message } = corpusCase.expect!;
    for (const { label, issues } of issuesByCase.get(corpusCase)!) {
      const intended = issues.some((issue) => issue.path === path && issue.message.includes(message));
      expect({ label, intended, issues }).toMatchObject({ label, intended: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Coverage of the CRDs' rules

const BUNDLES = ['gateway-api/v1.2.1/standard', 'gateway-api/v1.2.1/experimental', 'gateway-api/v1.5.1/standard', 'gateway-api/v1.5.1/experimental'];
const KINDS = ['HTTPRoute', 'GRPCRoute', 'Gateway', 'ReferenceGrant', 'TLSRoute'];

/** Rules no object can fail on create, each with the reason. Keyed by `<kind> <place> <message>`. */
const UNREACHABLE_RULES: Record<string, string> = {
  "HTTPRoute /spec/rules/*/matches/*/path type must be one of ['Exact', 'PathPrefix', 'RegularExpression']":
    'the same field has an enum with exactly these values; an enum error blocks CEL in the API server, so the rule never runs on a value outside it',
};

type Schema = Record<string, unknown>;
const schemasDir = new URL('../../schemas/crds/', import.meta.url);
const index = JSON.parse(readFileSync(new URL('index.json', schemasDir), 'utf8')) as { sourceSets: Record<string, Record<string, Record<string, string>>> };

/** Every schema file serving one of KINDS in BUNDLES, with the kind. */
function inScopeSchemas(): { kind: string; schema: Schema }[] {
  const files = new Map<string, string>();
  for (const bundle of BUNDLES) {
    for (const kinds of Object.values(index.sourceSets[bundle]!)) {
      for (const [kind, file] of Object.entries(kinds)) if (KINDS.includes(kind)) files.set(file, kind);
    }
  }
  return [...files].map(([file, kind]) => ({ kind, schema: JSON.parse(readFileSync(new URL(file, schemasDir), 'utf8')) as Schema }));
}

/** `/spec/rules/0/filters/1` → `/spec/rules/*\/filters/*` (the form listCelRules uses). */
function placeOf(path: string): string {
  return path.replace(/\/\d+(?=\/|$)/g, '/*');
}

const failedRules = new Set<string>();
const duplicatePlaces = new Set<string>();
for (const corpusCase of cases.filter((c) => !c.valid)) {
  for (const { issues } of issuesByCase.get(corpusCase)!) {
    for (const issue of issues) {
      if (issue.rule !== undefined) failedRules.add(`${issue.kind} ${placeOf(issue.path)} ${issue.rule}`);
      if (issue.message.startsWith('duplicate entry:')) duplicatePlaces.add(`${issue.kind} ${placeOf(issue.path.replace(/\/\d+$/, ''))}`);
    }
  }
}

describe('validation corpus coverage', () => {
  const rules = new Map<string, { kind: string; path: string; rule: string; message: string }>();
  for (const { kind, schema } of inScopeSchemas()) {
    for (const { path, rule } of listCelRules(schema)) {
      if (rule.rule.includes('oldSelf')) continue; // transition rules never run on create
      rules.set(`${kind} ${path} ${rule.rule}`, { kind, path, rule: rule.rule, message: rule.message ?? rule.rule });
    }
  }

  it('finds the CEL rules of the CRDs in scope', () => {
    expect(rules.size).toBeGreaterThanOrEqual(170);
  });

  it('hits every CEL rule with at least one invalid case, except the unreachable ones listed with a reason', () => {
    const missed = [...rules.values()]
      .filter(({ kind, path, rule, message }) => !failedRules.has(`${kind} ${path} ${rule}`) && !UNREACHABLE_RULES[`${kind} ${path} ${message}`])
      .map(({ kind, path, message }) => `${kind} ${path}: ${message}`);
    expect(missed).toStrictEqual([]);
  });

  it('lists only rules that exist and that no case manages to fail', () => {
    for (const key of Object.keys(UNREACHABLE_RULES)) {
      const matching = [...rules.values()].filter(({ kind, path, message }) => `${kind} ${path} ${message}` === key);
      expect({ key, exists: matching.length > 0 }).toStrictEqual({ key, exists: true });
      for (const { kind, path, rule } of matching) expect(failedRules.has(`${kind} ${path} ${rule}`)).toBe(false);
    }
  });

  it('hits every list-map and set of the CRDs in scope with a duplicate entry', () => {
    const places = new Set<string>();
    const visit = (kind: string, node: Schema, path: string, isRoot: boolean) => {
      const listType = node['x-kubernetes-list-type'];
      if (listType === 'map' || listType === 'set') places.add(`${kind} ${path}`);
      for (const [name, sub] of Object.entries((node.properties as Record<string, Schema> | undefined) ?? {})) {
        if (!(isRoot && name === 'status')) visit(kind, sub, `${path}/${name}`, false);
      }
      if (node.items) visit(kind, node.items as Schema, `${path}/*`, false);
    };
    for (const { kind, schema } of inScopeSchemas()) visit(kind, schema, '', true);
    expect(places.size).toBeGreaterThanOrEqual(20);
    expect([...places].filter((place) => !duplicatePlaces.has(place)).sort()).toStrictEqual([]);
  });
});
