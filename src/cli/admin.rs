//! `weft init`, `check`, `demo`, `keymap check`, and opening the interface.

use super::progress::Progress;
use super::{open_workspace_cached, out, CliResult, Failure};
use crate::model::Id;
use crate::store::{resolve_workspace, OpenOptions, Store};
use clap::{Args, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum KeymapCommand {
    /// Validate a keymap file: prints every problem with its line; exit 2 if any.
    Check {
        /// The keymap file (TOML) to validate.
        file: PathBuf,
    },
    /// Print the key table (Markdown) of the default keymap, or of FILE laid over it.
    Table {
        /// A keymap file to lay over the defaults first.
        file: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  weft check\n  weft check --quick\n  weft check --json | jq -r '.[].problem'"
)]
pub struct CheckArgs {
    /// Print the problems as a JSON array of {id, problem} objects (`[]` when the
    /// workspace is sound); the exit status is still 1 when there are any.
    #[arg(long)]
    json: bool,
    /// Verify the journal log's checksums, chain and order, but not that replaying it
    /// gives the database's records (a faster check).
    #[arg(long)]
    quick: bool,
}

pub fn init(dir: Option<&Path>, name: Option<&str>) -> CliResult {
    let (dir, _) = resolve_workspace(dir)
        .ok_or_else(|| Failure::new("no workspace: pass a directory or set WEFT_WORKSPACE"))?;
    let opts = OpenOptions {
        create: true,
        read_only: super::read_only_reason(),
        ..OpenOptions::default()
    };
    // a bad name is refused before anything is made
    if let Some(n) = name {
        crate::store::check_name(n)?;
    }
    let mut store = Store::open(&dir, &opts)?;
    if !store.is_empty() {
        return Err(Failure::new(format!(
            "{} already holds a workspace with {} records",
            dir.display(),
            store.state().total()
        )));
    }
    if let Some(n) = name {
        store.set_name(n)?;
    }
    warnln!("weft: created an empty workspace at {}", dir.display());
    Ok(())
}

/// One problem as JSON: the record it concerns, when its line starts with an id
/// (`Q3: parent Q9 does not exist`), and the line itself.
fn problem_json(p: &crate::store::Problem) -> serde_json::Value {
    let id =
        p.0.split_once(": ")
            .and_then(|(head, _)| head.parse::<Id>().ok());
    serde_json::json!({ "id": id, "problem": p.0 })
}

pub fn check(ws: Option<&Path>, a: CheckArgs) -> CliResult {
    // the advice to run `weft check` is not for `weft check` itself, whether the damage
    // shows at the open or during the reading
    let said = |e: crate::store::StoreError| {
        match e {
        crate::store::StoreError::DbDamaged(dir) => Failure::new(format!(
            "workspace {}: the database is damaged and cannot be read whole: rebuild it from its journal log with `weft --workspace {} recover --to NEWDIR`",
            dir.display(),
            dir.display()
        )),
        e => e.into(),
    }
    };
    let store = super::read_workspace_saying(ws, super::SCAN_CACHE_BYTES, said)?;
    let mut progress = Progress::new("check");
    let problems = store
        .check_with(&mut progress.reporter(), !a.quick)
        .map_err(said)?;
    progress.finish();
    if let Some(advice) = store.compaction_advice() {
        warnln!("weft: {advice}");
    }
    let mut w = out::stdout();
    if a.json {
        let v: Vec<_> = problems.iter().map(problem_json).collect();
        w.json(&v)?;
    } else if problems.is_empty() {
        let s = store.state();
        w.line(&format!(
            "ok: {}, {}, indexes consistent",
            crate::model::vocab::counted(s.total() as usize, "record", "records"),
            crate::model::vocab::counted(s.seq as usize, "journal entry", "journal entries")
        ))?;
    } else {
        for p in &problems {
            w.line(&crate::model::text::sanitize(&p.0))?;
        }
    }
    w.finish()?;
    if problems.is_empty() {
        // the whole database read back: a damage mark an earlier read left is wrong now
        if store.clear_damage_mark()? {
            warnln!("weft: the database read back whole; writes are allowed again");
        }
        return Ok(());
    }
    let noun = if problems.len() == 1 {
        "problem"
    } else {
        "problems"
    };
    Err(Failure::new(format!(
        "{} {noun} in {}",
        problems.len(),
        store.path().display()
    )))
}

/// Bytes as the user reads them: `812 KiB`, `1.4 GiB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if v < 10.0 {
        format!("{v:.1} {}", UNITS[unit])
    } else {
        format!("{v:.0} {}", UNITS[unit])
    }
}

pub fn compact(ws: Option<&Path>) -> CliResult {
    let store = open_workspace_cached(ws, super::SCAN_CACHE_BYTES)?;
    let mut progress = Progress::new("compact");
    let store = store.into_store();
    let dir = store.path().to_path_buf();
    let done = store.compact_and_close(&mut progress.reporter())?;
    progress.finish();
    let mut w = out::stdout();
    w.line(&format!(
        "compacted {}: database {} -> {} ({}, {})",
        dir.display(),
        human_bytes(done.before),
        human_bytes(done.after),
        crate::model::vocab::counted(done.records as usize, "record", "records"),
        crate::model::vocab::counted(done.journal as usize, "journal entry", "journal entries")
    ))?;
    w.finish()
}

pub fn demo(keymap: Option<&Path>) -> CliResult {
    let dir = tempfile::Builder::new()
        .prefix("weft-demo-")
        .tempdir()
        .map_err(|e| Failure::new(format!("cannot make a temporary workspace: {e}")))?
        .keep();
    let opts = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    let ws = dir.join("workspace");
    let mut store = Store::open(&ws, &opts)?;
    let loaded = crate::demo::load(&mut store, crate::demo::KESTREL)?;
    store.set_name(&loaded.header.name)?;
    warnln!(
        "weft: demo case {:?} loaded into {} ({} entities, {} notes, {} questions, {} hypotheses, {} links, {} matrix cells, {} expectations)",
        loaded.header.name,
        ws.display(),
        loaded.entities,
        loaded.notes,
        loaded.questions,
        loaded.hypotheses,
        store.state().count(crate::model::Kind::Link),
        loaded.assessments,
        loaded.expectations,
    );
    if !(std::io::stdin().is_terminal() && super::served::stdout_is_terminal()) {
        let mut w = out::stdout();
        w.line(&ws.display().to_string())?;
        return w.finish();
    }
    let welcome = format!("demo workspace: {}", ws.display());
    let serving = super::serve::for_interface(&store);
    crate::run::run(store, keymap, Some(welcome), serving).map_err(Failure::new)
}

pub fn interface(ws: Option<&Path>, keymap: Option<&Path>) -> CliResult {
    super::serve::refuse_if_served(ws, "a second interface cannot open it")?;
    let store = super::read_workspace(ws)?;
    if !(std::io::stdin().is_terminal() && super::served::stdout_is_terminal()) {
        return Err(Failure::usage(
            "the interface needs a terminal; see `weft --help` for the commands",
        ));
    }
    let repaired = store
        .notices()
        .first()
        .cloned()
        .or_else(|| store.compaction_advice());
    let store = store.into_store();
    let serving = super::serve::for_interface(&store);
    crate::run::run(store, keymap, repaired, serving).map_err(Failure::new)
}

pub fn keymap(cmd: KeymapCommand) -> CliResult {
    match cmd {
        KeymapCommand::Table { file } => {
            let (map, problems) = crate::keymap::Keymap::load(file.as_deref());
            for p in &problems {
                warnln!("{p}");
            }
            let mut w = out::stdout();
            w.text(&map.markdown_table())?;
            w.finish()
        }
        KeymapCommand::Check { file } => {
            let problems = crate::keymap::check_file(&file);
            if problems.is_empty() {
                let mut w = out::stdout();
                w.line(&format!("{}: ok", file.display()))?;
                return w.finish();
            }
            for p in &problems {
                warnln!("{p}");
            }
            Err(Failure {
                message: format!(
                    "{} in {}",
                    crate::model::vocab::counted(problems.len(), "problem", "problems"),
                    file.display()
                ),
                code: 2,
            })
        }
    }
}
