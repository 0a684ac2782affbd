// Every diagnostic has a stable code from one table; the reference page is generated from it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../lib/model/diagnostic-codes.ts';
import { diagnosticsPage } from '../../scripts/diagnostics-page.ts';
import { REPO } from '../support/fleet.ts';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every error('MF…' / warning('MF…' call in lib/, with its severity. */
const uses = sources(join(REPO, 'lib'))
  .filter((f) => !f.endsWith('diagnostic-codes.ts'))
  .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/(?<![.\w])(error|warning)\(\s*'(MF\d{4})'/g)].map((m) => ({ file: f, severity: m[1], code: m[2] })));

describe('diagnostic codes', () => {
  it('docs/reference/diagnostics.md is generated from the table (npm run gen:diagnostics-doc)', () => {
    expect(readFileSync(join(REPO, 'docs', 'reference', 'diagnostics.md'), 'utf8')).toBe(diagnosticsPage());
  });

  it('every code in the table is used in lib/, and every code used is in the table', () => {
    const used = new Set(uses.map((u) => u.code));
    expect(uses.length).toBeGreaterThan(100);
    expect(Object.keys(DIAGNOSTIC_CODES).filter((c) => !used.has(c))).toEqual([]);
    expect([...used].filter((c) => !Object.hasOwn(DIAGNOSTIC_CODES, c))).toEqual([]);
  });

  it('each code is reported with the severity the table gives it', () => {
    const table = DIAGNOSTIC_CODES as Record<string, { severity: string }>;
    expect(uses.filter((u) => table[u.code]?.severity !== u.severity).map((u) => `${u.code} ${u.severity}`)).toEqual([]);
  });

  it('codes have the MF and four digits shape, and every entry a title and a fix', () => {
    for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
      expect(code).toMatch(/^MF[1-9]\d{3}$/);
      expect(info.title.replace(/…/g, '').trim().length, code).toBeGreaterThan(5);
      expect(info.fix.length, code).toBeGreaterThan(5);
    }
  });
});
