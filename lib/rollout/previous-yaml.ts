// The previous output's YAML read back: an upgrade and a retirement start from what it delivered.
// meshfleet wrote those files in plain block style, which the fleet file's fast reader
// (lib/model/simple-yaml.ts, exact for its subset) reads in about a seventh of the full parser's time;
// a file with anything outside that subset (a hand edit) is read by the full parser.
import { parse, parseAllDocuments } from 'yaml';
import { MAX_ENTRIES, MAX_NESTING } from '../model/load-yaml.ts';
import { parseSimpleYaml } from '../model/simple-yaml.ts';

const LIMITS = { entries: MAX_ENTRIES, nesting: MAX_NESTING };
// A line of three dashes alone starts a document; YAML forbids it inside any scalar (c-forbidden).
const DOCUMENT_START = /^---\n/m;

/** Each document of a file as plain data, as `parseAllDocuments(text).map((d) => d.toJSON())` gives it. */
export function readDocuments(text: string): unknown[] {
  const values: unknown[] = [];
  for (const part of text.split(DOCUMENT_START)) {
    // An empty part (a leading marker, an empty document) is left to the full parser, which knows what it means.
    const simple = parseSimpleYaml(part, LIMITS);
    if (!simple) return parseAllDocuments(text, QUIET).map((d) => d.toJSON() as unknown);
    values.push(simple.value);
  }
  return values;
}

/** A file of one document as plain data, as `parse(text)` gives it. */
export function readDocument(text: string): unknown {
  return parseSimpleYaml(text, LIMITS)?.value ?? parse(text, QUIET);
}

// A Helm template read back (`{{ … }}` is a flow mapping used as a key) makes the parser print a
// process warning per such key; the data is the same without them.
const QUIET = { logLevel: 'error' } as const;
