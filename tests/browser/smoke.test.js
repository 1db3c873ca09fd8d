// The app loads, draws, and stays quiet: no console error, no exception,
// no request to another host.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, screenshot } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('the app opens on the course; a lesson from it mounts the lesson root', async () => {
  const { page, problems, close } = await openPage(browser, server.url);
  await page.goto(server.url);
  const course = page.locator('[data-testid="course"]');
  await course.waitFor();
  await screenshot(page, 'course');
  await course.locator('[data-lesson] a').first().click();
  const root = page.locator('[data-testid="sagascope"]');
  await root.waitFor();
  assert.ok(await root.isVisible());
  assert.equal(await course.isVisible(), false, 'the course hides while a lesson is open');
  await screenshot(page, 'smoke');
  // A Content-Security-Policy: the app's own files, its start-up script by
  // hash, compiled WebAssembly; never inline code or styles in general.
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/);
  assert.doesNotMatch(policy, /'unsafe-inline'|'unsafe-eval'/);
  assert.deepEqual(problems, []);
  await close();
});
