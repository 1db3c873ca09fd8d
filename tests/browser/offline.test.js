// The single file (dist/sagascope-offline.html, built by build_single_file
// in scripts/tools.sh) opens from file:// with no server and no network,
// and plays a lesson to its end.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { launch, openPage } from './harness.js';

const FILE = pathToFileURL(new URL('../../dist/sagascope-offline.html', import.meta.url).pathname).href;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the single file opens from file://, requests nothing, and plays a lesson to its end', async () => {
  // Only this file may be requested: no server, no network.
  const { page, problems, close } = await openPage(browser, FILE);
  try {
    await page.goto(`${FILE}#/ftgo-create-order?variant=authorization-fails&guided=0`);
    const root = page.locator('[data-testid="sagascope"]');
    await root.waitFor();
    assert.equal(await root.getAttribute('data-scenario'), 'ftgo-create-order');
    await page.getByRole('combobox', { name: 'Speed' }).selectOption({ label: '1×' });
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="sagascope"]').dataset.playing === 'false', null, { timeout: 20000 });
    assert.equal(await root.getAttribute('data-step'), await root.getAttribute('data-steps'));
    assert.equal(await page.locator('[data-table="order-service/orders"] tr[data-row="1"]').getAttribute('data-order-state'), 'REJECTED');
    // Another lesson, also from inside the file; and the course.
    await page.getByRole('combobox', { name: 'Lesson' }).selectOption('outbox');
    await page.waitForFunction(() => document.querySelector('[data-testid="sagascope"]').dataset.scenario === 'outbox');
    await page.getByRole('link', { name: 'SagaScope' }).click();
    await page.locator('[data-testid="course"]').waitFor();
    assert.deepEqual(problems, [], 'no console error, no CSP violation, no request');
  } finally {
    await close();
  }
});
