// Which element Lighthouse's LCP is, when its own audit cannot say (in this Chromium the
// LCP-element audit fails): runs Lighthouse's mobile preset LH_RUNS times (default 4) on dist/
// (or FLUSHLAB_DIST) served gzip-compressed under /flushlab/, and prints each run's simulated LCP
// beside the trace's LCP candidates (observed time after navigation, node). Not a test file, not
// in `make bench`: a diagnostic (docs/benchmarks.md, "Session 15").
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { CHROMIUM_FLAGS, serveDist } from './harness.mjs';
const server = await serveDist({ gzip: true });
for (let run = 0; run < Number(process.env.LH_RUNS ?? 4); run++) {
  const chrome = await chromeLauncher.launch({ chromePath: '/usr/bin/chromium', chromeFlags: CHROMIUM_FLAGS });
  try {
    const result = await lighthouse(server.url, { port: chrome.port, output: 'json', logLevel: 'error' });
    const lcp = result.lhr.audits['largest-contentful-paint'].numericValue;
    const events = result.artifacts.Trace.traceEvents.filter((e) => /largestContentfulPaint|firstContentfulPaint|navigationStart/.test(e.name));
    const nav = events.find((e) => e.name === 'navigationStart' && e.args?.data?.isLoadingMainFrame)?.ts ?? events[0]?.ts;
    console.log('run', run, 'LCP', Math.round(lcp));
    for (const e of events) if (/largest/.test(e.name)) console.log('  ', e.name, Math.round((e.ts - nav) / 1000), JSON.stringify(e.args?.data ?? {}).slice(0, 200));
  } finally { await chrome.kill(); }
}
await server.close();
