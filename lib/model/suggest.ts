// "Did you mean": the accepted name nearest to a near-miss, by edit distance. The distance is the one
// thing here a library should do (see the README's list of libraries); it sits in this file only.
import { show } from './diagnostics.ts';

/** Levenshtein distance (insertions, deletions, substitutions), two rows at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The candidates nearest to `name`, if near enough to be a slip (a third of the name, at least 1 edit); ties in their order, at most three. */
export function nearestNames(name: string, candidates: Iterable<string>): string[] {
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string[] = [];
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const d = candidate.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, candidate);
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
