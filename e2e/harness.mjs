// Shared by every e2e test: serve dist/ under a sub-path on 127.0.0.1, launch Debian's Chromium,
// and fail on any request that leaves this machine or any console error.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const SUB_PATH = '/flushlab/';
// FLUSHLAB_DIST serves another build (e.g. an older one, to compare benchmarks on one machine).
export const DIST = process.env.FLUSHLAB_DIST
  ? `${process.env.FLUSHLAB_DIST.replace(/\/+$/, '')}/`
  : new URL('../dist/', import.meta.url).pathname;
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/**
 * Serves dist/ at http://127.0.0.1:<port>/flushlab/ (as GitHub Pages serves a project site).
 * `gzip`: compress every response the browser accepts gzip for (`Content-Encoding: gzip`, as
 * GitHub Pages does, wasm included), for load benchmarks; the tests serve uncompressed.
 */
export async function serveDist({ gzip = false } = {}) {
  const compressed = new Map();
  const server = createServer(async (request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    if (!url.pathname.startsWith(SUB_PATH)) {
      response.writeHead(404).end('not under ' + SUB_PATH);
      return;
    }
    let path = normalize(join(DIST, url.pathname.slice(SUB_PATH.length)));
    if (!path.startsWith(DIST)) {
      response.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
      const body = await readFile(path);
      const headers = { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' };
      if (gzip && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) {
        if (!compressed.has(path)) compressed.set(path, gzipSync(body));
        headers['content-encoding'] = 'gzip';
        headers.vary = 'Accept-Encoding';
        response.writeHead(200, headers);
        response.end(compressed.get(path));
        return;
      }
      response.writeHead(200, headers);
      response.end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}${SUB_PATH}`, close: () => new Promise((r) => server.close(r)) };
}

/** The flags Chromium needs on this machine: headless, no sandbox (root), no network of its own. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless Chromium with the flags this machine needs (plus `extraArgs`). */
export async function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [...CHROMIUM_FLAGS, '--no-first-run', ...extraArgs],
  });
}

/**
 * A new page that records console errors, page errors and every request that is not to 127.0.0.1
 * (those are aborted, so nothing leaves the machine).
 */
export async function openPage(browser, options = {}) {
  const context = await browser.newContext(options);
  // Tests that drag the shock inside the page find its slider positions there too.
  await context.addInitScript(`window.shockPosition = ${shockPosition.toString()};`);
  const page = await context.newPage();
  const problems = { consoleErrors: [], nonLocalRequests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => problems.consoleErrors.push(String(error)));
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const local = url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:';
    if (local) return route.continue();
    problems.nonLocalRequests.push(url.href);
    return route.abort();
  });
  return { page, context, problems };
}

/**
 * The shock slider's position for a shock of `pct` percent, as the slider takes it (a string): its
 * scale is fine near 0 (`Scale::Fine` in src/components/field.rs: the value grows with the square
 * of the distance from the middle, ±1000 positions to ±50%). Written out again here, on purpose: a
 * test that took the app's own mapping would pass whatever the mapping did.
 */
export function shockPosition(pct) {
  return String(Math.sign(pct) * Math.round(1000 * Math.sqrt(Math.min(1, Math.abs(pct) / 50))));
}

/**
 * One server and one browser for a test file: started before its tests, closed after them. The
 * returned object's `server` and `browser` are set once the file's `before` hook has run.
 */
export function sharedBrowser({ before, after }) {
  const shared = { server: null, browser: null };
  before(async () => {
    shared.server = await serveDist();
    shared.browser = await launchBrowser();
  });
  after(async () => {
    await shared.browser?.close();
    await shared.server?.close();
  });
  return shared;
}

/**
 * Opens the app at `query` in a fresh context and waits until the first run's headline is written
 * (every layout has one) and index.html's static first view has handed over to the app (so no
 * text is on the page twice). `done()` asserts the page stayed clean (no request left the machine, no
 * console error) and closes the context.
 */
export async function openApp(shared, query = '', options = {}) {
  const { page, context, problems } = await openPage(shared.browser, options);
  await page.goto(shared.server.url + query);
  // The page's headline, or on the Markets tab (a `system=` link) its system's.
  await page.locator('[data-testid="headline"], [data-testid="markets-headline"]').filter({ hasText: /\S/ }).first().waitFor();
  await page.getByTestId('first-view').waitFor({ state: 'detached' });
  const done = async () => {
    assert.deepEqual(problems.nonLocalRequests, [], 'no request leaves the machine');
    assert.deepEqual(problems.consoleErrors, [], 'no console errors');
    await context.close();
  };
  return { page, done };
}
