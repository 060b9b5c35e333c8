//! Starting at `init`: the reading worker, the scanning workers, and this worker's compiled code
//! warmed on the samples before `ready`.

use std::rc::Rc;

use js_sys::{Array, Promise};
use wasm_bindgen_futures::JsFuture;

use super::js::{after, now, post, Res};
use super::read::Reader;
use super::scan::Scanners;
use super::State;
use crate::protocol::{FromWorker, Init, Sample};
use crate::session::Session;

/// A page's first analysis would otherwise run mostly in the engine's baseline code: V8
/// compiles WebAssembly quickly at first and optimises a function only once it has run a while
/// (dynamic tiering), on other threads. Analysing the samples at load, each repeated, gets the
/// hot code optimised before a person has chosen any logs. Measured on 100 MB drops in
/// Chromium, time to the verdict, interleaved runs: 20 rounds made the first analysis 13-20 %
/// faster than none, 60 rounds 13-27 % faster again than 20. It takes 0.25-0.4 s of this
/// worker's time, before `ready`; a drop that comes meanwhile waits for it.
const WARM_UP_ROUNDS: usize = 60;

pub(super) async fn start(w: &Rc<State>, init: Init) -> Res<()> {
    // Now, at load: analysing makes no request later.
    w.reader.replace(Some(Reader::start()));
    let scanners = Scanners::start(&init);
    w.scanners.replace(Some(scanners.clone()));
    let warm = warm_up(&init.samples);
    // The scanners warm up on the other cores meanwhile; an analysis uses those that are ready.
    let _ = JsFuture::from(Promise::race(&Array::of2(&scanners.ready, &after(3000)))).await;
    post(&FromWorker::Ready { version: crate::exports::version(), warm_ms: warm, scanners: scanners.live().len() as u32 });
    Ok(())
}

/// Analyse the samples, each repeated [`WARM_UP_ROUNDS`] times: how long it took in ms, or
/// `None` if it failed (only a warm-up: the analyses report their own errors).
fn warm_up(samples: &[Sample]) -> Option<f64> {
    let t0 = now();
    let mut s = Session::new();
    for Sample { path, bytes } in samples {
        let bytes = bytes.to_vec();
        let h = s.begin_file(path.clone(), (bytes.len() * WARM_UP_ROUNDS) as f64).ok()?;
        for _ in 0..WARM_UP_ROUNDS {
            s.push_chunk(h, &bytes).ok()?;
        }
        s.end_file(h).ok()?;
    }
    s.analyze().ok()?;
    (!samples.is_empty()).then(|| now() - t0)
}
