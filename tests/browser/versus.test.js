// Two runs of one lesson compared (src/ui/versus.rs): the explorer's run
// beside the lesson's own, a fork beside the run it left, one run at two
// seeds. Both stand at the same step; the bar and the log mark the first
// step where they differ; the cells that differ are outlined on both
// stages, and nowhere before the runs part.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, visit, screenshot } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const root = (page) => page.locator('[data-testid="sagascope"]');
const step = async (page) => Number(await root(page).getAttribute('data-step'));
/** The step the bar says the runs part at. */
async function partsAt(page) {
  const text = await page.getByTestId('versus').textContent();
  const match = text.match(/They part at step (\d+)/);
  assert.ok(match, `the bar names the step: ${text}`);
  return Number(match[1]);
}
/** The order's state in the run shown on the live stage and on the compared one. */
const orderState = (page, where) => page.locator(`${where} [data-table="order-service/orders"] tr[data-row="1"]`).getAttribute('data-order-state');

test('compare marks the first divergent step: the explorer\'s lost update beside the lesson\'s own run', async () => {
  await visit(browser, server.url, '#/isolation?variant=no-countermeasure&guided=0', async (page) => {
    await root(page).waitFor();
    await page.getByRole('button', { name: /Can this go wrong/ }).click();
    const dialog = page.getByTestId('explorer');
    await dialog.getByRole('button', { name: 'Search every order' }).click();
    await dialog.getByRole('button', { name: 'Open it beside the lesson\'s run' }).click({ timeout: 60_000 });
    await page.getByTestId('versus').waitFor();
    assert.match(await page.evaluate(() => location.hash), /compare=1/);

    // The first step the explorer chose is where the runs part, in the bar and in the log.
    const parts = await partsAt(page);
    const firstChosen = Number(await page.locator('.log li.chosen').first().getAttribute('value'));
    assert.equal(parts, firstChosen);
    assert.equal(await page.locator('.log li.parts').getAttribute('value'), String(parts));
    assert.equal(await page.locator('.log li.parts').count(), 1);

    // Before they part the two stages hold the same rows: nothing outlined.
    await page.getByTestId('versus').getByRole('button', { name: `Go to step ${parts}` }).click();
    assert.equal(await step(page), parts);
    await page.keyboard.press('ArrowLeft');
    assert.equal(await step(page), parts - 1);
    assert.match(await page.locator('.versus-step').textContent(), new RegExp(`step ${parts - 1}:`), 'the other run stands at the same step');
    assert.equal(await page.locator('.stage td.differs, .stage .table-count.differs').count(), 0);

    // Where the lost update happens in this run, the lesson's own run has
    // not approved the cancelled order yet: the order differs, outlined on
    // both stages.
    await page.keyboard.press('End');
    await page.locator('[data-violation="lost-update"] [data-goto]').click();
    assert.equal(await orderState(page, '.canvas-wrap:not(.compared)'), 'APPROVED');
    assert.equal(await orderState(page, '.compared'), 'CANCELLED');
    for (const where of ['.canvas-wrap:not(.compared)', '.compared']) {
      const cell = page.locator(`${where} [data-table="order-service/orders"] tr[data-row="1"] td.differs`);
      assert.ok(await cell.count() > 0, `${where}: the order's differing cells are outlined`);
    }
    // The inspector's whole tables mark them too.
    await page.locator('.canvas-wrap:not(.compared) [data-inspect="order-service"]').click();
    assert.ok(await page.locator('.inspector [data-table="order-service/orders"] td.differs').count() > 0, 'the inspector outlines them');
    await screenshot(page, 'versus-explored');

    // At 1280 px one stage shows at a time; the tabs switch.
    const live = page.locator('.stage > .canvas-wrap:not(.compared)');
    const other = page.locator('.compared');
    assert.ok(await live.isVisible() && !(await other.isVisible()));
    await page.getByRole('tab', { name: 'The other run' }).click();
    assert.ok(!(await live.isVisible()) && await other.isVisible());
    await screenshot(page, 'versus-other-tab');

    // The link is the comparison: a reload shows it again.
    await page.reload();
    await page.getByTestId('versus').waitFor();
    assert.equal(await partsAt(page), parts);

    // Stop, and start again from the log.
    await page.getByRole('button', { name: 'Stop comparing' }).click();
    assert.equal(await page.getByTestId('versus').count(), 0);
    assert.doesNotMatch(await page.evaluate(() => location.hash), /compare=1/);
    await page.getByRole('button', { name: 'Compare with the lesson\'s own run' }).click();
    assert.equal(await partsAt(page), parts);
  }, { width: 1280, height: 720 });
});

test('a fork beside the run it left, both stages side by side on a wide screen', async () => {
  await visit(browser, server.url, '#/choreography?variant=approved&guided=0&step=3', async (page) => {
    await root(page).waitFor();
    await page.locator('.canvas [data-toggle="order-service"]').click();
    assert.equal(await step(page), 4);
    await page.getByRole('button', { name: 'Compare with the run before your action' }).click();
    assert.equal(await partsAt(page), 4, 'they part at the action');
    assert.equal(await page.locator('.canvas-wrap:not(.compared) [data-service="order-service"]').getAttribute('data-status'), 'down');
    assert.equal(await page.locator('.compared [data-service="order-service"]').getAttribute('data-status'), 'up');
    // Wide enough for both: side by side, no tabs.
    assert.ok(await page.locator('.stage > .canvas-wrap:not(.compared)').isVisible());
    assert.ok(await page.locator('.compared').isVisible());
    assert.equal(await page.getByRole('tab', { name: 'The other run' }).isVisible(), false);
    // Stepping moves both; the other run stops at its own end.
    await page.keyboard.press('End');
    const caption = (await page.locator('.versus-step').textContent()).match(/(ended at )?step (\d+):/);
    assert.ok(caption && Number(caption[2]) <= await step(page), 'the other run at the same step, or at its own end');
    await page.keyboard.press('Home');
    assert.match(await page.locator('.versus-step').textContent(), /step 0$/);
    await screenshot(page, 'versus-fork-wide');
  }, { width: 1920, height: 1080 });
});

test('one run at two seeds: the same run, or one whose timing differs', async () => {
  await visit(browser, server.url, '#/outbox?variant=dual-write&guided=0&seed=1', async (page) => {
    await root(page).waitFor();
    const seed = async (n) => {
      await page.getByLabel('Seed').fill(String(n));
      await page.getByLabel('Seed').press('Tab');
      await page.getByRole('button', { name: `Compare with the same run at seed ${n - 1}` }).click();
    };
    // Without the outbox nothing waits on a relay: the seed changes nothing.
    await seed(2);
    assert.match(await page.getByTestId('versus').textContent(), /They are the same run\./);
    await page.keyboard.press('End');
    assert.equal(await page.locator('.log li.parts').count(), 0);
    assert.equal(await page.locator('.stage td.differs').count(), 0);
    // Another variant ends the comparison.
    await page.getByRole('combobox', { name: 'Variant' }).selectOption({ index: 1 });
    await page.waitForFunction(() => location.hash.includes('variant=outbox&'));
    assert.equal(await page.getByTestId('versus').count(), 0);
    assert.equal(await page.getByRole('button', { name: /^Compare with/ }).count(), 0);
    // With it, the relay's timing comes from the seed.
    await seed(3);
    const parts = await partsAt(page);
    await page.keyboard.press('End');
    assert.equal(await page.locator('.log li.parts').getAttribute('value'), String(parts));
  });
});
