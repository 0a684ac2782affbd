// Writes docs/reference/diagnostics.md from the code table. Run: npm run gen:diagnostics-doc
import { writeFileSync } from 'node:fs';
import { diagnosticsPage } from './diagnostics-page.ts';

writeFileSync(new URL('../docs/reference/diagnostics.md', import.meta.url), diagnosticsPage());
console.log('docs/reference/diagnostics.md');
