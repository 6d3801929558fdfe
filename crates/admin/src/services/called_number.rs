//! The dial-in number a call arrived on, for the IVR's languages. Like `call_path`, no
//! caller: the system asks on behalf of someone on the phone.

use super::error::ServiceResult;
use super::AdminService;
use dialbridge_store::DialInNumber;

impl AdminService {
    /// The dial-in number behind a called E.164 number, if an admin configured it.
    pub async fn called_number(&self, e164: &str) -> ServiceResult<Option<DialInNumber>> {
        Ok(self.store.dial_in_number_by_e164(e164).await?)
    }
}
