// Lighthouse 12 on the release build (`make bench`; alone with `node e2e/bench-lighthouse.mjs`).
// Not a test file (see bench-drag.mjs).
//
// Serves dist/ (or FLUSHLAB_DIST) gzip-compressed under /flushlab/, as GitHub Pages serves the site,
// and runs Lighthouse through its Node API in Debian's Chromium (CHROME_PATH, default
// /usr/bin/chromium; a fresh browser per run, with no network beyond this machine), with the
// mobile preset (Lighthouse's default: simulated slow 4G and a 4x slower CPU) and the desktop
// preset (lighthouse/core/config/desktop-config.js). LH_RUNS runs each (default 3); the run
// reported is Lighthouse's own median run (closest to the median FCP and TTI), and the median of
// each metric over the runs is given beside it. Prints the category scores, FCP, LCP, TBT, TTI,
// CLS, speed index, the long tasks (count and the longest, as Lighthouse simulates them), the
// main-thread time by kind and the bytes transferred by resource. LH_QUERY: the page's query (e.g.
// `?embed=1`, an embed as an article shows it). Writes target/NAME.json, target/NAME.md and each
// median run's full report as target/NAME/PRESET.json; NAME is LH_NAME (default `lighthouse`).
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { computeMedianRun } from 'lighthouse/core/lib/median-run.js';
import * as chromeLauncher from 'chrome-launcher';
import { CHROMIUM_FLAGS, DIST, serveDist } from './harness.mjs';

const ROOT = new URL('../', import.meta.url).pathname;
const RUNS = Number(process.env.LH_RUNS ?? 3);
const PRESETS = (process.env.LH_PRESETS ?? 'mobile,desktop').split(',');
// The page's query, e.g. `?embed=1` for an embed as an article shows it (default: the page itself).
const QUERY = process.env.LH_QUERY ?? '';
// What the files written are called: `lighthouse` (LH_NAME, e.g. `lighthouse-embed`).
const NAME = process.env.LH_NAME ?? 'lighthouse';
// LH_THROTTLING=devtools: throttle the real load (Lighthouse's `devtools` method) instead of
// simulating it from an unthrottled one (the default, `simulate`), to check what the simulation
// makes of work it cannot see, such as a worker's downloads.
const THROTTLING = process.env.LH_THROTTLING ?? 'simulate';
const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const CHROME_FLAGS = CHROMIUM_FLAGS;
const CONFIGS = { mobile: undefined, desktop: desktopConfig };
// Issue 14's targets.
const TARGETS = {
  mobile: { performance: 90, lcpMs: 2500, tbtMs: 200, cls: 0.05 },
  desktop: { performance: 98 },
};
const METRICS = [
  ['fcp', 'first-contentful-paint'],
  ['lcp', 'largest-contentful-paint'],
  ['tbt', 'total-blocking-time'],
  ['tti', 'interactive'],
  ['cls', 'cumulative-layout-shift'],
  ['speedIndex', 'speed-index'],
];

function median(values) {
  const sorted = values.filter((v) => typeof v === 'number' && !Number.isNaN(v)).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function runOnce(url, preset) {
  const chrome = await chromeLauncher.launch({ chromePath: CHROME_PATH, chromeFlags: CHROME_FLAGS });
  try {
    const flags = { port: chrome.port, output: 'json', logLevel: 'error', throttlingMethod: THROTTLING };
    const result = await lighthouse(url, flags, CONFIGS[preset]);
    if (!result?.lhr) throw new Error('Lighthouse returned no report');
    if (result.lhr.runtimeError) throw new Error(`Lighthouse: ${result.lhr.runtimeError.code} ${result.lhr.runtimeError.message}`);
    return result.lhr;
  } finally {
    await chrome.kill();
  }
}

/** The figures this benchmark reports, out of one Lighthouse report. */
function summarize(lhr) {
  const audit = (id) => lhr.audits[id];
  const metrics = Object.fromEntries(METRICS.map(([key, id]) => [key, audit(id)?.numericValue ?? null]));
  const longTasksAudit = audit('long-tasks');
  const allLongTasks = longTasksAudit?.details?.debugData?.tasks ?? [];
  const file = (url) => (url ? new URL(url, 'http://x/').pathname.split('/').pop() || 'index.html' : '');
  return {
    scores: Object.fromEntries(Object.entries(lhr.categories).map(([id, c]) => [id, c.score === null ? null : Math.round(c.score * 100)])),
    metrics,
    longTasks: {
      count: allLongTasks.length,
      totalMs: allLongTasks.reduce((t, task) => t + task.duration, 0),
      longest: (longTasksAudit?.details?.items ?? []).slice(0, 5).map((t) => ({ file: file(t.url), startMs: t.startTime, durationMs: t.duration })),
    },
    mainThread: (audit('mainthread-work-breakdown')?.details?.items ?? []).map((i) => ({ kind: i.groupLabel ?? i.group, ms: i.duration })),
    scriptTime: (audit('bootup-time')?.details?.items ?? []).map((i) => ({ file: file(i.url), totalMs: i.total, scriptingMs: i.scripting, parseCompileMs: i.scriptParseCompile })),
    transferred: (audit('network-requests')?.details?.items ?? [])
      .map((r) => ({ file: file(r.url), type: r.resourceType, transferBytes: r.transferSize, resourceBytes: r.resourceSize }))
      .sort((a, b) => b.transferBytes - a.transferBytes),
    totalTransferBytes: audit('total-byte-weight')?.numericValue ?? null,
    lighthouse: lhr.lighthouseVersion,
    userAgent: lhr.environment?.hostUserAgent,
    benchmarkIndex: lhr.environment?.benchmarkIndex,
    throttling: lhr.configSettings.throttlingMethod,
    formFactor: lhr.configSettings.formFactor,
  };
}

const s = (msValue) => (msValue === null || msValue === undefined ? '-' : `${(msValue / 1000).toFixed(2)} s`);
const msText = (v) => (v === null || v === undefined ? '-' : `${Math.round(v)} ms`);
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;

function verdicts(preset, median) {
  const t = TARGETS[preset];
  const check = (ok) => (ok ? 'met' : '**MISSED**');
  const out = [`performance >= ${t.performance}: ${check(median.performance >= t.performance)}`];
  if (t.lcpMs) out.push(`LCP <= ${t.lcpMs / 1000} s: ${check(median.lcp <= t.lcpMs)}`);
  if (t.tbtMs) out.push(`TBT <= ${t.tbtMs} ms: ${check(median.tbt <= t.tbtMs)}`);
  if (t.cls !== undefined) out.push(`CLS <= ${t.cls}: ${check(median.cls <= t.cls)}`);
  return out.join(', ');
}

function markdown(report) {
  const lines = [];
  lines.push(
    `Lighthouse ${report.lighthouse}, ${report.date}, ${report.runs} run(s) per preset, ${report.dist} served gzip-compressed under /flushlab/${report.query}; ` +
      `${report.machine.cores} cores, load average (1 min) ${report.machine.loadAtStart} at the start, ${report.machine.loadAtEnd} at the end.`,
  );
  lines.push('');
  lines.push('| preset | run | performance | accessibility | best practices | SEO | FCP | LCP | TBT | TTI | CLS | speed index | long tasks |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const p of report.presets) {
    p.runs.forEach((run, i) => {
      const m = run.metrics;
      lines.push(
        `| ${p.preset} | ${i + 1}${i === p.medianRunIndex ? ' (median run)' : ''} | ${run.scores.performance ?? '-'} | ${run.scores.accessibility ?? '-'} | ${run.scores['best-practices'] ?? '-'} | ${run.scores.seo ?? '-'} | ` +
          `${s(m.fcp)} | ${s(m.lcp)} | ${msText(m.tbt)} | ${s(m.tti)} | ${m.cls?.toFixed(3) ?? '-'} | ${s(m.speedIndex)} | ${run.longTasks.count} |`,
      );
    });
    const md = p.median;
    lines.push(
      `| ${p.preset} | median of each | ${md.performance} | | | | ${s(md.fcp)} | ${s(md.lcp)} | ${msText(md.tbt)} | ${s(md.tti)} | ${md.cls?.toFixed(3) ?? '-'} | ${s(md.speedIndex)} | ${md.longTasks} |`,
    );
  }
  lines.push('');
  lines.push('Targets (issue 14, on the medians):');
  for (const p of report.presets) lines.push(`- ${p.preset}: ${verdicts(p.preset, p.median)}`);
  for (const p of report.presets) {
    const run = p.runs[p.medianRunIndex];
    lines.push('');
    lines.push(`${p.preset}, median run (${run.throttling} throttling, benchmark index ${run.benchmarkIndex}):`);
    lines.push('');
    lines.push(
      `- long tasks: ${run.longTasks.count}, ${msText(run.longTasks.totalMs)} in all; the longest ` +
        run.longTasks.longest.map((t) => `${msText(t.durationMs)} (${t.file || 'no script'}, at ${msText(t.startMs)})`).join(', '),
    );
    lines.push(`- main-thread time: ${run.mainThread.map((g) => `${g.kind} ${msText(g.ms)}`).join(', ')}`);
    lines.push(`- script time by file: ${run.scriptTime.map((f) => `${f.file} ${msText(f.totalMs)} (scripting ${msText(f.scriptingMs)})`).join(', ')}`);
    lines.push('');
    lines.push('| resource | type | transferred | size |');
    lines.push('|---|---|---|---|');
    for (const r of run.transferred) lines.push(`| ${r.file || '(page)'} | ${r.type ?? ''} | ${kib(r.transferBytes)} | ${kib(r.resourceBytes)} |`);
    lines.push(`| total | | ${kib(run.totalTransferBytes)} | |`);
  }
  return `${lines.join('\n')}\n`;
}

async function main() {
  try {
    await stat(`${DIST}index.html`);
  } catch {
    throw new Error(`${DIST} has no index.html: build first (make build)`);
  }
  const server = await serveDist({ gzip: true });
  const report = {
    date: new Date().toISOString(),
    dist: `release build from ${DIST}`,
    query: QUERY,
    machine: { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', loadAtStart: Number(loadavg()[0].toFixed(2)) },
    runs: RUNS,
    presets: [],
  };
  await mkdir(`${ROOT}target/${NAME}`, { recursive: true });
  try {
    for (const preset of PRESETS) {
      const reports = [];
      for (let i = 0; i < RUNS; i += 1) {
        const lhr = await runOnce(server.url + QUERY, preset);
        reports.push(lhr);
        const run = summarize(lhr);
        console.log(
          `${preset} run ${i + 1}/${RUNS}: performance ${run.scores.performance}, FCP ${s(run.metrics.fcp)}, LCP ${s(run.metrics.lcp)}, ` +
            `TBT ${msText(run.metrics.tbt)}, TTI ${s(run.metrics.tti)}, CLS ${run.metrics.cls?.toFixed(3)}, ${run.longTasks.count} long tasks`,
        );
      }
      const medianLhr = computeMedianRun(reports);
      await writeFile(`${ROOT}target/${NAME}/${preset}.json`, JSON.stringify(medianLhr));
      const runs = reports.map(summarize);
      report.lighthouse = runs[0].lighthouse;
      report.presets.push({
        preset,
        medianRunIndex: reports.indexOf(medianLhr),
        median: {
          performance: median(runs.map((r) => r.scores.performance)),
          ...Object.fromEntries(METRICS.map(([key]) => [key, median(runs.map((r) => r.metrics[key]))])),
          longTasks: median(runs.map((r) => r.longTasks.count)),
        },
        runs,
      });
    }
  } finally {
    await server.close();
  }
  report.machine.loadAtEnd = Number(loadavg()[0].toFixed(2));
  const table = markdown(report);
  await writeFile(`${ROOT}target/${NAME}.json`, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(`${ROOT}target/${NAME}.md`, table);
  console.log(`\n${table}\nwritten ${ROOT}target/${NAME}.json, ${NAME}.md, ${NAME}/{${PRESETS.join(',')}}.json`);
}

await main();
