import { launchBrowser, openPage, serveDist } from './harness.mjs';
const jobs = JSON.parse(process.argv[2]);
const server = await serveDist();
const browser = await launchBrowser();
for (const job of jobs) {
  const { page, problems } = await openPage(browser, { viewport: { width: job.w, height: job.h } });
  await page.goto(server.url + (job.q ?? ''));
  await page.waitForTimeout(1500);
  if (job.tab) {
    await page.getByRole('tab', { name: job.tab }).click().catch(() => page.getByText(job.tab).first().click());
    await page.waitForTimeout(job.wait ?? 15000);
  }
  await page.screenshot({ path: job.out, fullPage: !!job.full });
  const warn = await page.locator('[data-testid="cycles-unrealistic"]').count();
  console.log(job.out, JSON.stringify(problems), 'unrealistic:', warn);
  await page.close();
}
await browser.close();
await server.close();
