// Sharing a lesson: the link and the embed code (copied to the clipboard,
// and the embed code opens the same step in embed mode), and the exports
// (the stage and the sequence diagram as SVG files that stand alone, the
// diagram as the same Mermaid text the CLI prints, the run as the CLI's
// JSON lines).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { serve, launch, visit } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const root = (page) => page.locator('[data-testid="sagascope"]');

test('Copy link and Copy embed code: the clipboard gets them, and the embed code opens this step in embed mode', async () => {
  await visit(browser, server.url, '#/outbox?variant=outbox&guided=0&step=3', async (page) => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.replace(/\/$/, '') });
    await root(page).waitFor();
    await page.getByText('Share').click();
    await page.getByRole('button', { name: 'Copy' }).first().click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(link, await page.evaluate(() => location.href), 'the link is this page at this step');
    assert.match(link, /#\/outbox\?variant=outbox&step=3&/);
    await page.getByRole('button', { name: 'Copy' }).click();
    const code = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(code, await page.getByLabel('Embed code').inputValue());
    const iframe = code.match(/^<iframe src="([^"]+)" title="SagaScope: The transactional outbox" width="800" height="450"[^>]*><\/iframe>$/);
    assert.ok(iframe, code);
    // The snippet opens the same lesson, variant and step, embedded.
    const src = iframe[1].replaceAll('&amp;', '&');
    assert.ok(src.startsWith(server.url), src);
    await visit(browser, server.url, src.slice(server.url.length), async (embedded) => {
      await root(embedded).waitFor();
      assert.ok(await embedded.evaluate(() => document.body.classList.contains('embed')));
      assert.equal(await root(embedded).getAttribute('data-step'), '3');
      assert.equal(await root(embedded).getAttribute('data-scenario'), 'outbox');
    }, { width: 800, height: 450 });
  });
});

test('exports: the stage and the sequence diagram as SVG files of their own, the diagram and the run as the CLI writes them', async () => {
  await visit(browser, server.url, '#/ftgo-create-order?variant=approved&guided=0', async (page) => {
    await root(page).waitFor();
    await page.keyboard.press('End');
    await page.getByText('Share').click();
    const save = async (name) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
      return { file: download.suggestedFilename(), text: readFileSync(await download.path(), 'utf8') };
    };
    const steps = await root(page).getAttribute('data-steps');

    const mermaid = await save('Sequence diagram (Mermaid)');
    assert.equal(mermaid.file, `sagascope-ftgo-create-order-approved-step${steps}.mmd`);
    const cli = (format) => execFileSync('cargo', ['run', '-q', '-p', 'sagascope-engine', '--bin', 'sagascope-cli', '--',
      'ftgo-create-order', '--variant', 'approved', '--format', format], { encoding: 'utf8' });
    assert.equal(mermaid.text, cli('mermaid'), 'the whole run, as the CLI prints it');

    const jsonl = await save('Run (JSON lines)');
    assert.equal(jsonl.file, `sagascope-ftgo-create-order-approved-step${steps}.jsonl`);
    assert.equal(jsonl.text, cli('jsonl'), 'the same lines as the CLI');
    assert.equal(jsonl.text.trim().split('\n').length, Number(steps));

    // Each SVG opens on its own: parsed as XML, drawn with the page's styles.
    for (const [name, inside] of [['Stage (SVG)', 'data-service="order-service"'], ['Sequence diagram (SVG)', 'seq-row']]) {
      const { file, text } = await save(name);
      assert.match(file, /\.svg$/);
      assert.ok(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), text.slice(0, 80));
      assert.ok(text.includes(inside) && text.includes('<style>'), `${name} holds ${inside} and the styles`);
      // (In a blank page: the app's own policy rightly refuses the file's <style>.)
      const blank = await browser.newPage();
      const parsed = await blank.evaluate((t) => {
        const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
        return doc.querySelector('parsererror') ? doc.querySelector('parsererror').textContent : doc.documentElement.localName;
      }, text);
      await blank.close();
      assert.equal(parsed, 'svg', `${name} is well-formed XML`);
    }
  }, { width: 1280, height: 720 });
});
