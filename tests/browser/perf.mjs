// Browser figures for scripts/bench (prints them; asserts nothing):
// time from navigation to the first lesson drawn, and frame intervals while
// `sandbox` plays with 50 orders in flight.

import { serve, launch, openPage } from './harness.js';

const server = await serve();
const browser = await launch();

async function firstDraw() {
  const { page, close } = await openPage(browser, server.url);
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-service]')) {
        window.__drawn = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(`${server.url}#/choreography`);
  await page.waitForFunction(() => window.__drawn !== undefined);
  const ms = await page.evaluate(() => window.__drawn);
  await close();
  return ms;
}

async function frames() {
  const { page, close } = await openPage(browser, server.url);
  await page.goto(`${server.url}#/sandbox`);
  await page.locator('[data-testid="sagascope"]').waitFor();
  // Customer Service is down while 50 orders are placed, so all 50
  // OrderCreatedEvents are in the broker when it restarts and playback starts.
  await page.getByRole('button', { name: 'Crash Customer Service' }).click();
  for (let i = 0; i < 50; i++) await page.getByRole('button', { name: 'Place order' }).click();
  await page.keyboard.press('End');
  await page.getByRole('button', { name: 'Restart Customer Service' }).click();
  await page.getByRole('combobox', { name: 'Speed' }).selectOption({ label: '0.03×' });
  await page.getByRole('button', { name: 'Play' }).click();
  const result = await page.evaluate(() => new Promise((resolve) => {
    const gaps = [];
    let last = performance.now();
    let inFlight = 0;
    const tick = (now) => {
      gaps.push(now - last);
      last = now;
      inFlight = Math.max(inFlight, document.querySelectorAll('[data-message]').length);
      if (gaps.length < 180) requestAnimationFrame(tick); else resolve({ gaps, inFlight });
    };
    requestAnimationFrame(tick);
  }));
  await close();
  const sorted = result.gaps.slice(1).sort((a, b) => a - b);
  return { p95: sorted[Math.floor(sorted.length * 0.95)], median: sorted[Math.floor(sorted.length / 2)], inFlight: result.inFlight };
}

const runs = [];
for (let i = 0; i < 5; i++) runs.push(await firstDraw());
runs.sort((a, b) => a - b);
console.log(`first draw: median ${runs[2].toFixed(0)} ms (5 loads: ${runs.map((r) => r.toFixed(0)).join(', ')} ms)`);
const f = await frames();
console.log(`playing sandbox, up to ${f.inFlight} messages in flight: frame interval median ${f.median.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms`);
await browser.close();
await server.close();
