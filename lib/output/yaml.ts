// One YAML style for every file meshfleet writes, so output is byte-stable and diff-friendly.
//
// meshfleet only writes JSON-shaped data (objects, arrays, strings, numbers, booleans, null), so a
// small emitter does the job about twenty times faster than a general YAML library, which matters
// for a fleet of a thousand clusters. Strings are written plain only when every YAML 1.1 and 1.2
// parser (Helm and Kubernetes use YAML 1.1 rules) reads them back as the same string; otherwise
// they are double-quoted (JSON string syntax is valid YAML) or, when multi-line, a literal block.
// A property test checks that parsing the output gives back the input.

export function toYaml(value: unknown): string {
  if (isScalar(value) || isEmpty(value)) return `${scalar(value, 0)}\n`;
  const lines: string[] = [];
  emit(value, 0, lines);
  return lines.join('\n') + '\n';
}

function isScalar(v: unknown): boolean {
  return v === null || v === undefined || typeof v !== 'object';
}

function isEmpty(v: unknown): boolean {
  return Array.isArray(v) ? v.length === 0 : typeof v === 'object' && v !== null && Object.keys(v).length === 0;
}

/** Writes a non-empty object or array at `indent`, one line per entry. */
function emit(value: unknown, indent: number, lines: string[]): void {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isScalar(item) || isEmpty(item)) {
        lines.push(`${pad}- ${scalar(item, indent + 2)}`);
      } else if (Array.isArray(item)) {
        // A sequence in a sequence starts on the dash's own line.
        const nested: string[] = [];
        emit(item, indent + 2, nested);
        lines.push(`${pad}- ${nested[0].trimStart()}`, ...nested.slice(1));
      } else {
        const nested: string[] = [];
        emit(item, indent + 2, nested);
        lines.push(`${pad}- ${nested[0].slice(indent + 2)}`, ...nested.slice(1));
      }
    }
    return;
  }
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    const k = `${pad}${isSafePlain(key) ? key : quote(key)}:`;
    if (isScalar(v) || isEmpty(v)) {
      lines.push(`${k} ${scalar(v, indent + 2)}`);
    } else {
      lines.push(k);
      emit(v, indent + 2, lines);
    }
  }
}

function scalar(value: unknown, blockIndent: number): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : quote(String(value));
  if (Array.isArray(value)) return '[]';
  if (typeof value === 'object') return '{}';
  const text = String(value);
  if (text.includes('\n') && canBeLiteralBlock(text)) return literalBlock(text, blockIndent);
  return isSafePlain(text) ? text : quote(text);
}

/**
 * JSON string syntax is a valid YAML double-quoted scalar, except that JSON leaves characters raw
 * that YAML treats as line breaks or forbids (NEL, LS, PS, DEL, C1 controls, BOM): escape those.
 */
function quote(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// Words YAML 1.1 or 1.2 read as booleans or null (any case).
const SPECIAL_WORDS = /^(?:y|yes|n|no|true|false|on|off|null|~)$/i;
// Anything a parser may read as a number, date or time in YAML 1.1 or 1.2 (incl. 1_000, 0x1f, 1:20, .inf).
const NUMBER_LIKE = /^[-+]?(?:\.?[0-9][0-9_]*(?:[.:][0-9_]*)*(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|\.(?:inf|nan))$/i;
// YAML 1.1's own float pattern also matches ".", "1..2" and "0.1.0".
const FLOAT_11 = /^[-+]?([0-9][0-9_]*)?\.[0-9._]*([eE][-+][0-9]+)?$/;
// Some parsers accept an exponent with no digits before it ("E0", ".e5").
const EXPONENT_LIKE = /^[-+]?[0-9._]*[eE][-+]?[0-9_]+$/;
const DATE_LIKE = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/;
// Plain scalars: a conservative character set, no indicator at the start, no ": " or " #" inside.
const PLAIN = /^[A-Za-z0-9_./$(][A-Za-z0-9_./$()=+@ ,:*%<>-]*$/;

// Names, labels and keys repeat across thousands of objects: remember each verdict.
const plainVerdicts = new Map<string, boolean>();

function isSafePlain(text: string): boolean {
  let verdict = plainVerdicts.get(text);
  if (verdict === undefined) {
    if (plainVerdicts.size > 100_000) plainVerdicts.clear();
    verdict = decidePlain(text);
    plainVerdicts.set(text, verdict);
  }
  return verdict;
}

function decidePlain(text: string): boolean {
  if (text === '' || text !== text.trim()) return false;
  if (SPECIAL_WORDS.test(text) || NUMBER_LIKE.test(text) || FLOAT_11.test(text) || EXPONENT_LIKE.test(text) || DATE_LIKE.test(text)) return false;
  if (!PLAIN.test(text)) return false;
  return !text.includes(': ') && !text.endsWith(':') && !text.includes(' #');
}

/** A literal block keeps text as written; it cannot hold control characters or lines that start with spaces first. */
function canBeLiteralBlock(text: string): boolean {
  if (/[\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029\t\r]/.test(text)) return false;
  if (text.startsWith(' ') || text.startsWith('\n') || text.endsWith('\n\n')) return false;
  return !text.split('\n').some((line) => line.endsWith(' '));
}

/** `|` keeps one final line break, `|-` none (texts ending in several are quoted instead). */
function literalBlock(text: string, indent: number): string {
  const endsWithBreak = text.endsWith('\n');
  const body = endsWithBreak ? text.slice(0, -1) : text;
  const pad = ' '.repeat(indent);
  return `|${endsWithBreak ? '' : '-'}\n${body.split('\n').map((line) => (line === '' ? '' : pad + line)).join('\n')}`;
}
