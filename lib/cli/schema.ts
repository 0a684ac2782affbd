// `meshfleet schema`: prints the fleet JSON Schema (schemas/fleet.schema.json: the validation schema
// with every field's description, default and examples), for editors and other tools.
import { readFileSync } from 'node:fs';
import { packageFile } from '../package-files.ts';
import { UsageError } from './usage-error.ts';
import type { CliIo } from './io.ts';

export const SCHEMA_HELP = `usage: meshfleet schema [--json]

Prints the JSON Schema of fleet files (kind: Fleet) with every field's description, default and examples.
Editors with the YAML language server read it from the first line of a fleet file:
  # yaml-language-server: $schema=./node_modules/meshfleet/schemas/fleet.schema.json
or, without a local install:
  meshfleet schema > fleet.schema.json     # and $schema=./fleet.schema.json
Field reference: docs/reference/fleet-fields.md
  --json   accepted like every command's; the schema is JSON already, so the output is the same
Example:
  meshfleet schema > fleet.schema.json
`;

/** The schema file shipped with the package (package.json "files"). */
export const FLEET_SCHEMA_FILE = packageFile('schemas/fleet.schema.json');

export async function runSchema(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(SCHEMA_HELP);
    return 0;
  }
  // --json changes nothing: the schema is the JSON object (scripts may pass --json to every command).
  argv = argv.filter((a) => a !== '--json');
  if (argv.length) throw new UsageError(`meshfleet schema takes no arguments (got ${argv.join(' ')})`);
  io.out(readFileSync(FLEET_SCHEMA_FILE, 'utf8'));
  return 0;
}
