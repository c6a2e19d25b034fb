// End-to-end: the story first. The headline says what the summary shows; on a phone the headline
// and a drawn price chart are in the first screen; an embed shows its headline, its charts inside
// the frame and only the controls the writer asked for. Every test fails on a console error or a
// non-local request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, sharedBrowser, shockPosition } from './harness.mjs';

const shared = sharedBrowser({ before, after });

const open = (query, options) => openApp(shared, query, options);

// Drawn by plotly.js, or (the price chart, before plotly.js is in) as the static SVG standing in for it.
const drawn = (page, name) =>
  page.locator(`[data-testid="chart-${name}"] :is(.main-svg, svg.first-view-chart)`).first().waitFor();
const box = (page, testid) => page.getByTestId(testid).boundingBox();
const tileValue = (page, label) =>
  page.locator('[data-testid="summary"] .tile', { hasText: label }).locator('.tile-value').textContent();

test('the headline says what the summary shows, and follows an edit', async () => {
  const { page, done } = await open('', { viewport: { width: 1400, height: 900 } });
  for (const shock of [null, '-9']) {
    if (shock) {
      const before = await page.getByTestId('headline').textContent();
      await page.getByTestId('shock-slider').fill(shockPosition(Number(shock)));
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
    // ADL is named only where it ran.
    const adl = await tileValue(page, 'Auto-deleveraged');
    if (/^\$?0(\s|$)/.test(adl)) assert.ok(!headline.includes('ADL closed'), `${headline} / ${adl}`);
    else assert.ok(headline.includes(`ADL closed ${adl}`), `${headline} / ${adl}`);
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
  // Every share tool whole on the screen (scrolled sideways, Export CSV was out of sight).
  for (const tool of ['share-button', 'embed-button', 'export-json', 'export-csv']) {
    const at = await box(page, tool);
    assert.ok(at.x >= 0 && at.x + at.width <= viewport.width, `${tool} at ${JSON.stringify(at)}`);
  }
  await done();
});

test('an embed at 600x500 shows its headline and chart inside the frame, and the shock below', async () => {
  const viewport = { width: 600, height: 500 };
  const { page, done } = await open('?embed=1&view=price,map&preset=dealers-short-gamma', { viewport });
  await drawn(page, 'price');
  const headline = await box(page, 'headline');
  const chart = await box(page, 'chart-price');
  assert.ok(headline.y + headline.height <= chart.y, 'the headline above the chart');
  assert.ok(chart.y + chart.height <= viewport.height, `price chart at ${JSON.stringify(chart)}`);
  assert.ok(chart.height >= 150, `a readable chart: ${chart.height}px`);
  // The drawing fits its container once the cards have settled (nothing spills over the caption).
  for (const name of ['price', 'map']) {
    await drawn(page, name);
    let sizes;
    for (let i = 0; i < 40; i++) {
      sizes = await page.locator(`[data-testid="chart-${name}"]`).evaluate((element) => [
        element.getBoundingClientRect().height,
        element.querySelector(':is(.main-svg, svg.first-view-chart)').getBoundingClientRect().height]);
      if (sizes[1] <= sizes[0] + 1) break;
      await page.waitForTimeout(50);
    }
    assert.ok(sizes[1] <= sizes[0] + 1, `${name}: drawing ${sizes[1]}px in a ${sizes[0]}px box`);
  }
  const controls = page.getByTestId('embed-controls');
  assert.equal(await controls.getByTestId('shock-slider').count(), 1, 'the shock slider');
  assert.equal(await page.locator('#leverage-title').count(), 0, 'no other control');
  assert.equal(await page.getByTestId('summary').count(), 0, 'nothing else: no summary strip');
  // The shock drives the chart and the headline.
  const before = await page.getByTestId('headline').textContent();
  await controls.getByTestId('shock-slider').fill(shockPosition(-8));
  for (let i = 0; i < 100 && (await page.getByTestId('headline').textContent()) === before; i++) {
    await page.waitForTimeout(50);
  }
  assert.match(await page.getByTestId('headline').textContent(), /^An 8\.0% drop /);
  await done();
});

test('an embed whose charts need more than its frame says there is more below, and takes the reader down', async () => {
  const charts = (page) => page.locator('.app.embed > .charts').evaluate((element) =>
    ({ top: element.scrollTop, hidden: element.scrollHeight - element.clientHeight - element.scrollTop }));
  // Two charts in a 500 px frame: the second lies below the first.
  const { page, done } = await open('?embed=1&view=price,liquidations&preset=over-levered-longs',
    { viewport: { width: 600, height: 500 } });
  await drawn(page, 'price');
  const more = page.getByTestId('more-below');
  await more.waitFor();
  assert.ok((await charts(page)).hidden > 100, 'the box hides the second chart');
  const pill = await more.boundingBox();
  const frame = await page.locator('.app.embed > .charts').boundingBox();
  assert.ok(pill.y >= frame.y && pill.y + pill.height <= frame.y + frame.height + 1,
    `over the charts' bottom edge: ${JSON.stringify({ pill, frame })}`);
  await more.click();
  let moved;
  for (let i = 0; i < 60 && !((moved = await charts(page)).top > 100); i++) await page.waitForTimeout(50);
  assert.ok(moved.top > 100, `scrolled down: ${JSON.stringify(moved)}`);
  await more.waitFor({ state: 'detached' });
  await drawn(page, 'liquidations');
  assert.ok(await page.getByTestId('chart-liquidations').isVisible());
  // Back at the top (the reader scrolled up), it says so again.
  await page.locator('.app.embed > .charts').evaluate((element) => { element.style.scrollBehavior = 'auto'; element.scrollTop = 0; });
  await more.waitFor();
  await done();
  // On a phone's short frame it leaves the next chart's title readable (centred over the edge,
  // it covered "Liquidations per step of 5 min").
  const phone = await open('?embed=1&preset=btc-2021-05-19', { viewport: { width: 390, height: 600 } });
  await drawn(phone.page, 'liquidations');
  const button = phone.page.getByTestId('more-below');
  await button.waitFor();
  const box = await button.boundingBox();
  const titles = await phone.page.locator('.app.embed > .charts :is(.gtitle, .fv-title)').evaluateAll((all) =>
    all.map((title) => { const r = title.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height, text: title.textContent }; }));
  assert.ok(titles.length >= 2, 'the charts have titles');
  for (const title of titles) {
    const apart = box.x >= title.x + title.width || title.x >= box.x + box.width
      || box.y >= title.y + title.height || title.y >= box.y + box.height;
    assert.ok(apart, `the button over "${title.text}": ${JSON.stringify({ box, title })}`);
  }
  await phone.done();
  // A five-line headline (Black Thursday's) still leaves the shock its slider in a 390x600
  // frame (the controls had 41 px: the box showed, the slider was scrolled out of sight).
  const long = await open('?embed=1&preset=bitmex-2020-03-12&view=price,liquidations', { viewport: { width: 390, height: 600 } });
  await drawn(long.page, 'price');
  await long.page.waitForTimeout(300);
  const inside = await long.page.evaluate(() => {
    const controls = document.querySelector('.embed-controls').getBoundingClientRect();
    const slider = document.querySelector('[data-testid="shock-slider"]').getBoundingClientRect();
    return { controls: [controls.top, controls.bottom], slider: [slider.top, slider.bottom], frame: innerHeight };
  });
  assert.ok(inside.slider[0] >= inside.controls[0] && inside.slider[1] <= inside.controls[1] + 1
    && inside.slider[1] <= inside.frame, `the slider in view: ${JSON.stringify(inside)}`);
  await long.done();
  // One chart in a tall frame hides nothing: no button.
  const tall = await open('?embed=1&view=price&preset=over-levered-longs', { viewport: { width: 700, height: 900 } });
  await drawn(tall.page, 'price');
  await tall.page.waitForTimeout(500);
  assert.equal((await charts(tall.page)).hidden <= 8, true, 'everything shown');
  assert.equal(await tall.page.getByTestId('more-below').count(), 0);
  await tall.done();
});

test('an embed shows the controls its writer named, and keeps them in the address after an edit', async () => {
  const { page, done } = await open('?embed=1&view=price&controls=leverage,shock,nonsense', {
    viewport: { width: 800, height: 900 },
  });
  const controls = page.getByTestId('embed-controls');
  assert.equal(await controls.locator('#leverage-title').count(), 1, 'the leverage editor');
  assert.equal(await controls.getByTestId('shock-slider').count(), 1, 'the shock slider');
  // The name it does not know is said, with the ones it does.
  assert.match(await page.getByTestId('error-banner').textContent(), /controls=nonsense: no such control, so it is left out \(the controls: shock, leverage/);
  await controls.getByTestId('shock-slider').fill(shockPosition(-6));
  for (let i = 0; i < 100 && !(await page.evaluate(() => location.search)).includes('s=1.'); i++) {
    await page.waitForTimeout(50);
  }
  assert.match(await page.evaluate(() => location.search), /^\?embed=1&view=price&controls=leverage,shock,nonsense&s=1\./);
  await done();
});

const fragment = (page) => page.evaluate(() => location.hash);
/** The headline once the newest scenario's outcome is in (not `aria-busy`). */
const headlineText = async (page) => {
  await page.locator('[data-testid="headline"][aria-busy="false"]').first().waitFor();
  return page.getByTestId('headline').first().textContent();
};
/** The chart card the page highlights, by its chart's test id (a system's: its diagram). */
const highlighted = (page) =>
  page.evaluate(() => [...document.querySelectorAll('[data-highlight] [data-testid^="chart-"], [data-highlight][data-testid="markets-diagram"]')].map((e) => e.dataset.testid));

async function untilChanged(page, read, before, what) {
  for (let i = 0; i < 200; i++) {
    const now = await read();
    if (now !== before) return now;
    await page.waitForTimeout(50);
  }
  assert.fail(`${what} did not change from ${before}`);
}

test('the tour steps through all nine steps, each changing the charts, and leaving keeps the scenario', async () => {
  const { page, done } = await open('', { viewport: { width: 1400, height: 900 } });
  await page.getByTestId('tour-button').click();
  await page.getByTestId('tour').waitFor();
  const seen = new Set();
  let previous = { hash: '', title: '', price: '', shown: '' };
  for (let step = 1; step <= 9; step++) {
    if (step > 1) await page.getByTestId('tour-next').click();
    assert.equal(await page.getByTestId('tour-progress').textContent(), `Step ${step} of 9`);
    const hash = await untilChanged(page, () => fragment(page), previous.hash, `the fragment at step ${step}`);
    assert.equal(hash, `#tour=${step}`);
    const title = await page.getByTestId('tour-title').textContent();
    assert.notEqual(title, previous.title);
    // Steps 2 to 8 each run a scenario of their own on the flush tab: its headline comes with
    // its run (the marks and the scroll below can settle before it, on the last step's charts).
    const shown = step >= 2 && step <= 8
      ? await untilChanged(page, () => headlineText(page), previous.shown, `the headline at step ${step}`)
      : previous.shown;
    // The step's scenario ran (every step's chart is highlighted once drawn).
    for (let i = 0; i < 100 && (await highlighted(page)).length === 0; i++) await page.waitForTimeout(50);
    const marked = await highlighted(page);
    assert.equal(marked.length, 1, `one chart highlighted at step ${step}: ${marked}`);
    await page.locator(`[data-testid="${marked[0]}"] ${marked[0] === 'markets-diagram' ? 'svg' : '.main-svg'}`).first().waitFor();
    // The step's card stays in view, and its chart is brought into view below it (the step's
    // mark and scroll come a moment after its load: the mark read above may still be the last
    // step's, so the chart is read again until it settles).
    const inView = async () => {
      const card = await page.getByTestId('tour').boundingBox();
      const [current] = await highlighted(page);
      const chart = current && (await page.getByTestId(current).boundingBox());
      const ok = card.y >= -1 && card.y + card.height <= 900 && chart && chart.y < 900 && chart.y + chart.height > card.y + card.height;
      return { ok, card, chart, current };
    };
    let view = await inView();
    for (let i = 0; i < 40 && !view.ok; i++) {
      await page.waitForTimeout(50);
      view = await inView();
    }
    assert.ok(view.ok, `the card and its chart in view at step ${step}: ${JSON.stringify(view)}`);
    const state = await page.evaluate(() => location.search + (document.querySelector('[data-testid="headline"]')?.textContent ?? ''));
    // The card pinned over the chart says the run's headline, scrolled away above, on the tabs
    // that show that run (not on the leverage cycles', step 7, whose figures are its paths', nor
    // the Markets tab's, whose system has its own).
    // (The step's run may still be coming: the marks and the scroll above can settle on the last
    // step's charts, so both are read until they agree.)
    const tab = await page.locator('[role="tab"][aria-selected="true"]').textContent();
    if (/The flush|Venues compared/.test(tab)) {
      assert.ok(await page.getByTestId('tour-run').isVisible(), `the run's headline in the card at step ${step}`);
      const agree = async () => {
        const card = await page.getByTestId('tour-run').textContent();
        return card === `This run: ${await headlineText(page)}` ? 'same' : card;
      };
      await until(page, agree, /^same$/, `the card says the headline at step ${step}`);
    } else {
      assert.ok(step === 7 || step === 9, `step ${step} on ${tab}`);
      assert.equal(await page.getByTestId('tour-run').count(), 0, `no flush headline on ${tab}`);
    }
    // Step 9 shows a system of markets on its own tab (with its own headline, the one-market
    // scenario's put away), leaving the one-market scenario as it was.
    if (step === 9) {
      assert.equal(await page.getByTestId('markets-select').inputValue(), 'two-venues-one-asset');
      assert.equal(await page.getByTestId('headline').count(), 0);
    }
    else assert.ok(!seen.has(state) || step === 7, `step ${step} loads its own scenario`);
    seen.add(state);
    previous = { hash, title, shown: step <= 8 ? await headlineText(page) : shown };
  }
  await page.getByTestId('tour-back').click();
  assert.equal(await page.getByTestId('tour-progress').textContent(), 'Step 8 of 9');
  await page.getByTestId('tour-next').click();
  // The step's outcome comes back from the compute worker a moment after the click.
  await page.waitForFunction(() => location.hash === '#tour=9');
  const systemHeadline = () => page.getByTestId('markets-headline').filter({ hasText: /\S/ }).textContent();
  const kept = await systemHeadline();
  await page.getByTestId('tour-next').click(); // "Finish: keep playing"
  assert.equal(await page.getByTestId('tour').count(), 0, 'the tour closed');
  assert.equal(await fragment(page), '');
  assert.equal(await systemHeadline(), kept, 'what the reader had stays');
  // The one-market scenario is where the last one-market step left it.
  await page.getByRole('tab', { name: 'The flush' }).click();
  assert.match(await headlineText(page), /^An? [\d.]+% /);
  await done();
});

test('on a phone a step keeps its text in view and a button brings its chart', async () => {
  const { page, done } = await open('', { viewport: { width: 390, height: 844 } });
  await page.getByTestId('tour-button').click();
  await page.getByTestId('tour').waitFor();
  for (let i = 0; i < 100 && (await highlighted(page)).length === 0; i++) await page.waitForTimeout(50);
  const [chart] = await highlighted(page);
  assert.equal(await page.evaluate(() => scrollY), 0, 'the step text stays in view');
  const below = await page.getByTestId(chart).boundingBox();
  assert.ok(below.y > 844, `step 1's chart starts below the screen: ${JSON.stringify(below)}`);
  await page.getByTestId('tour-see').click();
  for (let i = 0; i < 50 && (await page.getByTestId(chart).boundingBox()).y > 844; i++) await page.waitForTimeout(50);
  const seen = await page.getByTestId(chart).boundingBox();
  assert.ok(seen.y >= 0 && seen.y < 844, `the chart in view: ${JSON.stringify(seen)}`);
  // Down at the chart, a button takes the reader back up to the step (it was 2,300-3,800 px
  // above, with no way back but scrolling).
  await page.getByTestId('back-to-card').click();
  const whole = async () => page.getByTestId('tour').evaluate((card) => {
    const box = card.getBoundingClientRect();
    return { top: Math.round(box.top), bottom: Math.round(box.bottom) };
  });
  let card = await whole();
  for (let i = 0; i < 50 && card.top !== 0; i++) { await page.waitForTimeout(30); card = await whole(); }
  assert.ok(card.top >= 0 && card.top < 20, `back at the step: ${JSON.stringify(card)}`);
  assert.equal(await page.getByTestId('back-to-card').count(), 0, 'the button goes once used');
  // Down at the chart again, the next step is a tap away too (it took "back", then "Next"),
  // and its card comes into view.
  const progress = await page.getByTestId('tour-progress').textContent();
  await page.getByTestId('tour-see').click();
  await page.getByTestId('tour-next-down').click();
  await page.waitForFunction((before) => document.querySelector('[data-testid="tour-progress"]').textContent !== before, progress);
  card = await whole();
  for (let i = 0; i < 50 && card.top !== 0; i++) { await page.waitForTimeout(30); card = await whole(); }
  assert.ok(card.top >= 0 && card.top < 20, `at the next step: ${JSON.stringify(card)}`);
  assert.equal(await page.getByTestId('tour-next-down').count(), 0, 'gone with the card in view');
  await page.getByTestId('tour-back').click();
  // Every step's card is whole on the screen, on another tab too and with the reader's own
  // scenario kept above its buttons (step 9's title was above the screen, step 4's buttons below).
  await page.locator('#shock-size').fill('-4.5');
  await page.locator('#shock-size').press('Enter');
  for (let step = 2; step <= 9; step++) {
    await page.getByTestId('tour-next').click();
    await page.getByTestId('tour-progress').filter({ hasText: `Step ${step} of` }).waitFor();
    await page.waitForTimeout(400);
    card = await whole();
    assert.ok(card.top >= 0 && card.bottom <= 844, `step ${step}'s card on screen: ${JSON.stringify(card)}`);
  }
  await done();
});

test('a deep link opens its tour step, also inside an embed', async () => {
  for (const query of ['#tour=3', '?embed=1&view=price,liquidations#tour=3']) {
    const { page, done } = await open(query, { viewport: { width: 1000, height: 800 } });
    await page.getByTestId('tour').waitFor();
    assert.equal(await page.getByTestId('tour-progress').textContent(), 'Step 3 of 9', query);
    assert.match(await page.getByTestId('tour-title').textContent(), /thin book/, query);
    await until(page, () => page.evaluate(() => location.search), /s=1\./, 'the step scenario in the address');
    assert.match(await fragment(page), /^#tour=3$/);
    await done();
  }
});

test('the menu names the tour\'s example, and a glossary "show me" during the tour leaves the tour', async () => {
  const { page, done } = await open('#tour=4', { viewport: { width: 1400, height: 900 } });
  await page.getByTestId('tour').waitFor();
  const chosen = () => page.locator('#preset option:checked').textContent();
  // Step 4's scenario is no preset as it came: not "Custom", the reader's own, but the step's.
  await until(page, chosen, /^Tour, step 4: Adjustment/, "the menu names the step's example");
  assert.match(await page.getByTestId('preset-story').textContent(), /^The tour's example for step 4/);
  // A teacher's "Copy link" during the step opens the step, its card and its scenario.
  await page.getByTestId('share-button').click();
  const link = await page.getByTestId('share-link').inputValue();
  assert.match(link, /\?s=1\.[^#]*#tour=4$/);
  const student = await open(link.slice(link.indexOf('?')), { viewport: { width: 1400, height: 900 } });
  await student.page.getByTestId('tour').waitFor();
  assert.equal(await student.page.getByTestId('tour-progress').textContent(), 'Step 4 of 9');
  assert.equal(await headlineText(student.page), await headlineText(page));
  await student.done();
  await page.getByTestId('glossary-button').click();
  await page.getByTestId('term-leverage-flush').getByTestId('show-me').click();
  await page.getByTestId('showing').waitFor();
  // The step's card would tell another scenario than the one now on screen.
  assert.equal(await page.getByTestId('tour').count(), 0, 'the tour is left');
  assert.doesNotMatch(await fragment(page), /tour=/);
  assert.doesNotMatch(await chosen(), /^Tour/);
  await done();
});

async function until(page, read, expected, what) {
  let now;
  for (let i = 0; i < 200; i++) {
    now = await read();
    if (expected.test(now)) return now;
    await page.waitForTimeout(50);
  }
  assert.fail(`${what}: expected ${expected}, still ${now}`);
}

test('the glossary starts a newcomer off in order, and its links go to their terms', async () => {
  const { page, done } = await open('#glossary', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const start = page.getByTestId('glossary-start');
  assert.match(await start.textContent(), /^New to this\? Read in this order: Long and short → Leverage → .* → Leverage flush$/);
  await start.getByRole('button', { name: /Leverage flush/ }).click();
  await until(page, () => page.evaluate(() => document.activeElement?.id ?? ''), /^term-leverage-flush$/, 'the term has the focus');
  // A search puts it away: the terms found come first.
  await page.getByTestId('glossary-filter').fill('flush');
  await start.waitFor({ state: 'detached' });
  await done();
});

test('every glossary "show me" loads a valid scenario and highlights its chart', async () => {
  const { page, done } = await open('#glossary', { viewport: { width: 1400, height: 900 } });
  const glossary = page.getByTestId('glossary');
  await glossary.waitFor();
  const ids = await glossary.locator('article.term').evaluateAll((terms) =>
    terms.filter((t) => t.querySelector('[data-testid="show-me"]')).map((t) => t.id.replace(/^term-/, '')),
  );
  assert.ok(ids.length >= 25, `${ids.length} terms can be shown`);
  for (const id of ids) {
    await page.evaluate((id) => { location.hash = `glossary=${id}`; }, id);
    await glossary.waitFor();
    const before = await highlighted(page);
    await page.getByTestId(`term-${id}`).getByTestId('show-me').click();
    await page.getByTestId('showing').waitFor();
    for (let i = 0; i < 100 && JSON.stringify(await highlighted(page)) === JSON.stringify(before) && before.length; i++) {
      await page.waitForTimeout(30);
    }
    for (let i = 0; i < 100 && (await highlighted(page)).length === 0; i++) await page.waitForTimeout(30);
    const marked = await highlighted(page);
    assert.equal(marked.length, 1, `${id}: ${marked}`);
    assert.equal(await page.getByTestId('error-banner').count(), 0, `${id}: no error`);
    assert.equal(await page.getByTestId('held-run').count(), 0, `${id}: runs without asking`);
  }
  await done();
});

test('on a phone a glossary "show me" keeps its note in view, with a button down to the chart', async () => {
  const { page, done } = await open('#glossary=funding-rate', { viewport: { width: 390, height: 844 } });
  await page.getByTestId('term-funding-rate').getByTestId('show-me').click();
  const note = page.getByTestId('showing');
  await note.waitFor();
  for (let i = 0; i < 100 && (await highlighted(page)).length === 0; i++) await page.waitForTimeout(30);
  const inView = (locator) => locator.evaluate((e) => {
    const box = e.getBoundingClientRect();
    return box.bottom > 0 && box.top < innerHeight;
  });
  assert.ok(await inView(note), 'the note is on screen');
  const chart = page.locator('figure[data-highlight]');
  await page.getByTestId('showing-see').click();
  for (let i = 0; i < 100 && !(await inView(chart)); i++) await page.waitForTimeout(30);
  assert.ok(await inView(chart), 'the button takes the reader to the chart');
  await page.getByTestId('back-to-card').click();
  for (let i = 0; i < 100 && !(await inView(note)); i++) await page.waitForTimeout(30);
  assert.ok(await inView(note), 'and another back up to the note');
  // The note put away: the example's chart is no longer picked out (as after "Back to your
  // scenario", which the reader's own edits would offer here; both left the mark behind).
  await note.getByRole('button', { name: 'Dismiss' }).click();
  await note.waitFor({ state: 'detached' });
  for (let i = 0; i < 50 && (await chart.count()) > 0; i++) await page.waitForTimeout(30);
  assert.equal(await chart.count(), 0, 'no chart highlighted on the own scenario');
  await done();
});

test('keyboard alone takes the tour and uses the glossary', async () => {
  const { page, done } = await open('', { viewport: { width: 1400, height: 900 } });
  // Presses Tab (or Shift+Tab with `back`) until `testid` has the focus.
  const focusOn = async (testid, back = false) => {
    for (let i = 0; i < 80; i++) {
      if (await page.evaluate((id) => document.activeElement?.dataset?.testid === id, testid)) return;
      await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    }
    assert.fail(`could not reach ${testid} by ${back ? 'Shift+Tab' : 'Tab'}`);
  };
  await focusOn('tour-button');
  await page.keyboard.press('Enter');
  await page.getByTestId('tour').waitFor();
  await focusOn('tour-next');
  await page.keyboard.press('Enter');
  assert.equal(await page.getByTestId('tour-progress').textContent(), 'Step 2 of 9');
  await focusOn('tour-leave', true);
  await page.keyboard.press('Enter');
  assert.equal(await page.getByTestId('tour').count(), 0);
  // The focus goes back to "Take the tour"; the glossary is the next button.
  await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'tour-button');
  await focusOn('glossary-button');
  await page.keyboard.press('Enter');
  const glossary = page.getByTestId('glossary');
  await glossary.waitFor();
  await page.keyboard.type('mark price');
  await focusOn('show-me');
  await page.keyboard.press('Enter');
  await page.getByTestId('showing').waitFor();
  assert.match(await page.getByTestId('showing').textContent(), /Showing: Mark price/);
  // The note has the focus; Escape puts it away and the focus goes back to the glossary.
  await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'showing');
  await page.keyboard.press('Escape');
  await page.getByTestId('showing').waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'glossary-button');
  await page.keyboard.press('Enter');
  await glossary.waitFor();
  await page.keyboard.press('Escape');
  await glossary.waitFor({ state: 'hidden' });
  // Escape leaves the tour, as it closes the dialogs.
  await page.getByTestId('tour-button').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('tour').waitFor();
  await focusOn('tour-next');
  await page.keyboard.press('Escape');
  await page.getByTestId('tour').waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'tour-button');
  // The tabs: one stop, the arrow keys move along them and select.
  const selected = () => page.evaluate(() => document.querySelector('[role=tab][aria-selected=true]')?.id);
  const flushTab = page.locator('#tab-flush');
  await page.getByRole('tab', { name: 'The flush' }).click();
  assert.equal(await flushTab.getAttribute('tabindex'), '0');
  assert.equal(await page.locator('#tab-cycles').getAttribute('tabindex'), '-1');
  assert.equal(await flushTab.getAttribute('aria-controls'), 'panel-flush');
  await page.keyboard.press('ArrowRight');
  assert.equal(await selected(), 'tab-cycles');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-cycles');
  await page.locator('#panel-cycles').waitFor();
  await page.keyboard.press('End');
  assert.equal(await selected(), 'tab-markets');
  await page.keyboard.press('ArrowRight');
  assert.equal(await selected(), 'tab-flush');
  await done();
});

test('axe-core stays clean with the tour and the glossary open, in both themes', async () => {
  const { fileURLToPath } = await import('node:url');
  const { page, done } = await open('#tour=2', { viewport: { width: 1400, height: 900 } });
  await page.getByTestId('tour').waitFor();
  await page.addScriptTag({ path: fileURLToPath(new URL('../node_modules/axe-core/axe.min.js', import.meta.url)) });
  const serious = () =>
    page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ['violations'] });
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
    });
  for (const theme of ['first', 'second']) {
    if (theme === 'second') {
      await page.locator('.theme-toggle').click();
      await page.waitForTimeout(300);
    }
    assert.deepEqual(await serious(), [], `${theme} theme, tour`);
    await page.getByTestId('glossary-button').click();
    await page.getByTestId('glossary').waitFor();
    assert.deepEqual(await serious(), [], `${theme} theme, glossary`);
    await page.getByTestId('glossary-close').click();
  }
  await done();
});

test('a crowd that moves without a shock: the tipping tile says the headline\'s ratio counts that move as the shock\'s', async () => {
  const { page, done } = await open('?preset=predators-at-work', { viewport: { width: 1400, height: 900 } });
  const tipping = page.getByTestId('monitor-tipping');
  await tipping.filter({ hasText: /^none needed/ }).waitFor({ timeout: 30000 });
  const moved = (await tipping.textContent()).match(/move the price ([\d.]+%)/)[1];
  const shock = (await page.getByTestId('headline').textContent()).match(/^An? ([\d.]+%) drop became/)[1];
  const note = await page.getByTestId('monitor').locator('.gauge').last().locator('.gauge-note').textContent();
  assert.ok(note.includes(`This run's -${shock} shock adds to that ${moved}; the headline's amplification counts both as the shock's.`), note);
  await done();
});

test('the leverage monitor reads the population: ordered shares, unmoved by the shock, a tipping point once the curve is done', async () => {
  const { page, done } = await open('?preset=over-levered-longs', { viewport: { width: 1400, height: 900 } });
  await page.getByTestId('monitor').waitFor();
  const read = () =>
    page.evaluate(() => {
      const text = (id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';
      return {
        ratio: parseFloat(text('monitor-ratio')),
        within: ['1', '5', '10'].map((d) => parseFloat(text(`monitor-within-${d}`))),
        tipping: text('monitor-tipping'),
      };
    });
  const first = await read();
  assert.ok(first.ratio > 1, `a leverage ratio: ${first.ratio}`);
  assert.ok(first.within[0] <= first.within[1] && first.within[1] <= first.within[2], `${first.within}`);
  for (let i = 0; i < 200 && /computing/.test((await read()).tipping); i++) await page.waitForTimeout(100);
  assert.match((await read()).tipping, /^a -\d+\.\d% shock$|^none up to 40%/);
  // The shock moves the headline, not the population's gauges.
  const before = await page.getByTestId('headline').textContent();
  await page.getByTestId('shock-slider').fill(shockPosition(-9));
  for (let i = 0; i < 100 && (await page.getByTestId('headline').textContent()) === before; i++) await page.waitForTimeout(50);
  const shocked = await read();
  assert.equal(shocked.ratio, first.ratio);
  assert.deepEqual(shocked.within, first.within);
  // More leverage: a higher ratio and more open interest near its liquidation price.
  await page.getByTestId('preset-select').selectOption('calm-market');
  for (let i = 0; i < 100 && (await read()).ratio === first.ratio; i++) await page.waitForTimeout(50);
  const calm = await read();
  assert.ok(calm.ratio < first.ratio, `calm ${calm.ratio} < over-levered ${first.ratio}`);
  assert.ok(calm.within[1] < first.within[1], `calm ${calm.within} vs ${first.within}`);
  // The gauge is on every tab, and so is the curve it reads: a new crowd's tipping point comes
  // in on a tab with no curve of its own.
  await page.getByTestId('preset-select').selectOption('thin-book');
  await page.getByRole('tab', { name: 'Options leverage' }).click();
  for (let i = 0; i < 100 && (await read()).ratio === calm.ratio; i++) await page.waitForTimeout(50);
  for (let i = 0; i < 300 && /computing/.test((await read()).tipping); i++) await page.waitForTimeout(100);
  assert.match((await read()).tipping, /^a -\d+\.\d% shock$|^none up to 40%/);
  await done();
});

test('place your bet: a new scenario stays hidden until the guess, then the verdict says how far off and why', async () => {
  const { page, done } = await open('', { viewport: { width: 1400, height: 900 } });
  await page.getByTestId('bet-toggle').check();
  await page.getByTestId('preset-select').selectOption('over-levered-longs');
  await page.getByTestId('bet-slider').waitFor();
  const hidden = () => page.getByTestId('headline').evaluate((e) => getComputedStyle(e).visibility === 'hidden');
  for (let i = 0; i < 100 && !(await hidden()); i++) await page.waitForTimeout(50);
  assert.ok(await hidden(), 'the headline is hidden before the bet');
  assert.equal(await page.getByTestId('summary').evaluate((e) => getComputedStyle(e).visibility), 'hidden');
  // A tab that gives nothing away shows while the figures stay hidden (it was blank).
  await page.getByRole('tab', { name: 'Options leverage' }).click();
  await page.getByTestId('tab-options').waitFor();
  assert.equal(await page.getByTestId('tab-options').evaluate((e) => getComputedStyle(e).visibility), 'visible');
  assert.ok(await hidden(), 'the headline stays hidden over the options calculator');
  await page.getByRole('tab', { name: 'The flush' }).click();
  await page.getByTestId('bet-slider').fill('5');
  assert.equal(await page.getByTestId('bet-guess').textContent(), '5.0%');
  await page.getByTestId('bet-reveal').click();
  const verdict = await page.getByTestId('bet-verdict').textContent();
  assert.ok(!(await hidden()), 'revealed');
  const trough = (await tileValue(page, 'Trough')).match(/\(([-+]?[\d.]+%)\)/)[1].replace(/^[-+]/, '');
  assert.ok(verdict.startsWith(`You guessed 5.0%; the price fell ${trough}: `), `${verdict} / ${trough}`);
  assert.match(verdict, /points further than you thought\. Why: the shock alone moved it /);
  // The next scenario is hidden again until the next bet.
  await page.getByTestId('shock-slider').fill(shockPosition(-9));
  for (let i = 0; i < 100 && !(await hidden()); i++) await page.waitForTimeout(50);
  assert.ok(await hidden(), 'hidden again after a change');
  await page.getByTestId('bet-toggle').uncheck();
  assert.ok(!(await hidden()), 'betting off shows everything');
  // A historical preset's story tells the answer ("$58,350 to $49,513"): it waits for the bet.
  await page.getByTestId('bet-toggle').check();
  await page.getByTestId('preset-select').selectOption('btc-2024-08-05');
  const story = page.getByTestId('preset-story');
  await story.filter({ hasText: 'once you have placed your bet' }).waitFor();
  // Its stop-losses sell beside the liquidations: the question says so.
  assert.match(await page.getByTestId('bet-hint').textContent(), /forced liquidations and the traders' own selling here/);
  assert.doesNotMatch(await story.textContent(), /49,513/);
  assert.equal(await page.getByTestId('preset-assumptions').count(), 0);
  // Reveal waits for this preset's run (clicked while it still ran, it judged the guess
  // against the previous scenario's run: CI's slower machine said "fell 24.5%").
  await page.getByTestId('bet-reveal').click();
  await story.filter({ hasText: '49,513' }).waitFor();
  await page.getByTestId('preset-assumptions').waitFor();
  // Its verdict credits the stop-losses' selling too, not the liquidations alone.
  assert.match(await page.getByTestId('bet-verdict').textContent(), /traders' own selling/);
  await done();
  // On a phone the hidden outcome takes no room: the shock the bet asks about follows the bet
  // (it was some 1,000 px of blank below it).
  const phone = await open('', { viewport: { width: 390, height: 844 } });
  await phone.page.getByTestId('bet-toggle').check();
  await phone.page.getByTestId('preset-select').selectOption('over-levered-longs');
  await phone.page.getByTestId('bet-slider').waitFor();
  const gap = () => phone.page.evaluate(() => {
    const bet = document.querySelector('[data-testid="bet"]').getBoundingClientRect();
    const shock = document.querySelector('.controls > .shock-panel').getBoundingClientRect();
    return shock.top - bet.bottom;
  });
  let between = await gap();
  for (let i = 0; i < 100 && between > 60; i++) {
    await phone.page.waitForTimeout(50);
    between = await gap();
  }
  assert.ok(between >= 0 && between <= 60, `${between} px between the bet and the shock`);
  await phone.done();
});
