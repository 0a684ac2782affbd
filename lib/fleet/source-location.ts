// Where the user's code made a call: the first stack frame outside meshfleet's own files (lib/, dist/,
// bin/) and node_modules. Constructs keep it to name the user's line in errors, thrown or found later.
import { findSourceMap } from 'node:module';
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

/** Whether a frame's file is the user's: an absolute path outside meshfleet's own files and node_modules. */
function isUserFile(file: string): boolean {
  return isAbsolute(file) && !file.includes(`${sep}node_modules${sep}`) && !OWN.some((own) => file.startsWith(own));
}

/** The first of the frames (as a stack trace prints them, source-mapped) that is the user's. */
export function userFrame(frames: Iterable<SourceLocation | undefined>): SourceLocation | undefined {
  for (const frame of frames) if (frame && isUserFile(frame.file)) return frame;
  return undefined;
}

/**
 * The current stack's frames as Node prints them: where a source map is loaded for a frame's file
 * (tsx turns them on), its original file, line and column, else the frame's own. A generator, so
 * that only the frames up to the user's are mapped: Node's own formatting maps all of them, which
 * took ~0.17 ms per construct (a 1000-cluster TypeScript fleet: 170 of its 185 ms in addCluster).
 */
function* stackFrames(sites: readonly NodeJS.CallSite[]): Generator<SourceLocation | undefined> {
  for (const site of sites) {
    const name = site.getFileName();
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (!name || line === null || column === null) {
      yield undefined;
      continue;
    }
    const entry = findSourceMap(name)?.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
    yield entry?.originalSource && entry.originalLine !== undefined && entry.originalColumn !== undefined
      ? { file: pathOf(entry.originalSource), line: entry.originalLine + 1, column: entry.originalColumn + 1 }
      : { file: pathOf(name), line, column };
  }
}

/** The frames of a stack trace's text (a formatter of its own made it: vitest's, source-map-support's). */
export function* stackTextFrames(stack: string | undefined): Generator<SourceLocation | undefined> {
  for (const text of (stack ?? '').split('\n').slice(1)) {
    const match = /\(?([^\s()]+):(\d+):(\d+)\)?\s*$/.exec(text);
    yield match ? { file: pathOf(match[1]), line: Number(match[2]), column: Number(match[3]) } : undefined;
  }
}

function pathOf(file: string): string {
  return file.startsWith('file://') ? fileURLToPath(file) : file;
}

/** Where the user's code called into meshfleet, from the current stack. */
export function userCallSite(): SourceLocation | undefined {
  const { prepareStackTrace, stackTraceLimit } = Error;
  // Deep enough for a construct made in a helper called from an application builder.
  Error.stackTraceLimit = 64;
  // A formatter someone installed (vitest's, source-map-support's) maps frames Node's maps do not
  // know: its text is read. Node's own (Node 20.20 defines one by name) maps with findSourceMap's maps.
  if ((prepareStackTrace as unknown) !== undefined && prepareStackTrace.name !== 'ErrorPrepareStackTrace') {
    try {
      return userFrame(stackTextFrames(new Error().stack));
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
  }
  // V8's call sites, not the text: formatting (and source-mapping) every frame is most of the cost.
  Error.prepareStackTrace = (_error, sites) => sites;
  let sites: NodeJS.CallSite[];
  try {
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, userCallSite);
    sites = holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
  return userFrame(stackFrames(sites));
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
