//! A tiny aligned-table printer: enough for a terminal, without a table crate.

/// Columns padded to their widest cell (counted in chars), two spaces apart; the last
/// column is not padded so lines carry no trailing blanks.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header: Vec<String> = headers.iter().map(|h| h.to_uppercase()).collect();
    push_line(&mut out, &widths, &header);
    for row in rows {
        push_line(&mut out, &widths, row);
    }
    out
}

fn push_line(out: &mut String, widths: &[usize], cells: &[String]) {
    let last = cells.len().saturating_sub(1);
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push_str("  ");
        }
        out.push_str(&clean(cell));
        if i < last {
            let pad = widths.get(i).copied().unwrap_or(0);
            let used = cell.chars().count();
            out.extend(std::iter::repeat_n(' ', pad.saturating_sub(used)));
        }
    }
    out.push('\n');
}

/// `key: value` lines with the keys aligned, for one record.
pub fn fields(pairs: &[(&str, String)]) -> String {
    let width = pairs
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (key, value) in pairs {
        out.push_str(&format!("{key:<width$}  {}\n", clean(value)));
    }
    out
}

/// Names and cities come from people; a newline or escape sequence in one must not break
/// (or repaint) the operator's terminal.
fn clean(cell: &str) -> String {
    cell.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A missing value in a table.
pub fn opt<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

pub fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_columns_without_trailing_blanks() {
        let out = table(
            &["id", "name"],
            &[
                vec!["1".into(), "Contoso".into()],
                vec!["10".into(), "A\nB".into()],
            ],
        );
        assert_eq!(out, "ID  NAME\n1   Contoso\n10  A B\n");
    }
}
