//! Call history as admins search it: the store's filters (organization, organizer,
//! direction, dates) plus a phone number. The store has no number filter and this change
//! may not add a migration, so a number search reads the matching records page by page
//! (at most [`MAX_CSV_RECORDS`], newest first) and keeps those whose called or calling
//! number contains the digits typed.

use super::call_records::{call_records_csv, CallRecordQuery, MAX_CSV_RECORDS};
use super::error::ServiceResult;
use super::{AdminService, Caller};
use dialbridge_store::{CallRecord, Page, Paged};

/// The digits of a typed number (`+1 (415) 555` becomes `1415555`); `None` when there are
/// none, so "any number".
pub fn number_digits(typed: &str) -> Option<String> {
    let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
    (!digits.is_empty()).then_some(digits)
}

fn digits_of(number: &str) -> String {
    number.chars().filter(char::is_ascii_digit).collect()
}

fn involves(record: &CallRecord, digits: &str) -> bool {
    digits_of(&record.call.called_number).contains(digits)
        || record
            .call
            .caller_number
            .as_deref()
            .is_some_and(|n| digits_of(n).contains(digits))
}

impl AdminService {
    /// Every record the query matches whose called or calling number contains `digits`
    /// (all of them without `digits`), newest first, up to [`MAX_CSV_RECORDS`].
    async fn matching_records(
        &self,
        caller: &Caller,
        query: &CallRecordQuery,
        digits: Option<&str>,
    ) -> ServiceResult<Vec<CallRecord>> {
        let mut found = Vec::new();
        let mut offset = 0_u64;
        loop {
            let batch = self
                .list_call_records(caller, query, Page::new(Page::MAX_LIMIT, offset))
                .await?;
            let got = batch.items.len();
            found.extend(
                batch
                    .items
                    .into_iter()
                    .filter(|r| digits.is_none_or(|d| involves(r, d))),
            );
            offset += got as u64;
            if got < Page::MAX_LIMIT as usize || found.len() >= MAX_CSV_RECORDS {
                break;
            }
        }
        found.truncate(MAX_CSV_RECORDS);
        Ok(found)
    }

    /// One page of call history; with `number`, only calls to or from a number containing
    /// its digits.
    pub async fn search_call_records(
        &self,
        caller: &Caller,
        query: &CallRecordQuery,
        number: Option<&str>,
        page: Page,
    ) -> ServiceResult<Paged<CallRecord>> {
        let Some(digits) = number.and_then(number_digits) else {
            return self.list_call_records(caller, query, page).await;
        };
        let found = self.matching_records(caller, query, Some(&digits)).await?;
        let total = i64::try_from(found.len()).unwrap_or(i64::MAX);
        let start = usize::try_from(page.offset).unwrap_or(usize::MAX);
        let items = found
            .into_iter()
            .skip(start)
            .take(page.limit as usize)
            .collect();
        Ok(Paged { items, total })
    }

    /// The search as CSV (the columns of `CALL_RECORD_COLUMNS`).
    pub async fn export_call_record_search(
        &self,
        caller: &Caller,
        query: &CallRecordQuery,
        number: Option<&str>,
    ) -> ServiceResult<Vec<u8>> {
        let digits = number.and_then(number_digits);
        let found = self
            .matching_records(caller, query, digits.as_deref())
            .await?;
        call_records_csv(&found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_numbers_are_reduced_to_digits() {
        assert_eq!(number_digits("+1 (415) 555").as_deref(), Some("1415555"));
        assert_eq!(number_digits("  "), None);
        assert_eq!(number_digits("anonymous"), None);
    }
}
