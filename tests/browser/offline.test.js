// The single file (dist/sagascope-offline.html, built by build_single_file
// in scripts/tools.sh) opens from file:// with no server and no network,
// and plays a lesson to its end.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
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
    await page.getByRole('combobox', { name: 'Speed' }).selectOption({ label: '10×' });
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

test('the explorer and the stage\'s export work from the single file too: their code comes from inside the file', async () => {
  const { page, problems, close } = await openPage(browser, FILE);
  try {
    await page.goto(`${FILE}#/isolation?variant=no-countermeasure&guided=0`);
    await page.locator('[data-testid="sagascope"]').waitFor();
    await page.getByRole('button', { name: 'Can this go wrong?' }).click();
    const dialog = page.getByTestId('explorer');
    await dialog.getByRole('button', { name: 'Search every order' }).click();
    await dialog.getByText(/Found: Lost update/).waitFor({ timeout: 30000 });
    await dialog.getByRole('button', { name: 'Open this run' }).click();
    await page.keyboard.press('End');
    await page.locator('[data-violation="lost-update"]').waitFor();
    assert.ok(await page.locator('.log li.chosen').count() > 0, 'the explorer\'s choices are marked');
    // The stage's SVG export, also loaded on its first click from inside the file.
    await page.getByText('Share').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Stage (SVG)' }).click()]);
    const svg = readFileSync(await download.path(), 'utf8');
    assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"') && svg.includes('data-service="order-service"'), svg.slice(0, 80));
    assert.deepEqual(problems, [], 'no console error, no CSP violation, no request');
  } finally {
    await close();
  }
});
