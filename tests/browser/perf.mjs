// Browser figures for scripts/bench (prints them; asserts nothing):
// time from navigation to the first lesson drawn; the same on an emulated
// slow connection, for the course's first paint and a lesson's first stage
// (and RaftScope's first picture); frame intervals while `sandbox` plays
// with 50 orders in flight; while a guided lesson plays at the default
// speed, beside RaftScope running (given a checkout of it in RAFTSCOPE, a
// folder: nothing is downloaded), the main thread's busy share, long
// tasks and the frame intervals while messages move; the busy share while
// paused and on a bare page; the explorer's targets in the browser (click
// to verdict, worker start-up included); and how much the wasm memory
// grows over 4,000 rendered steps, alone and with two runs compared.

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

// The issue's slow connection: 1.6 Mbit/s down, 150 ms latency.
const SLOW = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 0.75e6 / 8 };

/**
 * Opens `url` on the emulated slow connection and resolves to the ms from
 * navigation to the first animation frame (just before its paint) in
 * which `selector` shows.
 */
async function slowLoad(url, selector) {
  const { page, close } = await openPage(browser, url);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW);
  await page.addInitScript((selector) => {
    const look = () => {
      if ([...document.querySelectorAll(selector)].some((e) => e.getClientRects().length > 0)) window.__shown = performance.now();
      else requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  }, selector);
  await page.goto(url);
  await page.waitForFunction(() => window.__shown !== undefined, null, { timeout: 60_000 });
  const ms = await page.evaluate(() => window.__shown);
  await close();
  return ms;
}

/** `slowLoad` five times: "median ms (each load)". */
async function slowLoads(url, selector) {
  const loads = [];
  for (let i = 0; i < 5; i++) loads.push(await slowLoad(url, selector));
  const sorted = [...loads].sort((a, b) => a - b);
  return `${sorted[2].toFixed(0)} ms (${loads.map((r) => r.toFixed(0)).join(', ')})`;
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
  await page.getByRole('combobox', { name: 'Speed' }).selectOption({ label: 'half pace' });
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

/**
 * Watches `page` for `ms`: the main thread's busy share, long tasks (over
 * 50 ms, from a PerformanceObserver in the page) and the intervals between
 * animation frames (requestAnimationFrame's timestamps in the page), those
 * that end while `moving` matches something apart.
 */
async function watch(page, ms, moving) {
  await page.evaluate((moving) => {
    const seen = { longTasks: [], gaps: [], moving: [] };
    window.__watch = seen;
    new PerformanceObserver((list) => seen.longTasks.push(...list.getEntries().map((e) => Math.round(e.duration)))).observe({ type: 'longtask' });
    let last;
    const frame = (now) => {
      if (last !== undefined) {
        seen.gaps.push(now - last);
        seen.moving.push(document.querySelector(moving) !== null);
      }
      last = now;
      seen.frame = requestAnimationFrame(frame);
    };
    seen.frame = requestAnimationFrame(frame);
  }, moving);
  const share = await busy(page, ms);
  const seen = await page.evaluate(() => {
    cancelAnimationFrame(window.__watch.frame);
    return window.__watch;
  });
  const gaps = seen.gaps.filter((_, i) => seen.moving[i]).sort((a, b) => a - b);
  const p95 = gaps.length ? gaps[Math.floor(gaps.length * 0.95)] : NaN;
  return { busy: share, longTasks: seen.longTasks, frames: gaps.length, p95 };
}

/** A bare page, and FTGO's Create Order paused, for the busy share alone. */
async function idleShares() {
  const bare = await openPage(browser, server.url);
  await bare.page.setContent('<!doctype html><title>bare</title><p>A bare page.</p>');
  const idle = await busy(bare.page, 5000);
  await bare.close();
  const { page, close } = await openPage(browser, server.url);
  await page.goto(`${server.url}#/ftgo-create-order?variant=approved`);
  await page.locator('[data-testid="sagascope"]').waitFor();
  const paused = await busy(page, 3000);
  await close();
  return { idle, paused };
}

/**
 * FTGO's Create Order playing as a learner gets it: guided, at the default
 * speed, every step's motion and reading time (its one question counted
 * as answered, so play does not stop to ask it), watched for 15 s.
 */
async function guidedPlay() {
  const { page, close } = await openPage(browser, server.url);
  await page.goto(`${server.url}#/ftgo-create-order?variant=approved&answered=0`);
  await page.locator('[data-testid="sagascope"]').waitFor();
  await page.getByRole('button', { name: 'Play' }).click();
  const seen = await watch(page, 15_000, '[data-testid="sagascope"][data-moving="true"]');
  seen.step = await page.locator('[data-testid="sagascope"]').getAttribute('data-step');
  await close();
  return seen;
}

/** RaftScope, the reference the issue measures against, running as it opens (its messages on the way are `#messages > *`). */
async function raftscope(dir) {
  const raft = await serve(resolve(dir));
  const { page, close } = await openPage(browser, raft.url);
  await page.goto(raft.url);
  await page.waitForTimeout(1000);
  const seen = await watch(page, 15_000, '#messages > *');
  await close();
  await raft.close();
  return seen;
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
  await dialog.getByText(/^(No violation|Inconclusive|Searched|The explorer)/).waitFor({ timeout: 120_000 });
  const ms = Date.now() - started;
  const status = await dialog.locator('.explorer-status').textContent();
  const memory = Number(await dialog.locator('.explorer-status').getAttribute('data-memory'));
  const result = (await dialog.locator('.explorer-result strong').textContent().catch(() => '')) ||
    (status.startsWith('Inconclusive') ? 'INCONCLUSIVE' : 'searched whole');
  await page.context().close();
  const states = Number(status.match(/([\d,]+) distinct states/)?.[1].replaceAll(',', '') ?? 0);
  const perState = states >= 10_000 ? `, ${Math.round(memory / states)} B a state` : '';
  return `${ms} ms, ${result}; ${states.toLocaleString('en')} distinct states, ${Math.round(states / (ms / 1000)).toLocaleString('en')} a second, ` +
    `worker memory ${Math.round(memory / 2 ** 20)} MB${perState}`;
}

const runs = [];
for (let i = 0; i < 5; i++) runs.push(await firstDraw());
runs.sort((a, b) => a - b);
console.log(`first draw: median ${runs[2].toFixed(0)} ms (5 loads: ${runs.map((r) => r.toFixed(0)).join(', ')} ms)`);
// Served as a static host serves it (gzip), on the slow connection.
const gzipped = await serve(undefined, { gzip: true });
console.log(`slow connection (1.6 Mbit/s, 150 ms), median of 5: the course's first paint ${await slowLoads(`${gzipped.url}#/`, '[data-lesson] a')}; ` +
  `a lesson's first stage ${await slowLoads(`${gzipped.url}#/choreography`, '.canvas .service')}`);
await gzipped.close();
if (process.env.RAFTSCOPE) {
  const raft = await serve(resolve(process.env.RAFTSCOPE), { gzip: true });
  console.log(`slow connection: RaftScope's first picture ${await slowLoads(raft.url, '#servers .server')}`);
  await raft.close();
}
const f = await frames();
console.log(`playing sandbox, up to ${f.inFlight} messages in flight: frame interval median ${f.median.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms`);
const pct = (x) => `${(x * 100).toFixed(1)} %`;
const said = (what, w) => `${what}: main thread busy ${pct(w.busy)}, ${w.longTasks.length} long tasks (over 50 ms${w.longTasks.map((ms) => `, ${ms}`).join('')}), ` +
  `frame interval p95 ${w.p95.toFixed(1)} ms over ${w.frames} frames while messages move`;
const guided = await guidedPlay();
console.log(said(`FTGO Create Order, guided at the default speed (15 s, to step ${guided.step})`, guided));
if (process.env.RAFTSCOPE) {
  const raft = await raftscope(process.env.RAFTSCOPE);
  console.log(said('RaftScope running (15 s)', raft));
  console.log(`busy share, SagaScope against RaftScope: ${(guided.busy / raft.busy).toFixed(2)} (at most 0.5 wanted)`);
} else {
  console.log('(RAFTSCOPE=<a folder with a RaftScope checkout and its submodules> measures RaftScope in the same run)');
}
const b = await idleShares();
console.log(`main thread busy: FTGO Create Order paused ${pct(b.paused)}, a bare page ${pct(b.idle)}`);
for (const [hash, faults] of [
  ['#/isolation?variant=no-countermeasure', []],
  ['#/isolation?variant=semantic-lock', []],
  ['#/isolation?variant=semantic-lock', ['a message delivered twice', 'a service crashes (and restarts)']],
  ['#/outbox?variant=dual-write', []],
  ['#/outbox?variant=outbox', []],
  ['#/idempotent-consumer?variant=no-idempotence', []],
  ['#/idempotent-consumer?variant=duplicate-dropped', ['a message delivered twice']],
  // Every FTGO variant from its start, without faults and with each single
  // fault (natively, ./scripts/bench lists every lesson's).
  ...['ftgo-create-order?variant=approved', 'ftgo-create-order?variant=authorization-fails', 'ftgo-create-order?variant=consumer-invalid',
    'ftgo-create-order?variant=compensation-fails', 'ftgo-cancel-order?variant=cancelled', 'ftgo-cancel-order?variant=too-early',
    'ftgo-cancel-order?variant=kitchen-preparing', 'ftgo-revise-order?variant=revised', 'ftgo-revise-order?variant=kitchen-preparing']
    .flatMap((variant) => [[], ['a message delivered twice'], ['a service crashes (and restarts)'], ['a relay crashes mid-publish'],
      ['a consumer group rebalances']].map((faults) => [`#/${variant}&step=0`, faults])),
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
