// A fast path for the fleet file: the block-style YAML a fleet file is written in (maps, lists, plain,
// quoted and literal scalars, comments) read line by line, with each value's offset kept for
// file:line:column. Anything outside that subset (flow collections, anchors, tags, escapes, multi-line
// plain scalars, duplicate keys, tabs, documents markers, …) returns undefined and the full parser in
// load-yaml.ts reads the file: so it alone reports every error, and what this returns is exactly what
// it would (test/model/simple-yaml.test.ts compares the two on generated files).

/** Where a value starts, and for a collection where its entries' values start. */
export interface Position {
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
// A plain key that stays a string (checked against the core schema below) and is not special to JS.
const KEY = /^([A-Za-z_][A-Za-z0-9_./-]*):(?: |$)/;
// The YAML 1.2 core schema's tests (the yaml package's schema/core), in the order it tries them.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
// What may follow a value on its line.
const TRAILING = /^(?:| +| +#.*)$/;
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

class Reader {
  private readonly starts: number[] = [];
  private readonly lines: string[];

  constructor(
    text: string,
    private readonly limits: { readonly entries: number; readonly nesting: number },
  ) {
    this.lines = text.split('\n');
    let offset = 0;
    for (const line of this.lines) {
      this.starts.push(offset);
      offset += line.length + 1;
    }
  }

  document(): SimpleYaml {
    const first = this.significant(0);
    if (first === this.lines.length || this.indent(first) !== 0 || !KEY.test(this.lines[first])) unsupported();
    const { value, position, next } = this.map(first, 0, 0, 0);
    if (this.significant(next) !== this.lines.length) unsupported();
    return { value: value as Record<string, unknown>, position };
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
    const text = this.lines[line];
    let i = 0;
    while (i < text.length && text.charCodeAt(i) === 32) i++;
    return i;
  }

  /** A block map whose first key is at `column` of `line` (a compact map after `- ` starts mid-line). */
  private map(line: number, column: number, parentIndent: number, depth: number): { value: unknown; position: Position; next: number } {
    if (depth > this.limits.nesting) unsupported();
    const value: Record<string, unknown> = {};
    const keys = new Map<string, Position>();
    const at = this.starts[line] + column;
    let start = column;
    for (;;) {
      const match = KEY.exec(this.lines[line].slice(start));
      if (!match) unsupported();
      const key = match[1];
      if (key.length > 1000 || NULL.test(key) || BOOL.test(key) || key === '__proto__' || keys.has(key)) unsupported();
      const rest = start + key.length + 1;
      const entry = this.value(line, rest, column, depth, true);
      value[key] = entry.value;
      keys.set(key, entry.position);
      if (keys.size > this.limits.entries) unsupported();
      line = this.significant(entry.next);
      if (line === this.lines.length) break;
      const indent = this.indent(line);
      if (indent < column) {
        if (indent > parentIndent) unsupported();
        break;
      }
      if (indent > column) unsupported();
      start = column;
    }
    return { value, position: { at, keys }, next: line };
  }

  /** A block list whose first `-` is at `column` of `line`; `indentless`: at the column of its map's key. */
  private list(line: number, column: number, depth: number, indentless = false): { value: unknown; position: Position; next: number } {
    if (depth > this.limits.nesting) unsupported();
    const value: unknown[] = [];
    const items: Position[] = [];
    const at = this.starts[line] + column;
    for (;;) {
      const text = this.lines[line];
      if (text[column] !== '-' || (text.length > column + 1 && text[column + 1] !== ' ')) unsupported();
      const item = this.value(line, column + 1, column, depth, false);
      value.push(item.value);
      items.push(item.position);
      if (items.length > this.limits.entries) unsupported();
      line = this.significant(item.next);
      if (line === this.lines.length) break;
      const indent = this.indent(line);
      if (indent !== column || this.lines[line][column] !== '-') {
        if (indent > column || (indent === column && !indentless)) unsupported();
        break;
      }
    }
    return { value, position: { at, items }, next: line };
  }

  /**
   * The value after a key's `:` or a list's `-` (at `from` of `line`): inline, or the block on the
   * following lines, indented more than `indent` (a map's list may also start at the key's own column).
   */
  private value(line: number, from: number, indent: number, depth: number, ofKey: boolean): { value: unknown; position: Position; next: number } {
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
      return { value: null, position: { at: offset }, next: line + 1 };
    }
    if (!ofKey && KEY.test(text.slice(start))) return this.map(line, start, indent, depth + 1);
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
    const plain = text.slice(start, end).replace(/ +$/, '');
    if (plain.includes(': ') || plain.endsWith(':')) unsupported();
    return this.single(line, offset, scalar(plain), start + plain.length);
  }

  /**
   * A value that ends on its line at `end` (only blanks or a comment may follow). A method, not a
   * closure made per value: the build keeps function names, which costs a call for every closure made.
   */
  private single(line: number, offset: number, value: unknown, end: number): { value: unknown; position: Position; next: number } {
    if (!TRAILING.test(this.lines[line].slice(end))) unsupported();
    return { value, position: { at: offset }, next: line + 1 };
  }

  /** `|` or `|-`: the lines indented more than `indent`, at the indentation of the first one. */
  private literal(line: number, start: number, indent: number): { value: unknown; position: Position; next: number } {
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
    return { value, position: { at: this.starts[line] + start }, next: at };
  }
}

/** A plain scalar as the core schema reads it; numbers other than decimal integers are left to the full parser. */
function scalar(text: string): unknown {
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === 't' || text[0] === 'T';
  if (INT.test(text)) return parseInt(text, 10);
  if (OTHER_NUMBER.test(text)) unsupported();
  return text;
}

/** The position of the value at a JSON pointer's segments; for a missing one, the nearest parent's (as load-yaml's nodeAt). */
export function positionAt(position: Position, segments: readonly string[]): Position {
  let current: Position | undefined = position;
  let last = position;
  for (const segment of segments) {
    if (current?.keys) {
      const found = current.keys.get(segment);
      if (!found) return last;
      current = found;
    } else if (current?.items) {
      current = current.items[Number(segment)];
    } else {
      return last;
    }
    if (current) last = current;
  }
  return last;
}
