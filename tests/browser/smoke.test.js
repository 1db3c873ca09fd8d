// The app loads, draws, and stays quiet: no console error, no exception,
// no request to another host.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, screenshot } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('the app mounts its root element', async () => {
  const { page, problems, close } = await openPage(browser, server.url);
  await page.goto(server.url);
  const root = page.locator('[data-testid="sagascope"]');
  await root.waitFor();
  assert.ok(await root.isVisible());
  await screenshot(page, 'smoke');
  assert.deepEqual(problems, []);
  await close();
});
