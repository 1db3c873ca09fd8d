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

test('the deck\'s own keys move to the driven slide, and its fragments step the embedded saga', async () => {
  const { page, problems, close } = await openPage(browser, server.url);
  try {
    await page.goto(`${server.url}deck/index.html`);
    await page.locator('.reveal.ready').waitFor();
    // The deck's keys: two slides on, to the driven one.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => location.hash === '#/2');
    const app = page.frameLocator('#driven');
    const said = page.locator('#driven-state');
    await said.getByText('SagaScope: step 0 of 24').waitFor();
    // Each fragment is a beat of the saga, reported back by the embed.
    for (const [beat, step] of [[1, 8], [2, 13], [3, 17], [4, 21]]) {
      await page.keyboard.press('ArrowRight');
      await said.getByText(`SagaScope: step ${step} of 24`).waitFor();
      assert.equal(await app.locator('[data-testid="sagascope"]').getAttribute('data-step'), String(step), `beat ${beat}`);
    }
    await screenshot(page, 'deck-driven');
    // Back one fragment, back one beat.
    await page.keyboard.press('ArrowLeft');
    await said.getByText('SagaScope: step 17 of 24').waitFor();
    // The embed's chrome is gone: no header, no side panel.
    assert.equal(await app.locator('.app > header').isVisible(), false);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

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
