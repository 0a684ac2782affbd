// A trust anchor rotation is staged: bundle both anchors → issuers re-issued under the new anchor →
// proxies restarted → the previous anchor removed. Each synth may move one stage (forward, or back
// while both anchors are still trusted); the previous output's index.json says where the fleet was.
// A change that drops an anchor still in use, replaces the anchor in one step or skips a stage is
// refused with the stage to go to instead.
import { error, type Diagnostic } from '../model/diagnostics.ts';
import { TRUST_ROTATION_STAGES, type TrustRotationStage } from '../model/types.ts';
import type { ResolvedTrust } from '../resolve/resolve.ts';
import type { PreviousIndex } from '../output/previous-index.ts';

const ANCHOR = '/spec/trust/anchor';
const ROTATION = '/spec/trust/rotation';

interface RotationState {
  /** -1: no rotation; otherwise the index in TRUST_ROTATION_STAGES. */
  readonly stage: number;
  readonly previous?: string;
}

/** What each stage means for the operator, for messages. */
const STAGE_MEANING: Record<TrustRotationStage, string> = {
  bundle: 'both anchors trusted, issuers still signed by the previous one',
  reissue: 'identity issuers signed by the new anchor',
  restart: 'proxies restarted with certificates from the new anchor',
};

export function trustRotationDiagnostics(previous: PreviousIndex | undefined, trust: ResolvedTrust): Diagnostic[] {
  if (!previous || !Array.isArray(previous.trustAnchors)) return [];
  const before = new Set(previous.trustAnchors.map((a) => String((a as { sha256?: unknown })?.sha256 ?? '').toUpperCase()).filter(Boolean));
  const after = new Set(trust.anchor.certificates.map((c) => c.fingerprint256));
  const was = stateOf(previous.trustRotation);
  const now: RotationState = trust.rotation ? { stage: TRUST_ROTATION_STAGES.indexOf(trust.rotation.stage), previous: trust.rotation.previous } : { stage: -1 };
  const removed = [...before].filter((f) => !after.has(f));
  const added = [...after].filter((f) => !before.has(f));
  const nextStage = TRUST_ROTATION_STAGES[was.stage + 1];
  const goTo = was.stage === -1 ? 'stage bundle' : nextStage ? `stage ${nextStage}` : 'the end of the rotation (remove trust.rotation and the previous anchor)';
  const where = was.stage === -1 ? 'no rotation in progress' : `rotation at stage ${TRUST_ROTATION_STAGES[was.stage]} (${STAGE_MEANING[TRUST_ROTATION_STAGES[was.stage]]})`;

  if (added.length && was.stage !== -1) {
    return [error('MF7201', ANCHOR, `adds anchor ${short(added[0])} while the previous output has a ${where}`, `finish the rotation in progress first: go to ${goTo}`)];
  }
  if (added.length && now.stage !== 0) {
    const fix = removed.length
      ? `keep the previous anchor in the bundle (cat old.crt new.crt) and set trust.rotation: { stage: bundle, previous: "${removed[0]}" }`
      : `set trust.rotation: { stage: bundle, previous: <fingerprint of the anchor to retire> } (or, to keep both anchors for good, say so by rotating nothing: remove ${short(added[0])})`;
    const what = removed.length ? `replaces trust anchor ${short(removed[0])} with ${short(added[0])} in one step: every proxy would stop trusting its peers` : `adds trust anchor ${short(added[0])} without a rotation`;
    return [error('MF7202', ANCHOR, `${what} (previous output: ${where})`, fix)];
  }
  if (was.stage === -1 && now.stage !== -1 && !before.has(now.previous ?? '')) {
    return [error('MF7203', `${ROTATION}/previous`, `names ${short(now.previous ?? '')} as the anchor being retired, but the previous output trusts ${[...before].map(short).join(', ')}`, `set trust.rotation.previous to the fingerprint of the anchor in use: ${[...before][0]}`)];
  }
  if (removed.length) {
    const completes = was.stage === 2 && now.stage === -1 && removed.length === 1 && removed[0] === was.previous;
    const aborts = was.stage === 0 && now.stage === -1 && !removed.includes(was.previous ?? '');
    if (!completes && !aborts) {
      const inUse = removed.includes(was.previous ?? '') || was.stage === -1 ? 'still in use' : 'already signing the identity issuers';
      return [error('MF7204', ANCHOR, `drops trust anchor ${removed.map(short).join(', ')}, ${inUse} (previous output: ${where})`, `keep it in the bundle and go to ${goTo}`)];
    }
    return [];
  }
  if (now.stage === -1 && was.stage !== -1) {
    return [error('MF7205', ROTATION, `ends the rotation but the bundle still holds the previous anchor ${short(was.previous ?? '')} (previous output: ${where})`, was.stage === 2 ? `remove the previous anchor from spec.trust.anchor together with trust.rotation` : `go to ${goTo}`)];
  }
  if (was.stage !== -1 && now.stage !== -1 && was.previous !== now.previous) {
    return [error('MF7206', `${ROTATION}/previous`, `changes the anchor being retired mid-rotation (${short(was.previous ?? '')} → ${short(now.previous ?? '')})`, `finish the rotation in progress first: go to ${goTo}`)];
  }
  if (now.stage > was.stage + 1) {
    const skipped = TRUST_ROTATION_STAGES.slice(was.stage + 1, now.stage);
    return [error('MF7207', `${ROTATION}/stage`, `skips stage ${skipped.join(', ')} (previous output: ${where})`, `go to ${goTo} first: synth, deliver it to every cluster and check it, then move on`)];
  }
  return [];
}

function stateOf(value: unknown): RotationState {
  const stage = TRUST_ROTATION_STAGES.indexOf(String((value as { stage?: unknown } | undefined)?.stage) as TrustRotationStage);
  if (stage === -1) return { stage: -1 };
  return { stage, previous: String((value as { previous?: unknown }).previous ?? '').toUpperCase() };
}

function short(fingerprint: string): string {
  return fingerprint.length > 23 ? `${fingerprint.slice(0, 23)}…` : fingerprint;
}
