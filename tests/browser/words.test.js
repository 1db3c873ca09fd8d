// Words that teach, as a learner meets them: a question's answer is not on
// the page before the question is asked; the verdict on an answer shows
// where the question was and never moves the stage; acting at the live end
// of the sandbox is acting now; the view's freshness badge tells the truth.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, visit, catalogue } from './harness.js';

const scenarios = catalogue();

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const withPage = (hash, body) => visit(browser, server.url, hash, async (page) => {
  await page.locator('[data-testid="sagascope"]').first().waitFor();
  await body(page);
});
const root = (page) => page.locator('[data-testid="sagascope"]');
const step = async (page) => Number(await root(page).getAttribute('data-step'));
const steps = async (page) => Number(await root(page).getAttribute('data-steps'));
const still = (page) => page.waitForFunction(() => document.querySelector('[data-testid="sagascope"]').dataset.moving !== 'true');

// Words too common to give an answer away (as engine/tests/words.rs).
const COMMON = new Set(['that', 'this', 'with', 'from', 'were', 'will', 'what', 'when', 'then', 'than', 'they', 'them', 'their',
  'there', 'does', 'have', 'into', 'only', 'also', 'just', 'each', 'once', 'again', 'because']);
const words = (text) => text.split(/[^A-Za-z0-9_]+/).filter((w) => w.length >= 4).map((w) => w.toLowerCase()).filter((w) => !COMMON.has(w));

/** Everything the page says but the question itself: its text, the
 * pickers' options, and the stage's SVG text. */
const pageText = (page) => page.evaluate(() => {
  const app = document.querySelector('.app');
  const clone = app.cloneNode(true);
  clone.querySelector('[data-question]')?.remove();
  document.body.append(clone);
  clone.style.position = 'absolute';
  const text = clone.innerText + ' ' + [...app.querySelectorAll('svg text')].map((t) => t.textContent).join(' ');
  clone.remove();
  return text.toLowerCase();
});

const canvasBox = (page) => page.locator('svg.canvas').first().boundingBox();

for (const scenario of scenarios) {
  for (const variant of scenario.variants.filter((v) => v.questions?.length)) {
    test(`${scenario.id}/${variant.id}: no answer on the page before its question, and the verdict never moves the stage`, async () => {
      await withPage(`#/${scenario.id}?variant=${variant.id}`, async (page) => {
        const question = page.locator('[data-question]');
        let asked = 0;
        for (let guard = 0; guard < 200 && (await step(page)) < (await steps(page)); guard++) {
          if ((await question.count()) === 0) {
            await page.keyboard.press('ArrowRight');
            continue;
          }
          const q = variant.questions[Number(await question.getAttribute('data-question'))];
          const wrong = new Set(q.choices.filter((_, i) => i !== q.answer).flatMap(words));
          const own = words(q.choices[q.answer]).filter((w) => !wrong.has(w));
          const text = await pageText(page);
          const given = own.filter((w) => text.includes(w));
          assert.ok(given.length * 2 <= own.length, `"${q.prompt}": the page already says ${given} of ${own}`);
          await still(page);
          const box = await canvasBox(page);
          await question.getByRole('button', { name: q.choices[q.answer], exact: true }).click();
          await page.locator('[data-feedback]').waitFor();
          assert.deepEqual(await canvasBox(page), box, 'the verdict shows: the stage stays');
          await still(page);
          assert.deepEqual(await canvasBox(page), box, 'the step it was about played: the stage stays');
          asked++;
        }
        assert.equal(asked, variant.questions.length, 'every question asked');
      });
    });
  }
}

test('the sandbox acts now: an action at the live end speaks of no past; one after going back does', async () => {
  await withPage('#/sandbox', async (page) => {
    const folded = page.locator('details.actions:not([open]) > summary');
    if (await folded.count()) await folded.click();
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByRole('button', { name: 'Place order' }).click();
    assert.ok((await steps(page)) > 2, 'the run went on after the orders');
    assert.equal(await page.getByText('acted in the past').count(), 0);
    // Two steps back, then an action: that does change what was seen.
    await page.locator('[data-testid="sagascope"]').focus();
    await page.keyboard.press('ArrowLeft');
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByText('You acted in the past').waitFor();
  });
});

test('the view\'s badge: stale while events wait, wrong when the view disagrees with the services', async () => {
  await withPage('#/cqrs-view?variant=redelivered&guided=0&step=0', async (page) => {
    const seen = new Set();
    for (let n = 0; n < 40 && (await step(page)) < (await steps(page)); n++) {
      await page.keyboard.press('ArrowRight');
      seen.add(await page.locator('[data-view]').getAttribute('data-view'));
    }
    assert.deepEqual([...seen].sort(), ['fresh', 'stale', 'wrong']);
    // At the end the view is wrong, as the checker says.
    assert.equal(await page.locator('[data-view]').getAttribute('data-view'), 'wrong');
    assert.equal(await page.locator('[data-violation="view-diverged"]').count(), 1);
  });
});
