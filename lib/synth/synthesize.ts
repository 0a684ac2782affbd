// synth end to end: plan (check everything), render (in memory), write (atomic swap). On any error
// the output folder is left exactly as it was. The folder is opened (lock, repair, ownership) before
// its version lock is read, and held until the swap is verified.
import { resolve } from 'node:path';
import { FleetError, warning, type Diagnostic, type Locator } from '../model/diagnostics.ts';
import { applyAcknowledgements } from '../model/acknowledge.ts';
import { openOutputFolder, type OpenOptions, type OutputFolder } from '../output/output-folder.ts';
import { collectHeldSurveyGarbage, prefetchForHeldSurvey, prestartSurvey, releasePrestartedSurvey } from '../output/folder-survey.ts';
import type { StagedTree } from '../output/atomic-write.ts';
import { readVersionLock } from '../output/versioning.ts';
import { compareWithFolder, type FolderComparison } from '../output/diff.ts';
import { stagedChangeDiagnostics } from '../rollout/staged-changes.ts';
import { planFleet, type PlanOptions } from './plan.ts';
import { hasIncrementalCache, incrementalCacheFile, incrementalSynth, indexViewFile } from './incremental.ts';
import { renderFleet, type AppSource, type FileSink, type Rendered } from './render.ts';
import { prestartForFleetFile, prestartRenderWorkers, validBeforeFile, type KeepObjects } from './render-workers.ts';
import { releaseSpareThread } from '../spare-thread.ts';
import { useValidBefore } from '../validate/valid-before.ts';

export interface FleetInput {
  /** The fleet document (parsed YAML, or what the TypeScript API built). */
  readonly document: unknown;
  /** Folder that relative paths in the document are read from. */
  readonly baseDir: string;
  /** Where a document path came from (file:line:col, construct path), for messages. */
  readonly locate?: Locator;
  /** Application objects per cluster (TypeScript fleets). @default none */
  readonly apps?: AppSource;
  /** The fleet file or app, which the output folder must not contain. @default none */
  readonly file?: string;
}

export interface SynthOptions extends Omit<PlanOptions, 'baseDir'> {
  /** Output folder. @default "charts-out" */
  readonly outdir?: string;
  /**
   * Check and render, but write nothing: `true` keeps every file in `rendered.files`; `'compare'`
   * compares each file with the output folder as it is made and keeps only the changes
   * (`comparison`: synth --check, diff); `'count'` keeps nothing but the count and size (validate).
   * @default false
   */
  readonly dryRun?: boolean | 'compare' | 'count';
  /** Fail (FleetError, nothing written) on any warning spec.acknowledge does not cover. @default false */
  readonly strict?: boolean;
  /**
   * What `rendered.clusters` keep of their objects: `'objects'` all of them; `'rollout'` only what the
   * GitOps files, the rollout model and index.json read (kind, name, namespace, some specs), which
   * is what the CLI asks for: a large fleet then holds little beyond the files it writes.
   * @default 'objects'
   */
  readonly keep?: KeepObjects;
  /**
   * With keep 'rollout' and a real write: clusters whose inputs are unchanged since this folder was
   * last written are moved over from it instead of rendered (incremental.ts; README: Incremental synth).
   * With dryRun 'compare' or 'count' the cache is only read: those clusters' files are the folder's
   * as they are (unchanged, counted with their sizes), and nothing is recorded.
   * @default false
   */
  readonly incremental?: boolean;
  /** The folder the caller runs in, which outdir may neither be nor contain. @default the process's working folder */
  readonly workingFolder?: string;
}

export interface SynthResult {
  readonly outdir: string;
  readonly rendered: Rendered;
  /** Warnings (errors throw a FleetError), without the acknowledged ones. */
  readonly diagnostics: readonly Diagnostic[];
  /** Warnings spec.acknowledge covers: counted, not shown. */
  readonly acknowledged: readonly Diagnostic[];
  readonly files: number;
  readonly bytes: number;
  /** With dryRun 'compare': what writing would change in the output folder. */
  readonly comparison?: FolderComparison;
}

/**
 * Incremental synth needs the rollout views it caches, and a folder to move unchanged clusters from
 * (or, comparing or counting, to take them as they are); a plain dry run returns every file's text.
 */
function incrementalWanted(options: SynthOptions): boolean {
  return options.incremental === true && options.keep === 'rollout' && options.dryRun !== true;
}

/**
 * For the CLI, before it parses the fleet file: render workers start loading when the file is
 * large (render-workers.ts prestartForFleetFile), unless this synth may reuse most clusters; then
 * the thread that surveys the output folder does (folder-survey.ts prestartSurvey). Either takes the
 * spare thread bin/meshfleet.js may have started (lib/spare-thread.ts); if neither does, it ends.
 */
export function prepareSynthesis(file: string, options: SynthOptions, fleetFile?: Pick<FleetInput, 'file' | 'baseDir'>): void {
  const target = resolve(options.outdir ?? 'charts-out');
  // A synth that may reuse most clusters surveys its folder on a thread (folder-survey.ts), which loads meanwhile.
  // It reads the folder's cache meanwhile, which the synth reads first (incremental.ts).
  const reusing = incrementalWanted(options) && hasIncrementalCache(target);
  if (reusing) prestartSurvey(target, false, incrementalCacheFile(target));
  else prestartForFleetFile(file);
  releaseSpareThread();
  // Given what the fleet file's input will name (`fleetFile`), the folder is opened now, as synthesize
  // would open it once the file is parsed: the survey's thread has its job (the walk) while the file
  // is read and parsed. The caller releases it if the file cannot be (releasePreopenedFolder).
  releasePreopenedFolder();
  if (reusing && fleetFile) {
    const outdir = options.outdir ?? 'charts-out';
    const opened = folderOptions(options, fleetFile, true);
    preopened = { outdir, options: opened, folder: openOutputFolder(outdir, opened) };
  }
}

/** The folder prepareSynthesis opened, with what it was opened as; taken by the synthesize that opens the same (releasePreopenedFolder: by none). */
let preopened: { readonly outdir: string; readonly options: OpenOptions; readonly folder: OutputFolder } | undefined;

/** The folder prepareSynthesis opened is closed (the fleet file could not be read or parsed), if synthesize did not take it. */
export function releasePreopenedFolder(): void {
  preopened?.folder.close();
  preopened = undefined;
}

/** How synthesize opens the output folder for this input. */
function folderOptions(options: SynthOptions, input: Pick<FleetInput, 'file' | 'baseDir'>, stats: boolean): OpenOptions {
  const workingFolder = options.workingFolder ?? process.cwd();
  return { write: !options.dryRun, protect: [...(input.file ? [input.file] : []), input.baseDir], workingFolder, stats, ...(stats ? { readAhead: incrementalCacheFile, indexView: indexViewFile } : {}) };
}

/** The folder prepareSynthesis opened, if it was opened as synthesize opens it now; else it is closed. */
function takePreopened(outdir: string, options: OpenOptions): OutputFolder | undefined {
  const taken = preopened;
  preopened = undefined;
  if (!taken) return undefined;
  const same = (a: OpenOptions) => JSON.stringify([a.write, a.protect, a.workingFolder, a.stats]);
  if (taken.outdir === outdir && same(taken.options) === same(options)) return taken.folder;
  taken.folder.close();
  return undefined;
}

/**
 * For the watch mode (lib/cli/watch.ts), after a run: the thread that surveys the output folder for the
 * next run starts now and waits, loaded, while the fleet is edited (endSynthesisSession stops it).
 */
export function prepareNextSynthesis(options: SynthOptions): void {
  const target = resolve(options.outdir ?? 'charts-out');
  const reusing = incrementalWanted(options) && hasIncrementalCache(target);
  if (reusing) prestartSurvey(target, true);
  // One that surveyed for this run is kept: what it read is collected now, not left to the next run's peak.
  collectHeldSurveyGarbage();
  // Then it reads the cache this run wrote, which the next run's job would otherwise wait for.
  if (reusing) prefetchForHeldSurvey(incrementalCacheFile(target));
}

/** The watch mode has ended: the survey thread prepareNextSynthesis left waiting is stopped. */
export function endSynthesisSession(): void {
  releasePrestartedSurvey();
}

export function synthesize(input: FleetInput, options: SynthOptions = {}): SynthResult {
  const outdir = options.outdir ?? 'charts-out';
  // Render workers load their modules while the fleet is planned (render-workers.ts); not when an
  // incremental synth may reuse most clusters, which then needs few workers or none.
  const declared = (input.document as { spec?: { clusters?: unknown } } | undefined)?.spec?.clusters;
  const incrementally = incrementalWanted(options);
  const reusing = incrementally && hasIncrementalCache(resolve(outdir));
  if (!reusing) prestartRenderWorkers(Array.isArray(declared) ? declared.length : 0);
  // A folder surveyed for reuse has its cache read ahead, on the survey's thread.
  const open = (stats: boolean) => openOutputFolder(outdir, folderOptions(options, input, stats));
  // A folder this synth may reuse clusters from is opened first (or was, by prepareSynthesis): its
  // ownership walk stats every file on another thread while the fleet is planned (folder-survey.ts);
  // its refusal, if any, comes below.
  const early = takePreopened(outdir, folderOptions(options, input, true));
  let folder = reusing ? (early ?? open(true)) : undefined;
  if (!reusing) early?.close();
  let plan: ReturnType<typeof planFleet>;
  try {
    // The plan's schema check takes its verdict from the file the renders use (plan.ts).
    useValidBefore(validBeforeFile());
    plan = planFleet(input.document, { baseDir: input.baseDir, now: options.now });
    if (!plan.fleet) throw new FleetError(applyAcknowledgements(input.document, plan.diagnostics).diagnostics, input.locate);
  } catch (e) {
    folder?.close();
    throw e;
  }
  const fleet = plan.fleet;
  folder ??= open(false);
  let rendered: Rendered;
  let diagnostics: Diagnostic[];
  let files: number;
  let acknowledged: Diagnostic[];
  let bytes = 0;
  let comparison: FolderComparison | undefined;
  try {
    const { lock, rebuilt } = readVersionLock(folder.target, folder.read, outdir);
    // Each cluster's files go into the staged folder as they are made, so no run holds the whole
    // output; on an error the staged folder is removed and the previous output stays as it was.
    const writing = !options.dryRun;
    // A dry run takes the folder's survey (and any refusal of the folder) now; a synth once the input
    // keys are made and the cache read (incremental.reusable) or when the staged folder is first used
    // (sink.staged, read once the unchanged clusters are known), so that the survey's thread
    // (folder-survey.ts) has the time those take too. Either way, before anything is written.
    if (!writing) folder.files();
    let staged: StagedTree | undefined;
    const stage = () => (staged ??= folder.stage());
    // Where each file goes as it is made: the staged folder, a comparison with the folder, a count, or (a plain dry run) rendered.files.
    const compared = options.dryRun === 'compare' ? compareWithFolder(folder.target) : undefined;
    // Render workers write straight into the staged folder (sink.staged) and record what they wrote.
    const sink: FileSink | undefined = writing
      ? (Object.defineProperty((path: string, text: string) => stage().write(path, text), 'staged', { get: stage }) as FileSink)
      : compared
        ? (path, text) => compared.add(path, text)
        : options.dryRun === 'count'
          ? (_path, text) => void (bytes += Buffer.byteLength(text))
          : undefined;
    // Staged operations (trust anchor rotation, Linkerd versions, retired clusters) against what was
    // delivered last: while a re-synth waits for the folder's survey (incremental.reusable), when it
    // does, else after rendering; reported with the rest after rendering either way.
    const opened = folder;
    let staging: Diagnostic[] | undefined;
    const stagedOperations = () => (staging ??= stagedChangeDiagnostics(opened.previousIndex(), fleet));
    // A dry run reads the cache and leaves it as it is (it describes the folder, which stays as it is).
    const incremental = incrementally ? incrementalSynth(folder.target, { readOnly: !writing, files: folder.files, readAhead: folder.readAhead, filesReady: folder.filesReady, whileSurveyed: stagedOperations }) : undefined;
    try {
      rendered = renderFleet(fleet, lock, {}, input.apps, sink, options.keep, incremental);
      const lockWarning = rebuilt ? [warning('MF8006', '', rebuilt, 'commit the output with its rebuilt versions.lock.json')] : [];
      ({ diagnostics, acknowledged } = applyAcknowledgements(input.document, [...plan.diagnostics, ...stagedOperations(), ...lockWarning, ...rendered.diagnostics], true));
      if (diagnostics.some((d) => d.severity === 'error') || (options.strict && diagnostics.length)) throw new FleetError(diagnostics, input.locate);
      if (sink) for (const [path, text] of rendered.files) sink(path, text);
      if (incremental && !writing) {
        // Reused clusters' files are in the folder with the sizes and times that synth wrote: unchanged.
        const reused = incremental.reusedFiles();
        if (compared) compared.unchanged(reused.map(([path]) => path));
        else for (const [, size] of reused) bytes += size;
      }
      if (writing && incremental) {
        incremental.adopt(stage());
        incremental.invalidate();
      }
      if (writing) stage().commit();
      if (writing && incremental) incremental.save(stage(), rendered.indexView());
      comparison = compared?.finish();
    } catch (e) {
      staged?.abort();
      incremental?.abort();
      throw e;
    } finally {
      incremental?.close();
    }
    files = rendered.paths.length;
    if (staged) bytes += staged.bytes();
    else if (!sink) for (const text of rendered.files.values()) bytes += Buffer.byteLength(text);
  } finally {
    folder.close();
  }
  return { outdir, rendered, diagnostics, acknowledged, files, bytes, comparison };
}
