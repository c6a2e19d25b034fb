// End-to-end: the story first. The headline says what the summary shows; on a phone the headline
// and a drawn price chart are in the first screen; an embed shows its headline, its charts inside
// the frame and only the controls the writer asked for. Every test fails on a console error or a
// non-local request.
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

async function open(query, options) {
  const { page, context, problems } = await openPage(browser, options);
  await page.goto(server.url + query);
  await page.getByTestId('headline').filter({ hasText: /\S/ }).waitFor();
  const done = async () => {
    assert.deepEqual(problems.nonLocalRequests, [], 'no request leaves the machine');
    assert.deepEqual(problems.consoleErrors, [], 'no console errors');
    await context.close();
  };
  return { page, done };
}

const drawn = (page, name) => page.locator(`[data-testid="chart-${name}"] .main-svg`).first().waitFor();
const box = (page, testid) => page.getByTestId(testid).boundingBox();
const tileValue = (page, label) =>
  page.locator('[data-testid="summary"] .tile', { hasText: label }).locator('.tile-value').textContent();

test('the headline says what the summary shows, and follows an edit', async () => {
  const { page, done } = await open('', { viewport: { width: 1400, height: 900 } });
  for (const shock of [null, '-9']) {
    if (shock) {
      const before = await page.getByTestId('headline').textContent();
      await page.getByTestId('shock-slider').fill(shock);
      for (let i = 0; i < 100 && (await page.getByTestId('headline').textContent()) === before; i++) {
        await page.waitForTimeout(50);
      }
    }
    const headline = await page.getByTestId('headline').textContent();
    const shockPct = (await tileValue(page, 'Shock alone')).replace(/^[-+]/, '');
    assert.ok(headline.startsWith(`A ${shockPct} drop `), headline);
    const trough = (await tileValue(page, 'Trough')).match(/\(([-+]?[\d.]+%)\)/)[1].replace(/^[-+]/, '');
    assert.ok(headline.includes(` ${trough} `), `${headline} / ${trough}`);
    assert.ok(headline.includes(await tileValue(page, 'Amplification')), headline);
    const liquidated = (await tileValue(page, 'Liquidated')).split(' · ')[0];
    assert.ok(headline.includes(`: ${liquidated} of `), `${headline} / ${liquidated}`);
    assert.ok(headline.includes(`ADL closed ${await tileValue(page, 'Auto-deleveraged')}`), headline);
  }
  await done();
});

test('on a phone the headline and a drawn price chart are in the first screen', async () => {
  const viewport = { width: 390, height: 844 };
  const { page, done } = await open('', { viewport, hasTouch: true, isMobile: true });
  await drawn(page, 'price');
  const headline = await box(page, 'headline');
  const chart = await box(page, 'chart-price');
  assert.ok(headline.y >= 0 && headline.y + headline.height <= viewport.height, `headline at ${JSON.stringify(headline)}`);
  assert.ok(chart.y + chart.height <= viewport.height, `price chart at ${JSON.stringify(chart)}`);
  // The controls follow, the most important first; the rest are folded.
  const leverage = await page.locator('#leverage-title').boundingBox();
  assert.ok(leverage.y > chart.y + chart.height, 'the leverage editor after the price chart');
  assert.equal(await page.getByTestId('more-controls').getAttribute('open'), null, 'more controls folded');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 392, `page is ${width}px wide`);
  await done();
});

test('an embed at 600x500 shows its headline and chart inside the frame, and the shock below', async () => {
  const viewport = { width: 600, height: 500 };
  const { page, done } = await open('?embed=1&view=price,map', { viewport });
  await drawn(page, 'price');
  const headline = await box(page, 'headline');
  const chart = await box(page, 'chart-price');
  assert.ok(headline.y + headline.height <= chart.y, 'the headline above the chart');
  assert.ok(chart.y + chart.height <= viewport.height, `price chart at ${JSON.stringify(chart)}`);
  assert.ok(chart.height >= 150, `a readable chart: ${chart.height}px`);
  const controls = page.getByTestId('embed-controls');
  assert.equal(await controls.getByTestId('shock-slider').count(), 1, 'the shock slider');
  assert.equal(await page.locator('#leverage-title').count(), 0, 'no other control');
  assert.equal(await page.getByTestId('summary').count(), 0, 'nothing else: no summary strip');
  // The shock drives the chart and the headline.
  const before = await page.getByTestId('headline').textContent();
  await controls.getByTestId('shock-slider').fill('-8');
  for (let i = 0; i < 100 && (await page.getByTestId('headline').textContent()) === before; i++) {
    await page.waitForTimeout(50);
  }
  assert.match(await page.getByTestId('headline').textContent(), /^A 8\.0% drop /);
  await done();
});

test('an embed shows the controls its writer named, and keeps them in the address after an edit', async () => {
  const { page, done } = await open('?embed=1&view=price&controls=leverage,shock,nonsense', {
    viewport: { width: 800, height: 900 },
  });
  const controls = page.getByTestId('embed-controls');
  assert.equal(await controls.locator('#leverage-title').count(), 1, 'the leverage editor');
  assert.equal(await controls.getByTestId('shock-slider').count(), 1, 'the shock slider');
  await controls.getByTestId('shock-slider').fill('-6');
  for (let i = 0; i < 100 && !(await page.evaluate(() => location.search)).includes('s=1.'); i++) {
    await page.waitForTimeout(50);
  }
  assert.match(await page.evaluate(() => location.search), /^\?embed=1&view=price&controls=leverage,shock,nonsense&s=1\./);
  await done();
});
