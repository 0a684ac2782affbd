// Writes schemas/fleet.schema.json (for editors: yaml-language-server, and other tools) and the field
// reference docs/reference/fleet-fields.md. lib/model/schema.ts stays the validation contract; the
// descriptions, defaults and examples come from the TSDoc of the model types (scripts/fleet-schema-docs.ts).
// Run: npm run gen:fleet-schema (also part of npm run gen:schemas)
import { writeFileSync } from 'node:fs';
import { documentedFleetSchema } from './fleet-schema-docs.ts';
import { fleetFieldsPage } from './fleet-fields-page.ts';

const { schema, problems } = documentedFleetSchema();
if (problems.length) {
  console.error(`the model types and the schema disagree or lack TSDoc:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
writeFileSync(new URL('../schemas/fleet.schema.json', import.meta.url), JSON.stringify(schema, null, 2) + '\n');
writeFileSync(new URL('../docs/reference/fleet-fields.md', import.meta.url), fleetFieldsPage(schema));
console.log('schemas/fleet.schema.json docs/reference/fleet-fields.md');
