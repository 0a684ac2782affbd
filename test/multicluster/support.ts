// A four-cluster, two-network fleet for the multicluster tests.
import { fleetDocument } from '../support/fleet.ts';

export function twoNetworkFleet(edit: (doc: any) => void = () => {}) {
  return fleetDocument((doc) => {
    doc.spec.trust.issuer = { type: 'externalSecret', store: { name: 'vault' }, remoteKey: 'mesh/anchor' };
    // The default: External Secrets, from the trust anchor's store.
    delete doc.spec.credentials;
    doc.spec.clusters = [
      { name: 'a1', environment: 'prod', network: 'a', podCIDR: '10.1.0.0/16', apiServer: 'https://a1.example:6443', gateway: { address: '192.0.2.1' } },
      { name: 'a2', environment: 'prod', network: 'a', podCIDR: '10.2.0.0/16', apiServer: 'https://a2.example:6443' },
      { name: 'b1', environment: 'prod', network: 'b', podCIDR: '10.3.0.0/16', apiServer: 'https://b1.example:6443', gateway: { address: 'gw-b1.example,192.0.2.3', port: 4443 } },
      { name: 'b2', environment: 'prod', network: 'b', podCIDR: '10.4.0.0/16', apiServer: 'https://b2.example:6443' },
    ];
    doc.spec.links = [
      { from: 'a1', to: 'a2', mode: 'flat' },
      { from: ['a1', 'a2'], to: 'b1', mode: 'gateway' },
    ];
    edit(doc);
  });
}
