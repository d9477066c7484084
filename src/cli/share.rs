//! `weft share init`, `weft share clone` and `weft sync`: several analysts on one
//! enquiry, their journals exchanged over git (see [`crate::share`]).

use super::progress::Progress;
use super::{open_workspace, CliResult, Failure, LOCK_WAIT};
use crate::model::vocab::counted;
use crate::share::fold;
use crate::share::sync::{self, Report};
use crate::store::{OpenOptions, Store};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum ShareCommand {
    /// Share this workspace through REMOTE, an empty git repository (a bare repository on
    /// a shared disk, an internal git server over SSH): you become its first member.
    Init(InitArgs),
    /// Join the enquiry shared through REMOTE: a new workspace in DIR, with everyone's
    /// changes.
    Clone(CloneArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The git remote (a path or URL git understands).
    pub remote: String,
    /// Your name, as the journal and briefings show your changes.
    #[arg(long = "as", value_name = "NAME")]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct CloneArgs {
    /// The git remote the enquiry is shared through.
    pub remote: String,
    /// The new workspace (must not exist, or be empty).
    pub dir: PathBuf,
    /// Your name, as the journal and briefings show your changes.
    #[arg(long = "as", value_name = "NAME")]
    pub name: String,
}

/// A remote as git is to be given it: a local path the command's caller named relative
/// to its own directory becomes absolute (git runs in the workspace's repository).
fn remote_of(remote: &str) -> String {
    let path = super::served::local(Path::new(remote));
    if !remote.contains("://") && path.exists() {
        return std::path::absolute(&path)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
    }
    remote.to_string()
}

pub fn share(ws: Option<&Path>, c: ShareCommand) -> CliResult {
    match c {
        ShareCommand::Init(a) => {
            let mut store = open_workspace(ws)?;
            let remote = remote_of(&a.remote);
            let mut progress = Progress::new("share init");
            let report = sync::init(&mut store, &remote, &a.name, &mut progress.stages());
            progress.finish();
            let report = report.map_err(Failure::new)?;
            warnln!(
                "weft: shared {} through {remote} as {}",
                store.path().display(),
                a.name
            );
            tell(&report);
            Ok(())
        }
        ShareCommand::Clone(a) => clone(a),
    }
}

pub fn sync(ws: Option<&Path>) -> CliResult {
    let mut store = open_workspace(ws)?;
    let mut progress = Progress::new("sync");
    let report = sync::sync(&mut store, &mut progress.stages());
    progress.finish();
    let report = report.map_err(Failure::new)?;
    tell(&report);
    Ok(())
}

/// The sync's summary, one line, and a line per conflict question opened here.
fn tell(r: &Report) {
    let mut line = format!(
        "weft: synced: sent {}, took in {}",
        counted(r.sent as usize, "change", "changes"),
        counted(r.took as usize, "change", "changes"),
    );
    if r.members > 0 {
        line.push_str(&format!(
            " from {}",
            counted(r.members, "member", "members")
        ));
    }
    if r.rebuilt {
        line.push_str(" in one rebuild of the workspace");
    }
    if r.conflicts > 0 {
        line.push_str(&format!(
            ", {}",
            counted(r.conflicts, "conflict", "conflicts")
        ));
    }
    if r.dropped > 0 {
        line.push_str(&format!(
            ", {} of records deleted meanwhile set aside",
            counted(r.dropped, "change", "changes")
        ));
    }
    warnln!("{line}");
    for id in &r.opened {
        warnln!("weft: conflict: opened {id} in the Backlog");
    }
}

fn clone(a: CloneArgs) -> CliResult {
    let dir = super::served::local(&a.dir);
    sync::check_member_name(&a.name).map_err(Failure::new)?;
    let existed = match std::fs::read_dir(&dir) {
        Ok(mut d) => {
            if d.next().is_some() {
                return Err(Failure::new(format!(
                    "share clone: {} is not empty: name a new directory",
                    dir.display()
                )));
            }
            true
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(Failure::new(format!("share clone: {}: {e}", dir.display()))),
    };
    let remote = remote_of(&a.remote);
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "weft".into());
    let staging = dir.with_file_name(format!(".{name}.joining"));
    if staging.exists() {
        std::fs::remove_dir_all(&staging)
            .map_err(|e| Failure::new(format!("share clone: {}: {e}", staging.display())))?;
    }
    let undo = |e: String| -> Failure {
        let _ = std::fs::remove_dir_all(&staging);
        if existed {
            if let Ok(entries) = std::fs::read_dir(&dir) {
                for e in entries.flatten() {
                    let p = e.path();
                    let _ = if p.is_dir() {
                        std::fs::remove_dir_all(&p)
                    } else {
                        std::fs::remove_file(&p)
                    };
                }
            }
        } else {
            let _ = std::fs::remove_dir_all(&dir);
        }
        Failure::new(format!("share clone: {e}; nothing was made"))
    };
    sync::fetch_enquiry(&remote, &staging).map_err(undo)?;
    super::export::import_into(&dir, &sync::base_of(&staging)).map_err(|f| undo(f.message))?;
    let opts = OpenOptions {
        wait: LOCK_WAIT,
        ..OpenOptions::default()
    };
    let store = Store::open(&dir, &opts).map_err(|e| undo(e.to_string()))?;
    let mut progress = Progress::new("share clone");
    let mut report = Report::default();
    // many more operations than the base's records: taken in by one rebuild
    let (mut store, taken) =
        fold::fold_in(store, &staging, &mut report, &mut progress.stages()).map_err(&undo)?;
    let joined = sync::join(
        &mut store,
        &staging,
        &remote,
        &a.name,
        taken,
        &mut progress.stages(),
    );
    progress.finish();
    let report = match joined {
        Ok(r) => {
            report.absorb(r);
            report
        }
        Err(e) if store.member().is_some() => {
            // a member already: what is missing comes at the next sync
            warnln!("weft: joined {remote} in {}, but {e}", dir.display());
            return Err(Failure::new(format!(
                "share clone: run weft --workspace {} sync to finish",
                dir.display()
            )));
        }
        Err(e) => {
            drop(store);
            return Err(undo(e));
        }
    };
    warnln!("weft: joined {remote} in {} as {}", dir.display(), a.name);
    tell(&report);
    Ok(())
}
