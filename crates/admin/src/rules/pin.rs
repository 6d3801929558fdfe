//! Organizer PINs: length policy, what counts as guessable, argon2id hashing and
//! verification.
//!
//! The PIN in clear lives in exactly one place: the [`NewPin`] that generation or an admin's
//! choice returns, kept just long enough to put it in the organizer's mail, and zeroed when
//! dropped. What is stored is a [`PinHash`], which neither displays nor serializes itself.
//!
//! A 5-digit PIN has only 100,000 values, so no hash can stop an offline search by someone
//! who stole the database: argon2id makes that search cost minutes instead of milliseconds,
//! and an optional server-side pepper (kept outside the database) makes it impossible
//! without the pepper too. Online guessing is stopped by [`super::pin_lockout`].

use super::conference_id::ConferenceId;
use super::digits::{self, Trivial};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::{CryptoRng, Rng, RngCore};
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;
use zeroize::Zeroizing;

/// The organization's PIN length: generated PINs have exactly this many digits, and a PIN
/// an admin chooses needs at least this many (and at most [`PinLength::MAX`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct PinLength(u8);

impl PinLength {
    pub const MIN: u8 = 4;
    pub const MAX: u8 = 12;
    pub const DEFAULT: Self = Self(5);

    pub fn new(digits: u8) -> Result<Self, PinLengthError> {
        if (Self::MIN..=Self::MAX).contains(&digits) {
            Ok(Self(digits))
        } else {
            Err(PinLengthError(digits))
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl Default for PinLength {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl TryFrom<u8> for PinLength {
    type Error = PinLengthError;
    fn try_from(v: u8) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}

impl From<PinLength> for u8 {
    fn from(v: PinLength) -> u8 {
        v.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("a PIN has {min} to {max} digits, not {0}", min = PinLength::MIN, max = PinLength::MAX)]
pub struct PinLengthError(pub u8);

/// Why a PIN an admin chose was refused. The messages are meant for that admin.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PinRejected {
    #[error("a PIN has only the digits 0 to 9")]
    NotDigits,
    #[error("this organization's PINs have at least {min} digits")]
    TooShort { min: u8 },
    #[error("a PIN has at most {max} digits", max = PinLength::MAX)]
    TooLong,
    #[error("a PIN of one repeated digit is too easy to guess")]
    SameDigit,
    #[error("a PIN that counts up or down (like 1234 or 4321) is too easy to guess")]
    Run,
    #[error("a PIN that repeats a short pattern (like 1212) is too easy to guess")]
    Repeated,
    #[error("a PIN must not be, contain or be part of the organizer's conference ID")]
    MatchesConferenceId,
}

/// Checks a PIN an admin chose for an organizer.
///
/// `conference_id` is the organizer's own ID: anyone in the meeting knows it, so a PIN that
/// overlaps it (the ID itself, a prefix like the first 5 digits, any part of it, or a PIN
/// that contains the whole ID) protects nothing.
pub fn check_chosen(
    pin: &str,
    min_length: PinLength,
    conference_id: Option<&ConferenceId>,
) -> Result<(), PinRejected> {
    if !digits::all_digits(pin) {
        return Err(PinRejected::NotDigits);
    }
    if pin.len() < usize::from(min_length.get()) {
        return Err(PinRejected::TooShort {
            min: min_length.get(),
        });
    }
    if pin.len() > usize::from(PinLength::MAX) {
        return Err(PinRejected::TooLong);
    }
    match digits::trivial(pin) {
        Some(Trivial::SameDigit) => return Err(PinRejected::SameDigit),
        Some(Trivial::Run) => return Err(PinRejected::Run),
        Some(Trivial::Repeated) => return Err(PinRejected::Repeated),
        None => {}
    }
    if let Some(id) = conference_id {
        if id.as_str().contains(pin) || pin.contains(id.as_str()) {
            return Err(PinRejected::MatchesConferenceId);
        }
    }
    Ok(())
}

/// A stored PIN: an argon2id hash in PHC string form (`$argon2id$v=19$m=…$salt$hash`).
///
/// Deliberately not `Display` and not `Serialize`, so it cannot slip into a log line or an
/// API response; the store reads and writes it through [`PinHash::as_phc_str`] and
/// [`PinHash::from_phc`].
#[derive(Clone, PartialEq, Eq)]
pub struct PinHash(String);

impl PinHash {
    /// Loads a hash the store kept. Refuses anything that is not an argon2id PHC string.
    pub fn from_phc(phc: &str) -> Result<Self, PinHashError> {
        let parsed = PasswordHash::new(phc).map_err(|_| PinHashError::Malformed)?;
        if parsed.algorithm != Algorithm::Argon2id.ident() {
            return Err(PinHashError::Malformed);
        }
        Ok(Self(phc.to_owned()))
    }

    /// The PHC string, for the store only.
    pub fn as_phc_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PinHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PinHash(argon2id, redacted)")
    }
}

/// A PIN just made or chosen, in clear, with its hash. Returned once: read the PIN with
/// [`NewPin::reveal`] to write the organizer's mail, keep [`NewPin::hash`], drop the rest.
/// The clear digits are zeroed when this is dropped. Not `Clone`, so there is one copy.
pub struct NewPin {
    clear: Zeroizing<String>,
    hash: PinHash,
}

impl NewPin {
    /// The PIN in clear, for the one mail that tells the organizer.
    pub fn reveal(&self) -> &str {
        &self.clear
    }

    pub fn hash(&self) -> &PinHash {
        &self.hash
    }

    /// Keeps the hash and zeroes the clear PIN now.
    pub fn into_hash(self) -> PinHash {
        self.hash
    }
}

impl fmt::Debug for NewPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewPin")
            .field("pin", &"<redacted>")
            .field("hash", &self.hash)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PinHashError {
    #[error("stored PIN hash is not an argon2id PHC string")]
    Malformed,
    #[error("argon2 parameters refused: {0}")]
    Params(String),
    #[error("argon2 hashing failed: {0}")]
    Hashing(String),
    #[error("no acceptable PIN found in {0} random draws")]
    NoCandidate(u32),
}

/// Why [`PinHasher::choose`] failed: the admin's PIN was refused, or hashing failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChoosePinError {
    #[error(transparent)]
    Rejected(#[from] PinRejected),
    #[error(transparent)]
    Hash(#[from] PinHashError),
}

/// argon2id with the parameters new hashes get. Verification reads the parameters from each
/// stored hash, so old hashes keep working after the parameters change; [`needs_rehash`]
/// says when a successful PIN entry should store a fresh hash.
///
/// [`needs_rehash`]: PinHasher::needs_rehash
pub struct PinHasher {
    params: Params,
    pepper: Option<Zeroizing<Vec<u8>>>,
}

/// Our parameters, spelled out so a change of the argon2 crate's defaults does not change
/// them behind our back: 19 MiB, 2 passes, 1 lane (OWASP's argon2id minimum).
const M_COST_KIB: u32 = 19 * 1024;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

impl Default for PinHasher {
    fn default() -> Self {
        Self {
            // These constants are within argon2's limits, so `new` cannot fail; the fallback
            // only keeps this free of a panic path.
            params: Params::new(M_COST_KIB, T_COST, P_COST, None).unwrap_or_default(),
            pepper: None,
        }
    }
}

impl fmt::Debug for PinHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PinHasher")
            .field("m_cost_kib", &self.params.m_cost())
            .field("t_cost", &self.params.t_cost())
            .field("p_cost", &self.params.p_cost())
            .field("pepper", &self.pepper.is_some())
            .finish()
    }
}

/// Random draws before [`PinHasher::generate`] gives up; rejection is rare (well under 1%
/// of 4-digit draws), so reaching this means a broken RNG.
const MAX_PIN_DRAWS: u32 = 100;

/// Uniform digits, each 0–9, straight into zeroing storage.
fn draw(rng: &mut impl RngCore, length: PinLength) -> Zeroizing<String> {
    let mut clear = Zeroizing::new(String::with_capacity(usize::from(length.get())));
    for _ in 0..length.get() {
        clear.push(char::from(b'0' + rng.gen_range(0..=9u8)));
    }
    clear
}

impl PinHasher {
    /// argon2id, m = 19 MiB, t = 2, p = 1: the argon2 crate's defaults and OWASP's minimum
    /// for argon2id. About 20–40 ms a hash on one core of a small server, which bounds
    /// neither a caller's PIN entry nor an admin's reset.
    pub fn new() -> Self {
        Self::default()
    }

    /// Custom costs: `m_cost_kib` memory in KiB, `t_cost` passes, `p_cost` lanes.
    pub fn with_params(m_cost_kib: u32, t_cost: u32, p_cost: u32) -> Result<Self, PinHashError> {
        let params = Params::new(m_cost_kib, t_cost, p_cost, None)
            .map_err(|e| PinHashError::Params(e.to_string()))?;
        Ok(Self {
            params,
            pepper: None,
        })
    }

    /// Adds a server-side secret mixed into every hash (argon2's `secret` input). Hashes made
    /// with a pepper verify only with the same pepper.
    pub fn with_pepper(mut self, pepper: &[u8]) -> Self {
        self.pepper = Some(Zeroizing::new(pepper.to_vec()));
        self
    }

    fn argon2(&self) -> Result<Argon2<'_>, PinHashError> {
        match &self.pepper {
            Some(p) => Argon2::new_with_secret(
                p.as_slice(),
                Algorithm::Argon2id,
                Version::V0x13,
                self.params.clone(),
            )
            .map_err(|e| PinHashError::Params(e.to_string())),
            None => Ok(Argon2::new(
                Algorithm::Argon2id,
                Version::V0x13,
                self.params.clone(),
            )),
        }
    }

    fn hash(
        &self,
        rng: &mut (impl RngCore + CryptoRng),
        clear: Zeroizing<String>,
    ) -> Result<NewPin, PinHashError> {
        let salt = SaltString::generate(&mut *rng);
        let hash = self
            .argon2()?
            .hash_password(clear.as_bytes(), &salt)
            .map_err(|e| PinHashError::Hashing(e.to_string()))?
            .to_string();
        Ok(NewPin {
            clear,
            hash: PinHash(hash),
        })
    }

    /// Draws a random PIN of exactly `length` digits that [`check_chosen`] would accept
    /// (a leading 0 is fine for a PIN: it is keyed, never stored as a number), and hashes it.
    pub fn generate(
        &self,
        rng: &mut (impl RngCore + CryptoRng),
        length: PinLength,
        conference_id: Option<&ConferenceId>,
    ) -> Result<NewPin, PinHashError> {
        for _ in 0..MAX_PIN_DRAWS {
            let clear = draw(rng, length);
            if check_chosen(&clear, length, conference_id).is_ok() {
                return self.hash(rng, clear);
            }
        }
        Err(PinHashError::NoCandidate(MAX_PIN_DRAWS))
    }

    /// Checks and hashes a PIN an admin chose. The caller's copy of `pin` is theirs to
    /// clear; ours is zeroed with the returned [`NewPin`].
    pub fn choose(
        &self,
        rng: &mut (impl RngCore + CryptoRng),
        pin: &str,
        min_length: PinLength,
        conference_id: Option<&ConferenceId>,
    ) -> Result<NewPin, ChoosePinError> {
        check_chosen(pin, min_length, conference_id)?;
        Ok(self.hash(rng, Zeroizing::new(pin.to_owned()))?)
    }

    /// Whether `entered` (the DTMF digits, without `#`) is the PIN behind `hash`.
    ///
    /// The comparison of hash outputs is constant-time (password-hash's `Output` compares
    /// with `subtle`). Input that cannot be a PIN (empty, non-digits, over 12 digits) is
    /// refused before hashing: those rules are public, so refusing early leaks nothing and
    /// saves a hash per junk entry.
    pub fn verify(&self, entered: &str, hash: &PinHash) -> bool {
        if !digits::all_digits(entered) || entered.len() > usize::from(PinLength::MAX) {
            return false;
        }
        let Ok(parsed) = PasswordHash::new(&hash.0) else {
            return false;
        };
        let Ok(argon2) = self.argon2() else {
            return false;
        };
        argon2.verify_password(entered.as_bytes(), &parsed).is_ok()
    }

    /// True when `hash` was made with other parameters than new hashes get; after a
    /// successful [`verify`](Self::verify) the service may store a fresh hash.
    pub fn needs_rehash(&self, hash: &PinHash) -> bool {
        let Ok(parsed) = PasswordHash::new(&hash.0) else {
            return true;
        };
        match Params::try_from(&parsed) {
            Ok(p) => {
                p.m_cost() != self.params.m_cost()
                    || p.t_cost() != self.params.t_cost()
                    || p.p_cost() != self.params.p_cost()
            }
            Err(_) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    fn rng() -> ChaCha20Rng {
        ChaCha20Rng::seed_from_u64(0x0000_5151)
    }

    /// Cheap parameters so the tests run fast; one test uses the real defaults.
    fn fast() -> PinHasher {
        PinHasher::with_params(64, 1, 1).unwrap()
    }

    fn id(s: &str) -> ConferenceId {
        s.parse().unwrap()
    }

    #[test]
    fn length_policy() {
        assert!(PinLength::new(3).is_err());
        assert!(PinLength::new(13).is_err());
        assert_eq!(PinLength::default().get(), 5);
        assert_eq!(PinLength::new(12).unwrap().get(), 12);
    }

    #[test]
    fn trivial_pin_table() {
        let five = PinLength::DEFAULT;
        let four = PinLength::new(4).unwrap();
        let cid = id("4829173");
        let cases: &[(&str, PinLength, Result<(), PinRejected>)] = &[
            ("1234", four, Err(PinRejected::Run)),
            ("4321", four, Err(PinRejected::Run)),
            ("12345", five, Err(PinRejected::Run)),
            ("54321", five, Err(PinRejected::Run)),
            ("67890", five, Err(PinRejected::Run)),
            ("11111", five, Err(PinRejected::SameDigit)),
            ("0000", four, Err(PinRejected::SameDigit)),
            ("1212", four, Err(PinRejected::Repeated)),
            ("121212", five, Err(PinRejected::Repeated)),
            ("123123", five, Err(PinRejected::Repeated)),
            ("4829173", five, Err(PinRejected::MatchesConferenceId)),
            ("48291", five, Err(PinRejected::MatchesConferenceId)),
            ("29173", five, Err(PinRejected::MatchesConferenceId)),
            ("482917355", five, Err(PinRejected::MatchesConferenceId)),
            ("1234", five, Err(PinRejected::TooShort { min: 5 })),
            ("1357913579135", five, Err(PinRejected::TooLong)),
            ("12a45", five, Err(PinRejected::NotDigits)),
            ("", five, Err(PinRejected::NotDigits)),
            ("１２３４５", five, Err(PinRejected::NotDigits)),
            ("13579", five, Ok(())),
            ("0472", four, Ok(())),
            ("48290", five, Ok(())),
            ("314159265358", five, Ok(())),
            ("135791357913", five, Err(PinRejected::Repeated)),
        ];
        for (pin, len, want) in cases {
            assert_eq!(&check_chosen(pin, *len, Some(&cid)), want, "{pin:?}");
        }
        assert_eq!(check_chosen("48291", five, None), Ok(()));
    }

    #[test]
    fn generated_pins_are_accepted_and_hashed() {
        let hasher = fast();
        let mut rng = rng();
        let cid = id("4829173");
        let four = PinLength::new(4).unwrap();
        for _ in 0..200 {
            let pin = hasher.generate(&mut rng, four, Some(&cid)).unwrap();
            assert_eq!(pin.reveal().len(), 4);
            assert_eq!(check_chosen(pin.reveal(), four, Some(&cid)), Ok(()));
            assert!(hasher.verify(pin.reveal(), pin.hash()));
        }
    }

    #[test]
    fn drawn_digits_are_uniform_in_every_position() {
        let mut rng = rng();
        let draws = 50_000;
        let mut counts = [[0u32; 10]; 5];
        for _ in 0..draws {
            let pin = draw(&mut rng, PinLength::DEFAULT);
            for (pos, b) in pin.bytes().enumerate() {
                counts[pos][usize::from(b - b'0')] += 1;
            }
        }
        // Chi-square over 9 degrees of freedom stays below 27.9 with probability 0.999.
        let expected = f64::from(draws) / 10.0;
        for (pos, c) in counts.iter().enumerate() {
            let chi2: f64 = c
                .iter()
                .map(|&n| (f64::from(n) - expected).powi(2) / expected)
                .sum();
            assert!(chi2 < 27.9, "position {pos}: {c:?} chi2={chi2}");
        }
    }

    #[test]
    fn hash_round_trip_and_wrong_pin_with_default_params() {
        let hasher = PinHasher::new();
        let mut rng = rng();
        let new = hasher
            .choose(&mut rng, "13579", PinLength::DEFAULT, None)
            .unwrap();
        let phc = new.hash().as_phc_str().to_owned();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        let stored = PinHash::from_phc(&phc).unwrap();
        assert!(hasher.verify("13579", &stored));
        assert!(!hasher.verify("13578", &stored));
        assert!(!hasher.verify("", &stored));
        assert!(!hasher.verify("13579#", &stored));
        assert!(!hasher.needs_rehash(&stored));
        assert!(fast().needs_rehash(&stored));
        // Verification follows the stored parameters, so a hasher with other costs still
        // verifies an old hash.
        assert!(fast().verify("13579", &stored));
    }

    #[test]
    fn same_pin_gets_a_different_salt_each_time() {
        let hasher = fast();
        let mut rng = rng();
        let a = hasher
            .choose(&mut rng, "13579", PinLength::DEFAULT, None)
            .unwrap();
        let b = hasher
            .choose(&mut rng, "13579", PinLength::DEFAULT, None)
            .unwrap();
        assert_ne!(a.hash(), b.hash());
        assert!(hasher.verify("13579", b.hash()));
    }

    #[test]
    fn pepper_is_required_to_verify() {
        let mut rng = rng();
        let peppered = fast().with_pepper(b"server secret");
        let new = peppered
            .choose(&mut rng, "24680", PinLength::DEFAULT, None)
            .unwrap();
        assert!(peppered.verify("24680", new.hash()));
        assert!(!fast().verify("24680", new.hash()));
        assert!(!fast().with_pepper(b"other").verify("24680", new.hash()));
    }

    #[test]
    fn choose_refuses_trivial_pins() {
        let mut rng = rng();
        let err = fast().choose(&mut rng, "1234", PinLength::new(4).unwrap(), None);
        assert_eq!(err.unwrap_err(), ChoosePinError::Rejected(PinRejected::Run));
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let mut rng = rng();
        let new = fast()
            .choose(&mut rng, "97531", PinLength::DEFAULT, None)
            .unwrap();
        let shown = format!("{new:?}");
        assert!(!shown.contains("97531"), "{shown}");
        assert!(!shown.contains("argon2id$"), "{shown}");
        let hash = new.into_hash();
        assert_eq!(format!("{hash:?}"), "PinHash(argon2id, redacted)");
    }

    #[test]
    fn malformed_stored_hashes_are_refused() {
        assert_eq!(PinHash::from_phc("13579"), Err(PinHashError::Malformed));
        assert_eq!(PinHash::from_phc(""), Err(PinHashError::Malformed));
        // argon2i is not what we store.
        assert_eq!(
            PinHash::from_phc("$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"),
            Err(PinHashError::Malformed)
        );
    }
}
