//! What a key does in the viewer.

use wulens_wasm::protocol::NextKind;

/// What a key does in the list.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KeyAction {
    /// Select a row; `bool`: extend the selection.
    Select(usize, bool),
    Next(NextKind, bool),
    FocusFind,
    FocusGoto,
    /// Copy; `bool`: as Markdown.
    Copy(bool),
    ToggleHelp,
    Escape,
    /// Bookmark the selected row, or remove its bookmark (Ctrl+F2).
    ToggleMark,
    /// Next / previous bookmark (F2 / Shift+F2); `bool`: forward.
    Mark(bool),
    Print,
}

/// Keys of the viewer (README "The log viewer"); `None`: not ours, let the browser have it.
/// In a text field (`typing`) only the function keys, Escape and print are the viewer's.
pub fn key_action(key: &str, shift: bool, ctrl: bool, selected: Option<usize>, n: usize, page: usize, typing: bool) -> Option<KeyAction> {
    let cur = selected.unwrap_or(0);
    let last = n.saturating_sub(1);
    let select = |i: usize| (n > 0).then_some(KeyAction::Select(i, shift));
    let global = matches!(key, "F2" | "F3" | "F4" | "Escape") || (ctrl && matches!(key, "p" | "P"));
    if typing && !global {
        return None;
    }
    match key {
        "F2" if ctrl => Some(KeyAction::ToggleMark),
        "F2" => Some(KeyAction::Mark(!shift)),
        "p" | "P" if ctrl => Some(KeyAction::Print),
        "F3" => Some(KeyAction::Next(NextKind::Error, !shift)),
        "F4" => Some(KeyAction::Next(NextKind::Warning, !shift)),
        "ArrowDown" => select((cur + usize::from(selected.is_some())).min(last)),
        "ArrowUp" => select(cur.saturating_sub(1)),
        "PageDown" => select((cur + page).min(last)),
        "PageUp" => select(cur.saturating_sub(page)),
        "Home" => select(0),
        "End" => select(last),
        "f" | "F" if ctrl => Some(KeyAction::FocusFind),
        "/" => Some(KeyAction::FocusFind),
        "g" | "G" if ctrl => Some(KeyAction::FocusGoto),
        "c" | "C" if ctrl => Some(KeyAction::Copy(shift)),
        "?" => Some(KeyAction::ToggleHelp),
        "Escape" => Some(KeyAction::Escape),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        let k = |key, shift, ctrl, sel| key_action(key, shift, ctrl, sel, 10, 5, false);
        assert_eq!(k("ArrowDown", false, false, None), Some(KeyAction::Select(0, false)));
        assert_eq!(k("ArrowDown", true, false, Some(9)), Some(KeyAction::Select(9, true)));
        assert_eq!(k("PageUp", false, false, Some(3)), Some(KeyAction::Select(0, false)));
        assert_eq!(key_action("End", false, false, None, 0, 5, false), None, "nothing to select");
        assert_eq!(k("F3", true, false, None), Some(KeyAction::Next(NextKind::Error, false)));
        assert_eq!(k("c", true, true, Some(1)), Some(KeyAction::Copy(true)));
        assert_eq!(k("c", false, false, Some(1)), None, "plain c is typing");
        assert_eq!(k("/", false, false, None), Some(KeyAction::FocusFind));
        assert_eq!(k("F2", false, true, Some(1)), Some(KeyAction::ToggleMark));
        assert_eq!(k("F2", true, false, Some(1)), Some(KeyAction::Mark(false)));
        assert_eq!(k("p", false, true, None), Some(KeyAction::Print));
        // In a text field only the function keys, Escape and print are the viewer's.
        let typing = |key, ctrl| key_action(key, false, ctrl, Some(1), 10, 5, true);
        assert_eq!(typing("F3", false), Some(KeyAction::Next(NextKind::Error, true)));
        assert_eq!(typing("/", false), None);
        assert_eq!(typing("ArrowDown", false), None);
        assert_eq!(typing("c", true), None, "Ctrl+C copies the field's text");
        assert_eq!(typing("Escape", false), Some(KeyAction::Escape));
    }
}
