// The value checks the front door shares with the constructs, thrown with the user's file:line.
import { parseCidr } from '../model/cidr.ts';
import { assertDnsLabel as dnsLabel, assertObjectName as objectName, assertValue as value } from '../constructs/assert-props.ts';
import type { ValueProblem } from '../model/diagnostics.ts';
import { DefinitionError, located } from './source-location.ts';

export function assertDnsLabel(name: string, what: string, where: string): void {
  located(() => dnsLabel(name, what, where));
}

export function assertObjectName(name: string, what: string, where: string): void {
  located(() => objectName(name, what, where));
}

export function assertValue(problem: ValueProblem | undefined, where: string): void {
  located(() => value(problem, where));
}

export function assertCidrText(cidr: string, where: string): void {
  if (!parseCidr(cidr)) throw new DefinitionError(`${where}: ${JSON.stringify(cidr)} is not a CIDR. Fix: use CIDR notation such as "10.0.0.0/8" or "fd00::/8"`);
}
