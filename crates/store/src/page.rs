//! Pagination of list calls: limit and offset, plus the total the filter matches, which is
//! what an admin table needs to draw its page links.

use serde::Serialize;

/// Which slice of a list to return. Lists are ordered by id (oldest first) unless a list says
/// otherwise, so pages are stable while rows are only added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Rows per page; clamped to `1..=Page::MAX_LIMIT`.
    pub limit: u32,
    /// Rows to skip.
    pub offset: u64,
}

impl Page {
    /// The largest page the store returns, whatever is asked.
    pub const MAX_LIMIT: u32 = 500;

    /// A page of `limit` rows after skipping `offset`.
    pub fn new(limit: u32, offset: u64) -> Page {
        Page { limit, offset }
    }

    /// The first `limit` rows.
    pub fn first(limit: u32) -> Page {
        Page { limit, offset: 0 }
    }

    pub(crate) fn sql_limit(&self) -> i64 {
        i64::from(self.limit.clamp(1, Page::MAX_LIMIT))
    }

    pub(crate) fn sql_offset(&self) -> i64 {
        i64::try_from(self.offset).unwrap_or(i64::MAX)
    }
}

impl Default for Page {
    fn default() -> Page {
        Page::first(50)
    }
}

/// One page of a list and how many rows match the filter in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// A search text turned into a `LIKE` pattern matching it anywhere, lowercased (the SQL
/// lowercases the column too: PostgreSQL's LIKE is case-sensitive, SQLite's is not), with
/// `%`, `_` and `\` escaped so they match themselves.
pub(crate) fn like_pattern(search: Option<&str>) -> Option<String> {
    let search = search?.trim();
    if search.is_empty() {
        return None;
    }
    let mut pattern = String::with_capacity(search.len() + 2);
    pattern.push('%');
    for ch in search.to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    Some(pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern(Some(" Ann ")), Some("%ann%".to_owned()));
        assert_eq!(
            like_pattern(Some("50%_a\\")),
            Some("%50\\%\\_a\\\\%".to_owned())
        );
        assert_eq!(like_pattern(Some("  ")), None);
        assert_eq!(like_pattern(None), None);
    }

    #[test]
    fn limit_is_clamped() {
        assert_eq!(Page::new(0, 0).sql_limit(), 1);
        assert_eq!(Page::new(10_000, 0).sql_limit(), 500);
    }
}
