/**
 * A wrong command line: the CLI prints the message and the usage, and exits 2. A command's own
 * parsing names the command and its help page, so the usage shown is that command's.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
    readonly help?: string,
  ) {
    super(message);
  }
}

/** True for a UsageError or an option error from node:util parseArgs. */
export function isUsageError(e: unknown): boolean {
  return e instanceof UsageError || Boolean((e as { code?: string } | undefined)?.code?.startsWith('ERR_PARSE_ARGS'));
}

/** Runs a command's argument parsing: a wrong command line is reported with the command's own help. */
export function parseCommandLine<T>(command: string, help: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (isUsageError(e)) throw new UsageError((e as Error).message, command, help);
    throw e;
  }
}
