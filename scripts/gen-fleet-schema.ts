// Writes schemas/fleet.schema.json from lib/model/schema.ts, for editors (yaml-language-server) and
// other tools. The TypeScript module stays the source. Run: npm run gen:schemas
import { writeFileSync } from 'node:fs';
import { fleetSchema } from '../lib/model/schema.ts';

writeFileSync(new URL('../schemas/fleet.schema.json', import.meta.url), JSON.stringify(fleetSchema, null, 2) + '\n');
console.log('schemas/fleet.schema.json');
