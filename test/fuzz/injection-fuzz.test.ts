// Hostile strings in the example fleet: secret material in any encoding, anywhere, is refused at
// its place without being printed; template syntax for each engine that reads meshfleet's text
// (Helm for the mesh chart and the upstream charts, External Secrets for the kubeconfig template)
// is either refused at its place or reaches the engine as a literal. The engines run for real:
// one helm call per property renders every generated payload at once.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kubeconfigTemplate } from '../../lib/constructs/multicluster/link-credentials.ts';
import { escapeTemplate } from '../../lib/output/helm-chart.ts';
import { plan, REPO } from '../support/fleet.ts';
import { runHelm } from '../support/tools.ts';
import { SECRET_SAMPLES } from '../validate/secret-samples.ts';
import { EXAMPLE_FLEET_TEXT } from './fleet-mutations.ts';

const SEED = 20_261_130;
const EXAMPLE = parse(EXAMPLE_FLEET_TEXT);
const planExample = (doc: unknown) => plan(doc);
void REPO;

// ---------------------------------------------------------------------------------------------
// Secret encodings

const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64');
const ENCODINGS: readonly [string, (s: string) => string][] = [
  ['plain', (s) => s],
  ['base64', b64],
  ['base64 twice', (s) => b64(b64(s))],
  ['base64url', (s) => Buffer.from(s, 'latin1').toString('base64url')],
  ['base64 wrapped at 76', (s) => b64(s).replace(/.{76}/g, '$&\n')],
  ['JSON-escaped', (s) => JSON.stringify({ value: s })],
  ['inside prose', (s) => `see: ${s} (rotated monthly)`],
];

/** Places in the example fleet where free text is accepted by the schema. */
const PLACES: readonly [string, (doc: any, text: string) => void][] = [
  ['/spec/defaults/controlPlane/values/podAnnotations/example.com~1note', (d, t) => ((d.spec.defaults.controlPlane ??= {}).values = { podAnnotations: { 'example.com/note': t } })],
  ['/spec/defaults/multicluster/values/podLabels', (d, t) => ((d.spec.defaults.multicluster ??= {}).values = { podLabels: { [t]: 'x' } })],
  ['/spec/environments/prod/controlPlane/values/tolerations/0/value', (d, t) => ((d.spec.environments.prod.controlPlane ??= {}).values = { tolerations: [{ key: 'k', value: t }] })],
  ['/metadata/annotations/note', (d, t) => (d.metadata.annotations = { note: t })],
  ['/spec/trust/anchor/pem', (d, t) => (d.spec.trust.anchor = { pem: `${d.spec.trust.anchor.pem ?? ''}\n${t}` })],
];

describe('secret material in any encoding, anywhere in the input', () => {
  it('is refused at its place, with a fingerprint, never printed', () => {
    const cases = fc.tuple(fc.constantFrom(...SECRET_SAMPLES), fc.constantFrom(...ENCODINGS), fc.constantFrom(...PLACES));
    fc.assert(
      fc.property(cases, ([sample, [encoding, encode], [where, place]]) => {
        // Headerless bodies are binary; as a JSON string or in prose they are found as they are.
        if (sample.kind.startsWith('headerless') && encoding !== 'plain') return;
        const doc = structuredClone(EXAMPLE);
        if (where === '/spec/trust/anchor/pem') doc.spec.trust.anchor = { pem: 'placeholder' };
        place(doc, encode(sample.text));
        const { fleet, diagnostics } = planExample(doc);
        const report = JSON.stringify(diagnostics);
        const label = `${sample.label}, ${encoding}, at ${where}`;
        expect(fleet, label).toBeUndefined();
        expect(diagnostics.length, label).toBeGreaterThan(0);
        expect(diagnostics.every((d) => where.startsWith(d.path) && /sha256:[0-9a-f]{8}/.test(d.message)), `${label}\n${report}`).toBe(true);
        for (const piece of sample.text.split(/[\s"'\\{}:,]+/).filter((p) => p.length >= 20)) expect(report, label).not.toContain(piece.slice(0, 20));
      }),
      { seed: SEED, numRuns: 250 },
    );
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// Template syntax per engine

const ACTION = fc.constantFrom(
  '{{ .token }}',
  '{{.Values.x}}',
  '{{- fail "x" -}}',
  '{{/* c */}}',
  '{{ include "x" . }}',
  '{{ "{{" }}',
  '{{{{raw}}}}',
  '}}{{',
  '{{ exec "id" }}',
  '{{ env "HOME" }}',
  '{{ range $i := until 3 }}x{{ end }}',
  '{{',
  '}}',
  '{ {',
  '$(echo x)',
);
const payload = fc
  .array(fc.oneof(ACTION, fc.string({ maxLength: 6 }), fc.constantFrom('\n', ': ', ' #', '"', "'", '-', '/')), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join(''))
  .filter((s) => !s.includes('\u0000'));

/** Runs each text through the Go template engine (helm): `render(text)` builds the template source. */
function goTemplate(texts: readonly string[], source: (text: string, i: number) => string): string[] {
  const chart = join(mkdtempSync(join(tmpdir(), 'meshfleet-fuzz-tpl-')), 'c');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 0.1.0\n');
  writeFileSync(join(chart, 'templates', 'all.yaml'), `${texts.map((t, i) => source(t, i)).join('\n')}\nout: [${texts.map((_, i) => `{{ include "t${i}" . | toJson }}`).join(', ')}]\n`);
  return parse(runHelm(['template', 'x', chart]).replace(/^---\n# Source: .*\n/, '')).out as string[];
}

describe('template syntax, per engine', () => {
  const texts = fc.sample(payload, { seed: SEED, numRuns: 200 });

  it('Helm (mesh chart templates): escaped text renders back to itself', () => {
    // "|" ends each text: a text ending in "{" would otherwise join the harness's own "{{ end }}".
    const rendered = goTemplate(texts, (t, i) => `{{- define "t${i}" }}${escapeTemplate(t)}|{{ end }}`);
    rendered.forEach((out, i) => expect(out, JSON.stringify(texts[i])).toBe(`${texts[i]}|`));
  });

  it('External Secrets (engine v2) inside Helm: the server URL of the kubeconfig template stays literal', () => {
    const servers = texts.map((t) => `https://eu-1.example.com/${t}`);
    const rendered = goTemplate(servers, (server, i) => `{{- define "t${i}" }}{{ tpl (include "es${i}" .) (dict "token" "TOKEN" "ca" "CA" "Template" .Template) }}{{- end }}{{- define "es${i}" }}${escapeTemplate(kubeconfigTemplate('eu-1', server, 'sa'))}{{- end }}`);
    rendered.forEach((kubeconfig, i) => {
      const doc = parse(kubeconfig);
      expect(doc.clusters[0].cluster.server, JSON.stringify(servers[i])).toBe(servers[i]);
      expect(doc.users[0].user.token).toBe('TOKEN');
      expect(Object.keys(doc).sort()).toStrictEqual(['apiVersion', 'clusters', 'contexts', 'current-context', 'kind', 'users']);
    });
  }, 60_000);

  it('upstream chart values and the API server URL: template syntax is refused at its place', () => {
    const places: readonly [string, (doc: any, text: string) => void][] = [
      ['/spec/defaults/controlPlane/values/podAnnotations/example.com~1a', (d, t) => ((d.spec.defaults.controlPlane ??= {}).values = { podAnnotations: { 'example.com/a': t } })],
      ['/spec/defaults/controlPlane/values/prometheusUrl', (d, t) => ((d.spec.defaults.controlPlane ??= {}).values = { prometheusUrl: `http://p${t}` })],
      ['/spec/defaults/multicluster/values/gateway/probe/path', (d, t) => ((d.spec.defaults.multicluster ??= {}).values = { gateway: { probe: { path: `/r${t}` } } })],
      ['/spec/clusters/0/apiServer', (d, t) => (d.spec.clusters[0].apiServer = `https://x.example.com/${t}`)],
    ];
    const withSyntax = texts.filter((t) => t.includes('{{') || t.includes('}}'));
    expect(withSyntax.length).toBeGreaterThan(50);
    for (const text of withSyntax.slice(0, 60)) {
      for (const [where, place] of places) {
        const doc = structuredClone(EXAMPLE);
        place(doc, text);
        const { fleet, diagnostics } = planExample(doc);
        expect(fleet, `${JSON.stringify(text)} at ${where}`).toBeUndefined();
        expect(diagnostics.some((d) => d.severity === 'error' && where.startsWith(d.path) && d.path.length > 1), `${JSON.stringify(text)} at ${where}: ${JSON.stringify(diagnostics.map((d) => d.path))}`).toBe(true);
      }
    }
  }, 120_000);
});
