// Screenshots of the built app (dist/), for looking at the UI.
//   node tests/browser/screenshot.mjs '#/outbox?step=3' outbox 1280 720 [dark]
// writes test-artifacts/outbox.png and prints any console problems.
//   node tests/browser/screenshot.mjs --readme
// writes test-artifacts/readme.png: a message on its way (the README's picture).
//   node tests/browser/screenshot.mjs --gallery
// writes test-artifacts/gallery/: a message on its way at each size a lesson
// is shown at (1280x720, 1920x1080, an 800x450 slide, a phone upright and on
// its side, dark), and every lesson variant at its first question
// and at its end, at 1280x720 (a projector) and as an 800x450 embed (a
// slide), light and dark, plus the course and the compare page.
import { readFileSync, readdirSync } from 'node:fs';
import { serve, launch, openPage, screenshot } from './harness.js';

const server = await serve();
const browser = await launch();
const problems = [];

async function shot(hash, name, width, height, colorScheme, before) {
  const page = await openPage(browser, server.url, { width, height, colorScheme });
  await page.page.goto(server.url + hash);
  await page.page.locator('[data-testid="sagascope"], [data-testid="course"]:not([hidden])').first().waitFor();
  if (before) await before(page.page);
  await page.page.waitForTimeout(250);
  await screenshot(page.page, name);
  problems.push(...page.problems.map((p) => `${name}: ${p}`));
  await page.close();
}

/** Steps until the first question shows (or the end). */
async function toQuestion(page) {
  for (let guard = 0; guard < 200; guard++) {
    if ((await page.locator('[data-question]').count()) > 0) return;
    const root = page.locator('[data-testid="sagascope"]');
    if ((await root.getAttribute('data-step')) === (await root.getAttribute('data-steps'))) return;
    await page.keyboard.press('ArrowRight');
  }
}

/**
 * A message on its way: the page's clock held, one step forward, the clock
 * moved `ms` into the step's motion (FTGO compensating: CancelCreateTicket
 * m9 goes from its lane to Kitchen Service).
 */
async function midHop(name, width, height, { embed = false, touch = false, ms = 250, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, hasTouch: touch, isMobile: touch, colorScheme });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${name}: ${m.text()}`); });
  await page.clock.install({ time: new Date('2026-01-01T00:00:00Z') });
  await page.goto(`${server.url}#/ftgo-create-order?variant=authorization-fails&guided=0&step=16${embed ? '&embed=1' : ''}`);
  await page.locator('[data-testid="sagascope"]').waitFor();
  await page.clock.pauseAt(new Date('2026-01-01T00:02:00Z'));
  await page.clock.runFor(500);
  await page.locator('[data-testid="sagascope"]').focus();
  await page.keyboard.press('ArrowRight');
  await page.clock.runFor(ms);
  await screenshot(page, name);
  await context.close();
}

if (process.argv[2] === '--readme') {
  // The README's picture: a message on its way, on a projector.
  await midHop('readme', 1280, 720);
} else if (process.argv[2] === '--gallery') {
  // A message on its way at every size a lesson is shown at.
  await midHop('gallery/hop-1280x720', 1280, 720);
  await midHop('gallery/hop-1920x1080', 1920, 1080);
  await midHop('gallery/hop-800x450-embed', 800, 450, { embed: true });
  await midHop('gallery/hop-390x844-phone', 390, 844, { touch: true });
  await midHop('gallery/hop-844x390-phone', 844, 390, { touch: true });
  await midHop('gallery/hop-1280x720-dark', 1280, 720, { colorScheme: 'dark' });
  const dir = new URL('../../engine/src/scenarios/catalogue/', import.meta.url);
  const lessons = readdirSync(dir).map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')));
  for (const [width, height] of [[1280, 720], [800, 450]]) {
    for (const scheme of ['light', 'dark']) {
      const tag = `${width}-${scheme}`;
      await shot('#/', `gallery/course-${tag}`, width, height, scheme);
      await shot('#/compare', `gallery/compare-${tag}`, width, height, scheme, (p) => p.keyboard.press('End'));
      // A slide shows the lesson embedded, as a deck would.
      const embed = width < 900 ? '&embed=1' : '';
      for (const lesson of lessons) {
        for (const variant of lesson.variants) {
          const base = `#/${lesson.id}?variant=${variant.id}${embed}`;
          if ((variant.questions ?? []).length > 0) {
            await shot(base, `gallery/${lesson.id}-${variant.id}-question-${tag}`, width, height, scheme, toQuestion);
          }
          await shot(`${base}&guided=0`, `gallery/${lesson.id}-${variant.id}-end-${tag}`, width, height, scheme, (p) => p.keyboard.press('End'));
        }
      }
    }
  }
} else {
  const [hash, name, w, h, scheme] = process.argv.slice(2);
  await shot(hash || '', name || 'shot', +w || 1280, +h || 720, scheme || 'light');
}
console.log(JSON.stringify(problems));
await browser.close();
await server.close();
