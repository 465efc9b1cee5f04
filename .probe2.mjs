import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless'] });
const context = await browser.newContext({ viewport: { width: 800, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
const page = await context.newPage();
await page.goto('http://127.0.0.1:4477/?user=probe2#/pages/todos/index');
await page.getByText('这里还没有待办').waitFor();
await page.evaluate(() => {
  const s = document.querySelector('.pv-page--active .pv-scroll');
  window.__ev = [];
  for (const t of ['pointerdown', 'pointermove', 'pointerup', 'pointercancel']) s.addEventListener(t, (e) => window.__ev.push(`${t} ${e.clientY} b=${e.buttons} st=${s.scrollTop}`));
});
const box = await page.locator('.pv-page--active .pv-scroll').boundingBox();
console.log(box);
await page.mouse.move(box.x + 150, box.y + 300);
await page.mouse.down();
for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 150, box.y + 300 + i * 15);
await page.mouse.up();
console.log((await page.evaluate(() => window.__ev)).join('\n'));
await browser.close();
