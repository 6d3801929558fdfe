//! Which changes to an organizer's dial-in settings send them a mail.
//!
//! A pure diff of before and after. The organization's "send emails automatically" switch is
//! the caller's to apply (when it is off the admin is shown what the mail would have said,
//! including a new PIN, once). The kinds below name the mail; its content (the new PIN from
//! the [`NewPin`](super::pin::NewPin) the service holds, the new ID, the numbers) is the
//! mail composer's job.

use super::organizer::OrganizerDialIn;
use super::provider::Provider;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// Carries the whole set: provider, and for dialbridge the ID, PIN and numbers.
    DialInEnabled,
    DialInDisabled,
    /// Carries the whole set for the new provider (also sent when the ACP's details change,
    /// since the organizer's invitations change with them).
    ProviderChanged,
    /// Carries the new PIN.
    PinReset,
    ConferenceIdReset,
    DefaultNumberChanged,
}

/// The mails `before` → `after` calls for, in a fixed order.
///
/// A mail that carries the whole set makes the smaller ones redundant: enabling dial-in or
/// changing the provider sends that one mail, not one per field. Changes while dial-in stays
/// off send nothing (the organizer cannot use them, and enabling will tell all), except a
/// new dialbridge PIN: only its hash is kept, so the enabling mail could not carry it and the
/// organizer would be left with a PIN nobody can tell them. Its mail says that it works
/// once dial-in is on.
pub fn notifications(before: &OrganizerDialIn, after: &OrganizerDialIn) -> Vec<NotificationKind> {
    use NotificationKind::*;
    match (before.dial_in_enabled, after.dial_in_enabled) {
        (false, false) => {
            let new_pin = before.pin_set_at != after.pin_set_at && after.pin_set_at.is_some();
            let dialbridge = matches!(after.provider, Provider::Dialbridge);
            return if new_pin && dialbridge {
                vec![PinReset]
            } else {
                Vec::new()
            };
        }
        (false, true) => return vec![DialInEnabled],
        (true, false) => return vec![DialInDisabled],
        (true, true) => {}
    }
    let provider_changed = match (&before.provider, &after.provider) {
        (Provider::Dialbridge, Provider::Dialbridge) => false,
        (Provider::ThirdParty(a), Provider::ThirdParty(b)) => a != b,
        _ => true,
    };
    if provider_changed {
        return vec![ProviderChanged];
    }
    let mut kinds = Vec::new();
    if before.pin_set_at != after.pin_set_at && after.pin_set_at.is_some() {
        kinds.push(PinReset);
    }
    if before.conference_id != after.conference_id && after.conference_id.is_some() {
        kinds.push(ConferenceIdReset);
    }
    let numbers = |o: &OrganizerDialIn| {
        (
            o.default_toll_number.clone(),
            o.default_toll_free_number.clone(),
            o.default_international_number.clone(),
        )
    };
    if numbers(before) != numbers(after) {
        kinds.push(DefaultNumberChanged);
    }
    kinds
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::NotificationKind::*;
    use super::*;
    use crate::rules::dial_in_number::DialInNumber;
    use crate::rules::organizer::tests::{acp_organizer, dialbridge_organizer};
    use crate::rules::provider::AcpDetails;

    fn with(base: OrganizerDialIn, change: impl FnOnce(&mut OrganizerDialIn)) -> OrganizerDialIn {
        let mut o = base;
        change(&mut o);
        o
    }

    fn number(s: &str) -> Option<DialInNumber> {
        Some(DialInNumber::parse(s, None).unwrap())
    }

    #[test]
    fn diff_table() {
        let db = dialbridge_organizer;
        let off = || with(db(), |o| o.dial_in_enabled = false);
        let new_acp = || {
            Provider::ThirdParty(
                AcpDetails::new("Contoso Audio", "+442079460001", &[], "9182", None).unwrap(),
            )
        };
        let table: Vec<(&str, OrganizerDialIn, OrganizerDialIn, &[NotificationKind])> = vec![
            ("nothing changed", db(), db(), &[]),
            ("enabled", off(), db(), &[DialInEnabled]),
            (
                "pin reset while off: the only chance to tell the PIN",
                off(),
                with(off(), |o| o.pin_set_at = Some(1_800_000_000)),
                &[PinReset],
            ),
            (
                "conference id reset while off: enabling tells it",
                off(),
                with(off(), |o| {
                    o.conference_id = Some("7391846".parse().unwrap())
                }),
                &[],
            ),
            ("disabled", db(), off(), &[DialInDisabled]),
            (
                "pin reset",
                db(),
                with(db(), |o| o.pin_set_at = Some(1_800_000_000)),
                &[PinReset],
            ),
            (
                "conference id reset",
                db(),
                with(db(), |o| o.conference_id = Some("7391846".parse().unwrap())),
                &[ConferenceIdReset],
            ),
            (
                "default toll number",
                db(),
                with(db(), |o| o.default_toll_number = number("+442079460000")),
                &[DefaultNumberChanged],
            ),
            (
                "international number added",
                db(),
                with(db(), |o| {
                    o.default_international_number = number("+33123456789")
                }),
                &[DefaultNumberChanged],
            ),
            (
                "toll-free number removed",
                db(),
                with(db(), |o| o.default_toll_free_number = None),
                &[DefaultNumberChanged],
            ),
            (
                "pin and id reset together",
                db(),
                with(db(), |o| {
                    o.pin_set_at = Some(1_800_000_000);
                    o.conference_id = Some("7391846".parse().unwrap());
                }),
                &[PinReset, ConferenceIdReset],
            ),
            (
                "dialbridge to acp",
                db(),
                acp_organizer(),
                &[ProviderChanged],
            ),
            (
                "acp to dialbridge",
                acp_organizer(),
                db(),
                &[ProviderChanged],
            ),
            (
                "acp details changed",
                acp_organizer(),
                with(acp_organizer(), |o| o.provider = new_acp()),
                &[ProviderChanged],
            ),
            (
                "licence removed while enabled: the settings check refuses it, no mail",
                db(),
                with(db(), |o| o.licensed = false),
                &[],
            ),
        ];
        for (name, before, after, want) in table {
            assert_eq!(notifications(&before, &after), want, "{name}");
        }
    }

    #[test]
    fn enabling_sends_one_mail_even_when_everything_changed() {
        let mut before = acp_organizer();
        before.dial_in_enabled = false;
        assert_eq!(
            notifications(&before, &dialbridge_organizer()),
            vec![DialInEnabled]
        );
    }

    #[test]
    fn changes_while_disabled_are_silent_but_a_new_pin() {
        let mut before = dialbridge_organizer();
        before.dial_in_enabled = false;
        let mut after = before.clone();
        after.conference_id = Some("7391846".parse().unwrap());
        after.default_toll_number = number("+442079460000");
        assert_eq!(notifications(&before, &after), vec![]);
        // The PIN is kept only as a hash: this is the one chance to tell it.
        after.pin_set_at = Some(1_800_000_000);
        assert_eq!(notifications(&before, &after), vec![PinReset]);
    }

    #[test]
    fn disabling_wins_over_other_changes() {
        let before = dialbridge_organizer();
        let mut after = before.clone();
        after.dial_in_enabled = false;
        after.pin_set_at = Some(1_800_000_000);
        assert_eq!(notifications(&before, &after), vec![DialInDisabled]);
    }
}
