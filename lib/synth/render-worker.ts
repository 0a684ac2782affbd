// What a render worker's thread runs (started by render-workers.ts, which loads this module in the
// thread from the CLI bundle, dist/ or the sources): takes the next cluster from the shared counter,
// renders it, writes its files into the staged output folder and sends back what the fleet-wide
// steps need, until none is left. The thread's start-up code reports a module that cannot load.
import { checkedDeliveryPart, fleetContext, renderCluster } from './render-cluster.ts';
import { clusterKeyMaker } from './input-keys.ts';
import { assumeCodeStamp } from './hashing.ts';
import { removeOlderVersions } from '../compiled-cache.ts';
import { assumeCompilerFlags } from '../compiler-tuning.ts';
import { checkWritten, stagedWriter } from '../output/atomic-write.ts';
import { withoutValues } from '../rollout/gitops-files.ts';
import { takeFound, useValidBefore } from '../validate/valid-before.ts';
import { claim, finished, IN_RECORD, keptCluster, packViews, signal, stop, threadEncoded, type WorkerCluster, type WorkerData, type WorkerJob, type WorkerMessage } from './render-workers.ts';

/**
 * Renders the clusters this thread claims. `rendered` runs once, after the first cluster this
 * thread rendered (the start-up code saves V8's code cache of the bundle then, holding what
 * rendering compiled; later, the thread may be stopped at any moment). It returns the file it wrote,
 * if any: the code caches of earlier bundles beside it are removed then, as bin/meshfleet.js does.
 */
export async function renderInWorker(data: WorkerData, rendered?: () => string | undefined): Promise<void> {
  const { control, port, slot } = data;
  assumeCompilerFlags(data.compilerFlags);
  const send = (message: WorkerMessage) => port.postMessage(message);
  // The job comes once the main thread has planned the fleet; the modules loaded meanwhile.
  const { fleet, keep, charts, order, apps, folder, extras, validBefore, codeStamp } = await new Promise<WorkerJob>((resolve) => port.once('message', resolve));
  assumeCodeStamp(codeStamp);
  useValidBefore(validBefore);
  const context = fleetContext(fleet);
  const keysOf = clusterKeyMaker(context);
  const write = folder === undefined ? undefined : stagedWriter(folder);
  for (let at = claim(control, order.length); at !== undefined; at = claim(control, order.length)) {
    const index = order[at];
    try {
      const keys = keysOf(fleet.clusters[index], apps?.[index]);
      const done = renderCluster(context, fleet.clusters[index], charts, apps?.[index], keys, extras.encode === true);
      const { upstreamValues, folder: own } = done.rendered;
      const kept = keptCluster(done.rendered, keep);
      // Paths in the cluster's folder, where layOutCluster puts every file of the cluster.
      const files = [...done.files].map(([path, text]) => {
        if (!path.startsWith(`${own}/`)) throw new Error(`${path} is outside the cluster's folder ${own}`);
        return [path.slice(own.length + 1), write ? write(path, text) : text] as const;
      });
      // Checked here, on this thread, so that the main thread's commit() counts the folder instead of walking it.
      const mtimes = write ? checkWritten(folder!, [...done.files.keys()].map((path, i) => [path, files[i]![1] as number] as const)) : undefined;
      const { diagnostics, secrets, lock, lockedMajor, indexEntry } = done;
      const part = extras.deliveryParts ? checkedDeliveryPart(fleet, kept, keys) : undefined;
      const { cached, rolloutDigest } = threadEncoded(kept, [...done.files.keys()], done, part, extras);
      // Views and values as the record holds them (the main thread decodes what it reads), else as objects.
      const objects: WorkerCluster['objects'] = cached ? IN_RECORD : keep === 'rollout' ? { objectViews: packViews(kept.objectFiles), routeViews: packViews(kept.routeFiles) } : { objectFiles: kept.objectFiles, routeFiles: kept.routeFiles };
      const delivery = part && { components: withoutValues(part.components), files: part.files.map(([path, text]) => [path, write ? write(path, text as string) : text] as const) };
      // Checked here too, so that commit() counts the part's files instead of walking them.
      const deliveryMtimes = write && delivery ? checkWritten(folder!, delivery.files as readonly (readonly [string, number])[]) : undefined;
      if (rendered) {
        const saved = rendered();
        if (saved !== undefined) removeOlderVersions(saved, /^render-worker-[0-9a-f]{32}\./);
        rendered = undefined;
      }
      const validFound = takeFound();
      const made = keys.made();
      send({ cluster: { index, objects, ...(cached ? {} : { upstreamValues }), files, ...(mtimes ? { mtimes } : {}), diagnostics, secrets, lock, ...(lockedMajor !== undefined ? { lockedMajor } : {}), ...(cached ? {} : { indexEntry }), ...(delivery ? { delivery } : {}), ...(deliveryMtimes ? { deliveryMtimes } : {}), ...(cached ? { cached } : {}), ...(rolloutDigest ? { rolloutDigest } : {}), ...(validFound ? { validFound } : {}), ...(made ? { keys: made } : {}) } });
    } catch (e) {
      stop(control);
      send({ index, error: e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) } });
    }
    signal(control);
  }
  finished(control, slot);
}
