//! `cargo xtask <task>`: repeatable project chores that are not part of the product.

mod gen_logs;
mod kb_common;
mod kb_import;
mod kb_sources;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("kb-import") => kb_import::run(&args[1..]),
        Some("kb-sources") => kb_sources::run(&args[1..], &kb_common::repo_root()),
        Some("gen-logs") => gen_logs::run(&args[1..]),
        Some("gen-fleet") => gen_logs::fleet(&args[1..], &kb_common::repo_root()),
        _ => {
            eprintln!(
                "usage: cargo xtask <task>\n\ntasks:\n  kb-import   regenerate crates/kb/data/imported/ from the windows crate, ../shared/reference and crates/xtask/kb-sources/tables\n  kb-sources  re-extract crates/xtask/kb-sources/tables from upstream files (see crates/xtask/src/kb_sources.rs)\n  gen-logs    write realistic logs of a given size: --out DIR --size 100M [--seed 42] [--shape updatesstore|guids|windowsupdate|ccmlogs]\n  gen-fleet   write a fleet of machine bundles mixing the fixture scenarios: --out DIR --count 300 [--seed 42] [--plant] [--shape fixtures|sites]"
            );
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
