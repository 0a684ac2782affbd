/** A wrong command line: the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {}

/** True for a UsageError or an option error from node:util parseArgs. */
export function isUsageError(e: unknown): boolean {
  return e instanceof UsageError || Boolean((e as { code?: string } | undefined)?.code?.startsWith('ERR_PARSE_ARGS'));
}
