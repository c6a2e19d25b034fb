// Trunk's initializer (`data-initializer` on the rust link in index.html): while the simulator's
// wasm arrives, the #boot line says how much has (every 10%), and if it cannot load it says so in
// words, in the catalogue's texts that src/first_view.rs writes into #boot's data attributes.
// Trunk calls onProgress with the bytes read so far and the wasm's size, then onSuccess or
// onFailure with the error (trunk 0.21.14, src/pipelines/rust/initializer.js).
export default function loading() {
  // A page whose first view the compute worker is writing (index.html's head) has the app's wasm
  // wait for it: Trunk fetches the wasm right after calling this, and that fetch, the next one
  // made, is held until the head's promise settles.
  const wait = window.__flushlabAppWaitsFor;
  if (wait) {
    const fetchNow = window.fetch;
    window.fetch = (...args) => {
      window.fetch = fetchNow;
      return wait.then(() => fetchNow(...args));
    };
  }
  let shown = -1;
  const line = () => document.getElementById('boot');
  return {
    onProgress({ current, total }) {
      const boot = line();
      if (!boot || !total || !boot.dataset.progress) return;
      const percent = Math.min(100, Math.floor((current / total) * 10) * 10);
      if (percent === shown) return;
      shown = percent;
      boot.textContent = boot.dataset.progress.replace('{percent}', String(percent));
    },
    onFailure(reason) {
      const boot = line();
      if (!boot) return;
      const why = (reason && reason.message) || String(reason);
      boot.textContent = (boot.dataset.failed || '{reason}').replace('{reason}', why);
      boot.classList.add('failed');
    },
  };
}
