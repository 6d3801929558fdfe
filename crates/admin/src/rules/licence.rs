//! The organization's pool of dial-in conferencing licences: seats bought, seats assigned,
//! never more assigned than bought.

use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "LicencePoolRepr", into = "LicencePoolRepr")]
pub struct LicencePool {
    seats_bought: u32,
    seats_assigned: u32,
}

#[derive(Serialize, Deserialize)]
struct LicencePoolRepr {
    seats_bought: u32,
    seats_assigned: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum LicenceError {
    #[error("{wanted} licence(s) wanted but only {available} of {bought} are free; buy more seats or remove a licence first")]
    NotEnoughSeats {
        wanted: u32,
        available: u32,
        bought: u32,
    },
    #[error("{assigned} licences are assigned, so the organization cannot own fewer seats; remove licences first")]
    BelowAssigned { assigned: u32 },
    #[error("only {assigned} licences are assigned; cannot remove {wanted}")]
    NotAssigned { wanted: u32, assigned: u32 },
}

impl LicencePool {
    pub fn new(seats_bought: u32, seats_assigned: u32) -> Result<Self, LicenceError> {
        if seats_assigned > seats_bought {
            return Err(LicenceError::BelowAssigned {
                assigned: seats_assigned,
            });
        }
        Ok(Self {
            seats_bought,
            seats_assigned,
        })
    }

    pub fn seats_bought(&self) -> u32 {
        self.seats_bought
    }

    pub fn seats_assigned(&self) -> u32 {
        self.seats_assigned
    }

    pub fn available(&self) -> u32 {
        self.seats_bought - self.seats_assigned
    }

    /// The pool after assigning `n` licences (one per organizer).
    pub fn assign(self, n: u32) -> Result<Self, LicenceError> {
        if n > self.available() {
            return Err(LicenceError::NotEnoughSeats {
                wanted: n,
                available: self.available(),
                bought: self.seats_bought,
            });
        }
        Ok(Self {
            seats_assigned: self.seats_assigned + n,
            ..self
        })
    }

    /// The pool after removing `n` licences from organizers.
    pub fn release(self, n: u32) -> Result<Self, LicenceError> {
        if n > self.seats_assigned {
            return Err(LicenceError::NotAssigned {
                wanted: n,
                assigned: self.seats_assigned,
            });
        }
        Ok(Self {
            seats_assigned: self.seats_assigned - n,
            ..self
        })
    }

    /// The pool after buying or giving back seats. Seats in use cannot be given back.
    pub fn with_seats_bought(self, seats_bought: u32) -> Result<Self, LicenceError> {
        Self::new(seats_bought, self.seats_assigned)
    }
}

impl TryFrom<LicencePoolRepr> for LicencePool {
    type Error = LicenceError;
    fn try_from(r: LicencePoolRepr) -> Result<Self, Self::Error> {
        Self::new(r.seats_bought, r.seats_assigned)
    }
}

impl From<LicencePool> for LicencePoolRepr {
    fn from(p: LicencePool) -> Self {
        Self {
            seats_bought: p.seats_bought,
            seats_assigned: p.seats_assigned,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn never_more_assigned_than_bought() {
        let pool = LicencePool::new(3, 0).unwrap();
        let pool = pool.assign(2).unwrap();
        assert_eq!(pool.available(), 1);
        assert_eq!(
            pool.assign(2),
            Err(LicenceError::NotEnoughSeats {
                wanted: 2,
                available: 1,
                bought: 3
            })
        );
        let pool = pool.assign(1).unwrap();
        assert_eq!(pool.available(), 0);
        assert!(pool.assign(1).is_err());
        assert!(pool.assign(0).is_ok());
        assert_eq!(
            LicencePool::new(2, 3),
            Err(LicenceError::BelowAssigned { assigned: 3 })
        );
    }

    #[test]
    fn release_and_resize() {
        let pool = LicencePool::new(5, 4).unwrap();
        assert_eq!(
            pool.with_seats_bought(3),
            Err(LicenceError::BelowAssigned { assigned: 4 })
        );
        let pool = pool.release(2).unwrap();
        assert_eq!(pool.with_seats_bought(2).unwrap().available(), 0);
        assert_eq!(
            pool.release(3),
            Err(LicenceError::NotAssigned {
                wanted: 3,
                assigned: 2
            })
        );
        assert_eq!(pool.with_seats_bought(10).unwrap().available(), 8);
    }

    #[test]
    fn serde_refuses_an_overfull_pool() {
        let p: LicencePool =
            serde_json::from_str(r#"{"seats_bought":5,"seats_assigned":2}"#).unwrap();
        assert_eq!(p.available(), 3);
        assert!(
            serde_json::from_str::<LicencePool>(r#"{"seats_bought":1,"seats_assigned":2}"#)
                .is_err()
        );
    }
}
