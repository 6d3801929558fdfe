//! `admin organizations set` options for the invitation's customization and the dial-pad
//! key map: both replace a whole value in the settings patch, so the CLI merges what the
//! operator gives into what the organization has.

use std::collections::BTreeMap;

use clap::{Args, ValueEnum};
use dialbridge_admin::services::SettingsPatch;
use dialbridge_store::{Announcements, OrganizationId};

use super::{CliError, CliResult, Ctx};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AnnouncementsArg {
    /// A short tone when a caller joins or leaves.
    Tones,
    /// The caller's recorded name (needs --record-names on).
    Names,
    Off,
}

#[derive(Debug, Args)]
pub struct ExtraArgs {
    /// What callers hear when someone joins or leaves.
    #[arg(long)]
    pub announcements: Option<AnnouncementsArg>,
    /// Logo on invitations (`--logo-url ""` removes it).
    #[arg(long, value_name = "URL")]
    pub logo_url: Option<String>,
    /// Help link on invitations (`""` removes it).
    #[arg(long, value_name = "URL")]
    pub help_url: Option<String>,
    /// Legal link on invitations (`""` removes it).
    #[arg(long, value_name = "URL")]
    pub legal_url: Option<String>,
    /// Footer text of invitations (`""` removes it).
    #[arg(long, value_name = "TEXT")]
    pub footer: Option<String>,
    /// In-meeting dial-pad command, e.g. `*6=mute` (repeat; replaces the whole key map).
    #[arg(long, value_name = "KEYS=COMMAND", conflicts_with = "no_dial_pad_keys")]
    pub dial_pad_key: Vec<String>,
    /// Remove every dial-pad key mapping.
    #[arg(long)]
    pub no_dial_pad_keys: bool,
}

fn emptied(text: String) -> Option<String> {
    Some(text).filter(|t| !t.trim().is_empty())
}

/// Adds the options given to `patch`, reading the organization only when needed.
pub async fn apply(
    ctx: &Ctx,
    id: OrganizationId,
    extra: ExtraArgs,
    patch: &mut SettingsPatch,
) -> CliResult {
    patch.announcements = extra.announcements.map(|a| match a {
        AnnouncementsArg::Tones => Announcements::Tones,
        AnnouncementsArg::Names => Announcements::Names,
        AnnouncementsArg::Off => Announcements::Off,
    });
    if extra.no_dial_pad_keys {
        patch.dial_pad_keys = Some(BTreeMap::new());
    } else if !extra.dial_pad_key.is_empty() {
        let mut keys = BTreeMap::new();
        for entry in &extra.dial_pad_key {
            let (key, command) = entry.split_once('=').ok_or_else(|| {
                CliError::new(
                    "invalid",
                    format!("--dial-pad-key {entry:?}: give KEYS=COMMAND, e.g. *6=mute"),
                )
            })?;
            keys.insert(key.trim().to_owned(), command.trim().to_owned());
        }
        patch.dial_pad_keys = Some(keys);
    }
    let touches_invitation = extra.logo_url.is_some()
        || extra.help_url.is_some()
        || extra.legal_url.is_some()
        || extra.footer.is_some();
    if touches_invitation {
        let mut invitation = ctx
            .admin
            .organization(&ctx.caller, id)
            .await?
            .settings
            .invitation;
        if let Some(url) = extra.logo_url {
            invitation.logo_url = emptied(url);
        }
        if let Some(url) = extra.help_url {
            invitation.help_url = emptied(url);
        }
        if let Some(url) = extra.legal_url {
            invitation.legal_url = emptied(url);
        }
        if let Some(footer) = extra.footer {
            invitation.footer = emptied(footer);
        }
        patch.invitation = Some(invitation);
    }
    Ok(())
}
