//! The documentation pages under ../shared/reference, read into rows.

use std::collections::BTreeSet;
use std::path::Path;

use super::docs;

pub(super) struct Page {
    pub(super) spec: &'static docs::DocSpec,
    pub(super) rows: Vec<docs::Row>,
}

pub(super) fn load_docs(dir: &Path) -> Result<Vec<Page>, String> {
    let mut pages = Vec::new();
    for spec in docs::DOCS {
        let path = dir.join(spec.file);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let entries = docs::parse(spec, &text);
        let rows = docs::rows(spec, &entries);
        let distinct: BTreeSet<u32> = rows.iter().map(|r| r.code).collect();
        let with_msg = entries.iter().filter(|e| e.message.is_some()).count();
        let verdict = if entries.len() == spec.expected { "= README".to_string() } else { format!("README counts {}", spec.expected) };
        eprintln!("  {:<40} {:>4} entries ({verdict}), {:>4} with message, {:>4} distinct codes", spec.file, entries.len(), with_msg, distinct.len());
        pages.push(Page { spec, rows });
    }
    // Pages in the folder that no parser knows are reported, not guessed at.
    if let Ok(read) = std::fs::read_dir(dir) {
        let mut unknown: Vec<String> = read
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md") && n != "README.md" && !docs::DOCS.iter().any(|d| d.file == n))
            .collect();
        unknown.sort();
        for n in unknown {
            eprintln!("  note: {n} has no parser and is not imported");
        }
    }
    Ok(pages)
}
