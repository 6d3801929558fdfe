//! Export and import of organizers for a third-party audio conferencing provider (ACP).
//!
//! The seed's comparison table says ACP management is manual: the admin exports the dial-in
//! organizers to a CSV file, sends it to the ACP, and imports the file the ACP sends back with
//! each organizer's bridge (provider name, toll and toll-free numbers, participant passcode,
//! conference ID, URL). The columns are documented in `docs/acp-csv.md` and listed in
//! [`Column`].
//!
//! ```text
//!  export_organizers ──► CSV ──► ACP fills in the acp_* columns ──► CSV
//!  plan_import(CSV) ──► every row checked ──► ImportPlan (dry run: summary, changes)
//!                                   └──────► ImportErrors (every error, by line)
//!  apply_import(plan) ──► one StoreTx: set_provider per change ──► commit, all or nothing
//! ```
//!
//! Planning is separate from applying so a UI wizard can show what will change and ask
//! before writing; applying re-checks, inside its transaction, that no planned organizer
//! changed in between.

mod apply;
mod columns;
mod error;
mod export;
mod fetch;
pub(crate) mod guard;
mod plan;
mod reader;
mod row;

pub use apply::{apply_import, ImportReport};
pub use columns::Column;
pub use error::{ApplyError, ExportError, ImportErrors, PlanError, RowError};
pub use export::{export_organizers, write_organizers};
pub use plan::{plan_import, ImportPlan, ImportSummary, PlannedChange};

/// The largest file [`plan_import`] reads: far above any organization's organizer list, and
/// small enough to hold in memory while every row is checked.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// The most data rows (after the header) [`plan_import`] reads; one import is one
/// transaction, and this keeps it short.
pub const MAX_ROWS: usize = 50_000;

/// Separator of the toll-free numbers inside their one field (a comma would need quoting and
/// reads as a column break to people).
pub const LIST_SEPARATOR: char = ';';
