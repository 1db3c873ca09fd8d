// Gives the wasm module's imports and exports one- or two-letter names and
// rewrites the JS glue to match (run by scripts/minify, before esbuild),
// then optimizes the module once more.
// wasm-bindgen names them like `__wbg_classList_97e966c261669b85`; across
// ~150 of them that is about 4 KB gzip of the first load.
//
// usage: node shorten-names.mjs <wasm-opt> <file_bg.wasm> <glue.js>
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, renameSync, unlinkSync } from 'node:fs';

const [wasmOpt, wasmFile, glueFile] = process.argv.slice(2);
const shortened = `${wasmFile}.short`;
const stripped = `${wasmFile}.stripped`;
// Exports nobody calls: wasm-streams' stream adapters (IntoUnderlyingSource
// and friends), which Leptos's server functions link in and wasm-bindgen
// exports for JS classes this client-only app never constructs. Exported,
// their code cannot be removed; unexported, --remove-unused-module-elements
// drops it (about 1.2 KB gzip); their classes leave the glue too.
const UNUSED_EXPORT = /^(__wbg_)?intounderlying/;
const UNUSED_GLUE = [
  // `export class IntoUnderlyingSource { ... }` and its Symbol.dispose line
  /^export class IntoUnderlying\w+ \{\n[\s\S]*?\n\}\nif \(Symbol\.dispose\) IntoUnderlying\w+\.prototype\[Symbol\.dispose\] = IntoUnderlying\w+\.prototype\.free;\n/gm,
  // `const IntoUnderlyingSourceFinalization = ...;`
  /^const IntoUnderlying\w+Finalization = [\s\S]*?;\n/gm,
];
// What rustc's wasm32 target emits (the module no longer says: its
// target_features section is stripped). --all-features would let binaryen
// write encodings browsers do not read yet.
const FEATURES = [
  '--enable-bulk-memory',
  '--enable-multivalue',
  '--enable-mutable-globals',
  '--enable-nontrapping-float-to-int',
  '--enable-reference-types',
  '--enable-sign-ext',
];
// binaryen prints the old-to-new mapping as JSON on stdout.
writeFileSync(stripped, withoutExports(readFileSync(wasmFile), UNUSED_EXPORT));
const mapping = JSON.parse(
  execFileSync(wasmOpt, [stripped, ...FEATURES, '--remove-unused-module-elements', '--minify-imports-and-exports-and-modules', '-o', shortened], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  }),
);

const before = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(stripped)));
const after = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(shortened)));
const oldModules = new Set(before.map((i) => i.module));
const newModules = new Set(after.map((i) => i.module));
if (oldModules.size !== 1 || newModules.size !== 1) {
  throw new Error(`expected one import module, found ${[...oldModules]} -> ${[...newModules]}`);
}
const [oldModule] = oldModules;
const [newModule] = newModules;

let glue = readFileSync(glueFile, 'utf8');
for (const pattern of UNUSED_GLUE) glue = glue.replace(pattern, '');
if (glue.includes('IntoUnderlying')) throw new Error('the glue still has IntoUnderlying code: its shape changed');
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const replaceAll = (pattern, replacement, what) => {
  const next = glue.replace(pattern, replacement);
  if (next === glue) throw new Error(`the glue has no ${what}`);
  glue = next;
};

replaceAll(new RegExp(`"${escape(oldModule)}"\\s*:`, 'g'), `"${newModule}":`, `import module "${oldModule}"`);
// An import is a key of the glue's imports object: `name: function(...)`.
for (const [, name, short] of mapping.imports) {
  replaceAll(new RegExp(`(^|[\\s{,])${escape(name)}(\\s*:)`, 'gm'), `$1"${short}"$2`, `import ${name}`);
}
// An export is read as `wasm.name`; some exports are never read by the glue.
for (const [name, short] of mapping.exports) {
  glue = glue.replace(new RegExp(`\\bwasm\\.${escape(name)}\\b`, 'g'), `wasm.${short}`);
}
const leftover = mapping.exports.find(([name]) => new RegExp(`\\bwasm\\.${escape(name)}\\b`).test(glue));
if (leftover) throw new Error(`wasm.${leftover[0]} is still read by the glue`);

writeFileSync(glueFile, glue);
// Optimized again: what only the dropped exports reached is gone now, and
// with it calls and types that kept other code from shrinking (measured on
// the release build: 1.8 KB gzip). Names do not change.
execFileSync(wasmOpt, [shortened, ...FEATURES, '--flatten', '--rereloop', '-Os', '-Os', '-o', shortened]);
renameSync(shortened, wasmFile);
unlinkSync(stripped);

/** The module `bytes` with the exports whose names match `pattern` left out of its export section. */
function withoutExports(bytes, pattern) {
  const leb = (at) => {
    let value = 0, shift = 0, byte;
    do { byte = bytes[at++]; value |= (byte & 0x7f) << shift; shift += 7; } while (byte & 0x80);
    return [value >>> 0, at];
  };
  const encode = (n) => {
    const out = [];
    do { let byte = n & 0x7f; n >>>= 7; if (n) byte |= 0x80; out.push(byte); } while (n);
    return Buffer.from(out);
  };
  const parts = [bytes.subarray(0, 8)];
  for (let at = 8; at < bytes.length;) {
    const id = bytes[at];
    const [size, start] = leb(at + 1);
    const end = start + size;
    if (id === 7) {
      const kept = [];
      let [count, cursor] = leb(start);
      for (; count > 0; count--) {
        const entry = cursor;
        const [length, name] = leb(cursor);
        const exported = bytes.subarray(name, name + length).toString();
        cursor = leb(name + length + 1)[1]; // kind byte, then index
        if (!pattern.test(exported)) kept.push(bytes.subarray(entry, cursor));
      }
      const body = Buffer.concat([encode(kept.length), ...kept]);
      parts.push(Buffer.from([7]), encode(body.length), body);
    } else {
      parts.push(bytes.subarray(at, end));
    }
    at = end;
  }
  return Buffer.concat(parts);
}
