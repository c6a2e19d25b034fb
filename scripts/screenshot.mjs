// Screenshots of the release build for looking at the app: node scripts/screenshot.mjs [query] [width] [out.png]
import { launchBrowser, openPage, serveDist } from '../e2e/harness.mjs';

const [query = '', width = '1400', out = '/tmp/flushlab.png'] = process.argv.slice(2);
const server = await serveDist();
const browser = await launchBrowser();
// Tall: charts off screen are drawn only when they scroll in.
const { page, problems } = await openPage(browser, { viewport: { width: Number(width), height: 2600 } });
await page.goto(server.url + query);
await page.locator('[data-testid="chart-price"] .main-svg, [data-testid="chart-map"] .main-svg').first().waitFor({ timeout: 20000 }).catch(() => {});
await page.waitForTimeout(Number(process.env.WAIT ?? 1500));
await page.screenshot({ path: out, fullPage: true });
console.log(JSON.stringify(problems));
const timings = await page.evaluate(() => performance.getEntriesByType('measure').map((m) => `${m.name} ${m.duration.toFixed(1)}`));
console.log(timings.slice(-10).join('\n'));
await browser.close();
await server.close();
