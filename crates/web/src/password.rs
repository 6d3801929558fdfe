//! Checks an admin's email and password against the account the CLI made
//! (`dialbridge admin accounts create`), whose password the admin services stored as an
//! argon2id PHC string.
//!
//! The admin services have no password check yet (the REST API authenticates by token), so
//! this reads the account with the store's `admin_login` read, the one the store offers for
//! exactly this; when `AdminService` gains a sign-in call, this file becomes one call to it.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use dialbridge_admin::services::{AdminService, ServiceError, ServiceResult};
use dialbridge_store::AdminAccount;
use rand::rngs::OsRng;
use std::sync::{Arc, OnceLock};
use zeroize::Zeroizing;

/// A hash no password matches, checked for unknown emails so that "no such account" takes
/// as long as "wrong password" and does not reveal which emails are admins.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(crate::token::new_token().as_bytes(), &salt)
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

/// The account, if the email names one and the password is its password.
pub(crate) async fn check(
    admin: &Arc<AdminService>,
    email: &str,
    password: Zeroizing<String>,
) -> ServiceResult<Option<AdminAccount>> {
    let login = admin.store().admin_login(email).await?;
    let (account, hash) = match login {
        Some(login) => (Some(login.account), login.password_hash),
        None => (None, decoy_hash().to_owned()),
    };
    // argon2 is deliberately slow: off the async workers.
    let good = tokio::task::spawn_blocking(move || matches(&password, &hash))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok(account.filter(|_| good))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoy_matches_nothing_and_garbage_hashes_never_match() {
        assert!(!matches("", decoy_hash()));
        assert!(!matches("password", "not a phc string"));
    }
}
