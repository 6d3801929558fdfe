//! Every organizer matching a filter, page by page (the store caps a page at
//! [`Page::MAX_LIMIT`] rows).

use dialbridge_store::{Organizer, OrganizerFilter, Page, Store, StoreError};

/// Reads all pages. Pages are by id, so an organizer created meanwhile lands at the end and
/// none is skipped; one deleted meanwhile may shift a later one past a page boundary
/// (it is then missed, which an export done again shows).
pub(crate) async fn all_organizers(
    store: &Store,
    filter: &OrganizerFilter,
) -> Result<Vec<Organizer>, StoreError> {
    let mut out = Vec::new();
    loop {
        let offset = u64::try_from(out.len()).unwrap_or(u64::MAX);
        let page = store
            .list_organizers(filter, Page::new(Page::MAX_LIMIT, offset))
            .await?;
        let fetched = page.items.len();
        out.extend(page.items);
        let total = usize::try_from(page.total).unwrap_or(0);
        if fetched == 0 || out.len() >= total {
            return Ok(out);
        }
    }
}
