// Preloaded into a process the benchmark measures (`node --require bench/workers/max-rss.cjs …`):
// at exit, writes to $CESCE_BENCH_MEMORY_FILE the process's peak resident set size (getrusage
// ru_maxrss, as the kernel counts it) and the peaks of its JS heap and external memory, sampled
// every 100 ms, so that a high RSS can be told apart as JS heap or native memory. Plain Node, no
// /proc or /usr/bin/time needed. Writes nothing when the variable is unset.
'use strict';
const { writeFileSync } = require('node:fs');

const file = process.env.CESCE_BENCH_MEMORY_FILE;
if (file) {
  // Not inherited by processes this one starts.
  delete process.env.CESCE_BENCH_MEMORY_FILE;
  const MB = 1024 * 1024;
  const peak = { heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0, rss: 0, heapUsedAtPeakRss: 0 };
  let samples = 0;
  const sample = () => {
    const m = process.memoryUsage();
    samples += 1;
    if (m.rss > peak.rss) {
      peak.rss = m.rss;
      peak.heapUsedAtPeakRss = m.heapUsed;
    }
    for (const k of ['heapUsed', 'heapTotal', 'external', 'arrayBuffers']) if (m[k] > peak[k]) peak[k] = m[k];
  };
  setInterval(sample, 100).unref();
  process.on('exit', () => {
    sample();
    const r = (n) => Math.round((n / MB) * 10) / 10;
    writeFileSync(
      file,
      JSON.stringify({
        maxRssMb: r(process.resourceUsage().maxRSS * 1024),
        peakHeapUsedMb: r(peak.heapUsed),
        peakHeapTotalMb: r(peak.heapTotal),
        peakExternalMb: r(peak.external),
        peakArrayBuffersMb: r(peak.arrayBuffers),
        heapUsedAtPeakRssMb: r(peak.heapUsedAtPeakRss),
        samples,
      }),
    );
  });
}
