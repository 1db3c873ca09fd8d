// `trunk serve` and `trunk build` as a Leptos developer runs them: in a copy
// of the checkout without .tools, with Trunk, the wasm target and the
// matching wasm-bindgen CLI on PATH and nothing from npm. node, npm, npx,
// esbuild and wasm-opt are shadowed by commands that fail, so a development
// build that needed any of them would fail here. The copy builds into the
// checkout's own target/ (its dependencies are compiled once and kept).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { cp, mkdtemp, mkdir, readFile, rm, writeFile, chmod, access } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch, openPage } from './harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Minutes: the first run compiles the app's dependencies for a debug build.
const LONG = 15 * 60 * 1000;

let copy;
let browser;
let env;

before(async () => {
  copy = await mkdtemp(join(tmpdir(), 'sagascope-fresh-'));
  // The files git knows (tracked, or new and not ignored), as a fresh clone has them.
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0').filter(Boolean);
  for (const file of files) {
    try {
      await access(join(ROOT, file));
    } catch {
      continue; // deleted in the working tree
    }
    await mkdir(dirname(join(copy, file)), { recursive: true });
    await cp(join(ROOT, file), join(copy, file));
  }
  // Commands a development build must not need: each fails loudly.
  const shadow = join(copy, '.no-npm');
  await mkdir(shadow);
  for (const name of ['node', 'npm', 'npx', 'esbuild', 'wasm-opt']) {
    await writeFile(join(shadow, name), `#!/bin/sh\necho "${name} was run" >&2\nexit 127\n`);
    await chmod(join(shadow, name), 0o755);
  }
  const path = process.env.PATH.split(delimiter).filter((dir) => !dir.includes('.tools') && !dir.includes('node_modules'));
  env = { ...process.env, PATH: [shadow, ...path].join(delimiter), CARGO_TARGET_DIR: join(ROOT, 'target') };
  delete env.TRUNK_STAGING_DIR;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (copy) await rm(copy, { recursive: true, force: true });
});

/** Runs `trunk args...` in the copy; resolves to its output, rejects with it. */
function trunk(args) {
  return new Promise((resolve, reject) => {
    execFile('trunk', args, { cwd: copy, env, timeout: LONG, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const output = `${stdout}\n${stderr}`;
      if (error) reject(new Error(`trunk ${args.join(' ')} failed:\n${output.slice(-4000)}`));
      else resolve(output);
    });
  });
}

/** Loads `base` + a lesson in Chromium: the app draws it, with no console error. */
async function rendersALesson(base) {
  const { page, problems, close } = await openPage(browser, base);
  try {
    await page.goto(`${base}#/outbox?variant=dual-write`);
    await page.locator('[data-testid="sagascope"] [data-service="order-service"]').waitFor();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelector('[data-testid="sagascope"]').dataset.step !== '0');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
}

test('plain `trunk build` in a fresh copy, without .tools or node: a working app', { timeout: LONG }, async () => {
  const output = await trunk(['build']);
  assert.match(output, /a development build: not minified/, 'the hook says what it skipped');
  const html = await readFile(join(copy, 'dist', 'index.html'), 'utf8');
  assert.doesNotMatch(html, /Content-Security-Policy/, 'the policy belongs to the release build');
  const server = await serve(join(copy, 'dist'));
  try {
    await rendersALesson(server.url);
  } finally {
    await server.close();
  }
});

/** A free port on the loopback interface. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

test('plain `trunk serve` in the same copy serves the app', { timeout: LONG }, async () => {
  const port = await freePort();
  const server = spawn('trunk', ['serve', '--port', String(port)], { cwd: copy, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout.on('data', (d) => { output += d; });
  server.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => server.on('exit', resolve));
  try {
    const base = `http://127.0.0.1:${port}/`;
    // Serving starts once the first build is done.
    const deadline = Date.now() + LONG;
    for (;;) {
      const up = await fetch(base).then((r) => r.ok && r.text()).catch(() => false);
      if (up && up.includes('_bg.wasm')) break;
      const gone = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 500))]);
      assert.ok(!gone, `trunk serve stopped:\n${output.slice(-4000)}`);
      assert.ok(Date.now() < deadline, `trunk serve never served the app:\n${output.slice(-4000)}`);
    }
    await rendersALesson(base);
  } finally {
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
    await exited;
  }
});

test('a release build\'s hook without .tools skips what needs npm tools, says so, and still writes the policy', { timeout: LONG }, async () => {
  // The hook alone, on the development build's files (Trunk itself would
  // fetch binaryen for a release build here, which this machine cannot).
  const staging = join(copy, 'staging');
  await cp(join(copy, 'dist'), staging, { recursive: true });
  const withNode = { ...env, PATH: env.PATH.split(delimiter).slice(1).join(delimiter), TRUNK_PROFILE: 'release', TRUNK_STAGING_DIR: staging };
  const output = await new Promise((resolve, reject) => {
    execFile('bash', ['scripts/minify'], { cwd: copy, env: withNode }, (error, stdout, stderr) => (error ? reject(error) : resolve(stderr)));
  });
  assert.match(output, /wasm-opt .* is missing: wasm import and export names not shortened/);
  assert.match(output, /esbuild .* is missing: the JS glue and the CSS not minified/);
  assert.match(await readFile(join(staging, 'index.html'), 'utf8'), /Content-Security-Policy/);
});
