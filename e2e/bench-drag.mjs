// Drag benchmark of the live app (`make bench`; run alone with `node e2e/bench-drag.mjs`).
//
// Not a test file: the name matches none of node --test's patterns (*.test.mjs, *-test.mjs,
// *_test.mjs, test-*.mjs, test.mjs), so `node --test e2e/` does not pick it up.
//
// Serves the release build in dist/ under /flushlab/, opens the default scenario (100,000
// positions) in headless Chromium at 1400x900, then:
//   1. shock slider: 200 inputs, each sets the slider's value (sweeping -2 .. -12 % and back in
//      0.5 steps) and dispatches `input` {bubbles: true}, as the browser does during a drag
//      (programmatic, so every iteration is exactly one new value); waits two animation frames
//      after each.
//   2. leverage bar 4: a real pointer drag with page.mouse (down at the bar's centre, 200 moves of
//      3 px up and down over a 36 px band, two animation frames after each, then up).
// Per drag it reads the app's User Timing measures `flush:simulate` (engine time per run) and
// `flush:render` (from the frame's first input to every chart redrawn), and also times, from each
// input event's own timestamp to the end of the redraw it caused ("event -> redrawn": includes the
// wait for the frame the browser delivers a pointer move in). Then it reports the shipped sizes of
// dist/ (raw and gzip -9). It also checks that every chart's drawing follows the drag and records
// any error banner, console error and long task. Prints a table and writes target/bench-drag.json.
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { DIST, launchBrowser, openPage, serveDist } from './harness.mjs';

const ROOT = new URL('../', import.meta.url).pathname;
const OUT = process.env.BENCH_OUT ?? `${ROOT}target/bench-drag.json`;
// BENCH_VIEWPORT=WIDTHxHEIGHT (default 1400x900); BENCH_CPU_THROTTLE=4 slows the page's CPU 4x
// (DevTools Emulation.setCPUThrottlingRate), as a mid-range phone.
const [VIEW_W, VIEW_H] = (process.env.BENCH_VIEWPORT ?? '1400x900').split('x').map(Number);
const CPU_THROTTLE = Number(process.env.BENCH_CPU_THROTTLE ?? 1);
const ITERATIONS = 200;
const SETTLE_MS = 1500;
const TARGET_RENDER_P95_MS = 16.7;
const TARGET_SIMULATE_P95_MS = 2;

/** Nearest-rank percentile of sorted `values`. */
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null;
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.length ? sorted[sorted.length - 1] : null,
    mean,
  };
}

/** Installed in the page once: records every measure (even if the app clears its entries), every
 * input / pointermove event's timestamp, and long tasks. */
function instrument() {
  const bench = { measures: [], events: [], longTasks: [] };
  window.__bench = bench;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) bench.measures.push({ name: e.name, start: e.startTime, duration: e.duration });
  }).observe({ type: 'measure' });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask' });
  } catch {
    // longtask not supported: reported as null.
    bench.longTasks = null;
  }
  for (const type of ['input', 'pointermove', 'pointerdown']) {
    window.addEventListener(type, (e) => bench.events.push({ type, t: e.timeStamp }), true);
  }
}

/** In the page: waits two animation frames, then returns a cheap signature of every chart's drawn
 * traces ({ "chart-price": hash, ... }), to check that each chart follows the drag. */
async function framesThenSignatures() {
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const signatures = {};
  for (const chart of document.querySelectorAll('[data-testid^="chart-"]')) {
    let h = 0;
    for (const node of chart.querySelectorAll('.main-svg path, .main-svg image, .main-svg text')) {
      const text = [
        node.getAttribute('d'),
        node.getAttribute('transform'),
        node.getAttribute('href'),
        node.getAttribute('x'),
        node.getAttribute('y'),
        node.tagName === 'text' ? node.textContent : null,
      ].join('|');
      for (let i = 0; i < text.length; i += 1) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
    }
    signatures[chart.dataset.testid] = h;
  }
  return signatures;
}

/** Per chart, how many distinct drawings were seen. */
class ChartStates {
  constructor() {
    this.seen = {};
  }
  add(signatures) {
    for (const [chart, h] of Object.entries(signatures)) (this.seen[chart] ??= new Set()).add(h);
  }
  counts() {
    return Object.fromEntries(Object.entries(this.seen).map(([chart, set]) => [chart, set.size]));
  }
}

const bannerText = (page) =>
  page.evaluate(() => [...document.querySelectorAll('[data-testid="error-banner"]')].map((e) => e.textContent.trim()));

async function startPhase(page) {
  await page.waitForTimeout(SETTLE_MS);
  await page.evaluate(() => {
    performance.clearMeasures();
    window.__bench.measures.length = 0;
    window.__bench.events.length = 0;
    if (window.__bench.longTasks) window.__bench.longTasks.length = 0;
  });
}

async function endPhase(page, name, extra) {
  const raw = await page.evaluate(() => ({
    entries: performance.getEntriesByType('measure').map((e) => ({ name: e.name, start: e.startTime, duration: e.duration })),
    observed: window.__bench.measures,
    events: window.__bench.events,
    longTasks: window.__bench.longTasks,
  }));
  // getEntriesByType is the source, as long as the app did not clear its entries mid-phase (it
  // does past 2,000); then the observer's copy is used.
  const fromEntries = raw.entries.filter((e) => e.name.startsWith('flush:'));
  const fromObserver = raw.observed.filter((e) => e.name.startsWith('flush:'));
  const measures = fromObserver.length > fromEntries.length ? fromObserver : fromEntries;
  const simulate = measures.filter((e) => e.name === 'flush:simulate');
  const render = measures.filter((e) => e.name === 'flush:render').sort((a, b) => a.start - b.start);
  const inputs = raw.events.map((e) => e.t).sort((a, b) => a - b);
  // event -> redrawn: for each redraw, from the latest input event at or before its start.
  const eventToRedrawn = [];
  for (const r of render) {
    let latest = null;
    for (const t of inputs) if (t <= r.start + 0.001) latest = t;
    if (latest !== null) eventToRedrawn.push(r.start + r.duration - latest);
  }
  return {
    name,
    inputs: inputs.length,
    simulate: stats(simulate.map((e) => e.duration)),
    render: stats(render.map((e) => e.duration)),
    eventToRedrawn: stats(eventToRedrawn),
    longTasks: raw.longTasks ? { count: raw.longTasks.length, max: stats(raw.longTasks.map((t) => t.duration)).max } : null,
    measureSource: measures === fromObserver && fromObserver.length !== fromEntries.length ? 'PerformanceObserver' : 'getEntriesByType',
    ...extra,
  };
}

async function dragShockSlider(page) {
  await startPhase(page);
  const slider = page.locator('[data-testid="shock-slider"]');
  await slider.scrollIntoViewIfNeeded();
  const summaryBefore = await page.getByTestId('summary').textContent();
  const charts = new ChartStates();
  charts.add(await page.evaluate(framesThenSignatures));
  const values = [];
  let value = -2;
  let step = -0.5;
  for (let i = 0; i < ITERATIONS; i += 1) {
    value += step;
    if (value <= -12 || value >= -2) step = -step;
    values.push(value);
    await page.evaluate((v) => {
      const input = document.querySelector('[data-testid="shock-slider"]');
      input.value = String(v);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, value);
    charts.add(await page.evaluate(framesThenSignatures));
  }
  const finalValue = await slider.inputValue();
  const summaryAfter = await page.getByTestId('summary').textContent();
  return endPhase(page, 'shock', {
    method: 'page.evaluate: set input.value, dispatch new Event("input", {bubbles: true}); then await 2 rAF',
    sweep: `${Math.max(...values)} .. ${Math.min(...values)} % and back, step 0.5`,
    distinctValues: new Set(values).size,
    sliderValueAtEnd: Number(finalValue),
    expectedValueAtEnd: value,
    summaryChanged: summaryBefore !== summaryAfter,
    chartStates: charts.counts(),
    errorBanner: await bannerText(page),
  });
}

async function dragLeverageBar(page, index) {
  await startPhase(page);
  const editor = page.locator('[data-testid="leverage-editor"]');
  await editor.scrollIntoViewIfNeeded();
  const bar = page.locator(`[data-testid="leverage-bar-${index}"]`);
  const box = await bar.boundingBox();
  if (!box) throw new Error(`leverage-bar-${index} has no box`);
  const x = box.x + box.width / 2;
  const y0 = box.y + box.height / 2;
  const valueBefore = await bar.getAttribute('aria-valuenow');
  const charts = new ChartStates();
  charts.add(await page.evaluate(framesThenSignatures));
  const values = new Set();
  await page.mouse.move(x, y0);
  await page.evaluate(framesThenSignatures);
  await page.mouse.down();
  charts.add(await page.evaluate(framesThenSignatures));
  // Triangle wave: 3 px per move, between y0 and y0 - 36 px (up and down).
  let offset = 0;
  let dy = -3;
  for (let i = 0; i < ITERATIONS; i += 1) {
    offset += dy;
    if (offset <= -36 || offset >= 0) dy = -dy;
    await page.mouse.move(x, y0 + offset);
    charts.add(await page.evaluate(framesThenSignatures));
    values.add(await bar.getAttribute('aria-valuenow'));
  }
  await page.mouse.up();
  await page.evaluate(framesThenSignatures);
  const valueAfter = await bar.getAttribute('aria-valuenow');
  const boxAfter = await bar.boundingBox();
  return endPhase(page, 'leverage', {
    method: `page.mouse: move to bar ${index}'s centre, down, ${ITERATIONS} moves of 3 px (triangle over 36 px) with 2 rAF after each, up`,
    bar: index,
    barBox: box,
    barMovedOnPage: boxAfter ? Math.round(boxAfter.y - box.y) : null,
    barValueBefore: Number(valueBefore),
    barValueAfter: Number(valueAfter),
    distinctBarValues: values.size,
    chartStates: charts.counts(),
    errorBanner: await bannerText(page),
  });
}

async function shippedSizes() {
  const files = [];
  for (const name of (await readdir(DIST)).sort()) {
    if (!/\.(wasm|js|css)$/.test(name)) continue;
    const path = DIST + name;
    if (!(await stat(path)).isFile()) continue;
    const body = await readFile(path);
    files.push({ file: name, raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
  }
  const total = files.reduce((t, f) => ({ raw: t.raw + f.raw, gzip: t.gzip + f.gzip }), { raw: 0, gzip: 0 });
  return { files, total };
}

const ms = (v) => (v === null || v === undefined ? '-' : v.toFixed(2));
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;

function printTable(result) {
  const lines = [];
  lines.push(`FlushLab drag benchmark: ${result.scenario}, ${result.iterations} inputs per drag, ${result.browser}`);
  lines.push('');
  lines.push('drag      measure                 count     p50     p95     max   (ms)');
  for (const phase of result.phases) {
    for (const [label, s] of [
      ['flush:simulate', phase.simulate],
      ['flush:render', phase.render],
      ['event -> redrawn', phase.eventToRedrawn],
    ]) {
      lines.push(
        `${phase.name.padEnd(9)} ${label.padEnd(22)} ${String(s.count).padStart(5)} ${ms(s.p50).padStart(7)} ${ms(s.p95).padStart(7)} ${ms(s.max).padStart(7)}`,
      );
    }
  }
  lines.push('');
  lines.push(`targets: flush:render p95 <= ${TARGET_RENDER_P95_MS} ms, flush:simulate p95 <= ${TARGET_SIMULATE_P95_MS} ms`);
  const verdict = (s, met) => (s.count === 0 ? 'NOT MEASURED (no runs)' : met ? 'met' : 'MISSED');
  for (const phase of result.phases) {
    lines.push(
      `  ${phase.name}: render ${verdict(phase.render, phase.targets.render)}, simulate ${verdict(phase.simulate, phase.targets.simulate)}`,
    );
  }
  lines.push('');
  for (const phase of result.phases) {
    const states = Object.entries(phase.chartStates).map(([chart, n]) => `${chart.replace('chart-', '')} ${n}`).join(', ');
    lines.push(
      `${phase.name}: ${phase.inputs} input events, ${phase.simulate.count} engine runs, ${phase.render.count} redraws, ` +
        `long tasks ${phase.longTasks ? `${phase.longTasks.count} (max ${ms(phase.longTasks.max)} ms)` : '-'}`,
    );
    lines.push(`  distinct drawings per chart: ${states}`);
    if (phase.name === 'leverage') {
      lines.push(`  bar ${phase.bar}: ${phase.barValueBefore} -> ${phase.barValueAfter} USD, ${phase.distinctBarValues} distinct values, bar moved ${phase.barMovedOnPage} px on the page`);
    }
    if (phase.errorBanner.length) lines.push(`  ERROR BANNER: ${phase.errorBanner.join(' | ')}`);
  }
  lines.push('');
  lines.push(`memory: JS heap after GC, MB, before and after each round of ${result.memory.inputsPerRound} more inputs: ${result.memory.jsHeapMbAfterGc.join(' -> ')}`);
  lines.push('');
  lines.push('shipped file                                         raw        gzip -9');
  for (const f of result.sizes.files) {
    lines.push(`${f.file.padEnd(48)} ${kib(f.raw).padStart(12)} ${kib(f.gzip).padStart(12)}`);
  }
  lines.push(`${'total'.padEnd(48)} ${kib(result.sizes.total.raw).padStart(12)} ${kib(result.sizes.total.gzip).padStart(12)}`);
  if (result.distChangedDuringRun) lines.push('\nWARNING: dist/ changed during the run (a build replaced it); the figures may mix two builds.');
  if (result.problems.consoleErrors.length || result.problems.nonLocalRequests.length) {
    lines.push('');
    lines.push(`console errors: ${JSON.stringify(result.problems.consoleErrors)}`);
    lines.push(`non-local requests: ${JSON.stringify(result.problems.nonLocalRequests)}`);
  }
  console.log(lines.join('\n'));
}

/**
 * Memory over a long session: the JS heap after a full GC, before and after three more rounds of
 * 300 shock-slider inputs each (flat = no leak per redraw).
 */
async function heapOverLongDrag(page) {
  const heapMb = () => page.evaluate(() => {
    window.gc?.();
    window.gc?.();
    return performance.memory ? performance.memory.usedJSHeapSize / 1e6 : null;
  });
  const rounds = [await heapMb()];
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 300; i++) {
      await page.evaluate((value) => {
        const slider = document.querySelector('[data-testid="shock-slider"]');
        slider.value = value;
        slider.dispatchEvent(new Event('input', { bubbles: true }));
      }, String(-3 - (i % 20) * 0.5));
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    }
    rounds.push(await heapMb());
  }
  return { inputsPerRound: 300, jsHeapMbAfterGc: rounds.map((mb) => (mb === null ? null : Number(mb.toFixed(2)))) };
}

async function main() {
  try {
    await stat(`${DIST}index.html`);
  } catch {
    throw new Error('dist/ has no index.html: build first (make build)');
  }
  const sizes = await shippedSizes();
  const server = await serveDist();
  // --expose-gc and precise memory info: the memory check reads the JS heap after a full GC.
  const browser = await launchBrowser(['--js-flags=--expose-gc', '--enable-precise-memory-info']);
  try {
    const { page, context, problems } = await openPage(browser, { viewport: { width: VIEW_W, height: VIEW_H } });
    if (CPU_THROTTLE > 1) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLE });
    }
    // BENCH_QUERY=?preset=NAME measures another scenario than the default.
    await page.goto(server.url + (process.env.BENCH_QUERY ?? ''));
    await page.locator('[data-testid="chart-price"] .main-svg').first().waitFor({ timeout: 60_000 });
    const loaded = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname.split('/').pop()).filter((n) => /\.(wasm|js|css)$/.test(n)),
    );
    await page.evaluate(instrument);
    const phases = [await dragShockSlider(page), await dragLeverageBar(page, 4)];
    const memory = await heapOverLongDrag(page);
    for (const phase of phases) {
      phase.targets = {
        render: phase.render.p95 !== null && phase.render.p95 <= TARGET_RENDER_P95_MS,
        simulate: phase.simulate.p95 !== null && phase.simulate.p95 <= TARGET_SIMULATE_P95_MS,
      };
    }
    const result = {
      date: new Date().toISOString(),
      machine: { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', loadAverageAtEnd: loadavg().map((l) => Number(l.toFixed(2))) },
      browser: `headless Chromium ${browser.version()}, ${VIEW_W}x${VIEW_H}${CPU_THROTTLE > 1 ? `, CPU throttled ${CPU_THROTTLE}x` : ''}, release build from ${DIST}`,
      scenario: process.env.BENCH_QUERY ? `scenario ${process.env.BENCH_QUERY}` : 'default preset',
      iterations: ITERATIONS,
      targets: { renderP95Ms: TARGET_RENDER_P95_MS, simulateP95Ms: TARGET_SIMULATE_P95_MS },
      phases,
      memory,
      loaded,
      sizes,
      problems,
    };
    const sizesAfter = await shippedSizes();
    result.distChangedDuringRun = JSON.stringify(sizesAfter) !== JSON.stringify(sizes);
    await context.close();
    printTable(result);
    await mkdir(`${ROOT}target`, { recursive: true });
    await writeFile(OUT, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nwritten ${OUT}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
