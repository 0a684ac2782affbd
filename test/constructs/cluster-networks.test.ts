// The control plane's clusterNetworks (lib/constructs/control-plane.ts): the chart's private ranges
// plus a cluster's own ranges outside them, compared within each address family.
import { isIPv6 } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_CLUSTER_NETWORKS } from '../../lib/compat/linkerd-releases.ts';
import { clusterNetworksFor, defaultNetworksOf } from '../../lib/constructs/control-plane.ts';
import { parseCidr } from '../../lib/model/cidr.ts';

// Counts what is asked of Node's IPv6 pattern (its first use on a thread compiles it, ~10 ms).
vi.mock('node:net', async (importOriginal) => {
  const net = await importOriginal<typeof import('node:net')>();
  return { ...net, isIPv6: vi.fn(net.isIPv6) };
});

describe('clusterNetworks', () => {
  it('adds the ranges of an IPv4 cluster outside the defaults, and parses no IPv6 default for it', () => {
    vi.mocked(isIPv6).mockClear();
    const defaults = DEFAULT_CLUSTER_NETWORKS.join(',');
    expect(clusterNetworksFor({ podCIDR: '10.8.0.0/16', serviceCIDR: '192.168.4.0/24' })).toBe(defaults);
    expect(clusterNetworksFor({ podCIDR: '100.128.0.0/16', serviceCIDR: '198.18.0.0/20' })).toBe(`${defaults},100.128.0.0/16,198.18.0.0/20`);
    expect(vi.mocked(isIPv6)).not.toHaveBeenCalled();
  });

  it('compares an IPv6 cluster with the IPv6 defaults only', () => {
    const defaults = DEFAULT_CLUSTER_NETWORKS.join(',');
    expect(clusterNetworksFor({ podCIDR: 'fd00:10::/56', serviceCIDR: 'fd12:3456::/112' })).toBe(defaults);
    expect(clusterNetworksFor({ podCIDR: '2001:db8::/48', serviceCIDR: 'fd12:3456::/112' })).toBe(`${defaults},2001:db8::/48`);
    expect(vi.mocked(isIPv6)).toHaveBeenCalled();
  });

  it('parses each default range into the family it is of, every one of them', () => {
    const all = DEFAULT_CLUSTER_NETWORKS.map((n) => parseCidr(n)!);
    expect(all.every((n) => n !== undefined)).toBe(true);
    expect(defaultNetworksOf(4)).toStrictEqual(all.filter((n) => n.family === 4));
    expect(defaultNetworksOf(6)).toStrictEqual(all.filter((n) => n.family === 6));
    expect(defaultNetworksOf(4).length + defaultNetworksOf(6).length).toBe(DEFAULT_CLUSTER_NETWORKS.length);
  });
});
