// Screenshots for docs/explainer.md: the first screen at a phone, a tablet and a desktop size, and an
// embed at 600x500. `node e2e/screenshots.mjs` (after `make build`) writes docs/screenshots/*.png.
import { launchBrowser, openPage, serveDist } from './harness.mjs';

const shots = [
  { name: 'phone-390x844', query: '', viewport: { width: 390, height: 844 }, mobile: true },
  { name: 'tablet-768x1024', query: '', viewport: { width: 768, height: 1024 }, mobile: true },
  { name: 'desktop-1440x900', query: '', viewport: { width: 1440, height: 900 } },
  { name: 'embed-600x500', query: '?embed=1&view=price,map', viewport: { width: 600, height: 500 } },
];

const server = await serveDist();
const browser = await launchBrowser();
try {
  for (const shot of shots) {
    const { page, context } = await openPage(browser, {
      viewport: shot.viewport,
      ...(shot.mobile ? { isMobile: true, hasTouch: true } : {}),
    });
    await page.goto(server.url + shot.query);
    // plotly's drawing, or on a phone the page's own SVG until the first touch brings plotly.
    await page.locator('[data-testid="chart-price"] svg').first().waitFor();
    await page.waitForTimeout(800);
    const path = new URL(`../docs/screenshots/${shot.name}.png`, import.meta.url);
    await page.screenshot({ path: path.pathname });
    console.log(`wrote ${path.pathname}`);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
