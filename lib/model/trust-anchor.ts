// Reads the shared trust anchor: a bundle of public CA certificates (several during a rotation).
// Only the public half is accepted; the key stays in the secret store that cert-manager reads.
import { X509Certificate } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { error, type Diagnostic } from './diagnostics.ts';
import { INPUT_LIMITS, readRegularFile } from './file-access.ts';
import { findSecretMaterial, lineAt } from './secret-material.ts';
import { TRUST_ROTATION_STAGES, type TrustAnchorSource, type TrustRotationSpec, type TrustRotationStage } from './types.ts';

export interface AnchorCertificate {
  readonly subject: string;
  readonly fingerprint256: string;
  readonly validTo: string;
}

export interface TrustAnchor {
  /** Normalised PEM bundle: the certificate blocks only, one after the other, ending in a newline. */
  readonly pem: string;
  readonly certificates: readonly AnchorCertificate[];
}

/** Tolerated difference between the clock that issued the anchor and this one. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

export function readTrustAnchor(
  source: TrustAnchorSource,
  baseDir: string,
  now: Date,
  path = '/spec/trust/anchor',
): { anchor?: TrustAnchor; diagnostics: Diagnostic[] } {
  let text: string;
  let at: string;
  if ('file' in source) {
    at = `${path}/file`;
    const file = isAbsolute(source.file) ? source.file : resolve(baseDir, source.file);
    const read = readRegularFile(file, { limit: INPUT_LIMITS.trustAnchor, what: 'trust anchor file', display: JSON.stringify(source.file), input: true });
    if (!('text' in read)) return fail(at, read.problem, `${read.fix}; anchor.file is the PEM file of the trust anchor certificate, relative to the fleet file`);
    text = read.text;
  } else {
    at = `${path}/pem`;
    text = source.pem;
  }
  const secret = findSecretMaterial(text)[0];
  if (secret) {
    const where = 'file' in source ? `${source.file}:${lineAt(text, secret.index)}` : `line ${lineAt(text, secret.index)}`;
    return fail(at, `the trust anchor contains secret material: ${secret.kind} at ${where} (${secret.fingerprint})`, 'keep only the certificate (BEGIN CERTIFICATE blocks); the key belongs in the secret store that spec.trust.issuer names');
  }
  const blocks = text.match(CERT_BLOCK) ?? [];
  if (blocks.length === 0) {
    return fail(at, 'no PEM certificate found in the trust anchor', 'give the anchor as one or more "-----BEGIN CERTIFICATE-----" blocks');
  }
  const diagnostics: Diagnostic[] = [];
  const certificates: AnchorCertificate[] = [];
  blocks.forEach((block, i) => {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch (e) {
      diagnostics.push(error('MF1201', at, `certificate ${i + 1} of the trust anchor cannot be parsed: ${(e as Error).message}`, 'give a valid PEM certificate'));
      return;
    }
    const subject = cert.subject.replace(/\n/g, ', ');
    if (!cert.ca) {
      diagnostics.push(error('MF1202', at, `certificate ${i + 1} (${subject}) is not a CA certificate`, 'use the root CA certificate of the mesh (basicConstraints CA:TRUE), not a leaf or issuer-signed certificate'));
    }
    // Proxies reject a root that is not valid yet: every mTLS connection would fail until then.
    if (new Date(cert.validFrom).getTime() > now.getTime() + CLOCK_SKEW_MS) {
      diagnostics.push(error('MF1203', at, `certificate ${i + 1} (${subject}) is not valid until ${new Date(cert.validFrom).toISOString()}`, 'issue the trust anchor with a start date in the past (check the clock of the machine that made it), or add it to the bundle only once it is valid'));
    }
    if (new Date(cert.validTo).getTime() <= now.getTime()) {
      diagnostics.push(error('MF1204', at, `certificate ${i + 1} (${subject}) expired on ${new Date(cert.validTo).toISOString()}`, 'rotate the trust anchor: add the new certificate to the bundle, roll it out, then remove the old one'));
    }
    certificates.push({ subject, fingerprint256: cert.fingerprint256, validTo: new Date(cert.validTo).toISOString() });
  });
  if (diagnostics.length > 0) return { diagnostics };
  return { anchor: { pem: blocks.join('\n') + '\n', certificates }, diagnostics };
}

function fail(path: string, message: string, fix: string) {
  return { diagnostics: [error('MF1205', path, message, fix)] };
}

/** A rotation as resolved against the bundle: which anchor is retired and which one replaces it. */
export interface ResolvedRotation {
  readonly stage: TrustRotationStage;
  /** Fingerprint of the anchor being retired (upper-case hex pairs, as node and openssl print it). */
  readonly previous: string;
  /** Fingerprint of the new anchor: the bundle's other certificate. */
  readonly next: string;
}

/** The anchor whose key signs the identity issuers at a stage: the previous one until reissue. */
export function signingAnchorOf(rotation: ResolvedRotation): string {
  return TRUST_ROTATION_STAGES.indexOf(rotation.stage) >= TRUST_ROTATION_STAGES.indexOf('reissue') ? rotation.next : rotation.previous;
}

/** trust.rotation against the bundle: the previous anchor is in it, next to exactly one new anchor. */
export function resolveRotation(spec: TrustRotationSpec, anchor: TrustAnchor, path = '/spec/trust/rotation'): { rotation?: ResolvedRotation; diagnostics: Diagnostic[] } {
  const previous = spec.previous.toUpperCase();
  const fingerprints = anchor.certificates.map((c) => c.fingerprint256);
  if (!fingerprints.includes(previous)) {
    return fail(`${path}/previous`, `the anchor being retired (${previous.slice(0, 23)}…) is not in the trust anchor bundle: during a rotation every proxy must still trust it`, `keep the previous anchor in spec.trust.anchor next to the new one until the rotation ends (bundle both: cat old.crt new.crt), or correct trust.rotation.previous (openssl x509 -noout -fingerprint -sha256 -in old.crt)`);
  }
  const others = fingerprints.filter((f) => f !== previous);
  if (others.length !== 1) {
    return fail(
      `${path}/previous`,
      others.length === 0 ? 'the trust anchor bundle holds only the anchor being retired: there is no new anchor to rotate to' : `the trust anchor bundle holds ${others.length} anchors besides the one being retired; a rotation moves to exactly one new anchor`,
      others.length === 0 ? 'add the new anchor certificate to spec.trust.anchor (the bundle holds the previous and the new anchor)' : 'keep exactly two certificates in the bundle during a rotation: the previous anchor and the new one',
    );
  }
  return { rotation: { stage: spec.stage, previous, next: others[0] }, diagnostics: [] };
}
