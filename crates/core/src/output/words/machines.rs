//! The machines of one drop in words: what each is called and what tells it apart.

use crate::diagnose::{About, DropMachine, Traits};

/// What a machine is called: its computer name or folder, else what its logs say of it
/// (`Windows 6.1.7601, 2018-05-20 to 2018-05-21`), else its files.
pub fn machine_label(m: &DropMachine) -> String {
    if let Some(name) = &m.name {
        return name.clone();
    }
    match &m.about {
        About::Folder(root) => root.clone(),
        About::Files { names, traits } if traits.is_empty() => names.join(", "),
        About::Files { traits, .. } => traits_words(traits),
    }
}

/// What tells a machine apart, for the detail: `WindowsUpdate.log (Windows 6.1.7601,
/// 2018-05-20 to 2018-05-21)`, or its folder (`PC1/`).
pub fn machine_about(m: &DropMachine) -> String {
    match &m.about {
        About::Folder(root) => format!("{root}/"),
        About::Files { names, traits } => {
            let mut s = match names.as_slice() {
                [a, b, rest @ ..] if !rest.is_empty() => format!("{a}, {b} and {} more", rest.len()),
                _ => names.join(" and "),
            };
            if !traits.is_empty() {
                s.push_str(&format!(" ({})", traits_words(traits)));
            }
            s
        }
    }
}

/// `Windows 6.1.7601, 2018-05-20 to 2018-05-21`: the build and the days the files span.
fn traits_words(t: &Traits) -> String {
    let mut about = Vec::new();
    if let Some((ma, mi, b)) = t.os {
        about.push(format!("Windows {ma}.{mi}.{b}"));
    }
    if let Some((f, l)) = t.span {
        let day = |ms: i64| crate::model::time::format_iso(ms, Some(0)).get(..10).unwrap_or_default().to_string();
        about.push(if day(f) == day(l) { day(f) } else { format!("{} to {}", day(f), day(l)) });
    }
    about.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_machine_is_called_by_its_name_else_by_what_its_logs_say() {
        let day = 24 * 3600 * 1000;
        let traits = Traits { os: Some((6, 1, 7601)), span: Some((0, day)) };
        let m = |name: Option<&str>, names: &[&str], traits: Traits| DropMachine {
            name: name.map(str::to_string),
            files: Vec::new(),
            about: About::Files { names: names.iter().map(|n| n.to_string()).collect(), traits },
        };
        let win7 = m(None, &["WindowsUpdate.log"], traits.clone());
        assert_eq!(machine_label(&win7), "Windows 6.1.7601, 1970-01-01 to 1970-01-02");
        assert_eq!(machine_about(&win7), "WindowsUpdate.log (Windows 6.1.7601, 1970-01-01 to 1970-01-02)");
        assert_eq!(machine_label(&m(Some("PC1"), &["a.log"], traits)), "PC1");
        let bare = m(None, &["a.log", "b.log", "c.log", "d.log"], Traits::default());
        assert_eq!((machine_label(&bare), machine_about(&bare)), ("a.log, b.log, c.log, d.log".to_string(), "a.log, b.log and 2 more".to_string()));
        let folder = DropMachine { name: Some("PC2".into()), files: Vec::new(), about: About::Folder("logs/PC2".into()) };
        assert_eq!((machine_label(&folder), machine_about(&folder)), ("PC2".to_string(), "logs/PC2/".to_string()));
    }
}
