// The analysis worker: a shim. Started once when the page loads (so analysing makes no request
// later) and reused for every analysis. It loads the same wasm module as the page, then hands
// every message from the page, as it is, to the module's AnalysisWorker
// (crates/wasm/src/worker.rs), which reads it as a typed message (`ToWorker`,
// crates/wasm/src/protocol.rs), does the work (reading the files through the reading worker,
// the scanning workers, fleets, zips, following) and posts the typed answers (`FromWorker`).
// Nothing here knows one command from another.
//
// The first message carries the module's URLs and the page's compiled module (`init`): the
// module is loaded from them, and that message and any that came meanwhile are then handed on
// in order.
let worker = null;
let loading = null;

// The one message this shim writes itself (a `FromWorker` failure): the module did not load.
const failed = (e) => self.postMessage({ failed: { id: null, gen: null, message: String((e && e.message) || e) } });

function hand(m) {
  try {
    worker.handle(m);
  } catch (e) {
    failed(e);
  }
}

async function load(init) {
  const wasm = await import(init.glue);
  // The page hands over its compiled module; the URL is the fallback.
  await wasm.default({ module_or_path: init.module || init.wasm });
  worker = new wasm.AnalysisWorker();
}

self.onmessage = (ev) => {
  const m = ev.data;
  if (worker) return hand(m);
  if (!loading) loading = load(m.init);
  loading.then(() => hand(m), failed);
};
