// The compat table's policy facts and the emitted policy objects against the CRDs each release ships
// (crds/linkerd/<release>/ of the upstream folder), read raw; and the classes generated from them.
import { existsSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import * as policy from '../../imports/policy.linkerd.io.ts';
import { LINKERD_RELEASES, type PolicyApis } from '../../lib/compat/linkerd-releases.ts';
import { render } from '../support/fleet.ts';
import { upstreamPath } from '../support/upstream.ts';
import { fullFleet, objectsOf } from '../policy/support.ts';

const CRDS: Record<keyof PolicyApis, { file: string; kind: string; generated: { GVK: { apiVersion: string } } }> = {
  server: { file: 'servers', kind: 'Server', generated: policy.ServerV1Beta3 },
  authorizationPolicy: { file: 'authorizationpolicies', kind: 'AuthorizationPolicy', generated: policy.AuthorizationPolicy },
  meshTLSAuthentication: { file: 'meshtlsauthentications', kind: 'MeshTLSAuthentication', generated: policy.MeshTlsAuthentication },
  networkAuthentication: { file: 'networkauthentications', kind: 'NetworkAuthentication', generated: policy.NetworkAuthentication },
  httpLocalRateLimitPolicy: { file: 'httplocalratelimitpolicies', kind: 'HTTPLocalRateLimitPolicy', generated: policy.HttpLocalRateLimitPolicy },
  egressNetwork: { file: 'egressnetworks', kind: 'EgressNetwork', generated: policy.EgressNetwork },
};

describe('policy APIs per Linkerd release', () => {
  it.each(LINKERD_RELEASES.map((r) => [r.version, r] as const))('%s: the table lists exactly what its CRDs serve', (_version, release) => {
    for (const [key, { file, kind, generated }] of Object.entries(CRDS) as [keyof PolicyApis, (typeof CRDS)[keyof PolicyApis]][]) {
      const path = upstreamPath('crds', 'linkerd', release.valuesSet, `${file}.policy.linkerd.io.yaml`);
      const apiVersion = release.policyApis[key];
      if (!existsSync(path)) {
        expect(apiVersion, `${kind} has no CRD in ${release.valuesSet}`).toBeUndefined();
        continue;
      }
      const crd = parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS()).find((d) => d?.kind === 'CustomResourceDefinition');
      expect(crd.spec.names.kind).toBe(kind);
      const served = crd.spec.versions.filter((v: any) => v.served).map((v: any) => `${crd.spec.group}/${v.name}`);
      expect(served, `${kind} in ${release.valuesSet}`).toContain(apiVersion);
      // The constructs write the generated class's apiVersion: it must be the one the table promises.
      expect(generated.GVK.apiVersion).toBe(apiVersion);
    }
  });

  it('Server v1beta3, the first with accessPolicy, is what every release stores', () => {
    for (const release of LINKERD_RELEASES) {
      const crd = parseAllDocuments(readFileSync(upstreamPath('crds', 'linkerd', release.valuesSet, 'servers.policy.linkerd.io.yaml'), 'utf8')).map((d) => d.toJS()).find(Boolean);
      const v1beta3 = crd.spec.versions.find((v: any) => v.name === 'v1beta3');
      expect([v1beta3.storage, Object.keys(v1beta3.schema.openAPIV3Schema.properties.spec.properties)]).toStrictEqual([true, expect.arrayContaining(['accessPolicy', 'proxyProtocol'])]);
    }
  });
});

describe('emitted policy objects against the raw CRDs', () => {
  const CRD_FILES: Record<string, string> = {
    Server: 'servers',
    AuthorizationPolicy: 'authorizationpolicies',
    MeshTLSAuthentication: 'meshtlsauthentications',
    NetworkAuthentication: 'networkauthentications',
    HTTPLocalRateLimitPolicy: 'httplocalratelimitpolicies',
    EgressNetwork: 'egressnetworks',
  };
  const POLICY_KINDS = Object.keys(CRD_FILES);

  it.each(LINKERD_RELEASES.map((r) => r.valuesSet))('the policy objects match the raw CRD schemas of Linkerd %s', (version) => {
    const objects = objectsOf(render(fullFleet()), 'b1').filter((o) => POLICY_KINDS.includes(o.kind));
    expect(new Set(objects.map((o) => o.kind))).toStrictEqual(new Set(POLICY_KINDS));
    // Formats are not what this compares (lib/validate checks them); ignored without a warning per schema.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    for (const object of objects) {
      const [group, apiVersion] = object.apiVersion.split('/');
      const crd = parseAllDocuments(readFileSync(upstreamPath('crds', 'linkerd', version, `${CRD_FILES[object.kind]}.${group}.yaml`), 'utf8')).map((d) => d.toJS()).find((d) => d?.kind === 'CustomResourceDefinition');
      const served = crd.spec.versions.find((v: any) => v.name === apiVersion && v.served);
      expect(served, `${object.kind} ${object.apiVersion} is served`).toBeDefined();
      const validate = ajv.compile(served.schema.openAPIV3Schema);
      expect(validate(object) ? [] : validate.errors, `${object.kind} ${object.metadata.name}`).toStrictEqual([]);
    }
  });
});
