// The stage as a room sees it: every step of every lesson variant, measured
// in the browser. Nothing on the canvas moves while stepping, no text on it
// is smaller than a projector or a slide can show, no two pieces of text
// overlap, and no box hides what it holds.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, visit, catalogue } from './harness.js';

const lessons = catalogue();
const variants = lessons.flatMap((l) => l.variants.map((v) => `${l.id}?variant=${v.id}`));

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const root = (page) => page.locator('[data-testid="sagascope"]');

/**
 * Measures the canvas in the page: its geometry (the viewBox and every
 * box), the smallest rendered text (font size times the canvas's scale),
 * pairs of text that overlap, lane names wider than their lane, and boxes
 * whose content is cut off at the bottom.
 */
function measure() {
  // (On the compare page, the pane shown.)
  const canvas = [...document.querySelectorAll('.canvas')].find((c) => c.getClientRects().length > 0);
  const scale = canvas.getScreenCTM().a;
  const boxes = [...canvas.querySelectorAll('.service-box')].map((r) => ['x', 'y', 'width', 'height'].map((a) => r.getAttribute(a)).join(','));
  const geometry = `${canvas.getAttribute('viewBox')} ${boxes.join(' ')} ${[...canvas.querySelectorAll('.lane rect')].map((r) => r.getAttribute('y')).join(',')}`;
  // Every element that holds text of its own, with where it is drawn.
  const texts = [...canvas.querySelectorAll('*')]
    // (A token's copy mark is part of its glyph, which moves over the
    // stage by design; labels and names are what must stay apart.)
    .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) && !el.closest('title, .token'))
    .map((el) => ({ el, size: parseFloat(getComputedStyle(el).fontSize) * scale, rect: el.getBoundingClientRect() }))
    .filter((t) => t.rect.width > 0 && t.rect.height > 0);
  const smallest = texts.reduce((min, t) => (t.size < min.size ? t : min), { size: Infinity, el: null });
  const name = (el) => `${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''} "${el.textContent.trim().slice(0, 40)}"`;
  const overlaps = [];
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const [a, b] = [texts[i], texts[j]];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      // Table cells share borders: overlapping by a pixel is touching.
      const w = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
      const h = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
      if (w > 1.5 && h > 1.5) overlaps.push(`${name(a.el)} over ${name(b.el)}`);
    }
  }
  // Relay badges sit inside their box: nothing of the box's text under them.
  for (const relay of canvas.querySelectorAll('.relay-node')) {
    const r = relay.querySelector('rect').getBoundingClientRect();
    for (const t of texts) {
      if (relay.contains(t.el)) continue;
      const w = Math.min(r.right, t.rect.right) - Math.max(r.left, t.rect.left);
      const h = Math.min(r.bottom, t.rect.bottom) - Math.max(r.top, t.rect.top);
      if (w > 1.5 && h > 1.5) overlaps.push(`relay badge over ${name(t.el)}`);
    }
  }
  const wideLanes = [...canvas.querySelectorAll('.lane')].flatMap((lane) => {
    const r = lane.querySelector('rect').getBoundingClientRect();
    return [...lane.querySelectorAll('text')].filter((t) => t.getBoundingClientRect().right > r.right + 0.5).map((t) => t.textContent);
  });
  const cut = [...canvas.querySelectorAll('.service-body')].filter((b) => b.scrollHeight > b.clientHeight + 1)
    .map((b) => b.closest('[data-service]').dataset.service);
  return { geometry, smallest: smallest.el ? [smallest.size, name(smallest.el)] : [Infinity, ''], overlaps, wideLanes, cut };
}

/** Walks `hash` from its first step to its last, checking each with `check(measured, step)`. */
async function walk(page, hash, check, everyStep) {
  await page.goto(`${server.url}#/${hash}`);
  // New presentation options reload the page: wait for the page they make.
  await page.waitForFunction((embed) => document.body.classList.contains('embed') === embed, hash.includes('embed=1'));
  await root(page).waitFor();
  // The lesson before may still show while this one's file loads: wait
  // until the app has opened this one (it writes its step into the hash).
  const [lesson, query] = hash.split('?');
  const variant = new URLSearchParams(query).get('variant');
  await page.waitForFunction(([lesson, variant]) => document.querySelector('[data-testid="sagascope"]')?.dataset.scenario === lesson
    && location.hash.includes(`variant=${variant}&`) && location.hash.includes('step='), [lesson, variant]);
  await page.keyboard.press('Home');
  const steps = Number(await root(page).getAttribute('data-steps'));
  for (let n = 0; ; n++) {
    await page.waitForFunction((n) => document.querySelector('[data-testid="sagascope"]').dataset.step === String(n), n);
    check(await page.evaluate(measure), n);
    if (n >= steps) break;
    if (everyStep) await page.keyboard.press('ArrowRight');
    else { await page.keyboard.press('End'); n = steps - 1; }
  }
}

function checkStage(hash, minimum, first) {
  return (m, n) => {
    const at = `${hash} at step ${n}`;
    first.geometry ??= m.geometry;
    assert.equal(m.geometry, first.geometry, `${at}: the stage moved`);
    assert.ok(m.smallest[0] >= minimum, `${at}: ${m.smallest[1]} is drawn at ${m.smallest[0].toFixed(1)} px (at least ${minimum})`);
    assert.deepEqual(m.overlaps, [], `${at}: text overlaps`);
    assert.deepEqual(m.wideLanes, [], `${at}: text wider than its lane`);
    assert.deepEqual(m.cut, [], `${at}: a box cuts off what it holds`);
  };
}

test('on a projector (1280x720) every step of every lesson: nothing moves, nothing below 12 px, nothing overlaps', async () => {
  await visit(browser, server.url, '', async (page) => {
    for (const hash of variants) {
      const first = {};
      await walk(page, `${hash}&guided=0`, checkStage(hash, 12, first), true);
    }
    const caption = await page.locator('[data-caption]').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(caption >= 16, `the caption is ${caption}px`);
  }, { width: 1280, height: 720 });
});

test('in an 800x450 slide, each lesson at its start and end: nothing below 11 px, nothing overlaps', async () => {
  await visit(browser, server.url, '', async (page) => {
    for (const hash of variants) {
      const first = {};
      await walk(page, `${hash}&guided=0&embed=1`, checkStage(`${hash} (embed)`, 11, first), false);
    }
    const caption = await page.locator('[data-caption]').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(caption >= 16, `the caption is ${caption}px`);
  }, { width: 800, height: 450 });
});

test('a folded table opens on click and folds again; the stage keeps its size while stepping', async () => {
  await visit(browser, server.url, '#/ftgo-create-order?variant=approved&guided=0', async (page) => {
    await root(page).waitFor();
    await page.keyboard.press('End');
    const outbox = page.locator('[data-table="order-service/message"]');
    assert.equal(await outbox.evaluate((el) => el.tagName), 'BUTTON', 'not a table this lesson is about: one line');
    assert.match(await outbox.innerText(), /message \(outbox\) · \d+ rows/);
    await outbox.click();
    const table = page.locator('table[data-table="order-service/message"]');
    assert.ok((await table.locator('tr[data-row]').count()) >= 3, 'opened: the newest rows');
    await table.getByRole('button', { expanded: true }).click();
    assert.equal(await page.locator('table[data-table="order-service/message"]').count(), 0, 'folded again');
  });
});

test('the compare page on a wide screen: both styles side by side, each readable', async () => {
  await visit(browser, server.url, '#/compare', async (page) => {
    const panes = page.locator('[data-testid="sagascope"]');
    await panes.first().waitFor();
    assert.ok(await panes.nth(0).isVisible() && await panes.nth(1).isVisible(), 'side by side');
    assert.equal(await page.getByRole('tab').first().isVisible(), false, 'no tabs needed');
    const smallest = await page.evaluate(() => Math.min(...[...document.querySelectorAll('.canvas')].map((canvas) => {
      const scale = canvas.getScreenCTM().a;
      return Math.min(...[...canvas.querySelectorAll('text, td, th, button')].map((el) => parseFloat(getComputedStyle(el).fontSize) * scale));
    })));
    assert.ok(smallest >= 12, `canvas text at ${smallest.toFixed(1)} px`);
  }, { width: 1920, height: 1080 });
});

test('the compare page in a slide (800x450) and on a projector: one style at a time, readable, both driven by the keys', async () => {
  for (const [width, height, minimum] of [[800, 450, 11], [1280, 720, 12]]) {
    await visit(browser, server.url, '#/compare', async (page) => {
      const panes = page.locator('[data-testid="sagascope"]');
      await panes.first().waitFor();
      // Each pane loads its lesson file on its own: the hidden one too,
      // before the keys are pressed.
      await panes.nth(1).waitFor({ state: 'attached' });
      assert.ok(await panes.nth(0).isVisible());
      assert.equal(await panes.nth(1).isVisible(), false, 'one style at a time');
      const at = `compare at ${width}x${height}`;
      const first = {};
      checkStage(`${at}, choreography`, minimum, first)(await page.evaluate(measure), 0);
      await page.keyboard.press('End');
      await page.getByRole('tab', { name: 'Orchestration' }).click();
      assert.ok(await panes.nth(1).isVisible());
      assert.equal(await panes.nth(0).isVisible(), false);
      assert.equal(await panes.nth(1).getAttribute('data-step'), await panes.nth(1).getAttribute('data-steps'), 'the keys drove the hidden pane too');
      checkStage(`${at}, orchestration`, minimum, {})(await page.evaluate(measure), 'end');
    }, { width, height });
  }
});
