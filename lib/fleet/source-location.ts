// Where the user's code made a call: the first stack frame outside meshfleet's own files (lib/, dist/,
// bin/) and node_modules. Constructs keep it to name the user's line in errors, thrown or found later.
import { dirname, isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** meshfleet's package folder: this file is <root>/lib/fleet/ or <root>/dist/lib/fleet/. */
const LIB = dirname(dirname(fileURLToPath(import.meta.url)));
const ROOT = LIB.endsWith(`${sep}dist${sep}lib`) ? dirname(dirname(LIB)) : dirname(LIB);
const OWN = [LIB, `${ROOT}${sep}dist`, `${ROOT}${sep}bin`].map((folder) => folder + sep);

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** The user's frame in a stack trace, if any. */
export function userFrame(stack: string | undefined): SourceLocation | undefined {
  for (const text of (stack ?? '').split('\n').slice(1)) {
    const match = /\(?([^\s()]+):(\d+):(\d+)\)?\s*$/.exec(text);
    if (!match) continue;
    const file = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1];
    if (!isAbsolute(file) || file.includes(`${sep}node_modules${sep}`) || OWN.some((own) => file.startsWith(own))) continue;
    return { file, line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

/** Where the user's code called into meshfleet, from the current stack. */
export function userCallSite(): SourceLocation | undefined {
  const limit = Error.stackTraceLimit;
  // Deep enough for a construct made in a helper called from an application builder.
  Error.stackTraceLimit = 64;
  try {
    return userFrame(new Error().stack);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** "apps/main.ts:97:13": relative to the working folder when inside it. */
export function formatLocation(location: SourceLocation): string {
  const path = relative(process.cwd(), location.file);
  return `${path && !path.startsWith('..') && !isAbsolute(path) ? path : location.file}:${location.line}:${location.column}`;
}

/**
 * An error in a TypeScript fleet's definition: its message starts with the user's file:line:column
 * (as compilers print it), taken when the error is made, i.e. at the call that passed the bad value.
 */
export class DefinitionError extends Error {
  constructor(message: string) {
    const site = userCallSite();
    super(site ? `${formatLocation(site)}: ${message}` : message);
    this.name = 'DefinitionError';
  }
}

/** Runs a check that throws a plain Error (shared with the constructs) and rethrows it located. */
export function located<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof DefinitionError || !(e instanceof Error)) throw e;
    throw new DefinitionError(e.message);
  }
}

/** How a message names a place in a TypeScript fleet: the user's line first, then the construct. */
export function describePlace(constructPath: string, at: SourceLocation | undefined, call?: string): string {
  return `${at ? `${formatLocation(at)}, ` : ''}construct ${constructPath}${call ? ` (${call})` : ''}`;
}
