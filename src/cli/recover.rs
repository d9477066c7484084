//! `weft recover --to NEWDIR`: rebuild a workspace from its journal log alone.

use super::{CliResult, Failure, LOCK_WAIT};
use crate::model::vocab::counted;
use crate::store::{resolve_workspace, Store};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct RecoverArgs {
    /// The new directory to rebuild into (must not exist, or be empty): recovery never
    /// writes into an existing workspace.
    #[arg(long, value_name = "NEWDIR")]
    pub to: PathBuf,
    /// Rebuild from every intact line of a damaged journal log, leaving out the damaged
    /// ones, and list exactly which entries and records were lost and why.
    #[arg(long)]
    pub salvage: bool,
}

pub fn recover(ws: Option<&Path>, args: RecoverArgs) -> CliResult {
    let (from, _) = resolve_workspace(ws)
        .ok_or_else(|| Failure::new("no workspace: pass --workspace DIR or set WEFT_WORKSPACE"))?;
    let done = Store::recover(&from, &args.to, LOCK_WAIT, args.salvage)?;
    for line in &done.lost {
        warnln!("weft: salvage: {line}");
    }
    if done.dropped_lines > 0 {
        warnln!(
            "weft: left out an unfinished change ({}) that was never acknowledged",
            counted(done.dropped_lines as usize, "log line", "log lines")
        );
    }
    let lost = match (args.salvage, done.lost_lines) {
        (false, _) => String::new(),
        (true, 0) => " (salvage: no damaged line)".to_string(),
        (true, n) => format!(
            " (salvage: {} left out, listed above)",
            counted(n as usize, "damaged line", "damaged lines")
        ),
    };
    warnln!(
        "weft: rebuilt {} and {} from {} into {}{lost}; it passes `weft check`",
        counted(done.records as usize, "record", "records"),
        counted(done.journal as usize, "journal entry", "journal entries"),
        from.display(),
        args.to.display()
    );
    Ok(())
}
