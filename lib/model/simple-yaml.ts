// A fast path for the fleet file: the block-style YAML a fleet file is written in (maps, lists, plain,
// quoted and literal scalars, comments) read line by line, with each value's offset kept for
// file:line:column. Anything outside that subset (flow collections, anchors, tags, escapes, multi-line
// plain scalars, duplicate keys, tabs, documents markers, …) returns undefined and the full parser in
// load-yaml.ts reads the file: so it alone reports every error, and what this returns is exactly what
// it would (test/model/simple-yaml.test.ts compares the two on generated files).

/** Where a value starts: a scalar's offset, or for a collection its offset and where its entries' values start. */
export type Position = number | Collection;

interface Collection {
  readonly at: number;
  readonly keys?: ReadonlyMap<string, Position>;
  readonly items?: readonly Position[];
}

export interface SimpleYaml {
  readonly value: Record<string, unknown>;
  readonly position: Position;
}

/** Thrown inside the parser to fall back to the full one. */
class Unsupported {}
const UNSUPPORTED = new Unsupported();

// Printable text on lines: no tab, carriage return, other control character, BOM or Unicode line break.
const OUTSIDE_SUBSET = /[^\n\x20-\x7e\u00a0-\u2027\u202a-\ufefe\uff00-\uffff]/;
// The YAML 1.2 core schema's tests (the yaml package's schema/core), in the order it tries them.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const OTHER_NUMBER = /^(?:0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/;

export function parseSimpleYaml(text: string, limits: { readonly entries: number; readonly nesting: number }): SimpleYaml | undefined {
  if (OUTSIDE_SUBSET.test(text)) return undefined;
  try {
    return new Reader(text, limits).document();
  } catch (e) {
    if (e === UNSUPPORTED) return undefined;
    throw e;
  }
}

function unsupported(): never {
  throw UNSUPPORTED;
}

/**
 * Where the `:` of a plain key starting at `at` of the line is (a key that stays a string and is not
 * special to JS: a letter or `_`, then letters, digits, `_./-`; then `:` and a blank or the line's
 * end), or -1. Scanned, not matched: a match allocates, and a fleet file has a key on most lines.
 */
function keyEnd(text: string, at: number): number {
  let i = at;
  let c = text.charCodeAt(i);
  if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) return -1;
  for (i++; i < text.length; i++) {
    c = text.charCodeAt(i);
    // A-Z a-z 0-9 _ . / -
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 45 && c <= 57) || c === 95)) break;
  }
  if (c !== 58 || i === text.length) return -1;
  return i + 1 === text.length || text.charCodeAt(i + 1) === 32 ? i : -1;
}

/** Whether a plain scalar or key might be null or a boolean in the core schema (NULL, BOOL): they start so. */
function mayBeNullOrBool(text: string): boolean {
  const c = text.charCodeAt(0);
  // '' (null), ~, n/N, t/T, f/F.
  return text.length === 0 || c === 126 || c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70;
}

class Reader {
  private readonly starts: number[] = [];
  private readonly lines: string[];
  /** Each line's leading spaces, counted once (every line's is read several times). */
  private readonly indents: Int32Array;
  // What the last value read ends with: its position, and the line after it. Fields, not a result
  // object per value: ~12,000 values at 1000 clusters, each an object the collector had to copy.
  private position: Position = 0;
  private next = 0;

  constructor(
    text: string,
    private readonly limits: { readonly entries: number; readonly nesting: number },
  ) {
    this.lines = text.split('\n');
    this.indents = new Int32Array(this.lines.length);
    let offset = 0;
    for (let l = 0; l < this.lines.length; l++) {
      const line = this.lines[l];
      this.starts.push(offset);
      offset += line.length + 1;
      let i = 0;
      while (i < line.length && line.charCodeAt(i) === 32) i++;
      this.indents[l] = i;
    }
  }

  document(): SimpleYaml {
    const first = this.significant(0);
    if (first === this.lines.length || this.indent(first) !== 0 || keyEnd(this.lines[first], 0) < 0) unsupported();
    const value = this.map(first, 0, 0, 0);
    if (this.significant(this.next) !== this.lines.length) unsupported();
    return { value: value as Record<string, unknown>, position: this.position };
  }

  /** The first line from `line` on that is neither blank nor a comment. */
  private significant(line: number): number {
    while (line < this.lines.length) {
      const text = this.lines[line];
      const indent = this.indent(line);
      if (indent < text.length && text[indent] !== '#') return line;
      line++;
    }
    return line;
  }

  private indent(line: number): number {
    return this.indents[line];
  }

  /** A block map whose first key is at `column` of `line` (a compact map after `- ` starts mid-line); its position and next line in `position` and `next`. */
  private map(line: number, column: number, parentIndent: number, depth: number): unknown {
    if (depth > this.limits.nesting) unsupported();
    const value: Record<string, unknown> = {};
    const keys = new Map<string, Position>();
    const at = this.starts[line] + column;
    let start = column;
    for (;;) {
      const text = this.lines[line];
      const colon = keyEnd(text, start);
      if (colon < 0) unsupported();
      const key = text.slice(start, colon);
      if (key.length > 1000 || (mayBeNullOrBool(key) && (NULL.test(key) || BOOL.test(key))) || key === '__proto__' || keys.has(key)) unsupported();
      value[key] = this.value(line, colon + 1, column, depth, true);
      keys.set(key, this.position);
      if (keys.size > this.limits.entries) unsupported();
      line = this.significant(this.next);
      if (line === this.lines.length) break;
      const indent = this.indent(line);
      if (indent < column) {
        if (indent > parentIndent) unsupported();
        break;
      }
      if (indent > column) unsupported();
      start = column;
    }
    this.position = { at, keys };
    this.next = line;
    return value;
  }

  /** A block list whose first `-` is at `column` of `line`; `indentless`: at the column of its map's key. As map() for the rest. */
  private list(line: number, column: number, depth: number, indentless = false): unknown {
    if (depth > this.limits.nesting) unsupported();
    const value: unknown[] = [];
    const items: Position[] = [];
    const at = this.starts[line] + column;
    for (;;) {
      const text = this.lines[line];
      if (text[column] !== '-' || (text.length > column + 1 && text[column + 1] !== ' ')) unsupported();
      value.push(this.value(line, column + 1, column, depth, false));
      items.push(this.position);
      if (items.length > this.limits.entries) unsupported();
      line = this.significant(this.next);
      if (line === this.lines.length) break;
      const indent = this.indent(line);
      if (indent !== column || this.lines[line][column] !== '-') {
        if (indent > column || (indent === column && !indentless)) unsupported();
        break;
      }
    }
    this.position = { at, items };
    this.next = line;
    return value;
  }

  /**
   * The value after a key's `:` or a list's `-` (at `from` of `line`): inline, or the block on the
   * following lines, indented more than `indent` (a map's list may also start at the key's own column).
   * As map() for the rest.
   */
  private value(line: number, from: number, indent: number, depth: number, ofKey: boolean): unknown {
    const text = this.lines[line];
    let start = from;
    while (start < text.length && text.charCodeAt(start) === 32) start++;
    const offset = this.starts[line] + start;
    if (start === text.length || text[start] === '#') {
      // Nothing inline: a nested block, or null (only where the yaml package's offset of it is known).
      const next = this.significant(line + 1);
      const nested = next < this.lines.length ? this.indent(next) : -1;
      if (nested > indent) {
        const first = this.lines[next];
        if (first[nested] === '-' && (first.length === nested + 1 || first[nested + 1] === ' ')) return this.list(next, nested, depth + 1);
        return this.map(next, nested, indent, depth + 1);
      }
      if (ofKey && nested === indent && this.lines[next][nested] === '-' && (this.lines[next].length === nested + 1 || this.lines[next][nested + 1] === ' ')) {
        return this.list(next, nested, depth + 1, true);
      }
      if (start !== from || text.length !== from) unsupported();
      this.position = offset;
      this.next = line + 1;
      return null;
    }
    if (!ofKey && keyEnd(text, start) >= 0) return this.map(line, start, indent, depth + 1);
    const c = text[start];
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, start + 1);
      if (close === -1) unsupported();
      const inner = text.slice(start + 1, close);
      if (c === '"' && inner.includes('\\')) unsupported();
      if (c === "'" && text[close + 1] === "'") unsupported();
      return this.single(line, offset, inner, close + 1);
    }
    if (c === '|') return this.literal(line, start, indent);
    if (text.startsWith('{}', start) || text.startsWith('[]', start)) return this.single(line, offset, c === '{' ? {} : [], start + 2);
    if ('-?:'.includes(c) && (start + 1 === text.length || text[start + 1] === ' ')) unsupported();
    if ('[]{},#&*!|>\'"%@`'.includes(c)) unsupported();
    let end = text.indexOf(' #', start);
    if (end === -1) end = text.length;
    while (end > start && text.charCodeAt(end - 1) === 32) end--;
    const plain = text.slice(start, end);
    if (plain.includes(': ') || plain.endsWith(':')) unsupported();
    return this.single(line, offset, scalar(plain), start + plain.length);
  }

  /**
   * A value that ends on its line at `end` (only blanks or a comment may follow). A method, not a
   * closure made per value: the build keeps function names, which costs a call for every closure made.
   */
  private single(line: number, offset: number, value: unknown, end: number): unknown {
    // Only blanks may follow on the line, or blanks and a comment.
    const text = this.lines[line];
    if (end < text.length) {
      if (text.charCodeAt(end) !== 32) unsupported();
      let i = end + 1;
      while (i < text.length && text.charCodeAt(i) === 32) i++;
      if (i < text.length && text.charCodeAt(i) !== 35) unsupported();
    }
    this.position = offset;
    this.next = line + 1;
    return value;
  }

  /** `|` or `|-`: the lines indented more than `indent`, at the indentation of the first one. */
  private literal(line: number, start: number, indent: number): unknown {
    const header = this.lines[line].slice(start);
    if (header !== '|' && header !== '|-') unsupported();
    const content: string[] = [];
    let at = line + 1;
    let block = -1;
    let empty = 0;
    let last = -1;
    for (; at < this.lines.length; at++) {
      const text = this.lines[at];
      if (text === '') {
        empty++;
        continue;
      }
      const own = this.indent(at);
      if (own === text.length) unsupported();
      if (block === -1) {
        if (own <= indent) break;
        if (empty) unsupported();
        block = own;
      } else if (own < block) {
        if (own > indent) unsupported();
        break;
      }
      for (; empty > 0; empty--) content.push('');
      content.push(text.slice(block));
      last = at;
    }
    // No content, or a last line without a line break (which clip would not add): the full parser decides.
    if (!content.length || last === this.lines.length - 1) unsupported();
    const value = content.join('\n') + (header === '|' ? '\n' : '');
    this.position = this.starts[line] + start;
    this.next = at;
    return value;
  }
}

/** A plain scalar as the core schema reads it; numbers other than decimal integers are left to the full parser. */
function scalar(text: string): unknown {
  const c = text.charCodeAt(0);
  // A letter but those null and the booleans start with (nearly every name in a fleet): a string.
  if (((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) && !mayBeNullOrBool(text)) return text;
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === 't' || text[0] === 'T';
  if (INT.test(text)) return parseInt(text, 10);
  if (OTHER_NUMBER.test(text)) unsupported();
  return text;
}

/** The offset of the value at a JSON pointer's segments; for a missing one, the nearest parent's (as load-yaml's nodeAt). */
export function positionAt(position: Position, segments: readonly string[]): number {
  let current: Position | undefined = position;
  let last = position;
  for (const segment of segments) {
    if (typeof current === 'object' && current.keys) {
      const found = current.keys.get(segment);
      if (found === undefined) break;
      current = found;
    } else if (typeof current === 'object' && current.items) {
      current = current.items[Number(segment)];
    } else {
      break;
    }
    if (current !== undefined) last = current;
  }
  return typeof last === 'number' ? last : last.at;
}
