//! Bindings to the page's small JavaScript helpers (`web/js/drop.js`, bundled by wasm-bindgen).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/drop.js")]
extern "C" {
    /// Resolves to `{files: [{path, file}], errors: [{path, message}]}` for a drop.
    #[wasm_bindgen(js_name = collectDropped)]
    pub fn collect_dropped(dt: &web_sys::DataTransfer) -> js_sys::Promise;
    /// Same shape for a file picker's list (folder pickers give relative paths).
    #[wasm_bindgen(js_name = collectInput)]
    pub fn collect_input(files: &web_sys::FileList) -> JsValue;
    /// Whether the browser can pick files to follow (File System Access API: Chromium, Edge).
    #[wasm_bindgen(js_name = canPickToFollow)]
    pub fn can_pick_to_follow() -> bool;
    /// Asks for log files to follow; resolves like `collectDropped`, each file with its handle.
    #[wasm_bindgen(js_name = pickToFollow)]
    pub fn pick_to_follow() -> js_sys::Promise;
    /// Reads `[{path, handle}]` again: resolves like `collectDropped`.
    #[wasm_bindgen(js_name = readHandles)]
    pub fn read_handles(list: &JsValue) -> js_sys::Promise;
    /// Keeps a parent frame informed of our height (embeds in wikis).
    #[wasm_bindgen(js_name = reportHeight)]
    pub fn report_height();
    /// The wasm module boot.js compiled (`globalThis.wulensModule`), for the worker.
    #[wasm_bindgen(js_name = compiledModule)]
    pub fn compiled_module() -> JsValue;
    /// Save text as a file.
    pub fn download(name: &str, mime: &str, text: &str);
    /// Save bytes (a `Uint8Array`) as a file.
    #[wasm_bindgen(js_name = download)]
    pub fn download_blob(name: &str, mime: &str, bytes: &JsValue);
    /// Resolves once the browser has drawn a frame (`requestAnimationFrame`, then a new task).
    #[wasm_bindgen(js_name = afterPaint)]
    pub fn after_paint() -> js_sys::Promise;
    /// Resolves in a new task (`setTimeout(0)`): what follows runs after the page had its turn.
    #[wasm_bindgen(js_name = nextTask)]
    pub fn next_task() -> js_sys::Promise;
}

/// Copy text to the clipboard; `done` learns whether it worked.
pub fn copy_text(text: &str, done: impl FnOnce(bool) + 'static) {
    let Some(w) = web_sys::window() else { return done(false) };
    let p = w.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::spawn_local(async move {
        done(wasm_bindgen_futures::JsFuture::from(p).await.is_ok());
    });
}
