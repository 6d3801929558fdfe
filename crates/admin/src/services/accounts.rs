//! Admin accounts and their API tokens: platform admins create accounts and issue or revoke
//! tokens (the CLI on the host does this as the platform admin; the API may later too).
//!
//! Token format (agreed with the REST API): `dbt_` + 43 characters of unpadded base64url of
//! 32 bytes from the OS RNG. Only `hex(sha256(token))` is stored, so a leaked database holds
//! no usable token; the clear token is returned once, by [`AdminService::issue_api_token`].

use super::error::{ServiceError, ServiceResult};
use super::{AdminService, Caller};
use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use dialbridge_store::{
    AdminAccount, AdminAccountId, ApiToken, ApiTokenId, NewAdminAccount, OrganizationId, Page,
    Paged, Role,
};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Prefix of every API token: lets secret scanners and people recognise one.
pub const API_TOKEN_PREFIX: &str = "dbt_";

/// Shortest admin password accepted; longer passphrases are better.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The stored form of a token: lowercase hex of its SHA-256. A plain hash suffices (no
/// argon2): the token has 256 bits of entropy, so there is nothing to brute-force.
pub fn api_token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh token from the OS RNG (not the service's seedable one: tokens must never be
/// reproducible, even in tests).
fn new_api_token() -> Zeroizing<String> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(bytes.as_mut());
    Zeroizing::new(format!(
        "{API_TOKEN_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(bytes.as_ref())
    ))
}

/// An argon2id PHC string with the crate's default (OWASP-recommended) parameters.
fn hash_password(password: &str) -> ServiceResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(ServiceError::internal)
}

fn check_password(password: &str) -> ServiceResult<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ServiceError::invalid(format!(
            "the password is too short: use at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    Ok(())
}

/// The store says `admin_email` for a taken email; its generic message would read
/// "conflicting value: admin_email".
fn explain_conflict(err: ServiceError) -> ServiceError {
    match err {
        ServiceError::Conflict { what, .. } if what == "admin_email" => ServiceError::conflict(
            "admin_email",
            "an admin account with this email address already exists",
        ),
        other => other,
    }
}

impl AdminService {
    /// Creates an admin login (platform admins only). The organization must exist for an
    /// organization or read-only admin; a platform admin has none.
    pub async fn create_admin_account(
        &self,
        caller: &Caller,
        email: &str,
        password: &str,
        role: Role,
        organization_id: Option<OrganizationId>,
    ) -> ServiceResult<AdminAccount> {
        caller.must_be_platform_admin()?;
        check_password(password)?;
        let password_hash = hash_password(password)?;
        let new = NewAdminAccount {
            email: email.to_owned(),
            password_hash,
            role,
            organization_id,
        };
        let mut tx = self.store.begin().await?;
        if let Some(org) = organization_id {
            tx.organization(org).await?;
        }
        let created = tx
            .create_admin_account(caller.actor(), &new)
            .await
            .map_err(|e| explain_conflict(e.into()))?;
        tx.commit().await?;
        Ok(created)
    }

    /// Accounts of one organization, or all of them (platform admins only: accounts are
    /// who may log in, which organization admins do not manage yet).
    pub async fn list_admin_accounts(
        &self,
        caller: &Caller,
        organization_id: Option<OrganizationId>,
        page: Page,
    ) -> ServiceResult<Paged<AdminAccount>> {
        caller.must_be_platform_admin()?;
        Ok(self
            .store
            .list_admin_accounts(organization_id, page)
            .await?)
    }

    /// Issues a token acting as `account_id`. The clear token is returned here only.
    pub async fn issue_api_token(
        &self,
        caller: &Caller,
        account_id: AdminAccountId,
        name: &str,
    ) -> ServiceResult<(ApiToken, String)> {
        caller.must_be_platform_admin()?;
        let token = new_api_token();
        let mut tx = self.store.begin().await?;
        let stored = tx
            .create_api_token(caller.actor(), account_id, name, &api_token_hash(&token))
            .await?;
        tx.commit().await?;
        Ok((stored, token.to_string()))
    }

    /// Revokes a token: the API refuses it from the next request on.
    pub async fn revoke_api_token(&self, caller: &Caller, id: ApiTokenId) -> ServiceResult<()> {
        caller.must_be_platform_admin()?;
        let mut tx = self.store.begin().await?;
        tx.delete_api_token(caller.actor(), id).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_the_agreed_shape() {
        let token = new_api_token();
        let body = token.strip_prefix(API_TOKEN_PREFIX).unwrap_or_default();
        assert_eq!(body.len(), 43);
        assert!(body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        let hash = api_token_hash(&token);
        assert_eq!(hash.len(), 64);
        assert_eq!(hash, hash.to_lowercase());
    }

    #[test]
    fn hash_is_sha256_hex() {
        assert_eq!(
            api_token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
