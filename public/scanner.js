// A scanning worker: finds the failure codes and the diagnosis' literals in pieces of big files
// for the analysis worker (crates/wasm/src/worker/scan.rs, `Scanners`), on a core of its own. The
// analysis worker parses a big file as its slices arrive and hands each piece of whole records
// here (its text as UTF-8, in a transferred ArrayBuffer); this worker parses the same piece and
// scans it (wulens_wasm::scan_piece) and hands back what it found in a compact binary form, which
// the session uses instead of scanning the file again on its own core.
//
// The first message sets the module up: {glue, module, wasm, samples}; every later one is a
// piece: {id, job, text}. Out: {ready: {warm_ms}} or {failed: {message}}, then {id, scan} (an
// ArrayBuffer) or {id, error}.
const WARM_UP_ROUNDS = 60; // as the analysis worker's warm-up (WARM_UP_ROUNDS in worker/warm.rs)
let wasm = null;
let loaded = null;

self.onmessage = (ev) => {
  const m = ev.data;
  // In order: a piece that comes while the module is still being set up waits for it.
  if (loaded === null) loaded = setUp(m);
  else loaded.then(() => scan(m));
};

async function setUp(m) {
  try {
    wasm = await import(m.glue);
    await wasm.default({ module_or_path: m.module || m.wasm });
    // Warm the compiled code before the first piece, as the analysis worker does: V8
    // optimises a WebAssembly function only once it has run a while.
    const t0 = performance.now();
    for (const { path, bytes } of m.samples || []) wasm.warm_scanner(path, bytes, WARM_UP_ROUNDS);
    self.postMessage({ ready: { warm_ms: performance.now() - t0 } });
  } catch (e) {
    self.postMessage({ failed: { message: String((e && e.message) || e) } });
  }
}

function scan(m) {
  try {
    const found = wasm.scan_piece(m.job, new Uint8Array(m.text));
    self.postMessage({ id: m.id, scan: found.buffer }, [found.buffer]);
  } catch (e) {
    self.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
}
