// Starts the compute worker (src/worker.rs): Trunk builds its glue and wasm, unhashed, next to
// this file. Messages that arrive while the wasm loads are kept and handed to it once it listens.
// A wasm that cannot load is thrown as the worker's error, so the page falls back to running the
// engine itself.
const early = [];
self.onmessage = (event) => early.push(event.data);
importScripts('./flushlab-worker.js');
wasm_bindgen({ module_or_path: './flushlab-worker_bg.wasm' }).then(
  () => {
    for (const data of early.splice(0)) self.dispatchEvent(new MessageEvent('message', { data }));
  },
  (error) => {
    setTimeout(() => {
      throw error;
    });
  },
);
