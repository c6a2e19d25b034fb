// The compute worker's runs during a drag: the time the page measures (wall clock) against the
// CPU time the worker's thread spent (`make bench`; alone with `node e2e/bench-worker-cpu.mjs`).
// Not a test file (see bench-drag.mjs).
//
// The engine part of issue 14's drag benchmark (`flush:simulate`) and the Markets tab's system run
// of issue 15 (`markets:simulate`) are timed in the worker with `performance.now()`: wall time,
// which counts the moments the worker's thread waits for a core. On a machine of two cores the
// page's main thread, the browser's raster and compositor threads and the browser process share
// them with it. This drag records a DevTools trace and reads, for each of the worker thread's
// tasks over WORKER_MIN_MS, its wall time (`dur`) and its thread time (`tdur`, the CPU the thread
// used), and the CPU the other threads used inside the task's window.
//
// WORKER_DRAGS: which drags (default `flush,markets`): `flush` drags the shock slider of the
// default scenario; `markets` the Markets tab's common shock on issue 15's target system
// (engine/presets/bench/drag-target.json). WORKER_INPUTS inputs (default 100), two animation frames
// apart; WORKER_GAP_MS more between inputs (default 0). Writes target/bench-worker-cpu.md and .json.
import { readFileSync } from 'node:fs';
import { writeFile, mkdir } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { deflateRawSync } from 'node:zlib';
import { launchBrowser, openPage, serveDist } from './harness.mjs';

const ROOT = new URL('../', import.meta.url).pathname;
const DRAGS = (process.env.WORKER_DRAGS ?? 'flush,markets').split(',').map((s) => s.trim()).filter(Boolean);
const INPUTS = Number(process.env.WORKER_INPUTS ?? 100);
const GAP_MS = Number(process.env.WORKER_GAP_MS ?? 0);
const WORKER_MIN_MS = 0.3;

const system = JSON.stringify(JSON.parse(readFileSync(`${ROOT}engine/presets/bench/drag-target.json`, 'utf8')));
const DRAG = {
  flush: {
    title: 'shock slider, default scenario',
    query: '',
    ready: (page) => page.getByTestId('headline').filter({ hasText: /\S/ }).waitFor({ timeout: 120_000 }),
    slider: 'shock-slider',
    sweep: [-2, -12],
    measure: 'flush:simulate',
  },
  markets: {
    title: "Markets: common shock, issue 15's target system",
    query: `?sys=1.${deflateRawSync(system, { level: 9 }).toString('base64url')}`,
    ready: (page) => page.getByTestId('markets-headline').filter({ hasText: /drop|rise|shock/ }).waitFor({ timeout: 120_000 }),
    slider: 'markets-shock',
    sweep: [-1, -10],
    measure: 'markets:simulate',
  },
};

const quantile = (values, q) => {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const pair = (values) => ({ p50: quantile(values, 0.5), p95: quantile(values, 0.95), n: values.length });
const ms = (value) => (Number.isFinite(value) ? value.toFixed(2) : '-');

/** Each worker task's wall and thread time, and the other threads' CPU inside its window (ms);
 * with `runs` (the page's measures of the worker's runs, `{startTime, duration}` in the page's
 * clock), the run each task holds: the measure is taken when the reply arrives, so a run belongs
 * to the last task that ended before its measure did. Its CPU is estimated as its wall time times
 * the task's share of CPU in its wall time. */
function workerTasks(events, runs) {
  const names = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  const worker = [...names].find(([, name]) => /DedicatedWorker/.test(name))?.[0];
  const tasks = events.filter((e) => e.ph === 'X' && /RunTask$/.test(e.name) && e.dur > 0 && e.tdur !== undefined);
  const own = tasks
    .filter((e) => `${e.pid}:${e.tid}` === worker && e.dur >= WORKER_MIN_MS * 1000)
    .sort((a, b) => a.ts - b.ts);
  const others = tasks.filter((e) => `${e.pid}:${e.tid}` !== worker);
  // The page's clock in the trace's: a user-timing mark carries both.
  const mark = events.find((e) => /user_timing/.test(e.cat) && e.args?.data?.startTime !== undefined);
  const offset = mark ? mark.ts - mark.args.data.startTime * 1000 : NaN;
  const held = new Map();
  for (const run of runs) {
    const end = (run.startTime + run.duration) * 1000 + offset;
    const task = own.filter((t) => t.ts + t.dur <= end).at(-1);
    if (task && !held.has(task)) held.set(task, run.duration);
  }
  return own.map((task) => {
    const [start, end] = [task.ts, task.ts + task.dur];
    let othersCpu = 0;
    for (const other of others) {
      const overlap = Math.min(end, other.ts + other.dur) - Math.max(start, other.ts);
      // An overlapping task's CPU, in proportion to the part of it inside the window.
      if (overlap > 0) othersCpu += (overlap / other.dur) * other.tdur;
    }
    const runWall = held.get(task);
    const run = runWall === undefined ? undefined : { wall: runWall, cpu: runWall * (task.tdur / task.dur) };
    return { wall: task.dur / 1000, cpu: task.tdur / 1000, othersCpu: othersCpu / 1000, run };
  });
}

async function drag(browser, server, name) {
  const spec = DRAG[name];
  const { page, context } = await openPage(browser, { viewport: { width: 1400, height: 900 } });
  const cdp = await context.newCDPSession(page);
  await page.goto(server.url + spec.query);
  await spec.ready(page);
  await page.getByTestId(spec.slider).scrollIntoViewIfNeeded();
  await page.waitForTimeout(4000);
  await page.evaluate(() => performance.clearMeasures());
  const events = [];
  cdp.on('Tracing.dataCollected', (data) => events.push(...data.value));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { categories: 'toplevel,blink.user_timing', transferMode: 'ReportEvents' });
  const [top, bottom] = spec.sweep;
  let value = top;
  let step = -0.5;
  for (let i = 0; i < INPUTS; i += 1) {
    value += step;
    if (value <= bottom || value >= top) step = -step;
    await page.evaluate(([id, v]) => {
      const input = document.querySelector(`[data-testid="${id}"]`);
      // The flush tab's shock slider is on a fine scale (its positions are not percents).
      input.value = id === 'shock-slider' ? window.shockPosition(v) : String(v);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, [spec.slider, value]);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    if (GAP_MS) await page.waitForTimeout(GAP_MS);
  }
  await page.waitForTimeout(1500);
  const measures = await page.evaluate((n) => performance.getEntriesByType('measure').filter((e) => e.name === n).map(({ startTime, duration }) => ({ startTime, duration })), spec.measure);
  const measured = measures.map((m) => m.duration);
  await cdp.send('Tracing.end');
  await complete;
  await context.close();
  const tasks = workerTasks(events, measures);
  const runs = tasks.filter((t) => t.run).map((t) => t.run);
  if (!tasks.length || !measured.length) throw new Error(`${name}: no worker tasks or no ${spec.measure} measures in the trace`);
  return {
    drag: name,
    title: spec.title,
    measure: spec.measure,
    measured: pair(measured),
    taskWall: pair(tasks.map((t) => t.wall)),
    taskCpu: pair(tasks.map((t) => t.cpu)),
    waiting: pair(tasks.map((t) => t.wall - t.cpu)),
    othersCpu: pair(tasks.map((t) => t.othersCpu)),
    runWall: pair(runs.map((r) => r.wall)),
    runCpu: pair(runs.map((r) => r.cpu)),
  };
}

const server = await serveDist();
const browser = await launchBrowser();
const report = { inputs: INPUTS, gapMs: GAP_MS, cores: availableParallelism(), loadAtStart: Number(loadavg()[0].toFixed(2)), drags: [] };
try {
  for (const name of DRAGS) {
    if (!DRAG[name]) throw new Error(`WORKER_DRAGS: no drag '${name}' (flush, markets)`);
    report.drags.push(await drag(browser, server, name));
  }
} finally {
  await browser.close();
  await server.close();
}
report.loadAtEnd = Number(loadavg()[0].toFixed(2));
const lines = [
  `# The worker's runs: wall time against its thread's CPU`,
  '',
  `${INPUTS} inputs two animation frames apart${GAP_MS ? ` and ${GAP_MS} ms more` : ''}, 1400x900, CPU not throttled; ${report.cores} cores, load ${report.loadAtStart} -> ${report.loadAtEnd}. p50 / p95 ms. A worker task is one message or one analysis piece over ${WORKER_MIN_MS} ms: the run with its message's reading and its reply.`,
  '',
  '| drag | the page\'s measure (wall) | worker task: wall | worker task: its thread\'s CPU | waiting for a core (wall - CPU) | other threads\' CPU inside the task | the run in a task (n): wall | its CPU, estimated |',
  '|---|---|---|---|---|---|---|---|',
  ...report.drags.map((d) => `| ${d.title} | \`${d.measure}\` ${ms(d.measured.p50)} / ${ms(d.measured.p95)} | ${ms(d.taskWall.p50)} / ${ms(d.taskWall.p95)} | ${ms(d.taskCpu.p50)} / ${ms(d.taskCpu.p95)} | ${ms(d.waiting.p50)} / ${ms(d.waiting.p95)} | ${ms(d.othersCpu.p50)} / ${ms(d.othersCpu.p95)} | (${d.runWall.n}) ${ms(d.runWall.p50)} / ${ms(d.runWall.p95)} | ${ms(d.runCpu.p50)} / ${ms(d.runCpu.p95)} |`),
  '',
];
await mkdir(`${ROOT}target`, { recursive: true });
await writeFile(`${ROOT}target/bench-worker-cpu.md`, lines.join('\n'));
await writeFile(`${ROOT}target/bench-worker-cpu.json`, JSON.stringify(report, null, 2));
console.log(lines.join('\n'));
console.log(`written ${ROOT}target/bench-worker-cpu.md and .json`);
