// The checking half of synth: document → schema → references → resolved clusters → fleet rules.
// Nothing is rendered or written unless this returns no errors.
import { serialize } from 'node:v8';
import { checkDocument, checkFleet } from '../check/index.ts';
import type { Diagnostic } from '../model/diagnostics.ts';
import type { FleetDocument } from '../model/types.ts';
import { findSecrets, validateDocument } from '../model/validate-document.ts';
import { schemaValidPart } from '../model/schema-valid-part.ts';
import { resolveFleet, type ResolvedFleet, type ResolveOptions } from '../resolve/resolve.ts';
import { foundValid, keepsVerdicts, validBefore } from '../validate/valid-before.ts';

export interface PlanOptions {
  /** Folder that relative paths in the document (trust anchor file) are read from. */
  readonly baseDir: string;
  /** The clock for certificate expiry. @default new Date() */
  readonly now?: Date;
}

export interface Plan {
  readonly fleet?: ResolvedFleet;
  readonly diagnostics: readonly Diagnostic[];
}

export function planFleet(document: unknown, options: PlanOptions): Plan {
  // Secrets first and alone: schema messages quote values, and a secret must never be printed.
  const secrets = findSecrets(document);
  if (secrets.length) return { diagnostics: secrets };
  const schema = schemaDiagnostics(document);
  if (schema.length) {
    // Schema mistakes only in cluster entries: those clusters are refused and the rest is checked.
    const part = schemaValidPart(document, schema);
    if (!part || validateDocument(part.document).length) return { diagnostics: schema };
    return { diagnostics: [...schema, ...checkValid(part.document, { ...options, refused: part.refused }).diagnostics] };
  }
  return checkValid(document as FleetDocument, options);
}

/** The verdicts' name of the fleet schema's check (lib/validate/valid-before.ts). */
const FLEET_SCHEMA_CHECK = 'fleet schema';

/**
 * The document against the fleet schema, or nothing when a document of the same content passed it
 * before (a verdict kept by content, as the rendered files' are: the synth opens the file first):
 * loading the schema's generated code and running it cost every synth's main thread 15–25 ms
 * before anything renders. Only a document without a finding is kept.
 */
function schemaDiagnostics(document: unknown): Diagnostic[] {
  const content = keepsVerdicts() ? contentOf(document) : undefined;
  if (content !== undefined && validBefore(FLEET_SCHEMA_CHECK, content)) return [];
  const found = validateDocument(document);
  if (content !== undefined && found.length === 0) foundValid(FLEET_SCHEMA_CHECK, content);
  return found;
}

/**
 * The document's content as V8 serializes it (~2 ms at 1000 clusters): unlike JSON it tells NaN,
 * Infinity and undefined from null, and keys keep their order. Undefined for a value it cannot
 * serialize (a function in a TypeScript fleet's document), which is then checked every time.
 */
function contentOf(document: unknown): string | undefined {
  try {
    return serialize(document).toString('latin1');
  } catch {
    return undefined;
  }
}

/** References, resolution and fleet rules over a schema-valid document. */
function checkValid(doc: FleetDocument, options: ResolveOptions): Plan {
  const references = checkDocument(doc.spec);
  const { fleet, diagnostics: resolveDiagnostics } = resolveFleet(doc, options);
  const rules = fleet ? checkFleet(fleet) : [];
  const diagnostics = unique([...references, ...resolveDiagnostics, ...rules]);
  return { fleet: diagnostics.some((d) => d.severity === 'error') ? undefined : fleet, diagnostics };
}

/** A value set once in a shared layer is reported once, not once per cluster that inherits it. */
function unique(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.severity}\u0000${d.path}\u0000${d.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
