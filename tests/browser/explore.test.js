// The explorer ("Can this go wrong?"): it finds the lost update in the
// isolation lesson without the semantic lock and opens it as a run whose
// chosen steps the log marks, also from the middle of a run; with the lock it searches everything and
// finds nothing; the page keeps animating while its worker searches; and a
// link whose path does not fit the lesson says so and shows the lesson.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, visit, screenshot } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const root = (page) => page.locator('[data-testid="sagascope"]');

/** Opens the explorer's dialog, ticks `faults`, searches, and returns the dialog once it has a verdict. */
async function explore(page, faults = []) {
  await root(page).waitFor();
  await page.getByRole('button', { name: /Can this go wrong/ }).click();
  const dialog = page.getByTestId('explorer');
  await dialog.waitFor();
  for (const fault of faults) await dialog.getByLabel(fault).check();
  await dialog.getByRole('button', { name: 'Search every order' }).click();
  await dialog.getByText(/^(No violation|Inconclusive|Searched)/).waitFor({ timeout: 60_000 });
  return dialog;
}

test('without the semantic lock the explorer finds the lost update and opens it as a run, its choices marked', async () => {
  await visit(browser, server.url, '#/isolation?variant=no-countermeasure&guided=0', async (page) => {
    const dialog = await explore(page);
    const result = await dialog.locator('.explorer-result').textContent();
    assert.match(result, /Found: Lost update/);
    assert.match(result, /order 1 went from CANCELLED to APPROVED/);
    await screenshot(page, 'explore-found');
    await dialog.getByRole('button', { name: 'Open this run' }).click();
    await page.waitForFunction(() => location.hash.includes('path='));
    assert.equal(await dialog.isVisible(), false, 'the dialog closes');
    const marked = async () => {
      await page.keyboard.press('End');
      await page.locator('[data-violation="lost-update"]').waitFor();
      return page.locator('.log li.chosen').count();
    };
    const chosen = await marked();
    assert.ok(chosen > 0, 'the log marks the steps the explorer chose');
    assert.match(await page.locator('.log li.chosen').first().textContent(), /handled|read/);
    await screenshot(page, 'explore-run');
    // The link is the run: reloading it shows the same run.
    await page.reload();
    await root(page).waitFor();
    assert.equal(await marked(), chosen, 'a reload follows the same path');
  });
});

test('with the semantic lock the same search finds nothing and says how much it covered', async () => {
  await visit(browser, server.url, '#/isolation?variant=semantic-lock&guided=0', async (page) => {
    const dialog = await explore(page);
    const status = await dialog.locator('.explorer-status').textContent();
    assert.match(status, /^No violation: every order of these events keeps every invariant, every run searched to its end\. Searched ([\d,]+) distinct states/);
    const states = Number(status.match(/Searched ([\d,]+) distinct/)[1].replaceAll(',', ''));
    assert.ok(states > 10, `${states} states`);
    assert.equal(await dialog.locator('.explorer-result').textContent(), '', 'no run to open');
  });
});

test('a search stopped by its state cap says it is inconclusive, never that nothing broke', async () => {
  // FTGO Cancel Order from its start with a crash and a relay crash has more
  // than the 300,000 states the page keeps.
  await visit(browser, server.url, '#/ftgo-cancel-order?variant=cancelled&guided=0&step=0', async (page) => {
    const dialog = await explore(page, ['a service crashes (and restarts)', 'a relay crashes mid-publish']);
    const status = await dialog.locator('.explorer-status').textContent();
    assert.match(status, /^Inconclusive: the search stopped at its cap of 300,000 states, \d+ choices deep\. Nothing broke among them, but that is not a pass: /);
    assert.doesNotMatch(status, /No violation/);
  });
});

test('the page keeps animating while the explorer searches: no long task over 100 ms', async () => {
  await visit(browser, server.url, '#/ftgo-create-order?variant=authorization-fails&guided=0', async (page) => {
    await root(page).waitFor();
    // A larger search (FTGO with every kind of fault: some 40,000 states,
    // long enough to watch on an idle machine too) while the lesson plays
    // on the stage; watched from the click on Search to the verdict.
    await page.getByRole('button', { name: 'Can this go wrong?' }).click();
    const dialog = page.getByTestId('explorer');
    for (const fault of ['a message delivered twice', 'a service crashes (and restarts)', 'a relay crashes mid-publish', 'a consumer group rebalances']) {
      await dialog.getByLabel(fault).check();
    }
    await page.keyboard.press('Space');
    await page.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration)))
        .observe({ type: 'longtask' });
      window.frames = 0;
      const tick = () => { window.frames += 1; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
      window.searchStarted = performance.now();
    });
    await dialog.getByRole('button', { name: 'Search every order' }).click();
    await dialog.getByText(/^(No violation|Inconclusive|Searched)/).waitFor({ timeout: 60_000 });
    const watched = await page.evaluate(() => ({ seconds: (performance.now() - window.searchStarted) / 1000, frames: window.frames, longTasks: window.longTasks }));
    assert.match(await dialog.locator('.explorer-status').textContent(), /^No violation/);
    assert.ok(watched.seconds > 0.3, `the search took ${watched.seconds.toFixed(2)} s: long enough to watch the page`);
    assert.deepEqual(watched.longTasks.filter((d) => d > 100), [], 'no long task over 100 ms');
    const fps = watched.frames / watched.seconds;
    assert.ok(fps > 20, `the page drew ${fps.toFixed(0)} frames a second while searching`);
  });
});

test('from the middle of a run the explorer starts there: the run it opens keeps the steps before', async () => {
  await visit(browser, server.url, '#/isolation?variant=no-countermeasure&guided=0&step=3', async (page) => {
    await root(page).waitFor();
    const before = await page.locator('.log li').allTextContents();
    assert.equal(before.length, 3);
    const dialog = await explore(page);
    assert.match(await dialog.locator('.explorer-result').textContent(), /Found: Lost update/);
    await dialog.getByRole('button', { name: 'Open this run' }).click();
    await page.waitForFunction(() => location.hash.includes('path='));
    assert.match(await page.evaluate(() => location.hash), /path=0,0,0,/, 'the path leads through the steps shown');
    await page.keyboard.press('End');
    await page.locator('[data-violation="lost-update"]').waitFor();
    assert.deepEqual((await page.locator('.log li').allTextContents()).slice(0, 3), before, 'the first three steps are kept');
  });
});

test('a link whose path does not fit the lesson says so and shows the lesson\'s own run', async () => {
  await visit(browser, server.url, '#/isolation?variant=no-countermeasure&guided=0&path=0,99,crash:nowhere', async (page) => {
    await root(page).waitFor();
    await page.getByText(/explored run does not fit the lesson/).waitFor();
    assert.equal(await page.locator('.log li.chosen').count(), 0);
    await page.keyboard.press('ArrowRight');
    await page.locator('.log li.current').waitFor();
    assert.ok(!(await page.evaluate(() => location.hash)).includes('path='), 'the link no longer claims the path');
  });
});
