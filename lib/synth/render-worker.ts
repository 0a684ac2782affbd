// A render worker's thread (started by render-workers.ts): takes the next cluster from the shared
// counter, renders it, writes its files into the staged output folder and sends back what the
// fleet-wide steps need, until none is left. The render modules are imported inside the try, so a
// worker that cannot load them says so.
import { workerData as data } from 'node:worker_threads';
import type { WorkerData, WorkerMessage } from './render-workers.ts';

const { fleet, keep, charts, order, apps, folder, control, port } = data as WorkerData;
const send = (message: WorkerMessage) => port.postMessage(message);
try {
  const [{ fleetContext, renderCluster }, { stagedWriter }, workers] = await Promise.all([import('./render-cluster.ts'), import('../output/atomic-write.ts'), import('./render-workers.ts')]);
  const { signal } = workers;
  const context = fleetContext(fleet);
  const write = folder === undefined ? undefined : stagedWriter(folder);
  for (let at = workers.claim(control, order.length); at !== undefined; at = workers.claim(control, order.length)) {
    const index = order[at];
    try {
      const done = renderCluster(context, fleet.clusters[index], charts, apps?.[index]);
      const { upstreamValues } = done.rendered;
      const { objectFiles, routeFiles } = workers.keptFiles(done.rendered, keep);
      const files = [...done.files].map(([path, text]) => [path, write ? write(path, text) : text] as const);
      const { diagnostics, secrets, lock, lockedMajor } = done;
      send({ cluster: { index, objectFiles, routeFiles, upstreamValues, files, diagnostics, secrets, lock, ...(lockedMajor !== undefined ? { lockedMajor } : {}) } });
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
