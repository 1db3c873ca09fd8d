// Browser figures for scripts/bench (prints them; asserts nothing):
// time from navigation to the first lesson drawn; frame intervals while
// `sandbox` plays with 50 orders in flight; the main thread's busy share
// while a lesson plays and while paused, beside a bare page (and RaftScope
// running, given a checkout of it in RAFTSCOPE); the explorer's targets in
// the browser (click to verdict, worker start-up included); and how much
// the wasm memory grows over 4,000 rendered steps, alone and with two runs
// compared.

import { resolve } from 'node:path';
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

/** The share of wall time the page's main thread spent on tasks during `ms`. */
async function busy(page, ms) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  const before = await task();
  await page.waitForTimeout(ms);
  return ((await task()) - before) / (ms / 1000);
}

async function busyShares() {
  const bare = await openPage(browser, server.url);
  await bare.page.setContent('<!doctype html><title>bare</title><p>A bare page.</p>');
  const idle = await busy(bare.page, 5000);
  await bare.close();
  const { page, close } = await openPage(browser, server.url);
  await page.goto(`${server.url}#/ftgo-create-order?variant=approved&guided=0`);
  await page.locator('[data-testid="sagascope"]').waitFor();
  const paused = await busy(page, 3000);
  await page.getByRole('combobox', { name: 'Speed' }).selectOption({ label: '0.03×' });
  await page.getByRole('button', { name: 'Play' }).click();
  const playing = await busy(page, 5000);
  await close();
  return { idle, paused, playing };
}

/** RaftScope, the reference the issue measures against, running as it opens. */
async function raftscopeBusy(dir) {
  const raft = await serve(resolve(dir));
  const { page, close } = await openPage(browser, raft.url);
  await page.goto(raft.url);
  await page.waitForTimeout(1000);
  const share = await busy(page, 5000);
  await close();
  await raft.close();
  return share;
}

/** Wasm memory before and after 4,000 rendered steps (Home and End on a
 * lesson), and the mean time a key press takes to be handled and drawn. */
async function memoryGrowth(hash) {
  const { page, close } = await openPage(browser, server.url);
  await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => {
    window.__memory = Object.values(e.detail.wasm).find((v) => v instanceof WebAssembly.Memory);
  }));
  await page.goto(server.url + hash);
  await page.locator('[data-testid="sagascope"]').waitFor();
  const bytes = () => page.evaluate(() => window.__memory.buffer.byteLength);
  for (let i = 0; i < 50; i++) await page.keyboard.press(i % 2 ? 'Home' : 'End');
  const before = await bytes();
  const start = performance.now();
  for (let i = 0; i < 4000; i++) await page.keyboard.press(i % 2 ? 'Home' : 'End');
  const ms = (performance.now() - start) / 4000;
  const after = await bytes();
  await close();
  return { before, after, ms };
}

/** The explorer from a lesson variant's start: time from the click to its verdict (the worker loads on the first click of each page). */
async function explore(hash, faults = []) {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
  await page.goto(server.url + hash);
  await page.locator('[data-testid="sagascope"]').waitFor();
  await page.getByRole('button', { name: 'Can this go wrong?' }).click();
  const dialog = page.getByTestId('explorer');
  for (const fault of faults) await dialog.getByLabel(fault).check();
  const started = Date.now();
  await dialog.getByRole('button', { name: 'Search every order' }).click();
  await dialog.getByText(/^(No violation|Searched|The explorer)/).waitFor({ timeout: 120_000 });
  const ms = Date.now() - started;
  const result = (await dialog.locator('.explorer-result strong').textContent().catch(() => '')) || 'no violation';
  const status = await dialog.locator('.explorer-status').textContent();
  await page.context().close();
  return `${ms} ms, ${result}; ${status.match(/[\d,]+ distinct states/)?.[0] ?? status}`;
}

const runs = [];
for (let i = 0; i < 5; i++) runs.push(await firstDraw());
runs.sort((a, b) => a - b);
console.log(`first draw: median ${runs[2].toFixed(0)} ms (5 loads: ${runs.map((r) => r.toFixed(0)).join(', ')} ms)`);
const f = await frames();
console.log(`playing sandbox, up to ${f.inFlight} messages in flight: frame interval median ${f.median.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms`);
const b = await busyShares();
const pct = (x) => `${(x * 100).toFixed(1)} %`;
console.log(`main thread busy: FTGO Create Order playing ${pct(b.playing)}, paused ${pct(b.paused)}, a bare page ${pct(b.idle)}`);
if (process.env.RAFTSCOPE) {
  console.log(`main thread busy: RaftScope (${process.env.RAFTSCOPE}) running ${pct(await raftscopeBusy(process.env.RAFTSCOPE))}`);
} else {
  console.log('(RAFTSCOPE=<a RaftScope checkout with its submodules> measures RaftScope in the same run)');
}
for (const [hash, faults] of [
  ['#/isolation?variant=no-countermeasure', []],
  ['#/isolation?variant=semantic-lock', []],
  ['#/isolation?variant=semantic-lock', ['a message delivered twice', 'a service crashes (and restarts)']],
  ['#/outbox?variant=dual-write', []],
  ['#/outbox?variant=outbox', []],
  ['#/idempotent-consumer?variant=no-idempotence', []],
  ['#/idempotent-consumer?variant=duplicate-dropped', ['a message delivered twice']],
]) {
  const with_ = faults.length ? ` with ${faults.join(', ')}` : '';
  console.log(`explore ${hash.slice(2)}${with_}: ${await explore(hash, faults)}`);
}
for (const [what, hash] of [
  ['choreography', '#/choreography?variant=approved&guided=0'],
  // Two runs compared: the explorer's lost update beside the lesson's own run.
  ['isolation, two runs compared', '#/isolation?variant=no-countermeasure&guided=0&seed=1&path=0,0,0,0,1,1,1&compare=1'],
]) {
  const m = await memoryGrowth(hash);
  console.log(`wasm memory over 4,000 rendered steps (${what}): ${(m.before / 1024).toFixed(0)} KB -> ${(m.after / 1024).toFixed(0)} KB` +
    ` (+${((m.after - m.before) / 1024).toFixed(0)} KB); ${m.ms.toFixed(1)} ms a key press, handled and drawn, driver included`);
}
await browser.close();
await server.close();
