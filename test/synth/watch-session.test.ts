// The watch mode's synthesis session (lib/synth/synthesize.ts): after each run the next run's survey
// thread waits, loaded; one that surveyed for the run just ended collects what it read then, so that
// it does not add to the next run's peak memory, and reads the cache the run wrote, which the next
// run's job then takes without waiting for it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { generateFleet } from '../../bench/generate-fleet.ts';
import { filesReadAtJob, heldSurveyCollections, prefetchedFiles, surveyThreads } from '../../lib/output/folder-survey.ts';
import { endSynthesisSession, prepareNextSynthesis, synthesize, type SynthOptions } from '../../lib/synth/synthesize.ts';
import { REPO } from '../support/fleet.ts';

const work = mkdtempSync(join(tmpdir(), 'meshfleet-session-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => {
  endSynthesisSession();
  vi.unstubAllEnvs();
});

describe('a synthesis session (synth --watch)', () => {
  // 60 clusters: an output whose marker is large enough to be surveyed on a thread.
  it('keeps the survey thread for the next run, which collects its garbage once it surveyed and reads the cache ahead', () => {
    vi.stubEnv('MESHFLEET_WORKERS', '0');
    const options: SynthOptions = { outdir: join(work, 'out'), workingFolder: work, keep: 'rollout', incremental: true };
    const run = () => synthesize({ document: generateFleet(60), baseDir: REPO }, options);
    run();
    prepareNextSynthesis(options);
    const started = surveyThreads().started;
    expect(surveyThreads().prestarted).toBe(true);
    // Started for the next run, it has surveyed nothing: nothing is collected. It reads the cache the run wrote.
    expect(heldSurveyCollections(0, 200)?.count).toBe(0);
    expect(prefetchedFiles(0, 10_000)).toBe(1);
    for (let round = 1; round <= 2; round++) {
      expect(run().diagnostics.filter((d) => d.severity === 'error')).toStrictEqual([]);
      // The run's job took the cache as read between the runs.
      expect(filesReadAtJob()).toBe(0);
      prepareNextSynthesis(options);
      expect(heldSurveyCollections(round - 1, 10_000)?.count).toBe(round);
      expect(prefetchedFiles(round, 10_000)).toBe(round + 1);
    }
    // The same thread all along.
    expect(surveyThreads()).toStrictEqual({ prestarted: true, started });
  }, 120_000);
});
