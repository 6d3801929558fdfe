//! Turns the uploaded bytes into rows of text, each with the physical line it starts on.
//! Knows nothing of columns: only RFC 4180, the limits, the BOM and line counting.

use super::error::{ImportErrors, RowError};
use super::{MAX_FILE_BYTES, MAX_ROWS};

/// A row of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    /// Physical line the row starts on (1 is the first line of the file).
    pub line: u64,
    pub cells: Vec<String>,
}

/// The header row, the data rows, and the rows that could not be read as text.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub header: Record,
    pub rows: Vec<Record>,
    pub errors: Vec<RowError>,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads the file. Fails as a whole only when it cannot be read at all (too big, too many
/// rows, empty); rows that are not UTF-8 are reported in `errors` and reading goes on.
pub(crate) fn read(bytes: &[u8]) -> Result<Parsed, ImportErrors> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportErrors::file(format!(
            "the file is {} bytes; at most {MAX_FILE_BYTES} bytes (10 MB) can be imported at once, split it",
            bytes.len()
        )));
    }
    // Spreadsheets saving "CSV UTF-8" start the file with a byte order mark; it is no part of
    // the first column's name. Removing it shifts byte offsets, not lines.
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        // Rows with the wrong number of fields are reported per line by the planner instead
        // of stopping the reader.
        .flexible(true)
        .from_reader(bytes);
    let mut lines = LineCounter::new(bytes);
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut raw = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut raw) {
            Ok(true) => {}
            Ok(false) => break,
            // Byte records from a slice with `flexible` on cannot fail today; should a later
            // csv version report one, stop there rather than guess what follows.
            Err(e) => {
                let line = e.position().map(|p| lines.line_at(p.byte()));
                errors.push(RowError {
                    line,
                    message: format!("the file cannot be read as CSV here: {e}"),
                });
                break;
            }
        }
        if records.len() > MAX_ROWS {
            return Err(ImportErrors::file(format!(
                "the file has more than {MAX_ROWS} rows; split it into smaller files"
            )));
        }
        let start = raw.position().map_or(0, |p| p.byte());
        let line = lines.line_at(start);
        match raw
            .iter()
            .map(|cell| std::str::from_utf8(cell).map(str::to_owned))
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(cells) => records.push(Record { line, cells }),
            Err(_) => {
                errors.push(RowError {
                    line: Some(line),
                    message: "not UTF-8 text; save the file as \"CSV UTF-8\"".to_owned(),
                });
                // Without a readable header there are no columns to check the rows against.
                if records.is_empty() {
                    return Err(ImportErrors { errors });
                }
            }
        }
    }
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        return Err(ImportErrors::file(
            "the file is empty; it needs a header row naming the columns",
        ));
    };
    Ok(Parsed {
        header,
        rows: records.collect(),
        errors,
    })
}

/// Maps byte offsets to physical lines. Offsets come in increasing order, so it scans the
/// file once. A line break is LF, CRLF or a lone CR.
struct LineCounter<'a> {
    bytes: &'a [u8],
    scanned: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> LineCounter<'a> {
        LineCounter {
            bytes,
            scanned: 0,
            line: 1,
        }
    }

    /// The line of the first byte of a record that the reader says starts at `offset`. The
    /// reader may place a record at the blank lines it skipped before it, so line breaks
    /// right at `offset` are stepped over first.
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let from = self.scanned.min(start);
        for i in from..start {
            match self.bytes[i] {
                b'\n' => self.line += 1,
                b'\r' if self.bytes.get(i + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
            }
        }
        self.scanned = self.scanned.max(start);
        self.line
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn lines(input: &str) -> Vec<(u64, Vec<String>)> {
        let parsed = read(input.as_bytes()).unwrap();
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        std::iter::once(parsed.header)
            .chain(parsed.rows)
            .map(|r| (r.line, r.cells))
            .collect()
    }

    #[test]
    fn multi_line_fields_and_blank_lines_count() {
        let got = lines("a,b\n1,\"x\ny\nz\"\n\n\n2,\"q\"\"\"\r\n3,c");
        let at: Vec<u64> = got.iter().map(|(l, _)| *l).collect();
        assert_eq!(at, vec![1, 2, 7, 8]);
        assert_eq!(got[1].1, vec!["1", "x\ny\nz"]);
        assert_eq!(got[2].1, vec!["2", "q\""]);
    }

    #[test]
    fn bom_and_crlf() {
        let got = lines("\u{feff}a,b\r\n1,2\r\n\r\n3,4\r\n");
        assert_eq!(got[0], (1, vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(got[1].0, 2);
        assert_eq!(got[2].0, 4);
    }

    #[test]
    fn lone_cr_is_a_line_break() {
        let got = lines("a\r1\r2");
        assert_eq!(
            got.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
    }

    #[test]
    fn odd_input_never_panics_and_lines_only_grow() {
        use rand::{Rng, SeedableRng};
        let alphabet = b"a,\"\r\n\xff\xef\xbb\xbf+= ";
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for _ in 0..3000 {
            let len = rng.gen_range(0..48);
            let input: Vec<u8> = (0..len)
                .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
                .collect();
            let Ok(parsed) = read(&input) else { continue };
            let breaks = input.iter().filter(|&&b| b == b'\n' || b == b'\r').count();
            let mut last = parsed.header.line;
            for row in &parsed.rows {
                assert!(row.line > last, "{input:?}");
                assert!(row.line <= 1 + breaks as u64, "{input:?}");
                last = row.line;
            }
        }
    }

    #[test]
    fn limits_and_bad_text() {
        assert!(read(b"").is_err());
        assert!(read(BOM).is_err());
        let big = vec![b'a'; MAX_FILE_BYTES + 1];
        assert!(read(&big).unwrap_err().errors[0].message.contains("10 MB"));
        let many = "x\n".repeat(MAX_ROWS + 2);
        assert!(read(many.as_bytes()).unwrap_err().errors[0]
            .message
            .contains("more than 50000 rows"));
        let parsed = read(b"a\n\xff\xfe\nb").unwrap();
        assert_eq!(parsed.errors[0].line, Some(2));
        assert_eq!(parsed.rows.len(), 1);
        assert_eq!(parsed.rows[0].line, 3);
    }
}
