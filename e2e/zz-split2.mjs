import { serveDist, launchBrowser, openPage } from './harness.mjs';
const server = await serveDist();
const browser = await launchBrowser();
const { page } = await openPage(browser, { viewport: { width: 1400, height: 900 } });
page.on('console', m => { if (m.text().startsWith('DBG')) console.log(m.text().slice(0, 400)); });
await page.goto(server.url);
await page.waitForSelector('[data-testid=chart-map] .main-svg');
await page.waitForTimeout(1500);
const r = await page.evaluate(async () => {
  const log = [];
  const { react, animate } = Plotly;
  const pathOf = (el) => el.querySelector('.scatterlayer .trace path')?.getAttribute('d')?.slice(-40);
  Plotly.react = function (el, ...x) { log.push('R ' + el.dataset.testid); return react.call(this, el, ...x); };
  Plotly.animate = function (el, ...x) {
    const before = pathOf(el); const s = performance.now();
    const v = animate.call(this, el, ...x);
    const entry = { name: 'A ' + el.dataset.testid, sync: pathOf(el) !== before, ms: performance.now() - s };
    let hop = 0; const chain = () => { hop++; if (pathOf(el) !== before) { entry.hops = hop; return; } if (hop < 50) Promise.resolve().then(chain); }; Promise.resolve().then(chain);
    setTimeout(() => { entry.macro = pathOf(el) !== before; entry.macroMs = performance.now() - s; }, 0);
    requestAnimationFrame(() => { entry.raf = pathOf(el) !== before; entry.rafMs = performance.now() - s; });
    log.push(entry);
    return v;
  };
  const slider = document.querySelector('[data-testid=shock-slider]');
  for (const v of [-4.5, -5, -5.5, -6, -5.5, -5]) {
    slider.value = String(v); slider.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  }
  return log.filter(x => typeof x !== "string" || x.startsWith("R"));
});
console.log(r.map(x => JSON.stringify(x)).join('\n'));
await browser.close(); await server.close();
