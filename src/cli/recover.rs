//! `weft recover --to NEWDIR`: rebuild a workspace from its journal log alone.

use super::{CliResult, Failure, LOCK_WAIT};
use crate::store::{resolve_workspace, Store};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct RecoverArgs {
    /// The new directory to rebuild into (must not exist, or be empty).
    #[arg(long, value_name = "NEWDIR")]
    pub to: PathBuf,
}

pub fn recover(ws: Option<&Path>, args: RecoverArgs) -> CliResult {
    let (from, _) = resolve_workspace(ws)
        .ok_or_else(|| Failure::new("no workspace: pass --workspace DIR or set WEFT_WORKSPACE"))?;
    let done = Store::recover(&from, &args.to, LOCK_WAIT)?;
    if done.dropped_lines > 0 {
        eprintln!(
            "weft: left out an unfinished change ({} log lines) that was never acknowledged",
            done.dropped_lines
        );
    }
    eprintln!(
        "weft: rebuilt {} records and {} journal entries from {} into {}; it passes `weft check`",
        done.records,
        done.journal,
        from.display(),
        args.to.display()
    );
    Ok(())
}
