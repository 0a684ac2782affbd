// The checking half of synth: document → schema → references → resolved clusters → fleet rules.
// Nothing is rendered or written unless this returns no errors.
import { checkDocument, checkFleet } from '../check/index.ts';
import type { Diagnostic } from '../model/diagnostics.ts';
import type { FleetDocument } from '../model/types.ts';
import { findSecrets, validateDocument } from '../model/validate-document.ts';
import { schemaValidPart } from '../model/schema-valid-part.ts';
import { resolveFleet, type ResolvedFleet, type ResolveOptions } from '../resolve/resolve.ts';

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
  const schema = validateDocument(document);
  if (schema.length) {
    // Schema mistakes only in cluster entries: those clusters are refused and the rest is checked.
    const part = schemaValidPart(document, schema);
    if (!part || validateDocument(part.document).length) return { diagnostics: schema };
    return { diagnostics: [...schema, ...checkValid(part.document, { ...options, refused: part.refused }).diagnostics] };
  }
  return checkValid(document as FleetDocument, options);
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
