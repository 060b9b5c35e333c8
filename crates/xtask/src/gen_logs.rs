//! `cargo xtask gen-logs --out DIR --size 100M [--seed 42]` (see crates/loggen).

pub fn run(args: &[String]) -> Result<(), String> {
    let mut out = std::path::PathBuf::from("target/gen-logs");
    let mut size = 100u64 << 20;
    let mut seed = 42u64;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => out = it.next().ok_or("--out needs a folder")?.into(),
            "--size" => size = wulens_loggen::parse_size(it.next().ok_or("--size needs a value")?)?,
            "--seed" => seed = it.next().ok_or("--seed needs a value")?.parse().map_err(|_| "bad seed")?,
            other => return Err(format!("unknown argument {other}; usage: cargo xtask gen-logs --out DIR --size 100M [--seed 42]")),
        }
    }
    for (path, bytes) in wulens_loggen::generate(&out, size, seed).map_err(|e| format!("{}: {e}", out.display()))? {
        println!("{}  {bytes} bytes", path.display());
    }
    Ok(())
}
