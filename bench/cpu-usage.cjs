// Preloaded into a measured process (node --require): at exit, appends its CPU time (user + system,
// all threads, ms) and its peak resident memory (KiB, the whole process: every thread) to the file
// named by MESHFLEET_BENCH_CPU, one line each run. CPU time says more than wall time on a machine
// that other work keeps busy.
const { appendFileSync } = require('node:fs');
const { isMainThread } = require('node:worker_threads');

// Render workers inherit the preload; the process's figures (every thread) are the main thread's to write.
if (isMainThread) process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  appendFileSync(process.env.MESHFLEET_BENCH_CPU, `${(user + system) / 1000} ${process.resourceUsage().maxRSS}\n`);
});
