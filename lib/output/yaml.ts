// One YAML style for every file meshfleet writes, so output is byte-stable and diff-friendly.
//
// meshfleet only writes JSON-shaped data (objects, arrays, strings, numbers, booleans, null), so a
// small emitter does the job about twenty times faster than a general YAML library, which matters
// for a fleet of a thousand clusters. Strings are written plain only when every YAML 1.1 and 1.2
// parser (Helm and Kubernetes use YAML 1.1 rules) reads them back as the same string; otherwise
// they are double-quoted (JSON string syntax is valid YAML) or, when multi-line, a literal block.
// A property test checks that parsing the output gives back the input.
//
// The text is built in one pass by appending to one string (V8 joins the pieces once, at the end),
// with no array of lines and no entry arrays per object.
import { sortKeysInPlace } from '../model/key-order.ts';

export function toYaml(value: unknown, options?: { readonly sortKeys?: boolean }): string {
  sortingKeys = options?.sortKeys === true;
  try {
    if (value !== null && typeof value === 'object') {
      if (Array.isArray(value)) {
        if (value.length > 0) return emitSeq(value, 0, '') || '\n';
      } else {
        const keys = keysOf(value);
        if (keys.length > 0) return emitMap(value as Record<string, unknown>, keys, 0, '') || '\n';
      }
    }
    return `${scalar(value, 0)}\n`;
  } finally {
    sortingKeys = false;
  }
}

// toYaml's sortKeys: every map's keys in the order of an object made from them in sorted order.
let sortingKeys = false;

/**
 * A map's keys as written: its own order, or with sortKeys the order an object built from the
 * sorted keys has (array-index keys first, ascending by number, then the others sorted), without
 * building that object.
 */
function keysOf(map: object): string[] {
  const keys = Object.keys(map);
  if (!sortingKeys || keys.length < 2) return keys;
  // Object.keys lists array-index keys first, in ascending numeric order: they keep that place.
  let indices = 0;
  while (indices < keys.length && isArrayIndex(keys[indices]!)) indices++;
  if (indices === 0) return sortKeysInPlace(keys);
  const rest = sortKeysInPlace(keys.slice(indices));
  keys.length = indices;
  for (const key of rest) keys.push(key);
  return keys;
}

/** A key an object orders first ("0", "42"; not "01" or "-1"), as the language defines array indices. */
function isArrayIndex(key: string): boolean {
  const c = key.charCodeAt(0);
  if (c < 0x30 || c > 0x39) return false;
  const n = Number(key);
  return n < 4294967295 && String(n) === key;
}

// Indentation strings, made once per depth.
const pads: string[] = [''];
function padOf(indent: number): string {
  let pad = pads[indent];
  if (pad === undefined) pads[indent] = pad = ' '.repeat(indent);
  return pad;
}

/**
 * A non-empty sequence at `indent`, one line (or block) per item, each ending in a line break.
 * `first` replaces the first line's indentation: a collection in a sequence starts on the dash's
 * own line (`- - a`, `- key: value`).
 */
function emitSeq(items: readonly unknown[], indent: number, first: string): string {
  const pad = padOf(indent);
  let out = '';
  for (let i = 0; i < items.length; i++) {
    const dash = `${i === 0 ? first || pad : pad}- `;
    const item = items[i];
    if (item !== null && typeof item === 'object') {
      if (Array.isArray(item)) {
        if (item.length > 0) {
          out += emitSeq(item, indent + 2, dash);
          continue;
        }
      } else {
        const keys = keysOf(item);
        if (keys.length > 0) {
          out += emitMap(item as Record<string, unknown>, keys, indent + 2, dash);
          continue;
        }
      }
    }
    out += `${dash}${scalar(item, indent + 2)}\n`;
  }
  return out;
}

/** A non-empty map at `indent`, one line (or block) per entry; undefined values are left out. */
function emitMap(map: Record<string, unknown>, keys: readonly string[], indent: number, first: string): string {
  const pad = padOf(indent);
  let out = '';
  let lead = first || pad;
  for (const key of keys) {
    const v = map[key];
    if (v === undefined) continue;
    const k = lead + keyText(key);
    lead = pad;
    if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) {
        if (v.length > 0) {
          out += `${k}\n${emitSeq(v, indent + 2, '')}`;
          continue;
        }
      } else {
        const childKeys = keysOf(v);
        if (childKeys.length > 0) {
          out += `${k}\n${emitMap(v as Record<string, unknown>, childKeys, indent + 2, '')}`;
          continue;
        }
      }
    }
    out += `${k} ${scalar(v, indent + 2)}\n`;
  }
  return out;
}

// Keys repeat in every object (apiVersion, metadata, name, …): their text is looked up, not redone.
const keyTexts = new Map<string, string>();

/** A key as written before its value: plain or quoted, with its colon. */
function keyText(key: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    if (keyTexts.size > 100_000) keyTexts.clear();
    text = `${isSafePlain(key) ? key : quote(key)}:`;
    keyTexts.set(key, text);
  }
  return text;
}

function scalar(value: unknown, blockIndent: number): string {
  if (typeof value === 'string') {
    // Most strings are plain, decided in one pass (a line break is never plain).
    if (isSafePlain(value)) return value;
    return value.includes('\n') && canBeLiteralBlock(value) ? literalBlock(value, blockIndent) : quote(value);
  }
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : quote(String(value));
  if (Array.isArray(value)) return '[]';
  if (typeof value === 'object') return '{}';
  const text = String(value);
  return isSafePlain(text) ? text : quote(text);
}

// Characters JSON leaves raw that YAML treats as line breaks or forbids.
const YAML_ONLY_ESCAPES = /[\u007f-\u009f\u2028\u2029\ufeff]/g;

/**
 * JSON string syntax is a valid YAML double-quoted scalar, except that JSON leaves characters raw
 * that YAML treats as line breaks or forbids (NEL, LS, PS, DEL, C1 controls, BOM): escape those.
 */
function quote(text: string): string {
  return JSON.stringify(text).replace(YAML_ONLY_ESCAPES, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
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

// Plain scalars: a conservative character set ([A-Za-z0-9_./$(] first, then also )=+@ ,:*%<>-), no
// ": " or " #" inside, no ':' or space at the end.
const PLAIN_FIRST = new Uint8Array(128);
const PLAIN_REST = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./$(') PLAIN_FIRST[c.charCodeAt(0)] = PLAIN_REST[c.charCodeAt(0)] = 1;
for (const c of ')=+@ ,:*%<>-') PLAIN_REST[c.charCodeAt(0)] = 1;
// The first characters of every word, number, date or time above (after an optional sign); text
// starting otherwise cannot match them, which spares most names the five regular expressions.
const MAY_BE_SPECIAL = new Uint8Array(128);
for (const c of '0123456789.+-_~eEyYnNtTfFoO') MAY_BE_SPECIAL[c.charCodeAt(0)] = 1;

// Text that may read as a number, date or word repeats across thousands of objects (versions,
// ports, durations): remember the verdict of the regular expressions.
const specialVerdicts = new Map<string, boolean>();

function isSafePlain(text: string): boolean {
  const n = text.length;
  if (n === 0) return false;
  const c0 = text.charCodeAt(0);
  if (c0 >= 128 || PLAIN_FIRST[c0] !== 1) return false;
  for (let i = 1; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || PLAIN_REST[c] !== 1) return false;
    // ": " and " #" would start a value or a comment.
    if (c === 0x20 && (text.charCodeAt(i - 1) === 0x3a || text.charCodeAt(i + 1) === 0x23)) return false;
  }
  const last = text.charCodeAt(n - 1);
  // A trailing space would be trimmed, a trailing ':' read as a key.
  if (last === 0x20 || last === 0x3a) return false;
  // Most names start otherwise and are decided without a lookup.
  if (MAY_BE_SPECIAL[c0] !== 1) return true;
  let verdict = specialVerdicts.get(text);
  if (verdict === undefined) {
    if (specialVerdicts.size > 100_000) specialVerdicts.clear();
    verdict = !(SPECIAL_WORDS.test(text) || NUMBER_LIKE.test(text) || FLOAT_11.test(text) || EXPONENT_LIKE.test(text) || DATE_LIKE.test(text));
    specialVerdicts.set(text, verdict);
  }
  return verdict;
}

/** A literal block keeps text as written; it cannot hold control characters or lines that start with spaces first. */
function canBeLiteralBlock(text: string): boolean {
  if (/[\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029\t\r]/.test(text)) return false;
  if (text.startsWith(' ') || text.startsWith('\n') || text.endsWith('\n\n')) return false;
  return !/ \n| $/.test(text);
}

/**
 * `|` keeps one final line break, `|-` none (texts ending in several are quoted instead). Every
 * line but the empty ones is indented; the first and last are never empty (canBeLiteralBlock).
 */
function literalBlock(text: string, indent: number): string {
  const endsWithBreak = text.endsWith('\n');
  const body = endsWithBreak ? text.slice(0, -1) : text;
  const pad = padOf(indent);
  return `|${endsWithBreak ? '' : '-'}\n${pad}${body.replace(NONEMPTY_LINE_BREAK, `\n${pad}`)}`;
}

const NONEMPTY_LINE_BREAK = /\n(?!\n)/g;
