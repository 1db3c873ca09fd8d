// The first-load budget: every file of the release build in dist/,
// compressed with `gzip -9` (what a static host serves), must total at most
// 230,000 bytes. Deterministic, so it is a test; the figures print either way.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../../dist', import.meta.url));
const BUDGET_BYTES = 230_000;

test('the first load stays within its gzip budget', () => {
  const files = readdirSync(DIST).sort();
  assert.ok(files.some((f) => f.endsWith('.wasm')), 'dist/ holds a build');
  let total = 0;
  for (const file of files) {
    const gzipped = execFileSync('gzip', ['-9c', join(DIST, file)], { maxBuffer: 1 << 26 }).length;
    console.log(`  ${file.padEnd(44)} ${String(gzipped).padStart(8)} B gzip -9`);
    total += gzipped;
  }
  console.log(`  ${'all files'.padEnd(44)} ${String(total).padStart(8)} B of ${BUDGET_BYTES}`);
  assert.ok(total <= BUDGET_BYTES, `first load is ${total} B gzip, over the ${BUDGET_BYTES} B budget`);
});
