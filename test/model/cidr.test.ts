// CIDR parsing (lib/model/cidr.ts): IPv4 ranges are read by hand, in numbers, for speed; what they
// accept must be what Node's net.isIPv4 accepts, and each range's first and last address what the
// arithmetic on bigints gives.
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { describe, expect, it } from 'vitest';
import { contains, overlaps, parseCidr } from '../../lib/model/cidr.ts';

/** The range by the book: Node's address checks, the address as a bigint, the host bits cleared. */
function reference(text: string): { family: 4 | 6; first?: bigint; last?: bigint } | undefined {
  const [address, prefixText, extra] = text.split('/');
  if (extra !== undefined || prefixText === undefined || !/^[0-9]{1,3}$/.test(prefixText) || address === undefined) return undefined;
  const bits = isIPv4(address) ? 32 : isIPv6(address) ? 128 : 0;
  const prefix = Number(prefixText);
  if (bits === 0 || prefix > bits) return undefined;
  // An IPv6 range's addresses are held to Node's BlockList below; here, only that it is read.
  if (bits === 128) return { family: 6 };
  const value = address.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(octet), 0n);
  const host = BigInt(bits - prefix);
  const first = (value >> host) << host;
  return { family: bits === 32 ? 4 : 6, first, last: first + (1n << host) - 1n };
}

describe('CIDR ranges', () => {
  it('reads every IPv4 range net.isIPv4 accepts, and no other, with the first and last address the bigint arithmetic gives', () => {
    const octets = ['0', '1', '9', '10', '99', '100', '199', '200', '249', '250', '255', '256', '300', '00', '01', '010', '1000', '', '-1', '+1', ' 1', 'a', '1e2', '0x1'];
    const addresses = octets.flatMap((o, i) => [`${o}.1.2.3`, `1.${o}.2.3`, `1.2.${o}.3`, `1.2.3.${o}`, `${o}.${octets[(i * 7) % octets.length]}.0.0`]);
    addresses.push('1.2.3', '1.2.3.4.5', '1.2.3.4.', '.1.2.3', '1..2.3', '', '::1', 'fd00::', '::ffff:10.0.0.1', '10.0.0.1 ');
    let random = 7;
    const next = () => (random = (random * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 2000; i++) addresses.push([next() % 256, next() % 256, next() % 256, next() % 256].join('.'));
    const prefixes = ['0', '1', '8', '16', '24', '31', '32', '33', '64', '128', '129', '008', '1000', '', '-1', ' 8'];
    let read = 0;
    for (const address of addresses) {
      for (const prefix of prefixes) {
        const text = `${address}/${prefix}`;
        const want = reference(text);
        const got = parseCidr(text);
        expect(got && (got.family === 4 ? { family: got.family, first: got.first, last: got.last } : { family: got.family }), text).toStrictEqual(want);
        if (got) read++;
      }
    }
    expect(read).toBeGreaterThan(10_000);
    for (const text of ['10.0.0.0', '10.0.0.0/8/8', '/8', '10.0.0.0/']) expect(parseCidr(text), text).toBeUndefined();
  });

  it("gives an IPv6 range the first and last address of the subnet Node's BlockList holds", () => {
    const text6 = (n: bigint) => Array.from({ length: 8 }, (_, i) => ((n >> BigInt(16 * (7 - i))) & 0xffffn).toString(16)).join(':');
    const max = (1n << 128n) - 1n;
    for (const address of ['::', '::1', 'fd00::', 'fd12:3456:789a::42', '2001:db8::ff00:42:8329', '::ffff:10.0.0.1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']) {
      for (const prefix of [0, 1, 7, 8, 48, 64, 96, 127, 128]) {
        const range = parseCidr(`${address}/${prefix}`)!;
        const subnet = new BlockList();
        subnet.addSubnet(address, prefix, 'ipv6');
        const inside = (n: bigint) => n >= 0n && n <= max && subnet.check(text6(n), 'ipv6');
        expect([range.family, inside(range.first), inside(range.last), inside(range.first - 1n), inside(range.last + 1n)], `${address}/${prefix}`).toStrictEqual([6, true, true, false, false]);
      }
    }
    expect(parseCidr('fd00::/129')).toBeUndefined();
  });

  it('tells overlapping and contained ranges, of one family only', () => {
    const [a, b, c, v6] = ['10.0.0.0/8', '10.1.0.0/16', '11.0.0.0/8', 'fd00::/8'].map((t) => parseCidr(t)!);
    expect([overlaps(a!, b!), contains(a!, b!), contains(b!, a!), overlaps(a!, c!), overlaps(a!, v6!)]).toStrictEqual([true, true, false, false, false]);
    expect(parseCidr('0.0.0.0/0')).toMatchObject({ first: 0n, last: 2n ** 32n - 1n });
    expect(parseCidr('192.0.2.77/32')).toMatchObject({ first: 3221226061n, last: 3221226061n });
  });
});
