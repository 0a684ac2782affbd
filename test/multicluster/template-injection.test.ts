// Text that a Go template engine reads is a literal, never code: the API server URL in the kubeconfig
// template that External Secrets (engine v2: Go text/template + sprig) fills in, inside a mesh chart
// that Helm (the same engine) renders first. Executed with real helm: `tpl` runs the same engine.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubeconfigTemplate } from '../../lib/constructs/multicluster/link-credentials.ts';
import { escapeTemplate } from '../../lib/output/helm-chart.ts';
import { runHelm } from '../support/tools.ts';
import { errorsOf, fleetDocument } from '../support/fleet.ts';

/**
 * Renders `text` as Helm renders a mesh chart template, then executes the result as External
 * Secrets does, with the data it would have (token and CA from the secret store).
 */
function throughHelmThenExternalSecrets(text: string): string {
  const chart = join(mkdtempSync(join(tmpdir(), 'meshfleet-tpl-')), 'c');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 0.1.0\n');
  // Layer 1 (Helm): the chart template holds the text itself. Layer 2 (External Secrets): tpl.
  writeFileSync(join(chart, 'templates', 'kubeconfig.yaml'), `{{- define "es" }}${escapeTemplate(text)}{{- end }}\nout: {{ tpl (include "es" .) (dict "token" "THE-TOKEN" "ca" "CA" "Template" .Template) | toJson }}\n`);
  const rendered = runHelm(['template', 'x', chart]);
  return JSON.parse(rendered.slice(rendered.indexOf('out: ') + 5).trim()) as string;
}

const hostile = [
  'https://eu-1.example.com:6443/{{ .token }}',
  'https://{{.token}}.example.com',
  'https://eu-1.example.com/{{ "x" | b64enc }}',
  'https://eu-1.example.com/{{ exec "id" }}',
  'https://eu-1.example.com\ninsecure-skip-tls-verify: true',
];

describe('the kubeconfig template External Secrets executes', () => {
  it('fills in the token and CA from the store, and nothing else', () => {
    const kubeconfig = throughHelmThenExternalSecrets(kubeconfigTemplate('eu-1', 'https://eu-1.example.com:6443', 'sa'));
    expect(kubeconfig).toContain('    server: https://eu-1.example.com:6443\n');
    expect(kubeconfig).toMatch(/^    token: THE-TOKEN$/m);
    expect(kubeconfig).toContain(`    certificate-authority-data: ${Buffer.from('CA').toString('base64')}\n`);
  });

  it.each(hostile)('keeps template syntax and line breaks in the server URL as literal text: %j', (server) => {
    const kubeconfig = throughHelmThenExternalSecrets(kubeconfigTemplate('eu-1', server, 'sa'));
    const serverLine = kubeconfig.split('\n').find((line) => line.startsWith('    server: '))!;
    // The server is one YAML string equal to the input, template syntax and all.
    expect(JSON.parse(serverLine.slice('    server: '.length).replace(/^([^"].*)$/, '"$1"'))).toBe(server);
    expect(serverLine).not.toContain('THE-TOKEN');
    expect(kubeconfig.match(/THE-TOKEN/g)).toHaveLength(1);
    expect(kubeconfig).not.toMatch(/^\s*insecure-skip-tls-verify/m);
  });

  it.each(hostile)('refuses such a URL as apiServer in the fleet, at its pointer: %j', (server) => {
    const doc = fleetDocument((d) => (d.spec.clusters[1].apiServer = server));
    expect(errorsOf(doc)).toStrictEqual([['/spec/clusters/1/apiServer', `${JSON.stringify(server).slice(0, 77)}${JSON.stringify(server).length > 80 ? '...' : JSON.stringify(server).slice(77)} is not valid`]]);
  });

  it('accepts ordinary API server URLs', () => {
    for (const server of ['https://eu-1.example.com:6443', 'https://10.0.0.1:443', 'https://[fd00::1]:6443', 'https://api.example.com/k8s/clusters/c-m-abc%2Fx']) {
      expect(errorsOf(fleetDocument((d) => (d.spec.clusters[1].apiServer = server))), server).toStrictEqual([]);
    }
  });
});
