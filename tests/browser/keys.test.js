// Keys and focus: after a pointer click on a button the keys do what they
// promise (Space plays or pauses) instead of pressing that button again,
// while a keyboard user who reached a button with Tab still presses it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, visit } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const root = (page) => page.locator('[data-testid="sagascope"]');
const orders = (page) => page.getByRole('combobox', { name: 'order' }).locator('option:not([value=""])').count();
const focusedRoot = (page) => page.evaluate(() => document.activeElement?.dataset.testid === 'sagascope');

test('after clicking Place order, Space plays and pauses; it places no second order', async () => {
  await visit(browser, server.url, '#/sandbox', async (page) => {
    await root(page).waitFor();
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForFunction(() => document.querySelectorAll('select[aria-label="order"] option:not([value=""])').length === 1);
    assert.ok(await focusedRoot(page), 'the focus went back to the lesson');
    await page.keyboard.press(' ');
    await page.waitForFunction(() => document.querySelector('[data-testid="sagascope"]').dataset.playing === 'true');
    await page.keyboard.press(' ');
    await page.waitForFunction(() => document.querySelector('[data-testid="sagascope"]').dataset.playing === 'false');
    assert.equal(await orders(page), 1, 'no second order');

    // The same for a button on the stage and one in the playback bar.
    await page.getByRole('button', { name: 'Crash Customer Service' }).click();
    await page.locator('[data-service="customer-service"][data-status="down"]').waitFor();
    assert.ok(await focusedRoot(page));
    const step = await root(page).getAttribute('data-step');
    await page.getByRole('button', { name: 'Step back' }).click();
    await page.waitForFunction((step) => document.querySelector('[data-testid="sagascope"]').dataset.step !== step, step);
    const back = await root(page).getAttribute('data-step');
    await page.keyboard.press(' ');
    await page.waitForFunction(() => document.querySelector('[data-testid="sagascope"]').dataset.playing === 'true');
    await page.keyboard.press(' ');
    assert.ok(Number(await root(page).getAttribute('data-step')) >= Number(back), 'Space did not step back again');

    // Escape still hands the keys back to a host.
    await page.getByRole('button', { name: 'Step forward' }).click();
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement === document.body), true);
  });
});

test('a keyboard user who tabbed to a button presses it with Space or Enter', async () => {
  await visit(browser, server.url, '#/sandbox', async (page) => {
    await root(page).waitFor();
    const place = page.getByRole('button', { name: 'Place order' });
    // Reach the button with Tab, from the total field before it.
    await page.getByRole('spinbutton', { name: 'total' }).focus();
    await page.keyboard.press('Tab');
    assert.equal(await place.evaluate((el) => el === document.activeElement), true, 'Tab reaches Place order');
    await page.keyboard.press(' ');
    await page.waitForFunction(() => document.querySelectorAll('select[aria-label="order"] option:not([value=""])').length === 1);
    assert.equal(await place.evaluate((el) => el === document.activeElement), true, 'the focus stays on the button');
    assert.equal(await root(page).getAttribute('data-playing'), 'false', 'Space pressed the button, it did not play');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('select[aria-label="order"] option:not([value=""])').length === 2);
    assert.equal(await root(page).getAttribute('data-playing'), 'false');
  });
});
