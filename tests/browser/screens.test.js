// A stage that fills any screen: a projector, a large screen, a slide, a
// phone held upright and on its side. On each: the canvas's text is big
// enough to read (12 px, 11 px in a slide), the page never scrolls
// sideways, the stage leaves no band of empty space below it, a finger can
// hit every control (24x24 px, WCAG 2.2) on a touch screen, and the saga
// table, the step log and the sequence diagram can be reached.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const SCREENS = [
  { name: 'projector', width: 1280, height: 720, text: 12 },
  { name: 'large screen', width: 1920, height: 1080, text: 12 },
  { name: 'slide', width: 800, height: 450, text: 11, embed: true },
  { name: 'phone upright', width: 390, height: 844, text: 12, touch: true },
  { name: 'phone on its side', width: 844, height: 390, text: 12, touch: true },
];

/** What the page shows, measured. */
function measure() {
  const canvas = document.querySelector('.canvas');
  const scale = canvas.getScreenCTM().a;
  const texts = [...canvas.querySelectorAll('text, td, th, button, span, code, caption')]
    .filter((el) => el.getClientRects().length > 0 && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
    .map((el) => ({ size: parseFloat(getComputedStyle(el).fontSize) * scale, what: el.textContent.trim().slice(0, 30) }));
  const smallest = texts.reduce((min, t) => (t.size < min.size ? t : min), { size: Infinity, what: '' });
  const root = document.querySelector('[data-testid="sagascope"]');
  const small = [...root.querySelectorAll('button, select, summary, input')]
    .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
    .map((el) => ({ el, r: el.getBoundingClientRect() }))
    .filter(({ r }) => r.width < 23.5 || r.height < 23.5)
    .map(({ el, r }) => `${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 20)}" ${r.width.toFixed(0)}x${r.height.toFixed(0)}`);
  const wrap = document.querySelector('.canvas-wrap');
  const shown = (selector) => { const el = document.querySelector(selector); return !!el && el.getClientRects().length > 0; };
  return {
    smallest,
    small,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    // How much of the stage's room the canvas leaves empty below it.
    emptyBelow: wrap.clientHeight - canvas.getBoundingClientRect().height,
    reach: { saga: shown('[data-saga]'), log: shown('.log'), sequence: shown('[role="tab"], .tabs button') },
  };
}

for (const screen of SCREENS) {
  test(`${screen.name} (${screen.width}x${screen.height}): readable, no sideways scroll, filled, reachable`, async () => {
    const context = await browser.newContext({ viewport: { width: screen.width, height: screen.height }, hasTouch: !!screen.touch, isMobile: !!screen.touch });
    const page = await context.newPage();
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      await page.goto(`${server.url}#/ftgo-create-order?variant=authorization-fails&step=15${screen.embed ? '&embed=1' : ''}`);
      await page.locator('[data-testid="sagascope"] .canvas .service').first().waitFor();
      await page.waitForTimeout(300);
      const m = await page.evaluate(measure);
      assert.ok(m.smallest.size >= screen.text, `the canvas's "${m.smallest.what}" is ${m.smallest.size.toFixed(1)} px`);
      assert.ok(m.overflow <= 1, `the page scrolls sideways by ${m.overflow} px`);
      assert.ok(m.emptyBelow < 60, `${m.emptyBelow.toFixed(0)} px of the stage's room left empty`);
      if (screen.touch) assert.deepEqual(m.small, [], 'controls smaller than 24x24 px');
      if (!screen.embed) assert.deepEqual(m.reach, { saga: true, log: true, sequence: true }, 'the saga table, the log and the sequence diagram');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}

test('on a phone the service a step is about is scrolled into view', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  try {
    // Step 16: Kitchen Service, stacked below the broker, cancels the ticket.
    await page.goto(`${server.url}#/ftgo-create-order?variant=authorization-fails&guided=0&step=16`);
    await page.locator('[data-testid="sagascope"]').waitFor();
    await page.locator('[data-testid="sagascope"]').focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(600);
    const kitchen = await page.locator('[data-service="kitchen-service"]').evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, height: window.innerHeight };
    });
    assert.ok(kitchen.bottom > 0 && kitchen.top < kitchen.height, `Kitchen Service at ${kitchen.top.toFixed(0)}-${kitchen.bottom.toFixed(0)} of ${kitchen.height}`);
  } finally {
    await context.close();
  }
});
