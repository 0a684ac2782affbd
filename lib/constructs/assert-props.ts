// Early checks shared by constructs (policy, workloads) and the front door: they throw in the constructor with the value and the
// fix, as every construct here does, so a TypeScript fleet fails where the bad value is written.
import { parseCidr } from '../model/cidr.ts';
import type { ValueProblem } from '../model/diagnostics.ts';
import { DNS_LABEL as DNS_LABEL_PATTERN, DNS_NAME as DNS_NAME_PATTERN } from '../compat/value-patterns.ts';

const DNS_NAME = new RegExp(DNS_NAME_PATTERN);
const DNS_LABEL = new RegExp(DNS_LABEL_PATTERN);

/** Names become folders, object names and identities: reject a bad one where it is written. */
export function assertDnsLabel(value: string, what: string, path: string): void {
  if (!DNS_LABEL.test(value)) {
    throw new Error(`${path}: ${what} ${JSON.stringify(value)} is not a DNS label. Fix: use lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters (e.g. "eu-1")`);
  }
}

export function assertObjectName(value: string, what: string, path: string): void {
  if (!DNS_NAME.test(value)) {
    throw new Error(`${path}: ${what} ${JSON.stringify(value)} is not a valid object name. Fix: use lowercase letters, digits, '-' and '.', at most 253 characters`);
  }
}

export function assertNamespaceName(value: string, path: string): void {
  assertDnsLabel(value, 'namespace name', path);
}

export function assertOneOf<T extends string>(value: T, allowed: readonly T[], what: string, path: string): void {
  if (!allowed.includes(value)) {
    throw new Error(`${path}: ${what} ${JSON.stringify(value)} is not allowed. Fix: use one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  }
}

export function assertCidr(value: string, what: string, path: string): void {
  if (!parseCidr(value)) {
    throw new Error(`${path}: ${what} ${JSON.stringify(value)} is not a CIDR. Fix: use CIDR notation such as "10.0.0.0/8" or "fd00::/8"`);
  }
}

export function assertRate(value: number | undefined, what: string, path: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new Error(`${path}: ${what} ${JSON.stringify(value)} is not a rate. Fix: give requests per second as a whole number of at least 1`);
  }
}

/** A shared value rule's problem (lib/model), thrown with the same text the fleet check reports. */
export function assertValue(problem: ValueProblem | undefined, where: string): void {
  if (problem) throw new Error(`${where}: ${problem.message}. Fix: ${problem.fix}`);
}
