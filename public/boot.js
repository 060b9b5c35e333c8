// Loads the wulens WebAssembly module. A static module (not an inline script) so that the page's
// Content-Security-Policy can forbid inline scripts. Trunk's pattern_script gives us the hashed
// file names as the two <link> elements below; the app reads the same links for its worker.
const glue = document.getElementById('wulens-glue').href;
const wasm = document.getElementById('wulens-wasm').href;
try {
  const mod = await import(glue);
  await mod.default({ module_or_path: wasm });
} catch (e) {
  const app = document.getElementById('app');
  app.dataset.state = 'failed';
  app.textContent = 'wulens could not start: ' + e + '. It needs a browser with WebAssembly and module workers (a current Chrome, Edge or Firefox).';
}
