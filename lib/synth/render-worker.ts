// A render worker's thread (started by render-workers.ts): takes the next cluster from the shared
// counter, renders it, writes its files into the staged output folder and sends back what the
// fleet-wide steps need, until none is left. The render modules are imported inside the try, so a
// worker that cannot load them says so.
import { workerData as data } from 'node:worker_threads';
import type { WorkerData, WorkerJob, WorkerMessage } from './render-workers.ts';

const { control, port } = data as WorkerData;
const send = (message: WorkerMessage) => port.postMessage(message);
// The job comes once the main thread has planned the fleet; the modules load meanwhile.
const job = new Promise<WorkerJob>((resolve) => port.once('message', resolve));
try {
  const [{ fleetContext, renderCluster }, { stagedWriter }, workers] = await Promise.all([import('./render-cluster.ts'), import('../output/atomic-write.ts'), import('./render-workers.ts')]);
  const { fleet, keep, charts, order, apps, folder } = await job;
  const { signal } = workers;
  const context = fleetContext(fleet);
  const write = folder === undefined ? undefined : stagedWriter(folder);
  for (let at = workers.claim(control, order.length); at !== undefined; at = workers.claim(control, order.length)) {
    const index = order[at];
    try {
      const done = renderCluster(context, fleet.clusters[index], charts, apps?.[index]);
      const { upstreamValues, folder: own } = done.rendered;
      const kept = workers.keptFiles(done.rendered, keep);
      const objects = keep === 'rollout' ? { objectViews: workers.packViews(kept.objectFiles), routeViews: workers.packViews(kept.routeFiles) } : kept;
      // Paths in the cluster's folder, where layOutCluster puts every file of the cluster.
      const files = [...done.files].map(([path, text]) => {
        if (!path.startsWith(`${own}/`)) throw new Error(`${path} is outside the cluster's folder ${own}`);
        return [path.slice(own.length + 1), write ? write(path, text) : text] as const;
      });
      const { diagnostics, secrets, lock, lockedMajor } = done;
      send({ cluster: { index, objects, upstreamValues, files, diagnostics, secrets, lock, ...(lockedMajor !== undefined ? { lockedMajor } : {}) } });
    } catch (e) {
      workers.stop(control);
      send({ index, error: describe(e) });
    }
    signal(control);
  }
} catch (e) {
  send({ index: -1, error: describe(e) });
  Atomics.add(control, 2, 1);
  Atomics.notify(control, 2);
}

function describe(e: unknown): { name: string; message: string } {
  return e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) };
}
