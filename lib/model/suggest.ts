// "Did you mean": the accepted name nearest to a near-miss, by Levenshtein edit distance (from the
// fastest-levenshtein package; see the README's list of libraries).
import { distance } from 'fastest-levenshtein';
import { show } from './diagnostics.ts';

/** The candidates nearest to `name`, if near enough to be a slip (a third of the name, at least 1 edit); ties in their order, at most three. */
export function nearestNames(name: string, candidates: Iterable<string>): string[] {
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string[] = [];
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const d = candidate.toLowerCase() === name.toLowerCase() ? 0 : distance(name, candidate);
    if (d > limit || d > bestDistance) continue;
    if (d < bestDistance) [best, bestDistance] = [[], d];
    best.push(candidate);
  }
  return best.slice(0, 3);
}

/** "did you mean "eu-1" or "eu-2"? ", or "" when nothing is near. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const near = nearestNames(name, candidates);
  return near.length ? `did you mean ${near.map((n) => show(n)).join(' or ')}? ` : '';
}

/** A fix that names the accepted values, the nearest first: `did you mean "eu-1"? (name one of: …)`. */
export function chooseFrom(name: string, candidates: readonly string[], verb = 'use one of'): string {
  const near = didYouMean(name, candidates);
  const list = candidates.length ? `${verb}: ${candidates.join(', ')}` : '';
  return near ? `${near}${list ? `(${list})` : ''}`.trim() : list;
}
