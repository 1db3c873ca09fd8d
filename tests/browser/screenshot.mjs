// Takes a screenshot of the built app (dist/), for looking at the UI.
//   node tests/browser/screenshot.mjs '#/outbox?step=3' outbox 1280 720
// writes test-artifacts/outbox.png and prints any console problems.
import { serve, launch, openPage, screenshot } from './harness.js';
const server = await serve(); const browser = await launch();
const [hash, name, w, h] = process.argv.slice(2);
const { page, problems, close } = await openPage(browser, server.url, { width: +w || 1280, height: +h || 720 });
await page.goto(server.url + (hash || ''));
await page.locator('[data-testid="sagascope"]').first().waitFor();
await page.waitForTimeout(300);
await screenshot(page, name || 'shot');
console.log(JSON.stringify(problems));
await close(); await browser.close(); await server.close();
