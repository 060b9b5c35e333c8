//! `cargo xtask <task>`: repeatable project chores that are not part of the product.

mod gen_logs;
mod kb_import;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("kb-import") => kb_import::run(&args[1..]),
        Some("gen-logs") => gen_logs::run(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <task>\n\ntasks:\n  kb-import   regenerate crates/kb/data/imported/ from the windows crate and ../shared/reference\n  gen-logs    write realistic logs of a given size: --out DIR --size 100M [--seed 42]"
            );
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
