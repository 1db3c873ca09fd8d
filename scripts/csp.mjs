// Adds a Content-Security-Policy to a built page (Trunk's post_build hook,
// via scripts/minify; and scripts/offline for the single file): only the
// page's own files, its inline scripts and styles by their SHA-256 hashes,
// WebAssembly compiled by the page, images from data: URLs (the icon).
//   node scripts/csp.mjs <page.html> [blob:]
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

// `blob:` (the single file): scripts and a worker the page makes itself.
const [page, blob = ''] = process.argv.slice(2);
let html = readFileSync(page, 'utf8');
const hashes = (tag) => [...html.matchAll(new RegExp(`<${tag}(?: type="module")?>([\\s\\S]*?)</${tag}>`, 'g'))]
  .map((m) => `'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`);
const policy = [
  "default-src 'self'",
  `script-src 'self' ${blob} 'wasm-unsafe-eval' ${hashes('script').join(' ')}`.replace('  ', ' ').trim(),
  `style-src 'self' ${hashes('style').join(' ')}`.trim(),
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}">`;
html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n?/, '');
html = html.replace('<meta charset="utf-8">', `<meta charset="utf-8">\n  ${meta}`);
writeFileSync(page, html);
