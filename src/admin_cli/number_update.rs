//! `admin numbers update ...`: the same service call as `PATCH /dial-in-numbers/{id}`.

use clap::Args;
use dialbridge_admin::rules::dial_in_number::NumberKind as RuleKind;
use dialbridge_admin::services::NumberUpdate;
use dialbridge_store::{DialInNumberId, Paged};

use super::numbers::{list_table, KindArg};
use super::{CliError, CliResult, Ctx};

/// What to change; what is not given stays.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    pub id: i64,
    /// New primary prompt language tag, e.g. fr-FR.
    #[arg(long, value_name = "TAG")]
    pub language: Option<String>,
    /// Secondary languages callers may choose, replacing the current ones (repeat, up to 4).
    #[arg(long, value_name = "TAG", conflicts_with = "no_secondary")]
    pub secondary: Vec<String>,
    /// Remove every secondary language.
    #[arg(long)]
    pub no_secondary: bool,
    /// Toll or toll-free (refused while an organizer with dial-in on prints the number).
    #[arg(long)]
    pub kind: Option<KindArg>,
    /// The number's city; an empty one (`--city ""`) removes it.
    #[arg(long)]
    pub city: Option<String>,
}

pub async fn run(ctx: &Ctx, args: UpdateArgs) -> CliResult {
    let secondary_languages = if args.no_secondary {
        Some(Vec::new())
    } else if args.secondary.is_empty() {
        None
    } else {
        Some(args.secondary)
    };
    let update = NumberUpdate {
        kind: args.kind.map(|k| match k {
            KindArg::Toll => RuleKind::Toll,
            KindArg::TollFree => RuleKind::TollFree,
        }),
        city: args.city.map(Some),
        primary_language: args.language,
        secondary_languages,
        organization_id: None,
        trunk: None,
    };
    if update == NumberUpdate::default() {
        return Err(CliError::new(
            "invalid",
            "nothing to change: give --language, --secondary, --no-secondary, --kind or --city",
        ));
    }
    let number = ctx
        .admin
        .update_dial_in_number(&ctx.caller, DialInNumberId(args.id), &update)
        .await?;
    ctx.show(&number, |n| {
        list_table(
            &Paged {
                items: vec![n.clone()],
                total: 1,
            },
            0,
        )
    })
}
