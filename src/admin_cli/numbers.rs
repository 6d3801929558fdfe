//! `admin numbers ...`

use clap::{Subcommand, ValueEnum};
use dialbridge_admin::rules::dial_in_number::NumberKind as RuleKind;
use dialbridge_admin::services::NewNumber;
use dialbridge_store::{DialInNumber, DialInNumberId, NumberKind, OrganizationId, Paged};
use serde_json::json;

use super::organizations::{footer, PageArgs};
use super::table::{self, opt};
use super::{CliResult, Ctx};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Toll,
    TollFree,
}

#[derive(Debug, Subcommand)]
pub enum Action {
    /// List dial-in numbers (all, or those one organization's callers may use).
    List {
        /// Only the numbers this organization sees: shared ones and its dedicated ones.
        #[arg(long, value_name = "ID")]
        organization: Option<i64>,
        #[arg(long)]
        kind: Option<KindArg>,
        /// ISO 3166-1 alpha-2.
        #[arg(long)]
        country: Option<String>,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Add a number your SIP trunk routes to dialbridge.
    Add {
        /// The number: `+` and country code, or national form with --region.
        number: String,
        /// The number's city, shown to callers looking for a local number.
        #[arg(long)]
        city: Option<String>,
        /// Prompt language tag, e.g. en-US.
        #[arg(long, value_name = "TAG")]
        language: String,
        /// Another language callers may choose (repeat for more).
        #[arg(long, value_name = "TAG")]
        secondary: Vec<String>,
        /// Dedicate the number to one organization [default: shared by all].
        #[arg(long, value_name = "ID")]
        organization: Option<i64>,
        /// Name of the [[trunk]] calls to this number arrive on.
        #[arg(long, value_name = "NAME")]
        trunk: String,
        /// Toll or toll-free [default: as the numbering plan says].
        #[arg(long)]
        kind: Option<KindArg>,
        /// Country for a number in national form (ISO 3166-1 alpha-2).
        #[arg(long, value_name = "CC")]
        region: Option<String>,
    },
    /// Change a number's languages, kind or city.
    Update(super::number_update::UpdateArgs),
    /// Remove a number no organizer with dial-in on uses as a default.
    Remove { id: i64 },
}

pub async fn run(ctx: &Ctx, action: Action) -> CliResult {
    match action {
        Action::List {
            organization,
            kind,
            country,
            page,
        } => {
            let kind = kind.map(|k| match k {
                KindArg::Toll => NumberKind::Toll,
                KindArg::TollFree => NumberKind::TollFree,
            });
            let list = ctx
                .admin
                .list_dial_in_numbers(
                    &ctx.caller,
                    organization.map(OrganizationId),
                    kind,
                    country.as_deref(),
                    page.page(),
                )
                .await?;
            ctx.show(&list, |l| list_table(l, page.offset))
        }
        Action::Add {
            number,
            city,
            language,
            secondary,
            organization,
            trunk,
            kind,
            region,
        } => {
            let new = NewNumber {
                number,
                default_region: region,
                kind: kind.map(|k| match k {
                    KindArg::Toll => RuleKind::Toll,
                    KindArg::TollFree => RuleKind::TollFree,
                }),
                city,
                primary_language: language,
                secondary_languages: secondary,
                organization_id: organization.map(OrganizationId),
                trunk,
            };
            let added = ctx.admin.add_dial_in_number(&ctx.caller, &new).await?;
            let value = json!({ "number": added.number, "warnings": added.warnings });
            ctx.show(&value, |_| {
                let mut out = list_table(
                    &Paged {
                        items: vec![added.number.clone()],
                        total: 1,
                    },
                    0,
                );
                for warning in &added.warnings {
                    out.push_str(&format!("warning: {warning:?}\n"));
                }
                out
            })
        }
        Action::Update(args) => super::number_update::run(ctx, args).await,
        Action::Remove { id } => {
            ctx.admin
                .remove_dial_in_number(&ctx.caller, DialInNumberId(id))
                .await?;
            let value = json!({ "removed": id });
            ctx.show(&value, |_| format!("number {id} removed\n"))
        }
    }
}

pub fn list_table(list: &Paged<DialInNumber>, offset: u64) -> String {
    let rows: Vec<Vec<String>> = list
        .items
        .iter()
        .map(|n| {
            let f = &n.fields;
            let mut languages = f.primary_language.clone();
            for l in &f.secondary_languages {
                languages.push_str(", ");
                languages.push_str(l);
            }
            vec![
                n.id.to_string(),
                f.e164.clone(),
                f.kind.as_str().replace('_', "-"),
                f.country.clone(),
                opt(f.city.as_deref()),
                languages,
                f.organization_id
                    .map_or_else(|| "shared".to_owned(), |o| o.to_string()),
                f.trunk.clone(),
            ]
        })
        .collect();
    table::table(
        &[
            "id",
            "number",
            "kind",
            "country",
            "city",
            "languages",
            "organization",
            "trunk",
        ],
        &rows,
    ) + &footer(list.items.len(), offset, list.total)
}
