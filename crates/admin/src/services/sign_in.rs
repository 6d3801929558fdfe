//! Admins signing in with email and password (the web admin center), and the session's
//! caller read again on each request so that a changed role or a removed account takes
//! effect at once rather than when the session ends.

use super::error::{ServiceError, ServiceResult};
use super::{AdminService, Caller};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use dialbridge_store::{AdminAccountId, StoreError};
use std::sync::OnceLock;
use zeroize::Zeroizing;

/// Who signed in: the account and the caller it acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub account_id: AdminAccountId,
    pub email: String,
    pub caller: Caller,
}

/// A hash no password matches, checked for unknown emails so that "no such account" takes
/// as long as "wrong password" and does not reveal which emails are admins.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        let mut unguessable = [0_u8; 32];
        rand::RngCore::fill_bytes(&mut OsRng, &mut unguessable);
        Argon2::default()
            .hash_password(&unguessable, &salt)
            .map(|hash| hash.to_string())
            .unwrap_or_default()
    })
}

fn matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

impl AdminService {
    /// The account `email` names, if `password` is its password (argon2id, checked off the
    /// async workers). A wrong password and an unknown email are the same
    /// [`ServiceError::Unauthenticated`], and take as long. An organization admin without an
    /// organization is [`ServiceError::Forbidden`].
    pub async fn sign_in(&self, email: &str, password: &str) -> ServiceResult<SignedIn> {
        let login = self.store.admin_login(email.trim()).await?;
        let (account, hash) = match login {
            Some(login) => (Some(login.account), login.password_hash),
            None => (None, decoy_hash().to_owned()),
        };
        let password = Zeroizing::new(password.to_owned());
        let good = tokio::task::spawn_blocking(move || matches(&password, &hash))
            .await
            .map_err(|e| ServiceError::internal(format!("password check task: {e}")))?;
        let account = account
            .filter(|_| good)
            .ok_or(ServiceError::Unauthenticated)?;
        Ok(SignedIn {
            caller: Caller::from_account(&account)?,
            account_id: account.id,
            email: account.email,
        })
    }

    /// The account of a session as it is now: its current role and organization. A removed
    /// account is [`ServiceError::Unauthenticated`].
    pub async fn signed_in_account(&self, id: AdminAccountId) -> ServiceResult<SignedIn> {
        let account = match self.store.admin_account(id).await {
            Ok(account) => account,
            Err(StoreError::NotFound { .. }) => return Err(ServiceError::Unauthenticated),
            Err(e) => return Err(e.into()),
        };
        Ok(SignedIn {
            caller: Caller::from_account(&account)?,
            account_id: account.id,
            email: account.email,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoy_matches_nothing_and_garbage_hashes_never_match() {
        assert!(!decoy_hash().is_empty());
        assert!(!matches("", decoy_hash()));
        assert!(!matches("password", "not a phc string"));
    }
}
