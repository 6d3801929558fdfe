//! API token authentication.
//!
//! A token is `dbt_` followed by 43 characters of base64url (no padding) of 32 random bytes;
//! the store keeps only `hex(sha256(token))`, so a leaked database yields no usable token.
//! A plain SHA-256 (not argon2, as for PINs) is enough because the token carries 256 bits of
//! randomness: there is nothing to brute-force, and every API request pays the hash.

use super::error::{ServiceError, ServiceResult};
use super::{AdminService, Caller};
use sha2::{Digest, Sha256};
use std::fmt::Write;

/// What every token starts with: recognisable in logs and by secret scanners.
pub const TOKEN_PREFIX: &str = "dbt_";

/// base64url of 32 bytes without padding.
const TOKEN_BODY_LEN: usize = 43;

/// The stored form of a token: lowercase hex of its SHA-256.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// Whether `token` has the shape of one we issue; anything else is refused without a
/// database lookup.
fn well_formed(token: &str) -> bool {
    token.strip_prefix(TOKEN_PREFIX).is_some_and(|body| {
        body.len() == TOKEN_BODY_LEN
            && body
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

impl AdminService {
    /// The caller a bearer token acts as. Missing, malformed and unknown tokens all answer
    /// [`ServiceError::Unauthenticated`].
    pub async fn authenticate_token(&self, bearer: &str) -> ServiceResult<Caller> {
        let token = bearer.trim();
        if !well_formed(token) {
            return Err(ServiceError::Unauthenticated);
        }
        let Some((api_token, account)) = self.store.api_token_by_hash(&token_hash(token)).await?
        else {
            return Err(ServiceError::Unauthenticated);
        };
        let caller = Caller::from_account(&account)?;
        // "Last used" is a courtesy for the operator; a failure to record it must not
        // refuse a request the token is good for.
        if let Err(error) = self.store.touch_api_token(api_token.id).await {
            tracing::warn!(token = %api_token.id, %error, "cannot record API token use");
        }
        Ok(caller)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_lowercase_hex_sha256() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn shape_is_checked() {
        let good = format!("dbt_{}", "A".repeat(43));
        assert!(well_formed(&good));
        assert!(!well_formed(&good[..good.len() - 1]));
        assert!(!well_formed(&format!("dbx_{}", "A".repeat(43))));
        assert!(!well_formed(&format!("dbt_{}+", "A".repeat(42))));
        assert!(!well_formed(""));
    }
}
