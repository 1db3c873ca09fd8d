// Shared set-up for the browser tests: a static server for dist/ on a free
// loopback port, headless Debian Chromium, and a page that fails the test on
// any console error, uncaught exception or request to another host.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, mkdir } from 'node:fs/promises';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist');
export const ARTIFACTS = join(ROOT, 'test-artifacts');
const CATALOGUE = join(ROOT, 'engine/src/scenarios/catalogue');

/** Every lesson file, parsed, in file-name order. */
export const catalogue = () => readdirSync(CATALOGUE).sort().map((f) => JSON.parse(readFileSync(join(CATALOGUE, f), 'utf8')));

const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
};

/**
 * Serves dist/ (or `root`) on 127.0.0.1; resolves to { url, close }. With
 * `gzip`, compressed as a static host serves it (`gzip -9`), for timings
 * on an emulated slow network.
 */
export async function serve(root = DIST, { gzip = false } = {}) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      const type = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' };
      if (gzip) res.writeHead(200, { ...type, 'content-encoding': 'gzip' }).end(gzipSync(body, { level: 9 }));
      else res.writeHead(200, type).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

/** Launches the machine's Chromium, headless, with no background traffic. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-quic', '--no-first-run'],
  });
}

/**
 * A new page at `viewport`, recording problems: console errors, uncaught
 * exceptions, and requests that leave the app's own origin.
 */
export async function openPage(browser, base, { width = 1280, height = 720, reducedMotion = 'no-preference', colorScheme = 'light', bypassCSP = false } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, reducedMotion, colorScheme, bypassCSP });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('request', (req) => {
    // data: and blob: URLs (the single file's explorer) never leave the page.
    if (!req.url().startsWith(base) && !/^(data|blob):/.test(req.url())) problems.push(`network request to ${req.url()}`);
  });
  return { page, problems, close: () => context.close() };
}

/**
 * Opens `base + hash` in a new page, runs `body(page)`, then fails on any
 * problem the page recorded (console errors, exceptions, foreign requests).
 */
export async function visit(browser, base, hash, body, options) {
  const { page, problems, close } = await openPage(browser, base, options);
  try {
    await page.goto(base + hash);
    await body(page);
    assert.deepEqual(problems, [], 'console errors, exceptions or foreign requests');
  } finally {
    await close();
  }
}

/** Saves a screenshot under test-artifacts/. */
export async function screenshot(page, name) {
  const path = join(ARTIFACTS, `${name}.png`);
  await mkdir(dirname(path), { recursive: true });
  await page.screenshot({ path });
}
