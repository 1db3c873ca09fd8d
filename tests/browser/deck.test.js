// The example deck (dist/deck/, built by build_deck in scripts/tools.sh):
// reveal.js from npm with SagaScope embedded; on one slide the deck's own
// fragments step a saga through the host API.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, screenshot } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('the deck\'s own keys move to the driven slide, and its fragments play the embedded saga to each beat, its messages seen moving', async () => {
  const { page, problems, close } = await openPage(browser, server.url);
  try {
    await page.goto(`${server.url}deck/index.html`);
    await page.locator('.reveal.ready').waitFor();
    // The deck's keys: two slides on, to the driven one.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => location.hash === '#/2');
    const app = page.frameLocator('#driven');
    const root = app.locator('[data-testid="sagascope"]');
    const said = page.locator('#driven-state');
    await said.getByText('SagaScope: step 0 of 24').waitFor();
    /** Presses `key` and waits for the embed to show messages moving, then to stand at `step`. */
    const beat = async (key, step) => {
      await page.keyboard.press(key);
      await app.locator('[data-testid="sagascope"][data-moving="true"]').waitFor({ timeout: 10_000 });
      await said.getByText(`SagaScope: step ${step} of 24`).waitFor({ timeout: 30_000 });
      await app.locator(`[data-testid="sagascope"][data-step="${step}"][data-moving="false"]`).waitFor();
      assert.equal(await root.getAttribute('data-playing'), 'false', `paused on step ${step}`);
    };
    // Each fragment is a beat of the saga: the embed plays to it (every
    // step's moves seen, no jump) and stops there.
    for (const step of [8, 13, 17, 21]) await beat('ArrowRight', step);
    await screenshot(page, 'deck-driven');
    // Back one fragment: the steps back, each one's moves reversed.
    await beat('ArrowLeft', 17);
    // The embed's chrome is gone: no header, no side panel.
    assert.equal(await app.locator('.app > header').isVisible(), false);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

for (const [width, height] of [[1920, 1080], [1280, 720]]) {
  test(`at ${width}x${height} the compare slide shows both styles side by side, each embed whole inside the window`, async () => {
    const { page, problems, close } = await openPage(browser, server.url, { width, height });
    try {
      await page.goto(`${server.url}deck/index.html#/3`);
      await page.locator('.reveal.ready').waitFor();
      const frames = page.locator('section.present iframe');
      assert.equal(await frames.count(), 2);
      const boxes = [];
      for (const [i, scenario] of [[0, 'choreography'], [1, 'orchestration']]) {
        const frame = frames.nth(i);
        const root = page.frameLocator(`section.present iframe >> nth=${i}`).locator('[data-testid="sagascope"]');
        await root.waitFor();
        assert.equal(await root.getAttribute('data-scenario'), scenario);
        const box = await frame.boundingBox();
        boxes.push(box);
        assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height,
          `${scenario}'s iframe ${JSON.stringify(box)} inside ${width}x${height}`);
        // Nothing cut inside it either: its stage, caption and controls fit its height.
        const inner = page.frameLocator(`section.present iframe >> nth=${i}`);
        const fits = await inner.locator('body').evaluate((body) => body.scrollHeight <= innerHeight && body.scrollWidth <= innerWidth);
        assert.ok(fits, `${scenario}'s embed needs no scrolling`);
        await inner.getByRole('button', { name: 'Play' }).waitFor();
      }
      assert.ok(boxes[0].x + boxes[0].width <= boxes[1].x, 'side by side, not overlapping');
      await screenshot(page, `deck-compare-${width}`);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
}

test('an embed\'s slide left at step 3 comes back at step 3: reveal.js unloads its lazy iframe and loads it again from data-src', async () => {
  const { page, problems, close } = await openPage(browser, server.url);
  try {
    await page.goto(`${server.url}deck/index.html#/1`);
    await page.locator('.reveal.ready').waitFor();
    const frame = 'iframe[title="SagaScope: the dual write loses an event"]';
    const app = page.frameLocator(frame);
    const root = app.locator('[data-testid="sagascope"]');
    await root.waitFor();
    // The presenter steps the embed (here through the host API, as a deck's script would).
    await page.evaluate((frame) => document.querySelector(frame).contentWindow.postMessage(
      { namespace: 'sagascope', v: 1, id: 1, method: 'goto', args: { step: 3 } }, '*'), frame);
    await app.locator('[data-testid="sagascope"][data-step="3"]').waitFor();
    // Leave the slide: reveal.js unloads the iframe.
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => location.hash === '#/2');
    assert.equal(await page.locator(frame).getAttribute('src'), null, 'unloaded');
    // Come back: loaded again from its data-src, the original URL, with no step in it.
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => location.hash === '#/1');
    assert.match(await page.locator(frame).getAttribute('src'), /#\/outbox\?variant=dual-write&embed=1$/);
    await root.waitFor();
    assert.equal(await root.getAttribute('data-step'), '3', 'as it was left');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
