// Loads the wulens WebAssembly module. A static module (not an inline script) so that the page's
// Content-Security-Policy can forbid inline scripts. Trunk's pattern_script gives us the hashed
// file names as the two <link> elements below. The module is compiled once here and handed to
// the analysis worker, which then needs no second download or compile.
const glue = document.getElementById('wulens-glue').href;
const wasm = document.getElementById('wulens-wasm').href;

async function compile(url) {
  const response = fetch(url);
  try {
    return await WebAssembly.compileStreaming(response);
  } catch {
    // Static hosts that serve .wasm without application/wasm: compile from the bytes.
    return WebAssembly.compile(await (await fetch(url)).arrayBuffer());
  }
}

try {
  const [mod, module] = await Promise.all([import(glue), compile(wasm)]);
  globalThis.wulensModule = module;
  await mod.default({ module_or_path: module });
} catch (e) {
  const app = document.getElementById('app');
  app.dataset.state = 'failed';
  app.textContent = 'wulens could not start: ' + e + '. It needs a browser with WebAssembly and module workers (a current Chrome, Edge or Firefox).';
}

// Offline: a service worker keeps this build's own files (public/sw.js); nothing else is cached
// or fetched. Not where service workers cannot run (file:, an opaque origin).
if ('serviceWorker' in navigator && window.isSecureContext) {
  navigator.serviceWorker.register('sw.js').catch(() => {});
}
