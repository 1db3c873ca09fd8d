// The course around the lessons: the course page in teaching order with the
// learner's progress (kept in localStorage, and working without it), the end
// of a lesson (what it showed, the next variant and lesson, the same
// situation in the sandbox), and relay steps folded away in a lesson.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serve, launch, openPage, visit, screenshot } from './harness.js';

const CATALOGUE = new URL('../../engine/src/scenarios/catalogue/', import.meta.url);
const lesson = (id) => JSON.parse(readFileSync(new URL(`${id}.json`, CATALOGUE), 'utf8'));
// The course order, as the engine lists its lessons (plus the side-by-side page).
const ORDER = ['outbox', 'idempotent-consumer', 'choreography', 'orchestration', 'ftgo-create-order', 'ftgo-cancel-order',
  'ftgo-revise-order', 'cqrs-view', 'api-composition', 'isolation', 'compare', 'sandbox'];

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Opens the app at `hash`, runs `body(page)`, then checks for problems. */
const withPage = (hash, body, options) => visit(browser, server.url, hash, body, options);

const root = (page) => page.locator('[data-testid="sagascope"]');
const step = async (page) => Number(await root(page).getAttribute('data-step'));
const steps = async (page) => Number(await root(page).getAttribute('data-steps'));
const course = (page) => page.locator('[data-testid="course"]');

/** Answers every question of the open variant (the first choice) and steps to its end. */
async function playThrough(page) {
  const question = page.locator('[data-question]');
  for (let guard = 0; guard < 400 && (await step(page)) < (await steps(page)); guard++) {
    if ((await question.count()) > 0) {
      await question.locator('.choices button').first().click();
    } else {
      await page.keyboard.press('ArrowRight');
    }
  }
  assert.equal(await step(page), await steps(page));
}

test('the course lists every lesson in teaching order, each opening its lesson', async () => {
  await withPage('#/', async (page) => {
    await course(page).waitFor();
    const ids = await course(page).locator('[data-lesson]').evaluateAll((els) => els.map((e) => e.dataset.lesson));
    assert.deepEqual(ids, ORDER);
    for (const id of ORDER.filter((i) => i !== 'compare')) {
      assert.equal(await course(page).locator(`[data-lesson="${id}"] a`).innerText(), lesson(id).title);
    }
    await course(page).locator('[data-lesson="cqrs-view"] a').click();
    await root(page).waitFor();
    assert.equal(await root(page).getAttribute('data-scenario'), 'cqrs-view');
    assert.equal(await course(page).isVisible(), false);
    // The title goes back to the course.
    await page.getByRole('link', { name: 'SagaScope' }).click();
    await course(page).waitFor();
    assert.equal(await root(page).count(), 0);
  });
});

/**
 * Holds back the wasm module's response until `release()` is called, so a
 * test sees the page as it is before the app runs; `requests` lists what
 * the page asked for, by path.
 */
async function holdWasm(page) {
  const requests = [];
  page.on('request', (request) => requests.push(new URL(request.url()).pathname));
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await page.route('**/*.wasm', async (route) => { await released; await route.continue(); });
  return { requests, release };
}

test('the course shows before the wasm has loaded; the app takes it over without a flash and fills in the progress', async () => {
  const { page, problems, close } = await openPage(browser, server.url);
  try {
    await page.addInitScript(() => {
      localStorage.setItem('sagascope-answered', 'outbox/dual-write/0 outbox/outbox/1');
      // Every time the course is hidden: none may happen on the course page.
      window.__hidden = 0;
      addEventListener('DOMContentLoaded', () => new MutationObserver(() => {
        if (document.getElementById('course').hidden) window.__hidden += 1;
      }).observe(document.getElementById('course'), { attributes: true, attributeFilter: ['hidden'] }));
    });
    const wasm = await holdWasm(page);
    await page.goto(`${server.url}#/`);
    await course(page).locator('[data-lesson="outbox"] a').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => window.wasmBindings), undefined, 'the app has not started');
    assert.equal(await course(page).locator('[data-lesson="outbox"] .progress').innerText(), '', 'progress comes with the app');
    // No lesson file is fetched for the course.
    assert.deepEqual(wasm.requests.filter((p) => p.includes('/lessons/')), []);
    wasm.release();
    await course(page).locator('[data-lesson="outbox"] .progress').getByText('2 answered').waitFor();
    assert.equal(await page.locator('[data-testid="course"]').count(), 1, 'one course');
    assert.equal(await page.evaluate(() => window.__hidden), 0, 'never hidden on the way');
    await course(page).getByRole('link', { name: 'The idempotent consumer' }).click();
    await root(page).waitFor();
    assert.equal(await course(page).isVisible(), false);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a lesson link followed before the wasm has loaded opens that lesson once it has', async () => {
  const { page, problems, close } = await openPage(browser, server.url);
  try {
    const wasm = await holdWasm(page);
    await page.goto(server.url);
    await course(page).getByRole('link', { name: 'The transactional outbox' }).click();
    await page.waitForFunction(() => location.hash === '#/outbox');
    assert.equal(await course(page).isVisible(), false, 'the course makes way at once');
    wasm.release();
    await root(page).waitFor();
    assert.equal(await root(page).getAttribute('data-scenario'), 'outbox');
    await page.locator('.canvas [data-service="order-service"]').waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a lesson\'s file downloads beside the wasm, not after it, and only once; the compare page\'s two likewise', async () => {
  for (const [hash, files] of [['#/cqrs-view?step=2', ['cqrs-view']], ['#/compare', ['choreography', 'orchestration']]]) {
    const { page, problems, close } = await openPage(browser, server.url);
    try {
      const wasm = await holdWasm(page);
      await page.goto(server.url + hash);
      for (const file of files) {
        await page.waitForFunction((path) => performance.getEntriesByType('resource').some((e) => e.name.endsWith(path) && e.responseEnd > 0), `/lessons/${file}.json`);
      }
      assert.equal(await course(page).isVisible(), false, 'no course under a lesson');
      wasm.release();
      await root(page).first().waitFor();
      await page.locator('.canvas [data-service]').first().waitFor();
      for (const file of files) {
        assert.equal(wasm.requests.filter((p) => p === `/lessons/${file}.json`).length, 1, `${file}.json fetched once`);
      }
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  }
});

test('answered questions are remembered for the course page, across visits', async () => {
  const { page, problems, close } = await openPage(browser, server.url);
  try {
    await page.goto(`${server.url}#/outbox?variant=dual-write&step=0`);
    await root(page).waitFor();
    await playThrough(page);
    await page.goto(`${server.url}#/`);
    await page.reload();
    await course(page).waitFor();
    const progress = course(page).locator('[data-lesson="outbox"] .progress');
    await page.waitForFunction(() => document.querySelector('[data-lesson="outbox"] .progress').textContent !== '');
    assert.equal(await progress.innerText(), '1 answered');
    assert.equal(await course(page).locator('[data-lesson="isolation"] .progress').innerText(), '');
    await screenshot(page, 'course-progress');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('without localStorage (blocked, as in some frames) lessons and the course still work', async () => {
  const { page, problems, close } = await openPage(browser, server.url);
  try {
    await page.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('blocked', 'SecurityError'); } });
    });
    await page.goto(`${server.url}#/outbox?variant=dual-write&step=0`);
    await root(page).waitFor();
    await playThrough(page);
    await page.getByRole('link', { name: 'All lessons' }).first().click();
    await course(page).waitFor();
    assert.equal(await course(page).locator('[data-lesson="outbox"] .progress').innerText(), '');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a lesson ends with what it showed and the way on: next variant, next lesson, the sandbox', async () => {
  const outbox = lesson('outbox');
  await withPage('#/outbox?variant=dual-write&guided=0', async (page) => {
    await root(page).waitFor();
    const end = page.locator('[data-testid="lesson-end"]');
    assert.equal(await end.innerText(), '', 'nothing before the end');
    await page.keyboard.press('End');
    await end.getByText('What this lesson shows').waitFor();
    assert.ok((await end.innerText()).includes(outbox.takeaway));
    await screenshot(page, 'lesson-end-outbox');
    // The next variant.
    await end.getByRole('link', { name: `Next: ${outbox.variants[1].title}` }).click();
    await page.waitForFunction(() => location.hash.includes('variant=outbox'));
    assert.equal(await end.innerText(), '');
    // The last variant offers the next lesson.
    await page.goto(`${server.url}#/outbox?variant=${outbox.variants.at(-1).id}&guided=0`);
    await page.keyboard.press('End');
    await end.getByRole('link', { name: 'Next lesson: The idempotent consumer' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="sagascope"]').dataset.scenario === 'idempotent-consumer');
  });
});

test('"Break it in the sandbox" opens the same situation with nothing scripted, and survives a reload', async () => {
  await withPage('#/outbox?variant=dual-write&guided=0', async (page) => {
    await root(page).waitFor();
    await page.keyboard.press('End');
    await page.getByRole('link', { name: 'Break it in the sandbox' }).click();
    await page.waitForFunction(() => location.hash.includes('free=1'));
    await page.getByText('In the sandbox: "Dual write: commit, then publish" with nothing scripted').waitFor();
    // Only the outbox switch is scheduled: no order, no crash, no question.
    assert.equal(await steps(page), 1);
    await page.keyboard.press('End');
    assert.equal(await page.locator('[data-question]').count(), 0);
    assert.match(await page.locator('[data-service="order-service"] .relay-node').textContent(), /dual write/);
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="sagascope"]').dataset.steps) > 1);
    await screenshot(page, 'sandbox-dual-write');
    // A reload comes back to the sandbox, not to the scripted lesson.
    await page.reload();
    await page.getByText('In the sandbox: "Dual write: commit, then publish"').waitFor();
  });
});

test('in a lesson, Right and Left pass over relay steps, named in the next log line; the switch shows them', async () => {
  await withPage('#/choreography?variant=approved&step=0', async (page) => {
    await root(page).waitFor();
    const landed = [];
    while ((await step(page)) < (await steps(page))) {
      await page.keyboard.press('ArrowRight');
      landed.push(await step(page));
    }
    const skipped = await page.locator('.log li').evaluateAll((els) => els.map((e) => Number(e.getAttribute('value'))));
    const folded = skipped.filter((n) => !landed.includes(n));
    assert.ok(folded.length > 0, `some steps were passed over: landed on ${landed}`);
    for (const n of folded) {
      assert.match(await page.locator(`.log li[value="${n}"]`).innerText(), /published/, `step ${n} is a relay publish`);
    }
    // Back over the same steps, to the start.
    const back = [];
    while ((await step(page)) > 0) {
      await page.keyboard.press('ArrowLeft');
      back.push(await step(page));
    }
    assert.deepEqual(back.slice(0, -1).reverse(), landed.slice(0, -1).slice(0, back.length - 1));
    // The step after a folded publish names it in its log line.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    if (folded.includes((await step(page)) - 1)) {
      assert.match(await page.locator('.narration .sentence').innerText(), /published .* · /);
    }
    // With the switch on, every step is landed on.
    await page.keyboard.press('Home');
    await page.getByLabel('relay steps').check();
    await page.evaluate(() => document.activeElement.blur());
    for (let n = 1; n <= (await steps(page)); n++) {
      await page.keyboard.press('ArrowRight');
      assert.equal(await step(page), n);
    }
  });
});

test('where a lesson is about received_messages, its rows are on the stage, not just a count', async () => {
  await withPage('#/idempotent-consumer?variant=duplicate-dropped&guided=0', async (page) => {
    await root(page).waitFor();
    await page.keyboard.press('End');
    const table = page.locator('table[data-table="customer-service/received_messages"]');
    assert.ok((await table.locator('tr[data-row]').count()) >= 1, 'handled message ids listed on the stage');
  });
  await withPage('#/choreography?variant=approved&guided=0', async (page) => {
    await root(page).waitFor();
    await page.keyboard.press('End');
    assert.match(await page.locator('[data-table="customer-service/received_messages"]').innerText(), /1 id\(s\), each handled once/);
  });
});

test('a reload of a deep link comes back to the same step and the same question', async () => {
  await withPage('#/choreography?variant=approved&step=0', async (page) => {
    await root(page).waitFor();
    const question = page.locator('[data-question]');
    for (let guard = 0; guard < 20 && (await question.count()) === 0; guard++) await page.keyboard.press('ArrowRight');
    const [at, asked] = [await step(page), await question.locator('.prompt').innerText()];
    await page.reload();
    await question.waitFor();
    assert.equal(await step(page), at);
    assert.equal(await question.locator('.prompt').innerText(), asked);
  });
});
