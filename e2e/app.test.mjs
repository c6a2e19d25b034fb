import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openPage, serveDist } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await serveDist();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('loads under a sub-path with a drawn chart, no console errors and no non-local request', async () => {
  const { page, context, problems } = await openPage(browser);
  await page.goto(server.url);
  await page.locator('[data-testid="chart-amplification"] .main-svg').first().waitFor();
  assert.deepEqual(problems.nonLocalRequests, []);
  assert.deepEqual(problems.consoleErrors, []);
  await context.close();
});

test('the shock slider drives the summary through the engine', async () => {
  const { page, context } = await openPage(browser);
  await page.goto(server.url);
  const summary = page.getByTestId('summary');
  await summary.waitFor();
  const before = await summary.textContent();
  await page.getByTestId('shock-slider').fill('-20');
  await page.waitForFunction((text) => document.querySelector('[data-testid="summary"]').textContent !== text, before);
  assert.notEqual(await summary.textContent(), before);
  await context.close();
});
