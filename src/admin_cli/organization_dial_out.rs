//! `admin organizations set` options for dial-out (allowed countries, caps, the "press 1 to
//! join" confirmation) and the operator number `*0` transfers to.

use clap::builder::BoolishValueParser;
use clap::Args;
use dialbridge_admin::services::SettingsPatch;

#[derive(Debug, Args)]
pub struct DialOutArgs {
    /// Countries dial-out may call, e.g. `GB,FR` (`""` allows every country).
    #[arg(long, value_name = "CC,CC")]
    pub dial_out_countries: Option<String>,
    /// Concurrent dial-outs one meeting may have (0: none).
    #[arg(long, value_name = "N")]
    pub dial_out_max_per_meeting: Option<u32>,
    /// Concurrent dial-outs across the organization (0: none).
    #[arg(long, value_name = "N")]
    pub dial_out_max_per_organization: Option<u32>,
    /// Dialed people press 1 to join.
    #[arg(long, value_name = "true|false", value_parser = BoolishValueParser::new())]
    pub dial_out_join_confirmation: Option<bool>,
    /// Where `*0` transfers callers, e.g. `+14155550199` (`""` removes it).
    #[arg(long, value_name = "+E164")]
    pub operator_number: Option<String>,
}

/// Adds the options given to `patch`; the services check them.
pub fn apply(args: DialOutArgs, patch: &mut SettingsPatch) {
    patch.dial_out_countries = args.dial_out_countries.map(|list| {
        list.split(',')
            .map(str::trim)
            .filter(|code| !code.is_empty())
            .map(str::to_owned)
            .collect()
    });
    patch.dial_out_max_per_meeting = args.dial_out_max_per_meeting;
    patch.dial_out_max_per_organization = args.dial_out_max_per_organization;
    patch.dial_out_join_confirmation = args.dial_out_join_confirmation;
    patch.operator_number = args
        .operator_number
        .map(|number| Some(number).filter(|n| !n.trim().is_empty()));
}
