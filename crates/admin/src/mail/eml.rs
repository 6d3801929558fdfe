//! Without SMTP (the embedded default), each mail becomes `<id>.eml` in the outbox
//! directory, for an operator to read or hand to any mail client, and for the admin API to
//! list.

use super::outcome::AttemptError;
use dialbridge_store::MailId;
use serde::Serialize;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A written mail file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmlFile {
    pub id: MailId,
    /// `<id>.eml`, relative to the outbox directory.
    pub file_name: String,
    pub size: u64,
}

/// The file a mail is written to.
pub fn eml_path(dir: &Path, id: MailId) -> PathBuf {
    dir.join(format!("{}.eml", id.0))
}

/// The mails written to `dir`, by id; a missing directory has none. Other files (the
/// temporary ones of a write in progress included) are skipped.
pub async fn list_eml_files(dir: &Path) -> io::Result<Vec<EmlFile>> {
    let dir = dir.to_owned();
    blocking(move || {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let Some(id) = name.to_str().and_then(parse_file_name) else {
                continue;
            };
            let meta = entry.metadata()?;
            if meta.is_file() {
                files.push(EmlFile {
                    id,
                    file_name: format!("{}.eml", id.0),
                    size: meta.len(),
                });
            }
        }
        files.sort_by_key(|f| f.id);
        Ok(files)
    })
    .await
}

/// The bytes of a written mail.
pub async fn read_eml(dir: &Path, id: MailId) -> io::Result<Vec<u8>> {
    let path = eml_path(dir, id);
    blocking(move || fs::read(path)).await
}

/// `123.eml` → 123; anything else (`.123.eml.tmp`, `0123.eml`, `x.eml`) → None.
fn parse_file_name(name: &str) -> Option<MailId> {
    let digits = name.strip_suffix(".eml")?;
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if !canonical {
        return None;
    }
    digits.parse().ok().map(MailId)
}

pub(crate) struct EmlWriter {
    dir: PathBuf,
}

impl EmlWriter {
    pub(crate) fn new(dir: PathBuf) -> EmlWriter {
        EmlWriter { dir }
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `<id>.eml` atomically: a reader sees the whole file or none. Rewriting the
    /// same id (a crash between writing and marking sent) replaces the file.
    pub(crate) async fn write(&self, id: MailId, message: Vec<u8>) -> Result<(), AttemptError> {
        let dir = self.dir.clone();
        blocking(move || write_atomically(&dir, id, &message))
            .await
            .map_err(|e| {
                // A full or read-only disk may be fixed; the mail waits.
                AttemptError::Transient(format!(
                    "cannot write {}: {e}",
                    eml_path(&self.dir, id).display()
                ))
            })
    }
}

fn write_atomically(dir: &Path, id: MailId, message: &[u8]) -> io::Result<()> {
    create_private_dir(dir)?;
    let tmp = dir.join(format!(".{}.eml.tmp", id.0));
    let mut file = private_file(&tmp)?;
    file.write_all(message)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&tmp, eml_path(dir, id))?;
    // The rename is durable once the directory is synced (best effort: not every platform
    // lets a directory be opened).
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

// Mails carry new PINs: only the service's user may read them.
#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

#[cfg(unix)]
fn private_file(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> io::Result<fs::File> {
    fs::File::create(path)
}

/// Runs file IO off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> io::Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(io::Error::other(format!("file task failed: {e}"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_canonical_names_are_mails() {
        assert_eq!(parse_file_name("12.eml"), Some(MailId(12)));
        assert_eq!(parse_file_name("0.eml"), Some(MailId(0)));
        for name in [
            ".12.eml.tmp",
            "012.eml",
            "x.eml",
            ".eml",
            "12.eml~",
            "-1.eml",
        ] {
            assert_eq!(parse_file_name(name), None, "{name}");
        }
        assert_eq!(parse_file_name("99999999999999999999.eml"), None);
    }
}
