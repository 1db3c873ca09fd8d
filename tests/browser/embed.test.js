// SagaScope in a slide: embed mode and its URL options, and the host API a
// deck drives it with over postMessage.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, visit, screenshot } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const root = (page) => page.locator('[data-testid="sagascope"]');
const step = async (frame) => Number(await root(frame).getAttribute('data-step'));

test('embed=1 shows the stage, caption and controls alone; the options change them; bad values fall back quietly', async () => {
  const { page, problems, close } = await openPage(browser, server.url, { width: 800, height: 450 });
  try {
    await page.goto(`${server.url}#/outbox?variant=dual-write&embed=1&guided=0`);
    await root(page).waitFor();
    assert.equal(await page.locator('.app > header').isVisible(), false, 'no header');
    assert.equal(await page.locator('aside').isVisible(), false, 'no side panel');
    assert.ok(await page.locator('.canvas').isVisible());
    assert.ok(await page.locator('[data-caption]').isVisible());
    assert.ok(await page.getByRole('button', { name: 'Play' }).isVisible(), 'mini controls: play and step');
    assert.equal(await page.getByRole('combobox', { name: 'Speed' }).isVisible(), false);
    assert.equal(await page.locator('details.actions').isVisible(), false);
    await screenshot(page, 'embed-800');
    // The options stay in the URL the app keeps current.
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => location.hash.includes('step=1') && location.hash.includes('embed=1'));

    // (New options are a new page: the app reloads itself for them.)
    await page.goto(`${server.url}#/outbox?variant=dual-write&embed=1&controls=none&caption=0&theme=dark&zoom=1.25&from=2&to=4&guided=0`);
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await root(page).waitFor();
    assert.equal(await page.locator('.playback').isVisible(), false);
    assert.equal(await page.locator('.narration').isVisible(), false);
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
    assert.match(await page.locator('html').getAttribute('style'), /zoom: ?125%/);
    assert.equal(await step(page), 2, 'opens at from');
    await page.keyboard.press('End');
    assert.equal(await step(page), 4, 'ends at to');
    await page.keyboard.press('Home');
    assert.equal(await step(page), 2);
    await page.keyboard.press('ArrowLeft');
    assert.equal(await step(page), 2, 'never before from');

    // Bounds the wrong way round are no bounds, and say so.
    await page.goto('about:blank');
    await page.goto(`${server.url}#/outbox?variant=dual-write&embed=1&from=4&to=2&guided=0`);
    await page.getByRole('status').getByText('from=4 comes after to=2').waitFor();
    await page.keyboard.press('End');
    assert.equal(await step(page), Number(await root(page).getAttribute('data-steps')));

    await page.goto('about:blank');
    await page.goto(`${server.url}#/outbox?embed=1&zoom=banana&theme=<b>x</b>&controls=all&from=-1`);
    await page.getByRole('status').getByText('zoom=banana is not a value SagaScope knows').waitFor();
    assert.equal(await page.locator('html').getAttribute('data-theme'), null);
    assert.equal(await page.locator('.notice b').count(), 0, 'no markup from the URL');
    assert.ok(await page.getByRole('button', { name: 'Play' }).isVisible(), 'default controls kept');
    // Escape hands the keys back: nothing in the embed keeps focus.
    await page.getByRole('button', { name: 'Step forward' }).focus();
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement === document.body), true);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

/** A host page at the app's origin with the app in an iframe; it records every message. */
async function host(page, hash) {
  await page.route(`${server.url}host.html`, (route) => route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><title>host</title><iframe id="app" title="SagaScope" width="800" height="450" src="${server.url}${hash}"></iframe>
      <script>window.got = []; addEventListener('message', (e) => { if (e.source === document.getElementById('app').contentWindow) got.push(e.data); });
      window.ask = (message) => document.getElementById('app').contentWindow.postMessage(message, '*');</script>`,
  }));
  await page.goto(`${server.url}host.html`);
  await page.waitForFunction(() => got.some((m) => m.event === 'ready'));
}

/** Sends a request and waits for its callback. */
async function request(page, id, method, args) {
  await page.evaluate(([id, method, args]) => ask({ namespace: 'sagascope', v: 1, id, method, args }), [id, method, args]);
  return page.waitForFunction((id) => got.find((m) => m.event === 'callback' && m.id === id), id).then((h) => h.jsonValue());
}

test('the host API: ready, requests answered, events, and bad requests refused without a change', async () => {
  const { page, problems, close } = await openPage(browser, server.url);
  try {
    await host(page, '#/choreography?variant=approved&embed=1&guided=0');
    const ready = await page.evaluate(() => got.find((m) => m.event === 'ready'));
    assert.equal(ready.namespace, 'sagascope');
    assert.equal(ready.v, 1);
    assert.deepEqual(ready.methods, ['goto', 'next', 'prev', 'play', 'pause', 'reset', 'load', 'getState']);
    assert.deepEqual(ready.events, ['ready', 'stepchanged', 'played', 'paused', 'ended']);
    assert.deepEqual(ready.state, { scenario: 'choreography', variant: 'approved', seed: 1, step: 0, steps: 6, playing: false });

    let answer = await request(page, 1, 'goto', { step: 3 });
    assert.equal(answer.ok, true);
    assert.equal(answer.state.step, 3);
    await page.waitForFunction(() => got.some((m) => m.event === 'stepchanged' && m.state.step === 3));
    answer = await request(page, 2, 'next');
    assert.equal(answer.state.step, 4);
    answer = await request(page, 3, 'prev');
    assert.equal(answer.state.step, 3);

    // Refused, and nothing changes.
    for (const [id, method, args] of [[4, 'goto', { step: 99 }], [5, 'goto', { step: -1 }], [6, 'goto', { step: 1.5 }],
      [7, 'goto', { step: '2' }], [8, 'explode'], [9, '<img src=x onerror=alert(1)>'], [10, 'load', { scenario: 'nope' }],
      [11, 'load', { scenario: 'outbox', variant: '<b>' }], [12, 'load', { scenario: 'outbox', seed: -4 }], [13, 'goto']]) {
      answer = await request(page, id, method, args);
      assert.equal(answer.ok, false, `${method} ${JSON.stringify(args)} refused`);
      assert.ok(answer.error.length > 0);
      assert.equal(answer.state.scenario, 'choreography');
      assert.equal(answer.state.step, 3, `${method} changed nothing`);
    }
    const app = page.frameLocator('#app');
    assert.equal(await app.locator('img').count(), 0, 'nothing from a message became markup');
    // Messages not meant for it are ignored: no answer, no change.
    await page.evaluate(() => { ask('hello'); ask({ namespace: 'other', id: 50, method: 'reset' }); ask(null); });
    answer = await request(page, 14, 'getState');
    assert.equal(answer.ok, true);
    assert.equal(answer.state.step, 3);
    assert.equal(await page.evaluate(() => got.filter((m) => m.id === 50).length), 0);
    // A wrong version is refused.
    await page.evaluate(() => ask({ namespace: 'sagascope', v: 2, id: 15, method: 'reset' }));
    answer = await page.waitForFunction(() => got.find((m) => m.id === 15)).then((h) => h.jsonValue());
    assert.equal(answer.ok, false);

    // Play, the end, pause.
    answer = await request(page, 16, 'play');
    await page.waitForFunction(() => got.some((m) => m.event === 'played'));
    await page.waitForFunction(() => got.some((m) => m.event === 'ended' && m.state.step === 6), null, { timeout: 15000 });
    await page.waitForFunction(() => got.some((m) => m.event === 'paused'));
    answer = await request(page, 17, 'reset');
    assert.equal(answer.state.step, 0);

    // reveal.js leaves the slide while it plays, then comes back.
    await request(page, 18, 'play');
    await page.evaluate(() => ask('slide:stop'));
    await page.waitForFunction(() => got.filter((m) => m.event === 'paused').length >= 2);
    assert.equal((await request(page, 19, 'getState')).state.playing, false);
    await page.evaluate(() => ask('slide:start'));
    await page.waitForFunction(() => got.filter((m) => m.event === 'played').length >= 3);
    await request(page, 20, 'pause');

    // Another lesson.
    answer = await request(page, 21, 'load', { scenario: 'outbox', variant: 'dual-write', seed: 7 });
    assert.equal(answer.ok, true);
    assert.deepEqual([answer.state.scenario, answer.state.variant, answer.state.seed], ['outbox', 'dual-write', 7]);
    assert.equal(await app.locator('[data-testid="sagascope"]').getAttribute('data-scenario'), 'outbox');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('every URL parameter, given bad values, gets a clear notice and a working app, never an error or injected markup', async () => {
  const long = 'x'.repeat(5000);
  const script = '<script>window.hacked=1</script><img src=x onerror="window.hacked=1">';
  const bad = ['-1', '1e99', '18446744073709551616', 'NaN', 'abc', '', long, script];
  const params = ['step', 'seed', 'variant', 'guided', 'free', 'embed', 'controls', 'autoplay', 'theme', 'zoom', 'from', 'to', 'caption'];
  const { page, problems, close } = await openPage(browser, server.url);
  try {
    for (const param of params) {
      for (const value of bad) {
        await page.goto('about:blank');
        await page.goto(`${server.url}#/outbox?variant=dual-write&${param}=${encodeURIComponent(value)}`);
        await root(page).or(page.locator('.notice')).first().waitFor();
        // The app answers keys, and nothing from the URL became markup.
        await page.keyboard.press('End');
        assert.equal(await page.evaluate(() => window.hacked), undefined, `${param}=${value.slice(0, 20)}`);
        assert.equal(await page.locator('.notice img, .notice script, .notice b').count(), 0);
      }
    }
    // An unknown lesson, with markup in its name.
    await page.goto('about:blank');
    await page.goto(`${server.url}#/${encodeURIComponent(script)}`);
    await page.getByRole('status').getByText('There is no lesson called').waitFor();
    assert.equal(await page.evaluate(() => window.hacked), undefined);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('an embed opens a variant where its point starts, without the notice a learner gets', async () => {
  await visit(browser, server.url, '#/ftgo-cancel-order?variant=kitchen-preparing&embed=1', async (page) => {
    await root(page).waitFor();
    assert.ok((await step(page)) > 0, 'the steps that set the scene are passed');
    assert.equal(await page.locator('.notice').count(), 0, 'the deck chose the start: no notice');
    await page.goto(`${server.url}#/ftgo-cancel-order?variant=kitchen-preparing`);
    await page.waitForFunction(() => !document.body.classList.contains('embed'));
    await root(page).waitFor();
    await page.getByRole('status').getByText(/^The lesson starts at step \d+/).waitFor();
  }, { width: 800, height: 450 });
});

/**
 * A host page that can remove its iframe and add it again (as a deck that
 * unloads hidden slides does). Records the embed's messages; Player.js's
 * JSON text is parsed.
 */
async function reloadingHost(page, hash) {
  await page.route(`${server.url}host-again.html`, (route) => route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><title>host</title><div id="slot"></div>
      <script>
      window.got = [];
      window.frame = () => document.querySelector('iframe');
      addEventListener('message', (e) => {
        if (e.source !== frame()?.contentWindow) return;
        let data = e.data;
        if (typeof data === 'string') { try { data = JSON.parse(data); } catch { return; } }
        got.push(data);
      });
      window.add = (src) => {
        got.length = 0;
        const f = document.createElement('iframe');
        f.title = 'SagaScope'; f.width = 800; f.height = 450; f.src = src;
        document.getElementById('slot').append(f);
      };
      window.remove = () => frame()?.remove();
      window.ask = (message) => frame().contentWindow.postMessage(message, '*');
      </script>`,
  }));
  await page.goto(`${server.url}host-again.html`);
  return add(page, hash);
}

/** (Re)adds the iframe at `hash` and waits for its `ready`. */
async function add(page, hash) {
  await page.evaluate((src) => { remove(); add(src); }, `${server.url}${hash}`);
  await page.waitForFunction(() => got.some((m) => m.namespace === 'sagascope' && m.event === 'ready'));
  return page.evaluate(() => got.find((m) => m.namespace === 'sagascope' && m.event === 'ready').state);
}

/** Sends a native request and waits for its answer. */
async function call(page, id, method, args) {
  await page.evaluate(([id, method, args]) => ask({ namespace: 'sagascope', v: 1, id, method, args }), [id, method, args]);
  return page.waitForFunction((id) => got.find((m) => m.event === 'callback' && m.id === id), id).then((h) => h.jsonValue());
}

test('an embed removed and added again comes back as it was left: lesson, step and answered questions; reset forgets', async () => {
  const { page, problems, close } = await openPage(browser, server.url);
  try {
    const url = '#/outbox?variant=dual-write&embed=1&step=0';
    let state = await reloadingHost(page, url);
    assert.equal(state.step, 0, 'a first load follows the URL');
    const app = page.frameLocator('iframe');
    // Step on to the first question, and answer it (which takes its step).
    let id = 1;
    while (await app.locator('[data-question]').count() === 0) {
      state = (await call(page, id++, 'next')).state;
      assert.ok(state.step < state.steps, 'the lesson asks a question');
    }
    const asked = state.step;
    await app.locator('[data-question] button').first().click();
    await app.locator(`[data-testid="sagascope"][data-step="${asked + 1}"]`).waitFor();
    state = (await call(page, id++, 'next')).state;
    const left = state.step;
    assert.ok(left > 0);

    state = await add(page, url);
    assert.equal(state.step, left, 'the remembered step wins over step=0');
    assert.equal(await app.locator('[data-testid="sagascope"]').getAttribute('data-step'), String(left));
    await call(page, id++, 'goto', { step: asked });
    await app.locator(`[data-testid="sagascope"][data-step="${asked}"]`).waitFor();
    assert.equal(await app.locator('[data-question]').count(), 0, 'the answer is remembered: not asked again');

    // Another lesson, loaded by the host, is remembered too.
    await call(page, id++, 'load', { scenario: 'choreography', variant: 'rejected', seed: 3 });
    await call(page, id++, 'goto', { step: 4 });
    state = await add(page, url);
    assert.deepEqual([state.scenario, state.variant, state.seed, state.step], ['choreography', 'rejected', 3, 4]);

    // Another URL is another embed: it follows its own.
    state = await add(page, '#/outbox?variant=dual-write&embed=1&step=1');
    assert.deepEqual([state.scenario, state.step], ['outbox', 1]);

    // reset: step 0, the questions asked again, and nothing remembered.
    state = await add(page, url);
    assert.equal(state.scenario, 'choreography');
    await call(page, id++, 'goto', { step: 3 });
    state = (await call(page, id++, 'reset')).state;
    assert.equal(state.step, 0);
    state = await add(page, url);
    assert.deepEqual([state.scenario, state.step], ['outbox', 0], 'after reset the URL is followed');
    await call(page, id++, 'goto', { step: asked });
    await app.locator('[data-question]').waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('an embed with bad remembered data, or with no storage at all, follows its URL and works', async () => {
  const url = '#/outbox?variant=dual-write&embed=1&step=2';
  const key = `sagascope-embed ${server.url}${url}`;
  const garbage = ['', 'x', '1', '1 - ', '1 - #/', '1 x.y #/outbox?step=9&embed=1', '1 - #/outbox?step=-5&variant=dual-write&embed=1',
    '1 - #/outbox?variant=dual-write&step=3&seed=1&embed=1&theme=dark', '1 99999999999999999999 #/outbox?step=3&embed=1',
    '1 - #/nope?variant=<b>x</b>&step=3&embed=1', `1 - #/outbox?embed=1&variant=${'x'.repeat(20000)}`, '\u0000\uffff'];
  const { page, problems, close } = await openPage(browser, server.url);
  try {
    await reloadingHost(page, url);
    const app = page.frameLocator('iframe');
    for (const text of garbage) {
      await app.locator('[data-testid="sagascope"]').evaluate((_, [key, text]) => sessionStorage.setItem(key, text), [key, text]);
      const state = await add(page, url);
      assert.deepEqual([state.scenario, state.variant, state.step], ['outbox', 'dual-write', 2], `stored ${JSON.stringify(text.slice(0, 40))}`);
      assert.equal(await app.locator('.notice').count(), 0, 'nothing to say about it');
    }
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }

  // Storage that throws (blocked by the browser's settings): nothing remembered, all else works.
  const blocked = await openPage(browser, server.url);
  try {
    await blocked.page.addInitScript(() => {
      Object.defineProperty(window, 'sessionStorage', { get() { throw new DOMException('blocked', 'SecurityError'); } });
      Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('blocked', 'SecurityError'); } });
    });
    await reloadingHost(blocked.page, url);
    assert.equal((await call(blocked.page, 1, 'goto', { step: 3 })).state.step, 3);
    const state = await add(blocked.page, url);
    assert.equal(state.step, 2, 'nothing remembered');
    assert.equal((await call(blocked.page, 2, 'reset')).ok, true);
    assert.deepEqual(blocked.problems, []);
  } finally {
    await blocked.close();
  }
});

test('Player.js: ready with the frame\'s src, play, pause and setCurrentTime in steps, getters answered by listener, the events heard', async () => {
  const { page, problems, close } = await openPage(browser, server.url);
  try {
    const url = '#/choreography?variant=approved&embed=1&guided=0';
    await reloadingHost(page, url);
    const player = (message) => page.evaluate((m) => ask(JSON.stringify({ context: 'player.js', version: '0.0.11', ...m })), message);
    const heard = (filter) => page.waitForFunction(filter).then((h) => h.jsonValue());
    const ready = await heard(() => got.find((m) => m.context === 'player.js' && m.event === 'ready'));
    assert.equal(ready.value.src, `${server.url}${url}`, 'src: the frame\'s own, as Player.js matches it');
    assert.deepEqual(ready.value.methods,
      ['play', 'pause', 'getPaused', 'getCurrentTime', 'setCurrentTime', 'getDuration', 'addEventListener', 'removeEventListener']);
    assert.deepEqual(ready.value.events, ['ready', 'play', 'pause', 'timeupdate', 'ended']);
    assert.equal(ready.listener, undefined);
    // No event before a listener asks for it.
    await player({ method: 'setCurrentTime', value: 1 });
    await heard(() => got.find((m) => m.namespace === 'sagascope' && m.event === 'stepchanged' && m.state.step === 1));
    for (const event of ['play', 'pause', 'timeupdate', 'ended']) {
      await player({ method: 'addEventListener', value: event, listener: `on-${event}` });
    }
    // The Player.js library asks for `ready` again once it listens.
    await player({ method: 'addEventListener', value: 'ready', listener: 'r1' });
    await heard(() => got.find((m) => m.event === 'ready' && m.listener === 'r1'));

    // setCurrentTime(4) goes to step 4; getters answer with the request's listener.
    await player({ method: 'setCurrentTime', value: 4 });
    const update = await heard(() => got.find((m) => m.event === 'timeupdate' && m.value.seconds === 4));
    assert.equal(update.listener, 'on-timeupdate');
    assert.ok(update.value.duration >= 4);
    await player({ method: 'getCurrentTime', listener: 'g1' });
    assert.equal((await heard(() => got.find((m) => m.listener === 'g1'))).value, 4);
    assert.equal((await heard(() => got.find((m) => m.listener === 'g1'))).event, 'getCurrentTime');
    // Sent as an object rather than JSON text, it is understood too.
    await page.evaluate(() => ask({ context: 'player.js', version: '0.0.11', method: 'getPaused', listener: 7 }));
    assert.equal((await heard(() => got.find((m) => m.listener === 7))).value, true);

    // play: the play event, a timeupdate on each step, the end; pause.
    await player({ method: 'play' });
    await heard(() => got.find((m) => m.event === 'play' && m.listener === 'on-play'));
    await heard(() => got.find((m) => m.event === 'timeupdate' && m.value.seconds === 5));
    const ended = await heard(() => got.find((m) => m.context === 'player.js' && m.event === 'ended'));
    assert.equal(ended.listener, 'on-ended');
    await heard(() => got.find((m) => m.event === 'pause'));
    await player({ method: 'getDuration', listener: 'd' });
    const duration = (await heard(() => got.find((m) => m.listener === 'd'))).value;
    assert.equal(duration, 6, 'six steps: six seconds');
    await player({ method: 'setCurrentTime', value: 2 });
    await player({ method: 'play' });
    await heard(() => got.filter((m) => m.event === 'play').length === 2);
    await player({ method: 'pause' });
    await heard(() => got.filter((m) => m.event === 'pause').length === 2);
    await player({ method: 'getPaused', listener: 'p2' });
    assert.equal((await heard(() => got.find((m) => m.listener === 'p2'))).value, true);

    // Bad values and methods not spoken (mute, setVolume, ...) change nothing.
    await player({ method: 'getCurrentTime', listener: 'before' });
    const before = (await heard(() => got.find((m) => m.listener === 'before'))).value;
    for (const value of [-1, 'x', null, { a: 1 }, Number.NaN]) await player({ method: 'setCurrentTime', value });
    await player({ method: 'mute' });
    await player({ method: 'setVolume', value: 50 });
    await page.evaluate(() => { ask('{"context":"player.js","method":'); ask('{}'); ask({ context: 'player.js', method: 'getPaused', listener: { no: 1 } }); });
    await player({ method: 'getCurrentTime', listener: 'after' });
    assert.equal((await heard(() => got.find((m) => m.listener === 'after'))).value, before);

    // removeEventListener: no more timeupdates.
    await player({ method: 'removeEventListener', value: 'timeupdate', listener: 'on-timeupdate' });
    const updates = await page.evaluate(() => got.filter((m) => m.event === 'timeupdate').length);
    await player({ method: 'setCurrentTime', value: 0 });
    await heard(() => got.find((m) => m.namespace === 'sagascope' && m.event === 'stepchanged' && m.state.step === 0));
    assert.equal(await page.evaluate(() => got.filter((m) => m.event === 'timeupdate').length), updates);
    // Every Player.js message went out as JSON text, once per ready.
    assert.equal(await page.evaluate(() => got.filter((m) => m.context === 'player.js' && m.event === 'ready' && !m.listener).length), 1);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
