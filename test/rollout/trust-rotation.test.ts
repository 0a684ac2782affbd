// GIVEN a fleet synthesized with one trust anchor WHEN the anchor is rotated THEN synth takes one
// stage at a time (bundle → reissue → restart → previous removed), refuses a one-step replacement,
// a skipped stage or an anchor dropped while in use with the stage to go to, leaves the previous
// output untouched when it refuses, and each stage changes exactly the objects it should.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { FleetError } from '../../lib/model/diagnostics.ts';
import { synthesize } from '../../lib/synth/synthesize.ts';
import { ANCHOR_PEM, FIXTURES, fleetDocument, REPO } from '../support/fleet.ts';

type Json = Record<string, any>;
const NEW_PEM = readFileSync(join(FIXTURES, 'second-anchor.crt'), 'utf8');
const OLD = new X509Certificate(ANCHOR_PEM).fingerprint256;
const NEW = new X509Certificate(NEW_PEM).fingerprint256;
const STORE = { type: 'externalSecret', store: { name: 'vault' }, remoteKey: 'linkerd/anchor-1' };

function doc(anchor: string, rotation?: Json, issuer: Json = STORE): Json {
  return fleetDocument((d) => {
    d.spec.trust = { anchor: { pem: anchor }, issuer, ...(rotation ? { rotation } : {}) };
  });
}

describe('trust anchor rotation, stage by stage', () => {
  let out: string;
  const read = (path: string) => readFileSync(join(out, path), 'utf8');
  const synth = (document: Json) => synthesize({ document, baseDir: join(REPO, 'apps') }, { outdir: out });
  /** The errors synth refuses with; the output folder must stay as it was. */
  const refused = (document: Json): [string, string, string][] => {
    const before = read('index.json');
    try {
      synth(document);
    } catch (e) {
      expect(e).toBeInstanceOf(FleetError);
      expect(read('index.json')).toBe(before);
      return (e as FleetError).diagnostics.filter((d) => d.severity === 'error').map((d) => [d.path, d.message, d.fix ?? '']);
    }
    throw new Error('synth accepted the change');
  };
  const anchorsInValues = () => (parse(read('prod/a/values/linkerd-control-plane.yaml')).identityTrustAnchorsPEM as string).match(/BEGIN CERTIFICATE/g)!.length;
  const certificate = () => parseAllDocuments(read('prod/a/manifests/identity-issuer.yaml')).map((d) => d.toJSON()).find((o: Json) => o.kind === 'Certificate');
  const externalSecret = () => parseAllDocuments(read('prod/a/manifests/identity-issuer.yaml')).map((d) => d.toJSON()).find((o: Json) => o.kind === 'ExternalSecret');
  let start: { issuer: string; values: string };

  beforeAll(() => {
    out = join(mkdtempSync(join(tmpdir(), 'meshfleet-rotation-')), 'charts-out');
    synth(doc(ANCHOR_PEM));
    start = { issuer: read('prod/a/manifests/identity-issuer.yaml'), values: read('prod/a/values/linkerd-control-plane.yaml') };
  }, 60_000);
  afterAll(() => rmSync(join(out, '..'), { recursive: true, force: true }));

  it('refuses replacing the anchor in one step, naming the stage to go to', () => {
    const errors = refused(doc(NEW_PEM));
    expect(errors).toHaveLength(1);
    expect(errors[0][0]).toBe('/spec/trust/anchor');
    expect(errors[0][1]).toMatch(/replaces trust anchor .* in one step/);
    expect(errors[0][2]).toContain(`stage: bundle, previous: "${OLD}"`);
  });

  it('refuses a new anchor added without a rotation, and a rotation starting past bundle', () => {
    expect(refused(doc(ANCHOR_PEM + NEW_PEM))[0][1]).toMatch(/adds trust anchor .* without a rotation/);
    const skipped = refused(doc(ANCHOR_PEM + NEW_PEM, { stage: 'reissue', previous: OLD }));
    expect(skipped[0][1]).toMatch(/adds trust anchor/);
  });

  it('refuses starting a rotation that retires an anchor the previous output does not use', () => {
    const errors = refused(doc(ANCHOR_PEM + NEW_PEM, { stage: 'bundle', previous: NEW }));
    expect(errors).toEqual([['/spec/trust/rotation/previous', expect.stringMatching(/as the anchor being retired, but the previous output trusts/), `set trust.rotation.previous to the fingerprint of the anchor in use: ${OLD}`]]);
  });

  it('refuses a rotation whose previous anchor is not in the bundle', () => {
    const errors = refused(doc(NEW_PEM, { stage: 'bundle', previous: OLD }));
    expect(errors).toEqual([['/spec/trust/rotation/previous', expect.stringMatching(/not in the trust anchor bundle/), expect.any(String)]]);
  });

  it('bundle: both anchors reach the control plane; cert-manager objects do not change', () => {
    synth(doc(ANCHOR_PEM + NEW_PEM, { stage: 'bundle', previous: OLD }));
    expect(anchorsInValues()).toBe(2);
    expect(read('prod/a/manifests/identity-issuer.yaml')).toBe(start.issuer);
    expect(JSON.parse(read('index.json')).trustRotation).toEqual({ stage: 'bundle', previous: OLD, next: NEW });
    expect(read('prod/a/mesh/templates/identity-issuer.yaml')).not.toContain('trust-manager');
  });

  it('from bundle: skipping reissue, or dropping the previous anchor, is refused with stage reissue to go to', () => {
    const skip = refused(doc(ANCHOR_PEM + NEW_PEM, { stage: 'restart', previous: OLD }));
    expect(skip).toEqual([['/spec/trust/rotation/stage', expect.stringMatching(/skips stage reissue/), expect.stringContaining('go to stage reissue')]]);
    const drop = refused(doc(NEW_PEM));
    expect(drop).toEqual([['/spec/trust/anchor', expect.stringMatching(/drops trust anchor .* still in use/), expect.stringContaining('go to stage reissue')]]);
  });

  it('reissue: the identity issuer is signed from the new anchor key; the bundle stays', () => {
    synth(doc(ANCHOR_PEM + NEW_PEM, { stage: 'reissue', previous: OLD }, { ...STORE, remoteKey: 'linkerd/anchor-2' }));
    expect(anchorsInValues()).toBe(2);
    expect(certificate().metadata.annotations).toEqual({ 'meshfleet.dev/signed-by-anchor': NEW });
    expect(externalSecret().spec.data.map((d: Json) => d.remoteRef.key)).toEqual(['linkerd/anchor-2', 'linkerd/anchor-2']);
    // The Certificate spec itself is unchanged: re-issuance is asked for with cmctl renew (runbook).
    expect(certificate().spec).toEqual(parseAllDocuments(start.issuer).map((d) => d.toJSON()).find((o: Json) => o.kind === 'Certificate').spec);
  });

  it('from reissue: dropping the previous anchor is refused with stage restart to go to', () => {
    const drop = refused(doc(NEW_PEM, undefined, { ...STORE, remoteKey: 'linkerd/anchor-2' }));
    expect(drop[0][2]).toContain('go to stage restart');
  });

  it('restart: the same objects; index.json records the stage', () => {
    const issuer = read('prod/a/manifests/identity-issuer.yaml');
    synth(doc(ANCHOR_PEM + NEW_PEM, { stage: 'restart', previous: OLD }, { ...STORE, remoteKey: 'linkerd/anchor-2' }));
    expect(read('prod/a/manifests/identity-issuer.yaml')).toBe(issuer);
    expect(JSON.parse(read('index.json')).trustRotation.stage).toBe('restart');
  });

  it('ending the rotation keeping the previous anchor is refused; removing it completes the rotation', () => {
    const keep = refused(doc(ANCHOR_PEM + NEW_PEM, undefined, { ...STORE, remoteKey: 'linkerd/anchor-2' }));
    expect(keep).toEqual([['/spec/trust/rotation', expect.stringMatching(/still holds the previous anchor/), expect.stringContaining('remove the previous anchor')]]);
    synth(doc(NEW_PEM, undefined, { ...STORE, remoteKey: 'linkerd/anchor-2' }));
    expect(anchorsInValues()).toBe(1);
    expect(parse(read('prod/a/values/linkerd-control-plane.yaml')).identityTrustAnchorsPEM).toBe(NEW_PEM.trim() + '\n');
    expect(certificate().metadata.annotations).toBeUndefined();
    const index = JSON.parse(read('index.json'));
    expect(index.trustRotation).toBeUndefined();
    expect(index.trustAnchors.map((a: Json) => a.sha256)).toEqual([NEW]);
  });
});

describe('aborting a rotation at the bundle stage', () => {
  it('removes the new anchor and the rotation block', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'meshfleet-rotation-')), 'charts-out');
    try {
      const synth = (document: Json) => synthesize({ document, baseDir: join(REPO, 'apps') }, { outdir: out });
      synth(doc(ANCHOR_PEM));
      synth(doc(ANCHOR_PEM + NEW_PEM, { stage: 'bundle', previous: OLD }));
      synth(doc(ANCHOR_PEM));
      expect(JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')).trustAnchors.map((a: Json) => a.sha256)).toEqual([OLD]);
    } finally {
      rmSync(join(out, '..'), { recursive: true, force: true });
    }
  }, 60_000);
});
