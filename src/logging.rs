//! Log output through `tracing`: human-readable by default, JSON lines for log shippers.

use tracing_subscriber::EnvFilter;

use crate::cli::{LogFormat, LoggingArgs};

pub fn init(args: &LoggingArgs) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(&args.log)
        .map_err(|error| anyhow::anyhow!("bad --log filter {:?}: {error}", args.log))?;
    use std::io::IsTerminal;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let result = match args.log_format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    result.map_err(|error| anyhow::anyhow!("cannot install the logger: {error}"))
}
