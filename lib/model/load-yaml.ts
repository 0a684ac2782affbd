// The YAML front door: reads fleet.yaml into a document, with a locator that turns a JSON pointer
// back into file:line:column for messages. Parsing is strict (duplicate keys, alias bombs) because a
// fleet file is reviewed configuration, not a place for clever YAML.
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, Parser, parseDocument, visit, type CST, type Node, type Pair } from 'yaml';
import { error, pointerSegments, type Diagnostic, type Locator } from './diagnostics.ts';

export interface LoadedYaml {
  readonly document: unknown;
  readonly diagnostics: Diagnostic[];
  readonly locate: Locator;
}

/** Largest fleet file accepted; a fleet of thousands of clusters is far below this. */
const MAX_BYTES = 32 * 1024 * 1024;

/** `displayName` is how messages name the file (the path as the user gave it). */
export function loadFleetYamlFile(file: string, displayName = file): LoadedYaml {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return failed(`cannot read ${file}: ${(e as Error).message}`, 'check the path of the fleet file');
  }
  // Invalid UTF-8 would become U+FFFD silently (in a key or a name, a different value).
  const text = decodeUtf8(bytes);
  if (typeof text !== 'string') return failed(`${displayName}:${text.line}: invalid UTF-8 (byte ${text.offset})`, 'save the fleet file as UTF-8');
  return parseFleetYaml(text, displayName);
}

export function parseFleetYaml(text: string, fileName = 'fleet.yaml'): LoadedYaml {
  if (text.length > MAX_BYTES) {
    return failed(`${fileName} is larger than ${MAX_BYTES} bytes`, 'split or trim the fleet file');
  }
  const tooDeep = firstTooDeeplyNested(text);
  if (tooDeep) {
    return failed(
      `${fileName} nests lists or maps more than ${MAX_NESTING} levels deep at line ${tooDeep.line}, column ${tooDeep.col}`,
      'a fleet file needs about 10 levels; look for runaway brackets or indentation',
    );
  }
  const lineCounter = new LineCounter();
  let doc;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  } catch (e) {
    return failed(`${fileName} is not valid YAML: ${(e as Error).message}`, 'fix the YAML syntax');
  }
  const locate: Locator = (path) => {
    const node = nodeAt(doc.contents as Node | null, pointerSegments(path));
    if (!node?.range) return undefined;
    const { line, col } = lineCounter.linePos(node.range[0]);
    return `${fileName}:${line}:${col}`;
  };
  // Warnings are refusals here: an unknown tag (`!Ref`) or YAML version (`%YAML 9.9`) would be read
  // as something other than what the author meant.
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    const diagnostics = problems.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
      return error('', `${fileName} is not valid YAML${where}: ${e.message.split('\n')[0]}`, yamlFix(e.code));
    });
    return { document: undefined, diagnostics, locate };
  }
  let document: unknown;
  try {
    document = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    // The only way a parsed fleet fails to convert: aliases that expand to too much (an alias bomb).
    let firstAlias: Node | undefined;
    visit(doc, { Alias: (_, node) => ((firstAlias ??= node), visit.BREAK) });
    const pos = firstAlias?.range ? lineCounter.linePos(firstAlias.range[0]) : undefined;
    const where = pos ? ` (first alias at line ${pos.line}, column ${pos.col})` : '';
    return { document: undefined, diagnostics: [error('', `${fileName}: ${(e as Error).message}${where}`, 'expand YAML aliases; a fleet file needs no alias bombs')], locate };
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return { document: undefined, diagnostics: [error('', `${fileName} must hold one Fleet object`, 'start the file with apiVersion: meshfleet.dev/v1alpha1 and kind: Fleet')], locate };
  }
  return { document, diagnostics: [], locate };
}

/**
 * Deeper than any fleet file needs (about 10), and far below the depth at which the YAML composer
 * and the recursive checks after it run out of stack (around 800).
 */
const MAX_NESTING = 64;
const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/** Where a collection first nests deeper than MAX_NESTING; the CST is walked without recursion. */
function firstTooDeeplyNested(text: string): { line: number; col: number } | undefined {
  const lineCounter = new LineCounter();
  for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
    const pending: [CST.Token, number][] = [[token, 0]];
    while (pending.length > 0) {
      const [node, depth] = pending.pop()!;
      if (depth > MAX_NESTING) return lineCounter.linePos(node.offset);
      const children = node.type === 'document' ? [node.value] : 'items' in node ? node.items.flatMap((item) => ['key' in item ? item.key : undefined, item.value]) : [];
      for (const child of children) if (child) pending.push([child as CST.Token, COLLECTIONS.has(child.type) ? depth + 1 : depth]);
    }
  }
  return undefined;
}

/** The YAML node at a JSON pointer's segments; for a missing field, the nearest parent that exists. */
export function nodeAt(node: Node | null, segments: string[]): Node | undefined {
  let current: Node | null | undefined = node;
  let last: Node | undefined = node ?? undefined;
  for (const segment of segments) {
    if (isMap(current)) {
      // An empty key (": value") parses as a null key, which the document knows as "".
      const pair: Pair | undefined = current.items.find((p: Pair) => String((p.key as { value?: unknown } | null)?.value ?? p.key ?? '') === segment);
      // A missing field is reported at its parent's position.
      if (!pair) return last;
      current = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(current)) {
      current = current.items[Number(segment)] as Node | undefined;
    } else {
      return last;
    }
    if (current) last = current;
  }
  return last;
}

function yamlFix(code: string): string {
  if (code === 'TAG_RESOLVE_FAILED') return 'remove the tag: a fleet file is plain YAML, without custom tags such as !Ref';
  if (code === 'BAD_DIRECTIVE') return 'remove the directive, or write %YAML 1.2';
  return 'fix the YAML syntax (duplicate keys and anchors are not allowed to repeat)';
}

/** The text, or where the first invalid UTF-8 byte is (line 1-based, byte offset 0-based). */
function decodeUtf8(bytes: Buffer): string | { line: number; offset: number } {
  const text = bytes.toString('utf8');
  if (!text.includes('\uFFFD')) return text;
  let offset = 0;
  let line = 1;
  for (const char of text) {
    // A U+FFFD that was not written as one (EF BF BD) stands for bytes that are not UTF-8.
    if (char === '\uFFFD' && !(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) return { line, offset };
    if (char === '\n') line++;
    offset += Buffer.byteLength(char);
  }
  return text;
}

function failed(message: string, fix: string): LoadedYaml {
  return { document: undefined, diagnostics: [error('', message, fix)], locate: () => undefined };
}

