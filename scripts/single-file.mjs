// Writes the built app (dist/) as one self-contained HTML file that opens
// from file:// with no server and no network: the stylesheet, the JS glue
// and the wasm (base64) inline, every lesson file as a JSON script the app
// reads instead of fetching it, and a Content-Security-Policy naming the
// inline script and style by their hashes (scripts/csp.mjs).
//   node scripts/single-file.mjs <dist> <out.html>
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

const [dist, out] = process.argv.slice(2);
const files = readdirSync(dist);
const find = (test) => {
  const file = files.find(test);
  if (!file) throw new Error(`no such file in ${dist}; build the app first`);
  return readFileSync(join(dist, file));
};
const glue = find((f) => /^sagascope-[0-9a-f]+\.js$/.test(f)).toString();
const wasm = find((f) => f.endsWith('_bg.wasm')).toString('base64');
const css = find((f) => /^style-[0-9a-f]+\.css$/.test(f)).toString();

// The glue ends with `export{a as initSync,b as default}`: start the app
// with its default export, given the wasm bytes instead of a URL.
const exported = glue.match(/export\s*\{([^}]*)\}\s*;?\s*$/);
if (!exported) throw new Error('the JS glue has no export list at its end');
const init = exported[1].split(',').map((s) => s.trim().split(/\s+as\s+/)).find(([, name]) => name === 'default')?.[0];
if (!init) throw new Error('the JS glue exports no default (its init function)');
const start = `${glue.slice(0, exported.index)}\nawait ${init}({module_or_path:Uint8Array.from(atob("${wasm}"),c=>c.charCodeAt(0))});`;

const lessons = readdirSync(join(dist, 'lessons')).filter((f) => f.endsWith('.json')).map((f) => {
  // `<\/` keeps a lesson's text from closing its script element.
  const json = readFileSync(join(dist, 'lessons', f), 'utf8').replaceAll('</', '<\\/');
  return `<script type="application/json" id="lesson-${f.slice(0, -5)}">${json}</script>`;
});

let html = readFileSync(join(dist, 'index.html'), 'utf8');
html = html
  .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n?/, '')
  .replace(/<link rel="modulepreload"[^>]*>/, '')
  .replace(/<link rel="preload"[^>]*>/, '')
  .replace(/<link rel="stylesheet"[^>]*>/, () => `<style>${css}</style>`)
  .replace(/<script type="module">[\s\S]*?<\/script>/, () => `<script type="module">${start}</script>`)
  .replace('</body>', () => `${lessons.join('\n')}\n</body>`);
writeFileSync(out, html);
execFileSync(process.execPath, [join(import.meta.dirname, 'csp.mjs'), out], { stdio: 'inherit' });
