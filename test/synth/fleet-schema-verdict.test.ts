// A synth checks the fleet document against the fleet schema once per content: a document whose
// content passed before (a verdict in the file the renders' checks keep, lib/validate/valid-before.ts)
// is not checked again, in a fresh process, and loads no schema code (lib/synth/plan.ts). Content is
// V8's serialization, which tells NaN from null (JSON does not). Each run uses fresh modules and the
// test's own cache folder.
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Diagnostic, FleetError } from '../../lib/model/diagnostics.ts';
import { fleetDocument, REPO } from '../support/fleet.ts';
import { scratchFolderPerTest } from '../support/scratch.ts';

const scratch = scratchFolderPerTest('meshfleet-fleet-schema-verdict-', { workers: '0' });

/** One `synth --check`-like run (nothing written) in fresh modules: how often the schema ran, and the errors. */
async function freshSynth(document: unknown): Promise<{ validated: number; errors: Diagnostic[] }> {
  vi.resetModules();
  let validated = 0;
  vi.doMock('../../lib/model/validate-document.ts', async (original) => {
    const module = await original<typeof import('../../lib/model/validate-document.ts')>();
    return { ...module, validateDocument: (d: unknown) => (validated++, module.validateDocument(d)) };
  });
  const { synthesize } = await import('../../lib/synth/synthesize.ts');
  const { saveValidBefore } = await import('../../lib/validate/valid-before.ts');
  let errors: Diagnostic[] = [];
  try {
    synthesize({ document, baseDir: join(REPO, 'apps') }, { outdir: join(scratch.path, 'out'), dryRun: true });
  } catch (e) {
    // The fresh modules' FleetError, not this file's.
    if ((e as Error).name !== 'FleetError') throw e;
    errors = (e as FleetError).diagnostics.filter((d) => d.severity === 'error');
  } finally {
    saveValidBefore();
    vi.doUnmock('../../lib/model/validate-document.ts');
  }
  return { validated, errors };
}

describe('the fleet schema check, by verdict', () => {
  it('runs once for a document: a fresh run of the same content takes its verdict', async () => {
    expect(await freshSynth(fleetDocument())).toStrictEqual({ validated: 1, errors: [] });
    expect(await freshSynth(fleetDocument())).toStrictEqual({ validated: 0, errors: [] });
    // Another content is checked (and kept in turn).
    const edited = fleetDocument((doc) => ((doc.spec as { defaults: Record<string, unknown> }).defaults.ha = true));
    expect(await freshSynth(edited)).toStrictEqual({ validated: 1, errors: [] });
    expect(await freshSynth(edited)).toStrictEqual({ validated: 0, errors: [] });
  });

  it('keeps no verdict for a document with a finding: it is checked and reported every run', async () => {
    const invalid = fleetDocument((doc) => ((doc.spec as { defaults: Record<string, unknown> }).defaults.ha = 'yes'));
    for (let run = 0; run < 2; run++) {
      const { validated, errors } = await freshSynth(invalid);
      expect(validated).toBe(1);
      expect(errors.map((d) => [d.code, d.path])).toContainEqual(['MF1107', '/spec/defaults/ha']);
    }
  });

  it('tells NaN from null, which JSON writes alike: a removal passed, a number where a boolean goes is reported', async () => {
    const removal = fleetDocument((doc) => ((doc.spec as { defaults: Record<string, unknown> }).defaults.ha = null));
    const notANumber = fleetDocument((doc) => ((doc.spec as { defaults: Record<string, unknown> }).defaults.ha = Number.NaN));
    expect(JSON.stringify(notANumber)).toBe(JSON.stringify(removal));
    expect(await freshSynth(removal)).toStrictEqual({ validated: 1, errors: [] });
    const { validated, errors } = await freshSynth(notANumber);
    expect(validated).toBe(1);
    expect(errors.map((d) => [d.code, d.path])).toContainEqual(['MF1107', '/spec/defaults/ha']);
  });

  it('checks every time without a verdict file (a plan outside a synth, as the library calls it)', async () => {
    vi.resetModules();
    const { planFleet } = await import('../../lib/synth/plan.ts');
    const { keepsVerdicts } = await import('../../lib/validate/valid-before.ts');
    expect(keepsVerdicts()).toBe(false);
    expect(planFleet({ ...fleetDocument(), kind: 'Fleets' }, { baseDir: join(REPO, 'apps') }).diagnostics.map((d) => d.code)).toContain('MF1106');
  });
});
