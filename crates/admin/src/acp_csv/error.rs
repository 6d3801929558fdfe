//! What can go wrong, worded for the admin who uploaded the file.

use dialbridge_store::{OrganizerId, StoreError};
use serde::Serialize;
use std::fmt;
use thiserror::Error;

/// One problem in the imported file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// The physical line of the file where the row starts (the header is line 1; a quoted
    /// field spanning lines counts every line). `None` for a problem with the whole file.
    pub line: Option<u64>,
    /// What is wrong and, where it helps, how to fix it.
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Every problem found in an imported file, in line order. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportErrors {
    pub errors: Vec<RowError>,
}

impl ImportErrors {
    pub(crate) fn file(message: impl Into<String>) -> ImportErrors {
        ImportErrors {
            errors: vec![RowError {
                line: None,
                message: message.into(),
            }],
        }
    }
}

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the file was not imported; {} problem(s):",
            self.errors.len()
        )?;
        for e in &self.errors {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportErrors {}

/// Why [`plan_import`](super::plan_import) made no plan.
#[derive(Debug, Error)]
pub enum PlanError {
    /// The file has problems; each is listed with its line.
    #[error(transparent)]
    Rejected(#[from] ImportErrors),
    /// Reading the organizers failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why [`apply_import`](super::apply_import) wrote nothing.
#[derive(Debug, Error)]
pub enum ApplyError {
    /// An organizer changed (or was deleted, or moved) after the plan was made; check the
    /// file again so the admin confirms what will really change.
    #[error("organizer {organizer_id} (line {line}) changed after the file was checked; nothing was imported, check the file again")]
    Stale {
        organizer_id: OrganizerId,
        line: u64,
    },
    /// A write failed; the transaction was rolled back.
    #[error("nothing was imported: {0}")]
    Store(#[from] StoreError),
}

/// Why [`export_organizers`](super::export_organizers) produced no file.
#[derive(Debug, Error)]
pub enum ExportError {
    /// Reading the organizers failed.
    #[error("cannot read the organizers: {0}")]
    Store(#[from] StoreError),
    /// Writing the CSV failed (only possible with a failing writer).
    #[error("cannot write the file: {0}")]
    Write(#[from] csv::Error),
}
