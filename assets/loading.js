// Trunk's initializer (`data-initializer` on the rust link in index.html): while the simulator's
// wasm arrives, the #boot line says how much has (every 10%), and if it cannot load it says so in
// words, in the catalogue's texts that src/first_view.rs writes into #boot's data attributes.
// Trunk calls onProgress with the bytes read so far and the wasm's size, then onSuccess or
// onFailure with the error (trunk 0.21.14, src/pipelines/rust/initializer.js).
export default function loading() {
  // Trunk fetches the wasm right after calling this; that fetch, the next one made, is held:
  // - until the first view is painted (the frame after the next animation frame; at most 100 ms
  //   where frames do not come, as in a hidden tab). The first view needs nothing from the wasm,
  //   but Lighthouse's simulation counts every request started before the largest paint as one
  //   it waited for: the 1.4 MB wasm, started at 80 ms, put a desktop's simulated LCP at 1.5 s
  //   for a paint at 130 ms (docs/benchmarks.md, session 56);
  // - on a page whose first view the compute worker is writing (index.html's head), until the
  //   head's promise settles.
  const painted = new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    requestAnimationFrame(() => setTimeout(() => { clearTimeout(timer); resolve(); }, 0));
  });
  const wait = window.__flushlabAppWaitsFor;
  const held = wait ? Promise.all([painted, wait]) : painted;
  const fetchNow = window.fetch;
  window.fetch = (...args) => {
    window.fetch = fetchNow;
    return held.then(() => fetchNow(...args));
  };
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
