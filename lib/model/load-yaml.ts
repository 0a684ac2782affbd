// The YAML front door: reads fleet.yaml into a document, with a locator that turns a JSON pointer
// back into file:line:column for messages. Parsing is strict (duplicate keys, alias bombs) because a
// fleet file is reviewed configuration, not a place for clever YAML. Work stays linear in the size of
// the text: duplicate keys are found with a set per map (the YAML library compares each key with every
// earlier one), and positions are looked up through an index per large map.
import { Composer, CST, isMap, isScalar, isSeq, Lexer, LineCounter, Parser, visit, YAMLParseError, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { error, pointerSegments, type Diagnostic, type Locator } from './diagnostics.ts';
import { INPUT_LIMITS, readRegularFile } from './file-access.ts';
import { parseSimpleYaml, positionAt } from './simple-yaml.ts';

export interface LoadedYaml {
  readonly document: unknown;
  readonly diagnostics: Diagnostic[];
  readonly locate: Locator;
}

/** `displayName` is how messages name the file (the path as the user gave it). */
export function loadFleetYamlFile(file: string, displayName = file): LoadedYaml {
  const read = readRegularFile(file, { limit: INPUT_LIMITS.fleetFile, what: 'fleet file', display: displayName, input: true });
  if (!('text' in read)) return failed(read.problem, read.fix);
  return parseFleetYaml(read.text, displayName);
}

export function parseFleetYaml(text: string, fileName = 'fleet.yaml'): LoadedYaml {
  if (text.length > INPUT_LIMITS.fleetFile) {
    return failed(`${fileName} is larger than ${INPUT_LIMITS.fleetFile} bytes`, 'split or trim the fleet file (see README: Limits)');
  }
  // Most fleet files are plain block YAML, read here in a tenth of the time; anything else (and every
  // error) is the full parser's below.
  const simple = parseSimpleYaml(text, { entries: MAX_ENTRIES, nesting: MAX_NESTING });
  if (simple) {
    let lines: LineCounter | undefined;
    const locate: Locator = (path) => {
      const { line, col } = (lines ??= lineCounterOf(text)).linePos(positionAt(simple.position, pointerSegments(path)));
      return `${fileName}:${line}:${col}`;
    };
    return { document: simple.value, diagnostics: [], locate };
  }
  // Lexed once: the nesting check reads the tokens before the parser does.
  const tokens = [...new Lexer().lex(text)];
  const tooDeep = firstTooDeeplyNested(tokens);
  if (tooDeep !== undefined) {
    const { line, col } = lineCounterOf(text).linePos(tooDeep);
    return failed(
      `${fileName} nests lists or maps more than ${MAX_NESTING} levels deep at line ${line}, column ${col}`,
      'a fleet file needs about 10 levels; look for runaway brackets or indentation',
    );
  }
  const lineCounter = new LineCounter();
  let doc;
  try {
    // Duplicate keys are found below, in linear time.
    doc = parseTokens(text, tokens, lineCounter);
  } catch (e) {
    return failed(`${fileName} is not valid YAML: ${(e as Error).message}`, 'fix the YAML syntax');
  }
  // Warnings are refusals here: an unknown tag (`!Ref`) or YAML version (`%YAML 9.9`) would be read
  // as something other than what the author meant.
  const errors = [
    ...[...doc.errors, ...doc.warnings].map((e) => ({ offset: e.pos[0], message: e.message.split('\n')[0], code: e.code as string })),
  ];
  const { duplicates, tooLong } = walkCollections(doc);
  errors.push(...duplicates.map((key) => ({ offset: key.range?.[0] ?? 0, message: DUPLICATE_KEY, code: 'DUPLICATE_KEY' })));
  if (tooLong) {
    const { line, col } = lineCounter.linePos(tooLong.range?.[0] ?? 0);
    return failed(
      `${fileName}: the ${isMap(tooLong) ? 'map' : 'list'} at line ${line}, column ${col} holds ${(tooLong as YAMLMap).items.length} entries, more than the limit of ${MAX_ENTRIES}`,
      'a fleet needs far fewer (see README: Limits); look for generated or pasted content',
    );
  }
  const locate: Locator = (path) => {
    const node = nodeAt(doc.contents as Node | null, pointerSegments(path));
    if (!node?.range) return undefined;
    const { line, col } = lineCounter.linePos(node.range[0]);
    return `${fileName}:${line}:${col}`;
  };
  if (errors.length > 0) {
    const diagnostics = errors.map((e) => {
      const pos = lineCounter.linePos(e.offset);
      const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
      return error('MF1001', '', `${fileName} is not valid YAML${where}: ${e.message}`, yamlFix(e.code));
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
    return { document: undefined, diagnostics: [error('MF1002', '', `${fileName}: ${(e as Error).message}${where}`, 'expand YAML aliases; a fleet file needs no alias bombs')], locate };
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return { document: undefined, diagnostics: [error('MF1003', '', `${fileName} must hold one Fleet object`, 'start the file with apiVersion: meshfleet.dev/v1alpha1 and kind: Fleet')], locate };
  }
  return { document, diagnostics: [], locate };
}

/**
 * Deeper than any fleet file needs (about 10), and far below the depth at which the YAML parser, the
 * composer and the recursive checks after them run out of stack (a few hundred levels).
 */
export const MAX_NESTING = 64;

function lineCounterOf(text: string): LineCounter {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
  return lineCounter;
}

/**
 * The offset where a collection first nests deeper than `limit`, from the lexer's tokens alone: the
 * YAML parser itself recurses once per level (`- - - - …` on one line overflows it), the lexer does
 * not. Block collections are counted by the columns they start at (indentation and compact `- `/`? `
 * entries), flow collections by their brackets.
 */
export function firstTooDeeplyNested(text: string | readonly string[], limit = MAX_NESTING): number | undefined {
  const block: number[] = [];
  let flow = 0;
  let offset = 0;
  let lineStart = 0;
  let opens = true; // the next content token starts or continues a block collection at its column
  for (const token of typeof text === 'string' ? new Lexer().lex(text) : text) {
    if (token === CST.DOCUMENT || token === CST.SCALAR || token === CST.FLOW_END) continue; // markers, not text
    const at = offset;
    offset += token.length;
    const type = CST.tokenType(token);
    if (type === 'newline') {
      lineStart = offset;
      opens = flow === 0;
      continue;
    }
    if (type === 'space' || type === 'comment' || type === 'map-value-ind' || type === 'comma') continue;
    if (type === 'doc-start') {
      block.length = 0;
      flow = 0;
      opens = true;
      continue;
    }
    if (type === 'flow-map-end' || type === 'flow-seq-end') {
      flow = Math.max(0, flow - 1);
      continue;
    }
    if (opens && flow === 0) {
      const column = at - lineStart;
      while (block.length > 0 && block[block.length - 1] > column) block.pop();
      if (block.length === 0 || block[block.length - 1] < column) block.push(column);
      opens = false;
    }
    if (type === 'flow-map-start' || type === 'flow-seq-start') flow++;
    if ((type === 'seq-item-ind' || type === 'explicit-key-ind') && flow === 0) opens = true;
    if (block.length + flow > limit) return at;
    // A block scalar or a multi-line flow scalar: the next line starts after its last line break.
    const lastBreak = token.lastIndexOf('\n');
    if (lastBreak !== -1) {
      lineStart = at + lastBreak + 1;
      opens = flow === 0;
    }
  }
  return undefined;
}

/** Entries of one map or list in a fleet file: ten times the 1000 clusters meshfleet is measured with. */
export const MAX_ENTRIES = 10_000;

/**
 * What parseDocument does (yaml's public-api.ts), from tokens already lexed: one document, a second
 * one is an error.
 */
function parseTokens(text: string, tokens: readonly string[], lineCounter: LineCounter): Document.Parsed {
  const parser = new Parser(lineCounter.addNewLine);
  const composer = new Composer({ lineCounter, uniqueKeys: false, prettyErrors: false });
  function* cst() {
    lineCounter.addNewLine(0);
    for (const token of tokens) yield* parser.next(token);
    yield* parser.end();
  }
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(cst(), true, text.length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(new YAMLParseError(next.range.slice(0, 2) as [number, number], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
      break;
    }
  }
  return doc!;
}

/**
 * One pass over the document's collections: keys that repeat an earlier key of their map (as
 * duplicateKeys finds them), and the first collection, in document order, with more than MAX_ENTRIES entries.
 */
function walkCollections(doc: Document): { duplicates: Node[]; tooLong?: Node } {
  const duplicates: Node[] = [];
  let tooLong: Node | undefined;
  visit(doc, {
    Map: (_, map: YAMLMap) => {
      if (map.items.length > MAX_ENTRIES) tooLong ??= map;
      duplicatesIn(map, duplicates);
    },
    Seq: (_, seq: YAMLSeq) => {
      if (seq.items.length > MAX_ENTRIES) tooLong ??= seq;
    },
  });
  return { duplicates, tooLong };
}

export const DUPLICATE_KEY = 'Map keys must be unique';

/** Keys that repeat an earlier key of their map, in document order; one set per map keeps it linear. */
export function duplicateKeys(doc: Document | Node): Node[] {
  const found: Node[] = [];
  visit(doc, { Map: (_, map: YAMLMap) => duplicatesIn(map, found) });
  return found;
}

function duplicatesIn(map: YAMLMap, found: Node[]): void {
  if (map.items.length < 2) return;
  const seen = new Set<unknown>();
  for (const pair of map.items) {
    const key = pair.key;
    // Scalars are equal when their values are (as the YAML library compares them); other keys are left to it.
    const id = isScalar(key) ? key.value : key === null ? null : undefined;
    if (id === undefined && key !== null) continue;
    if (seen.has(id)) found.push((key ?? pair.value) as Node);
    else seen.add(id);
  }
}

/** The YAML node at a JSON pointer's segments; for a missing field, the nearest parent that exists. */
export function nodeAt(node: Node | null, segments: string[]): Node | undefined {
  let current: Node | null | undefined = node;
  let last: Node | undefined = node ?? undefined;
  for (const segment of segments) {
    if (isMap(current)) {
      const pair = pairOf(current, segment);
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

// An empty key (": value") parses as a null key, which the document knows as "".
const keyText = (p: Pair) => String((p.key as { value?: unknown } | null)?.value ?? p.key ?? '');
const pairIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();

/** The pair of a map with this key; large maps get an index, so many lookups stay linear. */
function pairOf(map: YAMLMap, key: string): Pair | undefined {
  if (map.items.length < 32) return map.items.find((p) => keyText(p) === key);
  let index = pairIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) if (!index.has(keyText(pair))) index.set(keyText(pair), pair);
    pairIndexes.set(map, index);
  }
  return index.get(key);
}

function failed(message: string, fix: string): LoadedYaml {
  return { document: undefined, diagnostics: [error('MF1004', '', message, fix)], locate: () => undefined };
}

