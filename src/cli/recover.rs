//! `weft recover --to NEWDIR`: rebuild a workspace from its journal log alone.

use super::{CliResult, Failure, LOCK_WAIT};
use crate::model::vocab::counted;
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
    // a link, dangling or not, is never followed to where a workspace is rebuilt
    if std::fs::symlink_metadata(&args.to).is_ok_and(|m| m.is_symlink()) {
        return Err(Failure::new(format!(
            "{}: is a symlink; recover into a new directory",
            args.to.display()
        )));
    }
    let done = Store::recover(&from, &args.to, LOCK_WAIT)?;
    if done.dropped_lines > 0 {
        eprintln!(
            "weft: left out an unfinished change ({}) that was never acknowledged",
            counted(done.dropped_lines as usize, "log line", "log lines")
        );
    }
    eprintln!(
        "weft: rebuilt {} and {} from {} into {}; it passes `weft check`",
        counted(done.records as usize, "record", "records"),
        counted(done.journal as usize, "journal entry", "journal entries"),
        from.display(),
        args.to.display()
    );
    Ok(())
}
