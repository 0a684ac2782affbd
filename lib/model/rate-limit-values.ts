// Rate-limit rules, in one place: lib/check/policy-rules.ts turns a problem into a diagnostic with a
// path, the HttpRateLimit construct throws it.
import type { ValueProblem } from './diagnostics.ts';

/** Each identity's share cannot exceed what the Server allows in total. */
export function identityLimitProblem(identity: number | undefined, total: number | undefined): ValueProblem | undefined {
  if (identity === undefined || total === undefined || identity <= total) return undefined;
  return { message: `the per-identity limit ${identity}/s is above the total ${total}/s`, fix: `lower identity to at most ${total}, or raise total` };
}

export function overrideLimitProblem(requestsPerSecond: number, total: number | undefined): ValueProblem | undefined {
  if (total === undefined || requestsPerSecond <= total) return undefined;
  return { message: `the override ${requestsPerSecond}/s is above the total ${total}/s`, fix: `lower it to at most ${total}, or raise total` };
}
