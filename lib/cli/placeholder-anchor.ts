// A throw-away trust anchor for `meshfleet init`: a self-signed CA certificate whose private key only
// ever exists in this process's memory, so a new fleet synthesizes at once. Nothing can be signed with
// it afterwards; the fleet's README says to replace it with the real anchor before deploying.
//
// node:crypto reads certificates but cannot write them, so the certificate is DER-encoded here
// (RFC 5280 §4.1): ECDSA P-256 with SHA-256, as `step certificate create --profile root-ca` makes.
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  subjectKeyIdentifier: '2.5.29.14',
};

function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const sequence = (...items: Buffer[]) => der(0x30, ...items);
const set = (...items: Buffer[]) => der(0x31, ...items);
const octets = (b: Buffer) => der(0x04, b);
const bits = (b: Buffer) => der(0x03, Buffer.from([0]), b);
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));
const explicit = (n: number, inner: Buffer) => der(0xa0 + n, inner);
const TRUE = Buffer.from([0x01, 0x01, 0xff]);

/**
 * A DER INTEGER of the unsigned big-endian bytes: minimal (leading zero bytes dropped, as DER
 * requires: a random serial starting with 0x00 was refused by OpenSSL one time in 512), with a zero
 * byte in front when the first bit is set, so it stays positive.
 */
export function integer(b: Buffer): Buffer {
  let start = 0;
  while (start < b.length - 1 && b[start] === 0) start++;
  const minimal = b.subarray(start);
  return der(0x02, minimal[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), minimal]) : minimal);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const v of rest) {
    const chunk = [v & 0x7f];
    for (let x = v >> 7; x > 0; x >>= 7) chunk.unshift((x & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return der(0x06, Buffer.from(out));
}

/** UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return d.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(iso.slice(2))) : der(0x18, Buffer.from(iso));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [TRUE] : []), octets(value));
}

export interface PlaceholderAnchorOptions {
  readonly commonName: string;
  readonly now: Date;
  readonly days: number;
}

/** PEM of a new self-signed CA certificate; its key is generated, used once and dropped. */
export function placeholderAnchorPem({ commonName, now, days }: PlaceholderAnchorOptions): string {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // The key identifier: SHA-1 of the public key's bits (RFC 5280 §4.2.1.2, method 1); the EC point
  // is the trailing 65 bytes of the SubjectPublicKeyInfo.
  const keyId = createHash('sha1').update(spki.subarray(spki.length - 65)).digest();
  const name = sequence(
    set(sequence(oid(OID.organization), utf8('meshfleet placeholder, replace before deploying'))),
    set(sequence(oid(OID.commonName), utf8(commonName))),
  );
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(randomBytes(16)),
    algorithm,
    name,
    sequence(time(now), time(new Date(now.getTime() + days * 86_400_000))),
    name,
    spki,
    explicit(
      3,
      sequence(
        extension(OID.basicConstraints, true, sequence(TRUE, integer(Buffer.from([1])))),
        // keyCertSign and cRLSign: bits 5 and 6, the last bit unused.
        extension(OID.keyUsage, true, der(0x03, Buffer.from([1, 0x06]))),
        extension(OID.subjectKeyIdentifier, false, octets(keyId)),
      ),
    ),
  );
  const certificate = sequence(tbs, algorithm, bits(sign('sha256', tbs, privateKey)));
  const base64 = certificate.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${base64}-----END CERTIFICATE-----\n`;
}
