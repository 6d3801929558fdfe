//! The ordered header list of a message.

use std::fmt;

use bytes::Bytes;

use super::error::ParseError;
use super::grammar::{split_top_level, trim_lws};
use super::header_name::HeaderName;

/// A header field value: UTF-8 text held as [`Bytes`], usually a slice of the received
/// datagram (zero-copy), or owned text for unfolded and locally built values.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct HeaderValue(Bytes);

impl HeaderValue {
    /// Wraps bytes that must be UTF-8.
    pub fn from_utf8(bytes: Bytes) -> Result<HeaderValue, ParseError> {
        match std::str::from_utf8(&bytes) {
            Ok(_) => Ok(HeaderValue(bytes)),
            Err(_) => Err(ParseError::NotUtf8),
        }
    }

    pub fn as_str(&self) -> &str {
        // Construction guarantees UTF-8, so the fallback is unreachable; it avoids unsafe.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    pub fn as_bytes(&self) -> &Bytes {
        &self.0
    }
}

impl From<String> for HeaderValue {
    fn from(s: String) -> Self {
        HeaderValue(Bytes::from(s))
    }
}

/// Bytes that are not UTF-8 are converted lossily (U+FFFD), so this cannot fail; use
/// [`HeaderValue::from_utf8`] to refuse them instead.
impl From<Bytes> for HeaderValue {
    fn from(bytes: Bytes) -> Self {
        match std::str::from_utf8(&bytes) {
            Ok(_) => HeaderValue(bytes),
            Err(_) => HeaderValue::from(String::from_utf8_lossy(&bytes).into_owned()),
        }
    }
}

impl From<&str> for HeaderValue {
    fn from(s: &str) -> Self {
        HeaderValue(Bytes::copy_from_slice(s.as_bytes()))
    }
}

impl From<&String> for HeaderValue {
    fn from(s: &String) -> Self {
        HeaderValue::from(s.as_str())
    }
}

impl fmt::Debug for HeaderValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for HeaderValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Header fields in the order they appeared (order matters for Via, Route and
/// Record-Route, RFC 3261 7.3.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers {
    fields: Vec<(HeaderName, HeaderValue)>,
}

impl Headers {
    pub fn new() -> Headers {
        Headers::default()
    }

    pub fn with_capacity(n: usize) -> Headers {
        Headers {
            fields: Vec::with_capacity(n),
        }
    }

    /// The first field line with this name.
    pub fn get(&self, name: &HeaderName) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every field line with this name, in order.
    pub fn get_all<'a: 'n, 'n>(
        &'a self,
        name: &'n HeaderName,
    ) -> impl Iterator<Item = &'a str> + 'n {
        self.fields
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every comma-separated element across all lines with this name, split only at
    /// top-level commas (not inside quotes or `<>`), trimmed, empty elements dropped.
    /// Only meaningful for list headers (Via, Contact, Route, Allow, ...).
    pub fn values(&self, name: &HeaderName) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, line)| split_top_level(line.as_str(), b','))
            .map(trim_lws)
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// How many field lines carry this name.
    pub fn count(&self, name: &HeaderName) -> usize {
        self.fields.iter().filter(|(n, _)| n == name).count()
    }

    pub fn contains(&self, name: &HeaderName) -> bool {
        self.fields.iter().any(|(n, _)| n == name)
    }

    /// Appends a field line.
    pub fn push(&mut self, name: HeaderName, value: impl Into<HeaderValue>) {
        self.fields.push((name, value.into()));
    }

    /// Replaces every line with this name by one line, kept at the first one's position
    /// (or appended when there was none).
    pub fn set(&mut self, name: HeaderName, value: impl Into<HeaderValue>) {
        let value = value.into();
        match self.fields.iter().position(|(n, _)| *n == name) {
            Some(first) => {
                let mut index = 0;
                self.fields.retain(|(n, _)| {
                    let keep = index == first || *n != name;
                    index += 1;
                    keep
                });
                if let Some(slot) = self.fields.get_mut(first) {
                    slot.1 = value;
                }
            }
            None => self.fields.push((name, value)),
        }
    }

    /// Inserts a field line before all others (e.g. a proxy's own Via).
    pub fn push_front(&mut self, name: HeaderName, value: impl Into<HeaderValue>) {
        self.fields.insert(0, (name, value.into()));
    }

    /// Removes every line with this name.
    pub fn remove(&mut self, name: &HeaderName) {
        self.fields.retain(|(n, _)| n != name);
    }

    pub fn iter(&self) -> impl Iterator<Item = (&HeaderName, &str)> {
        self.fields.iter().map(|(n, v)| (n, v.as_str()))
    }

    /// Number of field lines.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    pub(crate) fn push_value(&mut self, name: HeaderName, value: HeaderValue) {
        self.fields.push((name, value));
    }

    pub(crate) fn raw(&self) -> &[(HeaderName, HeaderValue)] {
        &self.fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_value_split() {
        let mut h = Headers::new();
        h.push(
            HeaderName::Contact,
            r#""Doe, John" <sip:j@a.example;x="a,b">, <sip:k@b.example>"#,
        );
        h.push(HeaderName::Contact, "sip:l@c.example");
        h.push(
            HeaderName::Via,
            "SIP/2.0/UDP a;branch=z9hG4bK1 , SIP/2.0/UDP b;branch=z9hG4bK2",
        );
        assert_eq!(
            h.values(&HeaderName::Contact),
            vec![
                r#""Doe, John" <sip:j@a.example;x="a,b">"#,
                "<sip:k@b.example>",
                "sip:l@c.example"
            ]
        );
        assert_eq!(h.values(&HeaderName::Via).len(), 2);
        assert_eq!(h.get_all(&HeaderName::Contact).count(), 2);
        assert_eq!(
            h.get(&HeaderName::Contact).map(|v| v.starts_with("\"Doe")),
            Some(true)
        );
    }

    #[test]
    fn set_replaces_in_place() {
        let mut h = Headers::new();
        h.push(HeaderName::Via, "a");
        h.push(HeaderName::ContentLength, "1");
        h.push(HeaderName::To, "t");
        h.push(HeaderName::ContentLength, "2");
        h.set(HeaderName::ContentLength, "3");
        let names: Vec<_> = h.iter().map(|(n, v)| format!("{n}={v}")).collect();
        assert_eq!(names, vec!["Via=a", "Content-Length=3", "To=t"]);
        h.remove(&HeaderName::Via);
        assert_eq!(h.len(), 2);
        h.set(HeaderName::Other("X-Foo".into()), "bar");
        assert_eq!(h.get(&HeaderName::Other("x-foo".into())), Some("bar"));
    }
}
