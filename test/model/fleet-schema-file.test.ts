// The committed fleet schema file is the schema the code defines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetSchema } from '../../lib/model/schema.ts';
import { REPO } from '../support/fleet.ts';

describe('schemas/fleet.schema.json', () => {
  it('is the schema lib/model/schema.ts defines (npm run gen:schemas)', () => {
    expect(JSON.parse(readFileSync(join(REPO, 'schemas', 'fleet.schema.json'), 'utf8'))).toStrictEqual(JSON.parse(JSON.stringify(fleetSchema)));
  });
});
