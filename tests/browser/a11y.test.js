// Accessibility, checked by axe-core (npm) in the browser: no serious or
// critical violation on the course, on lessons at their key moments, on the
// compare page, in an embed and in the explorer's dialog, light and dark; the caption is announced
// through a live region that exists before it is filled; focus is visible.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serve, launch, openPage } from './harness.js';

const AXE = readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** The serious and critical violations axe finds on the page now. */
async function violations(page) {
  await page.addScriptTag({ content: AXE });
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  return found;
}

const PAGES = [
  ['#/', 'course'],
  ['#/outbox?variant=dual-write&step=0', 'a lesson at its start'],
  ['#/ftgo-create-order?variant=authorization-fails&guided=0&step=15', 'a saga compensating'],
  ['#/idempotent-consumer?variant=no-idempotence&guided=0&step=99', 'a lesson at its end, invariants broken'],
  ['#/choreography?variant=approved&step=0', 'a question'],
  ['#/cqrs-view?variant=lag&guided=0&step=99', 'queries'],
  ['#/compare', 'the compare page'],
  ['#/outbox?variant=dual-write&embed=1', 'an embed'],
  ['#/isolation?variant=no-countermeasure&guided=0', 'the explorer with a run found'],
  ['#/isolation?variant=no-countermeasure&seed=1&path=0,0,0,0,1,1,1&step=7&compare=1', 'two runs compared'],
];

for (const colorScheme of ['light', 'dark']) {
  test(`axe finds no serious or critical violation (${colorScheme})`, async () => {
    const failures = [];
    for (const [hash, what] of PAGES) {
      const { page, problems, close } = await openPage(browser, server.url, { colorScheme, bypassCSP: true });
      try {
        await page.goto(server.url + hash);
        await page.locator('[data-testid="sagascope"], [data-testid="course"]:not([hidden])').first().waitFor();
        if (what === 'a question') {
          for (let i = 0; i < 20 && (await page.locator('[data-question]').count()) === 0; i++) await page.keyboard.press('ArrowRight');
        }
        if (what.startsWith('the explorer')) {
          await page.getByRole('button', { name: 'Can this go wrong?' }).click();
          await page.getByRole('button', { name: 'Search every order' }).click();
          await page.getByRole('button', { name: 'Open this run' }).waitFor();
        }
        for (const v of await violations(page)) failures.push(`${what}: ${v}`);
        assert.deepEqual(problems, []);
      } finally {
        await close();
      }
    }
    assert.deepEqual(failures, []);
  });
}

test('the caption is announced: a polite live region present before it is filled; focus is visible', async () => {
  const { page, problems, close } = await openPage(browser, server.url);
  try {
    await page.goto(`${server.url}#/outbox?variant=dual-write&step=0&guided=0`);
    const region = page.locator('.narration[aria-live="polite"]');
    await region.waitFor();
    await page.keyboard.press('ArrowRight');
    assert.ok((await region.locator('[data-caption]').innerText()).length > 20);
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'the focused control shows it');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
