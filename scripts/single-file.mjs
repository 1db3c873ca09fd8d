// Writes the built app (dist/) as one self-contained HTML file that opens
// from file:// with no server and no network: the stylesheet, the JS glue
// and the wasm (base64) inline, every lesson file as a JSON script the app
// reads instead of fetching it, the explorer's dialog and worker and the
// stage's SVG export (as blob: URLs the page makes), and a Content-Security-Policy naming the inline
// script and style by their hashes (scripts/csp.mjs).
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

// What the page loads on a click when served: the explorer (its dialog,
// and its worker as one script: the wasm glue, then the start-up with the
// module's bytes) and the stage's SVG export. Here each is a blob: URL a
// small inline script makes, and the click handler imports from there.
// The explorer's style joins the page's.
const explorer = (f) => readFileSync(join(dist, 'explorer', f));
const workerScript = `${explorer('explorer.js')}
const early = []; self.onmessage = (event) => early.push(event);
wasm_bindgen({ module_or_path: Uint8Array.from(atob("${explorer('explorer_bg.wasm').toString('base64')}"), (c) => c.charCodeAt(0)) })
  .then(() => early.forEach((event) => self.onmessage(event)));`;
// Base64, so no text inside can end its script element; the page decodes
// each to a blob of its bytes.
const asData = (id, bytes) => `<script type="text/plain" id="${id}">${Buffer.from(bytes).toString('base64')}</script>`;
const lazyFiles = [
  asData('lazy-panel', explorer('panel.js')),
  asData('lazy-worker', workerScript),
  asData('lazy-stage', readFileSync(join(dist, 'share', 'stage.js'))),
  '<script>window.sagascopeLazy = Object.fromEntries(["panel", "worker", "stage"].map((name) => [name, URL.createObjectURL(new Blob(' +
    '[Uint8Array.from(atob(document.getElementById(`lazy-${name}`).textContent), (c) => c.charCodeAt(0))], { type: "text/javascript" }))]));</script>',
].join('\n');

let html = readFileSync(join(dist, 'index.html'), 'utf8');
html = html
  .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n?/, '')
  .replace(/<link rel="modulepreload"[^>]*>/, '')
  .replace(/<link rel="preload"[^>]*>/, '')
  .replace(/<link rel="stylesheet"[^>]*>/, () => `<style>${css}\n${explorer('panel.css')}</style>`)
  .replace("import('./explorer/panel.js')", 'import(sagascopeLazy.panel)')
  .replace("import('./share/stage.js')", 'import(sagascopeLazy.stage)')
  .replace(/<script type="module">[\s\S]*?<\/script>/, () => `<script type="module">${start}</script>`)
  // The page's early download of a lesson's file: here every lesson is
  // in the page, and file:// fetches nothing.
  .replace(/<script>[^<]*rel:'preload'[^<]*<\/script>\n?/, '')
  .replace('</body>', () => `${lessons.join('\n')}\n${lazyFiles}\n</body>`);
if (!html.includes('import(sagascopeLazy.panel)') || !html.includes('import(sagascopeLazy.stage)')) {
  throw new Error("index.html's click handler changed: update single-file.mjs");
}
if (html.includes("rel:'preload'")) throw new Error("index.html's early lesson download changed: update single-file.mjs");
writeFileSync(out, html);
// blob: for the explorer's dialog and worker and the stage's export, made
// by the page itself.
execFileSync(process.execPath, [join(import.meta.dirname, 'csp.mjs'), out, 'blob:'], { stdio: 'inherit' });
