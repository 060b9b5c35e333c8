//! `cargo xtask gen-logs --out DIR --size 100M [--seed 42] [--shape updatesstore|guids|windowsupdate]`
//! (see crates/loggen): the set of four files, or with `--shape` one file of that shape.

pub fn run(args: &[String]) -> Result<(), String> {
    let mut out = std::path::PathBuf::from("target/gen-logs");
    let mut size = 100u64 << 20;
    let mut seed = 42u64;
    let mut shape = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => out = it.next().ok_or("--out needs a folder")?.into(),
            "--size" => size = wulens_loggen::parse_size(it.next().ok_or("--size needs a value")?)?,
            "--seed" => seed = it.next().ok_or("--seed needs a value")?.parse().map_err(|_| "bad seed")?,
            "--shape" => shape = Some(it.next().ok_or("--shape needs updatesstore, guids, windowsupdate or ccmlogs")?.clone()),
            other => {
                return Err(format!(
                    "unknown argument {other}; usage: cargo xtask gen-logs --out DIR --size 100M [--seed 42] [--shape updatesstore|guids|windowsupdate|ccmlogs]"
                ))
            }
        }
    }
    if shape.as_deref() == Some("ccmlogs") {
        let files = wulens_loggen::generate_ccm_logs(&out, size, seed).map_err(|e| format!("{}: {e}", out.display()))?;
        println!("{}  {} files, {} bytes", out.display(), files.len(), files.iter().map(|f| f.1).sum::<u64>());
        return Ok(());
    }
    if let Some(shape) = shape {
        let (path, bytes) = wulens_loggen::generate_single(&out, &shape, size, seed).map_err(|e| format!("{}: {e}", out.display()))?;
        println!("{}  {bytes} bytes", path.display());
        return Ok(());
    }
    for (path, bytes) in wulens_loggen::generate(&out, size, seed).map_err(|e| format!("{}: {e}", out.display()))? {
        println!("{}  {bytes} bytes", path.display());
    }
    Ok(())
}

/// `cargo xtask gen-fleet --out DIR --count 300 [--seed 42] [--plant] [--shape sites]`: one zip per machine, each
/// the logs of a fixture scenario (tests/fixtures), with `--plant` about half of them planted
/// shared causes instead (crates/loggen/src/plants.rs), and `fleet.csv` naming each machine's
/// scenario. With `--shape sites`, a fleet of ConfigMgr clients of two sites instead, one folder
/// each, with five overlapping causes planted (crates/loggen/src/sites.rs), `fleet.csv` naming
/// each machine's place in its site and its planted causes.
pub fn fleet(args: &[String], root: &std::path::Path) -> Result<(), String> {
    let mut out = std::path::PathBuf::from("target/gen-fleet");
    let mut count = 300usize;
    let mut seed = 42u64;
    let mut plant = false;
    let mut shape = String::from("fixtures");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => out = it.next().ok_or("--out needs a folder")?.into(),
            "--plant" => plant = true,
            "--shape" => shape = it.next().ok_or("--shape needs fixtures or sites")?.clone(),
            "--count" => count = it.next().ok_or("--count needs a number")?.parse().map_err(|_| "bad count")?,
            "--seed" => seed = it.next().ok_or("--seed needs a value")?.parse().map_err(|_| "bad seed")?,
            other => {
                return Err(format!(
                    "unknown argument {other}; usage: cargo xtask gen-fleet --out DIR --count 300 [--seed 42] [--plant] [--shape fixtures|sites]"
                ))
            }
        }
    }
    if shape == "sites" {
        let clients = wulens_loggen::site_fleet(&out, count, seed).map_err(|e| format!("{}: {e}", out.display()))?;
        let n = |f: fn(&wulens_loggen::sites::Planted) -> bool| clients.iter().filter(|c| f(&c.planted)).count();
        println!(
            "{} ConfigMgr clients and a site server in {} (fleet.csv names each machine's place and causes): sup {}, dp {}, off {}, window {}, update {}, unrelated {}",
            clients.len(),
            out.display(),
            n(|p| p.sup),
            n(|p| p.dp),
            n(|p| p.off),
            n(|p| p.window),
            n(|p| p.update),
            n(|p| p.unrelated)
        );
        return Ok(());
    } else if shape != "fixtures" {
        return Err(format!("unknown shape {shape}: fixtures or sites"));
    }
    let scenarios = wulens_loggen::fixture_scenarios(&root.join("tests/fixtures")).map_err(|e| format!("tests/fixtures: {e}"))?;
    let pairs = wulens_loggen::fleet_with(&out, &scenarios, count, seed, plant).map_err(|e| format!("{}: {e}", out.display()))?;
    println!("{} bundles from {} scenarios in {} (fleet.csv names each machine's scenario)", pairs.len(), scenarios.len(), out.display());
    Ok(())
}
