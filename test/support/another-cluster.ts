// For tests that need a render worker to render a cluster: the main thread, about to write its first
// file into a staged folder, waits until another thread has written a cluster there (a minute at most).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Blocks until the staged folder holds a cluster other than the one `path` (env/cluster/…) is in. */
export function waitForAnotherCluster(folder: string, path: string): void {
  const own = path.split('/').slice(0, 2).join('/');
  const others = () => readdirSync(folder).some((env) => readdirSync(join(folder, env)).some((name) => `${env}/${name}` !== own));
  const sleep = new Int32Array(new SharedArrayBuffer(4));
  for (const until = Date.now() + 60_000; Date.now() < until && !others(); ) Atomics.wait(sleep, 0, 0, 20);
}
