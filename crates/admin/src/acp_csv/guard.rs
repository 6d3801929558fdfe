//! CSV injection ("formula injection"): a spreadsheet opening the export runs a cell that
//! starts with `=`, `+`, `-` or `@` as a formula (and some treat a leading tab or CR the same
//! way). Names and emails are typed by people, so the export prefixes such cells with `'`,
//! which spreadsheets show as text and hide.
//!
//! Phone numbers are the exception: an E.164 number starts with `+` and must reach the ACP
//! and come back importable. A cell made only of `+`, digits, spaces and the list separator
//! cannot call a function or reference a cell, so it is left as it is; anything else starting
//! with `+` (say `+SUM(A1)`) is guarded like free text.
//!
//! The import removes the guard again: a cell starting with `'` followed by one of the
//! trigger characters loses the `'`.

use super::LIST_SEPARATOR;

const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A free-text cell, made safe to open in a spreadsheet.
pub(crate) fn text(value: &str) -> String {
    if value.starts_with(TRIGGERS) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// A phone number (or `;`-separated list of them): kept as it is when it is plainly a phone
/// number, guarded as text otherwise.
pub(crate) fn phone(value: &str) -> String {
    let plain = value
        .chars()
        .all(|c| c.is_ascii_digit() || c == '+' || c == ' ' || c == LIST_SEPARATOR);
    if plain {
        value.to_owned()
    } else {
        text(value)
    }
}

/// An imported cell with the export's guard removed.
pub(crate) fn unguard(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(TRIGGERS) => rest,
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_guarded() {
        for cell in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"] {
            assert_eq!(text(cell), format!("'{cell}"));
            assert_eq!(unguard(&text(cell)), cell);
        }
        assert_eq!(text("Ann O'Neil"), "Ann O'Neil");
        assert_eq!(text("'quoted"), "'quoted");
        assert_eq!(unguard("'quoted"), "'quoted");
    }

    #[test]
    fn phone_numbers_stay_importable() {
        assert_eq!(phone("+14155550123"), "+14155550123");
        assert_eq!(
            phone("+18005550199;+448008905670"),
            "+18005550199;+448008905670"
        );
        assert_eq!(phone("+1+cmd|x"), "'+1+cmd|x");
        assert_eq!(phone("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(phone(""), "");
    }
}
