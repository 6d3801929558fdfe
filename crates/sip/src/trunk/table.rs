//! Who may call us: admission of an out-of-dialog request by source address and/or digest
//! credentials (RFC 3261 §22.2 for the 401 exchange).
//!
//! The rules, in order:
//! 1. The source address is matched against every trunk's `sources`; the most specific
//!    (longest prefix) match wins. Sources are unique across trunks, so there is no tie.
//! 2. Matched a trunk **without** credentials: admitted. Any Authorization header is
//!    ignored; the address is the proof.
//! 3. Matched a trunk **with** credentials: the request must also carry valid credentials
//!    (address *and* password). Credentials of a credentials-only trunk are accepted too,
//!    since such a trunk accepts any source.
//! 4. Matched nothing: if credentials-only trunks exist, the request must carry valid
//!    credentials of one of them; otherwise it is forbidden without a challenge, so a
//!    scanner learns nothing about our realm.
//!
//! Missing credentials, credentials for another realm, a nonce we no longer know, or an
//! expired/replayed nonce with a correct response, get a challenge (401, `stale=true`
//! where it applies). Wrong credentials get 403.
//!
//! ACK and CANCEL cannot be challenged (RFC 3261 §22.1: they cannot be resubmitted); the
//! transaction layer matches them to the admitted INVITE, so here they are only
//! admitted by address and otherwise forbidden.
//!
//! Not here: rate limiting of failures or of challenges per source (the IO shell owns
//! addresses and time; a fail2ban-style limiter belongs there), and in-dialog requests,
//! which belong to a dialog that was admitted.

use super::config::{ConfigError, Trunk, TrunkConfig};
use crate::auth::{AuthFailure, Credentials, DigestHeaderError, DigestServer, Remedy};
use std::collections::HashMap;
use std::net::IpAddr;

/// Index of a trunk in its [`TrunkTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrunkId(usize);

/// The facts of an inbound out-of-dialog request that admission depends on.
#[derive(Debug, Clone, Copy)]
pub struct InboundRequest<'a> {
    /// Where the request came from (transport source, not Via).
    pub source: IpAddr,
    pub method: &'a str,
    pub request_uri: &'a str,
    /// Every `Authorization` header value, in order; empty when there are none.
    pub authorizations: &'a [&'a str],
}

/// The verdict on an inbound request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// Go ahead. `authenticated_as` is the digest username when credentials were checked.
    Admitted {
        trunk: TrunkId,
        authenticated_as: Option<String>,
    },
    /// Answer 401 with one `WWW-Authenticate` header per value, in this order.
    Challenge { www_authenticate: Vec<String> },
    /// Answer 403.
    Forbidden { reason: Refusal },
}

/// Why a request was forbidden. For our logs; the peer just gets 403.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("source address matches no trunk")]
    UnknownSource,
    #[error("credentials refused: {0}")]
    Credentials(AuthFailure),
    #[error("{method} cannot be challenged and is not admitted by source address")]
    NotChallengeable { method: String },
}

/// The configured trunks and the digest server that authenticates them.
#[derive(Debug)]
pub struct TrunkTable {
    trunks: Vec<Trunk>,
    auth: DigestServer,
}

impl TrunkTable {
    /// Validates the trunk list. `auth` carries the realm and nonce secret used to
    /// challenge trunks that have credentials.
    pub fn new(configs: Vec<TrunkConfig>, auth: DigestServer) -> Result<Self, ConfigError> {
        let trunks = configs
            .into_iter()
            .enumerate()
            .map(|(index, config)| Trunk::from_config(index, config))
            .collect::<Result<Vec<_>, _>>()?;

        let mut names = HashMap::new();
        let mut usernames: HashMap<&str, &str> = HashMap::new();
        let mut sources = HashMap::new();
        for trunk in &trunks {
            if names.insert(trunk.name.as_str(), ()).is_some() {
                return Err(ConfigError::DuplicateName(trunk.name.clone()));
            }
            if let Some(user) = trunk.username() {
                if let Some(first) = usernames.insert(user, &trunk.name) {
                    return Err(ConfigError::DuplicateUsername {
                        username: user.to_owned(),
                        first: first.to_owned(),
                        second: trunk.name.clone(),
                    });
                }
            }
            for source in &trunk.sources {
                if let Some(first) = sources.insert(*source, trunk.name.as_str()) {
                    return Err(ConfigError::DuplicateSource {
                        net: *source,
                        first: first.to_owned(),
                        second: trunk.name.clone(),
                    });
                }
            }
        }
        Ok(Self { trunks, auth })
    }

    pub fn get(&self, id: TrunkId) -> Option<&Trunk> {
        self.trunks.get(id.0)
    }

    pub fn find_by_name(&self, name: &str) -> Option<(TrunkId, &Trunk)> {
        self.iter().find(|(_, t)| t.name == name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (TrunkId, &Trunk)> {
        self.trunks.iter().enumerate().map(|(i, t)| (TrunkId(i), t))
    }

    /// Decides whether `request` may proceed. `random` seeds the nonce of a challenge;
    /// pass fresh randomness every call.
    pub fn admit(
        &mut self,
        request: &InboundRequest<'_>,
        now_unix_secs: u64,
        random: [u8; 16],
    ) -> Admission {
        // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; match them as IPv4.
        let source = request.source.to_canonical();

        let by_source = self.most_specific_source_match(source);
        if let Some(id) = by_source {
            if self.trunks[id.0].credentials.is_none() {
                return Admission::Admitted {
                    trunk: id,
                    authenticated_as: None,
                };
            }
        }

        let candidates: Vec<TrunkId> = self
            .iter()
            .filter(|(id, t)| {
                t.credentials.is_some() && (t.sources.is_empty() || Some(*id) == by_source)
            })
            .map(|(id, _)| id)
            .collect();
        if candidates.is_empty() {
            return Admission::Forbidden {
                reason: Refusal::UnknownSource,
            };
        }
        self.authenticate(request, &candidates, now_unix_secs, random)
    }

    fn most_specific_source_match(&self, source: IpAddr) -> Option<TrunkId> {
        self.iter()
            .flat_map(|(id, t)| t.sources.iter().map(move |net| (id, net)))
            .filter(|(_, net)| net.contains(&source))
            .max_by_key(|(_, net)| net.prefix_len())
            .map(|(id, _)| id)
    }

    fn authenticate(
        &mut self,
        request: &InboundRequest<'_>,
        candidates: &[TrunkId],
        now_unix_secs: u64,
        random: [u8; 16],
    ) -> Admission {
        let challengeable = !matches!(request.method, "ACK" | "CANCEL");
        let challenge = |auth: &DigestServer, stale: bool| {
            if challengeable {
                Admission::Challenge {
                    www_authenticate: auth.challenge_with_stale(now_unix_secs, random, stale),
                }
            } else {
                Admission::Forbidden {
                    reason: Refusal::NotChallengeable {
                        method: request.method.to_owned(),
                    },
                }
            }
        };

        let credentials = match self.credentials_for_our_realm(request.authorizations) {
            Ok(Some(credentials)) => credentials,
            // None at all, or only for other realms: the peer has not seen our challenge.
            Ok(None) => return challenge(&self.auth, false),
            Err(malformed) => {
                return Admission::Forbidden {
                    reason: Refusal::Credentials(AuthFailure::Malformed(malformed)),
                }
            }
        };

        let trunks = &self.trunks;
        let mut matched = None;
        let verdict = self.auth.verify_parsed(
            request.method,
            request.request_uri,
            &credentials,
            now_unix_secs,
            |username| {
                let (id, trunk) = candidates
                    .iter()
                    .map(|&id| (id, &trunks[id.0]))
                    .find(|(_, t)| t.username() == Some(username))?;
                matched = Some(id);
                trunk.password()
            },
        );
        match (verdict, matched) {
            (Ok(ok), Some(trunk)) => Admission::Admitted {
                trunk,
                authenticated_as: Some(ok.username),
            },
            // verify_parsed succeeds only after a password lookup, which sets `matched`.
            (Ok(ok), None) => Admission::Forbidden {
                reason: Refusal::Credentials(AuthFailure::UnknownUser {
                    username: ok.username,
                }),
            },
            (Err(failure), _) => match failure.remedy() {
                Remedy::Challenge { stale } => challenge(&self.auth, stale),
                Remedy::Reject => Admission::Forbidden {
                    reason: Refusal::Credentials(failure),
                },
            },
        }
    }

    /// RFC 3261 §22.3: a request may carry credentials for several realms; use ours.
    /// `Ok(None)` when there are none for our realm; an error only when none parse.
    fn credentials_for_our_realm(
        &self,
        authorizations: &[&str],
    ) -> Result<Option<Credentials>, DigestHeaderError> {
        let mut first_error = None;
        let mut any_parsed = false;
        for value in authorizations {
            match Credentials::parse(value) {
                Ok(c) if c.realm == self.auth.realm() => return Ok(Some(c)),
                Ok(_) => any_parsed = true,
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) if !any_parsed => Err(e),
            _ => Ok(None),
        }
    }
}
