// Early checks shared by constructs (policy, workloads) and the front door: they throw in the constructor with the value and the
// fix, as every construct here does, so a TypeScript fleet fails where the bad value is written.
import { parseCidr } from '../model/cidr.ts';
import { assertDnsLabel } from '../fleet/cluster.ts';
import { DNS_NAME as DNS_NAME_PATTERN } from '../compat/value-patterns.ts';

const DNS_NAME = new RegExp(DNS_NAME_PATTERN);

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
