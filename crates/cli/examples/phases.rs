// Scratch: time the phases of `wulens analyze` (not committed).
use std::time::Instant;
use wulens_core::{Analysis, Input, Limits, Report};
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    for _ in 0..3 {
        let t0 = Instant::now();
        let mut inputs = Vec::new();
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            inputs.push(Input { name: p.file_name().unwrap().to_string_lossy().into_owned(), bytes: std::fs::read(&p).unwrap() });
        }
        let t1 = Instant::now();
        let a = Analysis::from_inputs(inputs, &Limits::default());
        let t2 = Instant::now();
        let r = Report::build(&a);
        let t3 = Instant::now();
        let s = serde_json::to_string_pretty(&r).unwrap();
        let t4 = Instant::now();
        drop(r);
        drop(a);
        let t5 = Instant::now();
        println!("read {:?} analysis {:?} report {:?} json {:?} ({} bytes) drop {:?}", t1 - t0, t2 - t1, t3 - t2, t4 - t3, s.len(), t5 - t4);
    }
}
