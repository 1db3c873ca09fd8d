// Starts the explorer's worker: the engine-only wasm module Trunk builds
// beside the app (index.html, `data-type="worker"`), with its no-modules
// JS glue. Paths are relative to this file, in dist/explorer/. A request
// that arrives while the module is still loading waits for it: the
// module's start function installs the real handler.
importScripts('explorer.js');
const early = [];
self.onmessage = (event) => early.push(event);
wasm_bindgen('explorer_bg.wasm').then(() => early.forEach((event) => self.onmessage(event)));
