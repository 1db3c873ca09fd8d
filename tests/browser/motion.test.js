// Every hop is seen: guided play of every lesson variant, at the default
// speed, sampled every 100 ms of the page's own clock (Playwright's clock
// drives requestAnimationFrame and performance.now, so the motion and the
// pauses are the ones a learner gets, only not waited for in real time).
// Every message the run handles is seen moving for at least 600 ms in
// all, every message it publishes is seen going into its lane, resting
// messages never cover one another, and a moving message's name is
// readable. Stepping with the keys animates too, back as forward reversed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serve, launch, openPage, catalogue } from './harness.js';

const lessons = catalogue();
// The sandbox scripts nothing: there is no lesson to play through.
const variants = lessons.filter((l) => l.id !== 'sandbox').flatMap((l) => l.variants.map((v) => `${l.id}?variant=${v.id}`));

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** What the page shows: playback, the question, and every message drawn. */
function sample() {
  const root = document.querySelector('[data-testid="sagascope"]');
  const layer = document.querySelector('.tokens-layer');
  const scale = layer.getScreenCTM().a;
  const visible = (el) => getComputedStyle(el).visibility !== 'hidden';
  const tokens = [...layer.querySelectorAll('[data-message]')].filter(visible).map((el) => {
    const r = el.querySelector('rect, path').getBoundingClientRect();
    return { m: el.dataset.message, d: el.dataset.delivery, x: r.x, y: r.y, w: r.width, h: r.height };
  });
  const labels = [...layer.querySelectorAll('.token-label')].filter(visible).map((el) => parseFloat(getComputedStyle(el).fontSize) * scale);
  return {
    playing: root.dataset.playing === 'true',
    step: +root.dataset.step,
    steps: +root.dataset.steps,
    question: !!document.querySelector('[data-question]'),
    readMs: +(document.querySelector('[data-question]')?.dataset.readMs ?? 0),
    tokens,
    smallestLabel: Math.min(Infinity, ...labels),
  };
}

/** The messages the run published and handled after step `start` (a
 * lesson may open where its point starts), from its step log. */
function published(start) {
  const lines = [...document.querySelectorAll('.log li')].filter((li) => +li.value > start).map((li) => li.textContent);
  const ids = (re) => [...new Set(lines.flatMap((l) => [...l.matchAll(re)].map((m) => m[1])))];
  return { published: ids(/(?:read|published) \S+ (m\d+)/g), handled: ids(/handled \S+ (m\d+)/g) };
}

// The page's clock flows with real time once installed; paused, only
// runFor moves it, so a loaded machine samples the same frames as an idle one.
const START = new Date('2026-01-01T00:00:00Z');
const freeze = (page) => page.clock.pauseAt(new Date(START.getTime() + 120_000));

// Real seconds each lesson's guided play-through took (a question read
// for as long as the page says a learner needs), against the course's
// minutes: the last test compares them.
const playSeconds = new Map();
const courseMinutes = new Map(
  [...readFileSync(new URL('../../index.html', import.meta.url), 'utf8').matchAll(/href="#\/([a-z-]+)"[\s\S]*?<span class="length">(\d+) min/g)]
    .map((m) => [m[1], +m[2]]),
);

const overlap = (a, b) => Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > 1 && Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > 1;

for (const variant of variants) {
  test(`guided play of ${variant}: every message is seen moving`, async () => {
    const { page, problems, close } = await openPage(browser, server.url);
    try {
      await page.clock.install({ time: START });
      await page.goto(`${server.url}#/${variant}`);
      await page.locator('[data-testid="sagascope"]').waitFor();
      await freeze(page);
      const click = (selector) => page.evaluate((s) => document.querySelector(s)?.click(), selector);
      const start = +(await page.locator('[data-testid="sagascope"]').getAttribute('data-step'));
      await click('button[aria-label="Play"]');
      const moving = new Map();
      const seen = new Set();
      let last = new Map();
      let stillAtEnd = 0;
      let smallestLabel = Infinity;
      let reading = 0;
      let t = 0;
      for (; t < 4000 && stillAtEnd < 8; t++) {
        await page.clock.runFor(100);
        const s = await page.evaluate(sample);
        smallestLabel = Math.min(smallestLabel, s.smallestLabel);
        const now = new Map(s.tokens.map((tok) => [tok.d, tok]));
        const resting = [];
        for (const tok of s.tokens) {
          seen.add(tok.m);
          const before = last.get(tok.d);
          if (before && (Math.abs(before.x - tok.x) > 0.5 || Math.abs(before.y - tok.y) > 0.5)) {
            moving.set(tok.m, (moving.get(tok.m) ?? 0) + 100);
          } else if (before) {
            resting.push(tok);
          }
        }
        for (let i = 0; i < resting.length; i++) {
          for (let j = i + 1; j < resting.length; j++) {
            assert.ok(!overlap(resting[i], resting[j]), `${variant} step ${s.step}: ${resting[i].d} (${resting[i].m}) covers ${resting[j].d} (${resting[j].m})`);
          }
        }
        if (process.env.MOTION_DEBUG) console.log(t, s.step, s.playing, JSON.stringify(s.tokens.filter((x) => x.m === process.env.MOTION_DEBUG).map((x) => [x.d, Math.round(x.x), Math.round(x.y)])));
        last = now;
        if (s.question && reading < s.readMs) {
          reading += 100;
        } else if (s.question) {
          reading = 0;
          await click('[data-question] .choices button');
        } else if (!s.playing && s.step < s.steps) {
          await click('button[aria-label="Play"]');
        }
        stillAtEnd = !s.playing && s.step === s.steps && s.tokens.every((tok) => !moving.has(tok.m) || resting.some((r) => r.d === tok.d)) ? stillAtEnd + 1 : 0;
      }
      const lesson = variant.split('?')[0];
      playSeconds.set(lesson, (playSeconds.get(lesson) ?? 0) + (t - stillAtEnd) / 10);
      if (process.env.MOTION_DEBUG) console.log(variant, 'played in', (t - stillAtEnd) / 10, 's');
      const run = await page.evaluate(published, start);
      if (process.env.MOTION_DEBUG) console.log(variant, JSON.stringify([...moving]), JSON.stringify(run));
      for (const m of run.published) {
        assert.ok((moving.get(m) ?? 0) >= 300, `${variant}: ${m} was published but seen moving for ${moving.get(m) ?? 0} ms`);
      }
      for (const m of run.handled) {
        assert.ok((moving.get(m) ?? 0) >= 600, `${variant}: ${m} was handled but seen moving for ${moving.get(m) ?? 0} ms in all`);
      }
      if (smallestLabel < Infinity) assert.ok(smallestLabel >= 12, `${variant}: a moving message's name is ${smallestLabel.toFixed(1)} px`);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
}

test('the course\'s minutes match a guided play-through within 25 %', () => {
  assert.ok(playSeconds.size >= 10, `${playSeconds.size} lessons played`);
  for (const [lesson, seconds] of playSeconds) {
    const minutes = courseMinutes.get(lesson);
    console.log(`${lesson}: the course says ${minutes} min, guided play took ${Math.round(seconds)} s`);
    assert.ok(Math.abs(minutes * 60 - seconds) <= 0.25 * seconds, `${lesson}: the course says ${minutes} min, guided play took ${Math.round(seconds)} s`);
  }
});

test('a step forward moves its message, a step back moves it back', async () => {
  const { page, problems, close } = await openPage(browser, server.url);
  try {
    await page.clock.install({ time: START });
    // Step 3: ValidateOrderByConsumer m2 waits in the consumerService lane.
    await page.goto(`${server.url}#/ftgo-create-order?variant=authorization-fails&guided=0&step=3`);
    await page.locator('[data-testid="sagascope"]').waitFor();
    await freeze(page);
    const m2 = () => page.evaluate(() => {
      const el = document.querySelector('.tokens-layer [data-message="m2"]');
      if (!el || getComputedStyle(el).visibility === 'hidden') return null;
      const r = el.getBoundingClientRect();
      return [Math.round(r.x), Math.round(r.y)];
    });
    const inLane = await m2();
    assert.ok(inLane, 'm2 waits in its lane');
    await page.locator('[data-testid="sagascope"]').focus();
    await page.keyboard.press('ArrowRight');
    const path = [];
    for (let i = 0; i < 8; i++) {
      await page.clock.runFor(100);
      path.push(await m2());
    }
    const moved = path.filter((p) => p && (p[0] !== inLane[0] || p[1] !== inLane[1]));
    assert.ok(moved.length >= 2, `m2 is seen on its way to Consumer Service: ${JSON.stringify(path)}`);
    assert.equal(path.at(-1), null, 'handled: it is gone once it arrived');
    await page.keyboard.press('ArrowLeft');
    const back = [];
    for (let i = 0; i < 8; i++) {
      await page.clock.runFor(100);
      back.push(await m2());
    }
    assert.ok(back.filter(Boolean).length >= 2, `stepping back, m2 comes back from Consumer Service: ${JSON.stringify(back)}`);
    assert.deepEqual(back.at(-1), inLane, 'and waits in its lane again');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('with reduced motion a step shows at once, what moved marked', async () => {
  const { page, problems, close } = await openPage(browser, server.url, { reducedMotion: 'reduce' });
  try {
    await page.goto(`${server.url}#/ftgo-create-order?variant=authorization-fails&guided=0&step=2`);
    await page.locator('[data-testid="sagascope"]').waitFor();
    await page.locator('[data-testid="sagascope"]').focus();
    await page.keyboard.press('ArrowRight');
    const m2 = page.locator('.tokens-layer [data-message="m2"]');
    await m2.waitFor();
    assert.equal(await m2.locator('animateMotion').count(), 0, 'no motion');
    assert.match(await m2.getAttribute('class'), /\bmoved\b/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
