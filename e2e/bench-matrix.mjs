// The drag benchmark at every screen and CPU speed issue 14 names (`make bench`; alone with
// `node e2e/bench-matrix.mjs`). Not a test file (see bench-drag.mjs).
//
// Runs e2e/bench-drag.mjs once per regime x CPU throttle x viewport, each in its own browser:
//   viewports   BENCH_VIEWPORTS, default 390x844,1400x900,1920x1080,2560x1440 (390 wide as a phone)
//   throttles   BENCH_THROTTLES, default 1,4 (4: Emulation.setCPUThrottlingRate, a mid-range phone)
//   regimes     BENCH_REGIMES, default `default,fund-drained-adl`: a preset name, `default` (no
//               query), a query string of its own (`?s=...`), `PRESET+VENUE` (the preset on a venue
//               profile's rules, as `flushlab preset PRESET --venue VENUE` prints it, opened as an
//               `s=` link: `btc-2025-10-10+okx`), or `@FILE` (a version 2 system file, opened on the
//               Markets tab as a `sys=` link: `@engine/presets/bench/drag-target.json`, issue 15's
//               target system; `@FILE&preset=NAME` adds to that link's query)
//   inputs      BENCH_ITERATIONS per drag, default 100; BENCH_THROTTLED_ITERATIONS with the CPU
//               throttled, default 30 (a throttled input takes about ten times as long)
//   lock        BENCH_LOCK=/path: each run waits for `flock PATH`, so no measurement overlaps a
//               build that takes the same lock (builds may run between two configurations)
// Each run's JSON, log and screenshots go to target/bench-matrix/; the summary to
// target/bench-matrix.md (one markdown table) and target/bench-matrix.json.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { basename } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { DIST } from './harness.mjs';

const ROOT = new URL('../', import.meta.url).pathname;
const OUT_DIR = `${ROOT}target/bench-matrix`;
const list = (name, fallback) => (process.env[name] ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);
const VIEWPORTS = list('BENCH_VIEWPORTS', '390x844,1400x900,1920x1080,2560x1440');
const THROTTLES = list('BENCH_THROTTLES', '1,4').map(Number);
const REGIMES = list('BENCH_REGIMES', 'default,fund-drained-adl').map((regime) => {
  // `@FILE&MORE`: the system's link with more of a query after it (`&preset=calm-market`).
  const [file, ...rest] = regime.startsWith('@') ? regime.slice(1).split('&') : [];
  const more = rest.join('&');
  return {
    // A long query (an `s=` link) is named by its start: it names the run's files too.
    name: file
      ? `${basename(file, '.json')}${more ? `&${more}` : ''}`
      : regime.startsWith('?') && regime.length > 40 ? `${regime.slice(0, 32)}...` : regime,
    query: regime === 'default'
      ? ''
      : regime.startsWith('?')
        ? regime
        : file
          ? `${systemLink(file)}${more ? `&${more}` : ''}`
          : regime.includes('+')
            ? presetOnVenueLink(...regime.split('+'))
            : `?preset=${regime}`,
  };
});
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 100);
const THROTTLED_ITERATIONS = Number(process.env.BENCH_THROTTLED_ITERATIONS ?? 30);
const LOCK = process.env.BENCH_LOCK ?? null;
// The summary's name: target/bench-<SUMMARY>.md and .json (default `matrix`; `make bench` runs the
// Markets tab's systems as `markets`).
const SUMMARY = `${ROOT}target/bench-${process.env.BENCH_SUMMARY ?? 'matrix'}`;

/** The query opening the system in `file` (relative to the repository) as the page's own `sys=` link
 * does: `1.` and its JSON deflated, in URL-safe base64 (src/codec). */
function systemLink(file) {
  const json = JSON.stringify(JSON.parse(readFileSync(`${ROOT}${file}`, 'utf8')));
  return `?sys=1.${deflateRawSync(json, { level: 9 }).toString('base64url')}`;
}

/** The query opening `preset` on venue profile `venue`'s rules as an `s=` link: the scenario the
 * CLI prints for it (`flushlab preset PRESET --venue VENUE`), deflated as the page's links are. */
function presetOnVenueLink(preset, venue) {
  const printed = execFileSync(
    'cargo',
    ['run', '--release', '--locked', '--quiet', '-p', 'flushlab-engine', '--bin', 'flushlab', '--', 'preset', preset, '--venue', venue],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const json = JSON.stringify(JSON.parse(printed));
  return `?s=1.${deflateRawSync(json, { level: 9 }).toString('base64url')}`;
}

const load1 = () => Number(loadavg()[0].toFixed(2));

/** Runs bench-drag.mjs for one configuration; resolves with its result (or the failure). */
function runOne(config) {
  const id = `${config.regime.name.replace(/[^a-z0-9-]+/gi, '_')}-${config.viewport}-cpu${config.throttle}x`;
  const env = {
    ...process.env,
    BENCH_VIEWPORT: config.viewport,
    BENCH_CPU_THROTTLE: String(config.throttle),
    BENCH_QUERY: config.regime.query,
    BENCH_ITERATIONS: String(config.iterations),
    BENCH_MEMORY: '0',
    BENCH_OUT: `${OUT_DIR}/${id}.json`,
    BENCH_SCREENSHOTS: `${OUT_DIR}/${id}`,
  };
  const script = new URL('./bench-drag.mjs', import.meta.url).pathname;
  const [command, args] = LOCK ? ['flock', [LOCK, process.execPath, script]] : [process.execPath, [script]];
  const log = createWriteStream(`${OUT_DIR}/${id}.log`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on('close', async (code) => {
      log.end();
      const seconds = Math.round((Date.now() - started) / 1000);
      if (code !== 0) {
        resolve({ id, config, seconds, error: `exit ${code}: see ${OUT_DIR}/${id}.log` });
        return;
      }
      try {
        resolve({ id, config, seconds, result: JSON.parse(await readFile(env.BENCH_OUT, 'utf8')) });
      } catch (error) {
        resolve({ id, config, seconds, error: String(error) });
      }
    });
  });
}

const ms = (v) => (v === null || v === undefined ? '-' : v.toFixed(1));
const pair = (s) => (s && s.count ? `${ms(s.p50)} / ${ms(s.p95)}` : '-');
const mark = (ok, s) => (!s || s.count === 0 ? 'n/a' : ok ? 'met' : '**MISSED**');

function markdown(runs, header) {
  const lines = [];
  lines.push(`Drag benchmark matrix, ${header.date} (${header.browser}; ${header.dist}).`);
  lines.push(
    `Machine: ${header.machine.cores} cores, ${header.machine.cpu}; load average (1 min) ${header.loadAtStart} at the start, ${header.loadAtEnd} at the end. ` +
      `${ITERATIONS} inputs per drag, ${THROTTLED_ITERATIONS} with the CPU throttled (fewer, to keep the run short: their p95 rests on few frames). ` +
      `Each drag waits two animation frames after every input, so most frames (about two in three unthrottled) are idle ones between inputs.`,
  );
  lines.push('');
  lines.push(
    'Targets (issue 14): frame time p95 <= 16.7 ms (throttled 4x: <= 33 ms; judged with 0.5 ms slack for the 0.1 ms rAF clock), ' +
      'input -> every visible chart current (`flush:render`) p95 <= 50 ms, engine part (`flush:simulate`) p95 <= 2 ms; ' +
        "on the Markets tab (issue 15): input -> the tab's headline showing that shock's run, and the worker's system run (`markets:simulate`) p95 <= 4 ms. All times p50 / p95 in ms.",
  );
  lines.push('');
  lines.push(
    '| regime | viewport | CPU | drag | charts on screen | frame time | frames > 16.7 / > 33.3 ms | long animation frames (worst) | long tasks (longest) | input -> charts current | engine part | frame / charts / engine | load |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  const notes = [];
  for (const run of runs) {
    const c = run.config;
    const head = `| ${c.regime.name} | ${c.viewport} | ${c.throttle > 1 ? `${c.throttle}x slower` : '1x'}`;
    if (run.error) {
      lines.push(`${head} | (both) | failed: ${run.error} | | | | | | | | |`);
      continue;
    }
    for (const phase of run.result.phases) {
      const loaf = phase.longAnimationFrames;
      const tasks = phase.longTasks;
      lines.push(
        [
          head,
          { shock: 'shock slider', 'markets-shock': 'Markets: common shock' }[phase.name] ?? `leverage bar ${phase.bar}`,
          String(phase.onScreen.length),
          pair(phase.frame),
          `${phase.frame.over16} / ${phase.frame.over33} of ${phase.frame.count}`,
          loaf ? `${loaf.count} (${ms(loaf.worst)})` : 'n/a',
          tasks ? `${tasks.count} (${ms(tasks.max)})` : 'n/a',
          pair(phase.render),
          phase.simulate.count ? pair(phase.simulate) : 'not emitted',
          `${mark(phase.targets.frame, phase.frame)} / ${mark(phase.targets.render, phase.render)} / ${mark(phase.targets.simulate, phase.simulate)}`,
          String(run.loadAtStart),
        ].join(' | ') + ' |',
      );
      for (const problem of phase.problems) notes.push(`${run.id}, ${phase.name}: ${problem}`);
      if (!phase.settled.quiet) notes.push(`${run.id}, ${phase.name}: the page was not quiet before the drag (waited ${phase.settled.waitedMs} ms)`);
    }
    const errors = run.result.problems.consoleErrors.length + run.result.problems.nonLocalRequests.length;
    if (errors) notes.push(`${run.id}: ${errors} console errors or non-local requests (see its JSON)`);
  }
  lines.push('');
  lines.push('"charts on screen": chart boxes intersecting the viewport when the drag starts (the app draws those, plus any within 200 px).');
  if (notes.length) {
    lines.push('');
    lines.push('Checks that failed:');
    for (const note of notes) lines.push(`- ${note}`);
  }
  return `${lines.join('\n')}\n`;
}

async function main() {
  await mkdir(OUT_DIR, { recursive: true });
  const configs = [];
  for (const regime of REGIMES) {
    for (const throttle of THROTTLES) {
      for (const viewport of VIEWPORTS) {
        configs.push({ regime, throttle, viewport, iterations: throttle > 1 ? THROTTLED_ITERATIONS : ITERATIONS });
      }
    }
  }
  const header = {
    date: new Date().toISOString(),
    dist: `release build from ${DIST}`,
    machine: { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown' },
    loadAtStart: load1(),
    browser: 'headless Chromium',
  };
  console.log(`${configs.length} runs: ${VIEWPORTS.join(', ')} x CPU ${THROTTLES.map((t) => `${t}x`).join(', ')} x ${REGIMES.map((r) => r.name).join(', ')}`);
  console.log(`${ITERATIONS} inputs per drag (${THROTTLED_ITERATIONS} throttled)${LOCK ? `; each run under flock ${LOCK}` : ''}`);
  const runs = [];
  for (const [i, config] of configs.entries()) {
    const loadAtStart = load1();
    const run = { ...(await runOne(config)), loadAtStart };
    runs.push(run);
    const summary = run.error
      ? `FAILED (${run.error})`
      : run.result.phases
          .map((p) => `${p.name} frame p95 ${ms(p.frame.p95)}, render p95 ${ms(p.render.p95)}, engine p95 ${ms(p.simulate.p95)}`)
          .join('; ');
    const took = run.result ? `${run.result.wallTimeS} s, ${run.seconds} s with the wait for the lock` : `${run.seconds} s`;
    console.log(`[${i + 1}/${configs.length}] ${run.id} (${took}, load ${loadAtStart}): ${summary}`);
    if (run.result) header.browser = run.result.browser.split(',')[0];
  }
  header.loadAtEnd = load1();
  const table = markdown(runs, header);
  await writeFile(`${SUMMARY}.md`, table);
  await writeFile(`${SUMMARY}.json`, `${JSON.stringify({ ...header, iterations: ITERATIONS, throttledIterations: THROTTLED_ITERATIONS, runs }, null, 2)}\n`);
  console.log(`\n${table}\nwritten ${SUMMARY}.md and .json (per run: ${OUT_DIR}/)`);
  if (runs.some((run) => run.error)) process.exitCode = 1;
}

await main();
