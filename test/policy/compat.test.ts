// The compat table's policy facts against the CRDs each release ships (shared/crds/linkerd/<version>/),
// and against the classes generated from them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import * as policy from '../../imports/policy.linkerd.io.ts';
import { LINKERD_RELEASES, type PolicyApis } from '../../lib/compat/linkerd-releases.ts';
import { fleetSchema } from '../../lib/model/schema.ts';
import { REPO, SHARED } from '../support/fleet.ts';

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
      const path = join(SHARED, 'crds', 'linkerd', release.valuesSet, `${file}.policy.linkerd.io.yaml`);
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
      const crd = parseAllDocuments(readFileSync(join(SHARED, 'crds', 'linkerd', release.valuesSet, 'servers.policy.linkerd.io.yaml'), 'utf8')).map((d) => d.toJS()).find(Boolean);
      const v1beta3 = crd.spec.versions.find((v: any) => v.name === 'v1beta3');
      expect([v1beta3.storage, Object.keys(v1beta3.schema.openAPIV3Schema.properties.spec.properties)]).toStrictEqual([true, expect.arrayContaining(['accessPolicy', 'proxyProtocol'])]);
    }
  });
});

describe('schemas/fleet.schema.json', () => {
  it('is the schema lib/model/schema.ts defines (npm run gen:schemas)', () => {
    expect(JSON.parse(readFileSync(join(REPO, 'schemas', 'fleet.schema.json'), 'utf8'))).toStrictEqual(JSON.parse(JSON.stringify(fleetSchema)));
  });
});
