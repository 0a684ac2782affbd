// A rule written once (lib/model): the fleet check reports it with a path, a construct used on its own
// throws the same message and fix. The messages below are the ones the check tests expect.
import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { GatewayApiCrds, LinkCredentials, MirrorLink } from '../../lib/constructs/index.ts';
import type { ResolvedGatewayAPI } from '../../lib/resolve/gateway-api.ts';

const chart = () => new Chart(new App(), 'c');
const target = { name: 'a2', clusterDomain: 'cluster.local', trustDomain: 'cluster.local', gatewayName: 'linkerd-gateway', gatewayPort: 4143, probe: { path: '/ready', port: 4191, seconds: 3 } };

describe('constructs throw what the checks report', () => {
  it('GatewayApiCrds: an unreadable vendored bundle (check MF3215)', () => {
    const gatewayAPI = { mode: 'managed', version: '1.2.1', channel: 'standard', vendored: { problem: '/nonexistent/crds is not a folder', files: [] } } as unknown as ResolvedGatewayAPI;
    expect(() => new GatewayApiCrds(chart(), 'g', { gatewayAPI })).toThrow(
      'c/g: cannot vendor the Gateway API bundle: /nonexistent/crds is not a folder. Fix: point vendor at a copy of the upstream config/crd/standard folder of v1.2.1',
    );
  });

  it('MirrorLink: a gateway link to a cluster without a gateway address (check MF4010)', () => {
    expect(() => new MirrorLink(chart(), 'l', { source: 'b2', mode: 'gateway', target })).toThrow(
      "c/l: gateway link b2 → a2, but a2 has no gateway address. Fix: set gateway.address on cluster a2 to its gateway LoadBalancer's addresses once it exists",
    );
    expect(() => new MirrorLink(chart(), 'l', { source: 'b2', mode: 'flat', target })).not.toThrow();
  });

  it('LinkCredentials: no secret store, no API server, no sealed kubeconfig (checks MF4017, MF4012, MF4018)', () => {
    const props = { source: 'a2', target: { name: 'b1', clusterDomain: 'cluster.local' }, trustDomain: 'cluster.local' };
    expect(() => new LinkCredentials(chart(), 'k', { ...props, credentials: { type: 'externalSecret' } })).toThrow(
      'c/k: Link credentials come from External Secrets by default, but no secret store is named. Fix: set credentials.store',
    );
    expect(() => new LinkCredentials(chart(), 'k', { ...props, credentials: { type: 'externalSecret', store: { name: 'vault' } } })).toThrow(
      'c/k: b1 is a link target, and the Link credentials need its API server URL. Fix: set apiServer on cluster b1',
    );
    expect(() => new LinkCredentials(chart(), 'k', { ...props, credentials: { type: 'sealedSecret', sealedKubeconfigs: {} } })).toThrow(
      'c/k: no sealed kubeconfig for a2/b1. Fix: seal the kubeconfig for a2 → b1 (cluster-wide scope) and add it under "a2/b1"',
    );
    expect(() => new LinkCredentials(chart(), 'k', { ...props, target: { ...props.target, apiServer: 'https://b1:6443' }, credentials: { type: 'externalSecret', store: { name: 'vault' } } })).not.toThrow();
  });
});
