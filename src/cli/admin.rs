//! `weft init`, `check`, `demo`, `keymap check`, and opening the interface.

use super::{open_workspace, CliResult, Failure};
use crate::store::{resolve_workspace, OpenOptions, Store};
use clap::Subcommand;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum KeymapCommand {
    /// Validate a keymap file: prints every problem with its line; exit 2 if any.
    Check { file: PathBuf },
    /// Print the key table (Markdown) of the default keymap, or of FILE laid over it.
    Table { file: Option<PathBuf> },
}

pub fn init(dir: Option<&Path>) -> CliResult {
    let (dir, _) = resolve_workspace(dir)
        .ok_or_else(|| Failure::new("no workspace: pass a directory or set WEFT_WORKSPACE"))?;
    let opts = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    let store = Store::open(&dir, &opts)?;
    if !store.is_empty() {
        return Err(Failure::new(format!(
            "{} already holds a workspace with {} records",
            dir.display(),
            store.state().total()
        )));
    }
    eprintln!("weft: created an empty workspace at {}", dir.display());
    Ok(())
}

pub fn check(ws: Option<&Path>) -> CliResult {
    let store = open_workspace(ws)?;
    let problems = store.check()?;
    if problems.is_empty() {
        let s = store.state();
        println!(
            "ok: {} records, {} journal entries, indexes consistent",
            s.total(),
            s.seq
        );
        return Ok(());
    }
    for p in &problems {
        println!("{}", crate::model::text::sanitize(&p.0));
    }
    Err(Failure::new(format!(
        "{} problems in {}",
        problems.len(),
        store.path().display()
    )))
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
    eprintln!(
        "weft: demo case {:?} loaded into {} ({} entities, {} notes, {} questions, {} hypotheses, {} links)",
        loaded.header.name,
        ws.display(),
        loaded.entities,
        loaded.notes,
        loaded.questions,
        loaded.hypotheses,
        store.state().count(crate::model::Kind::Link)
    );
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        println!("{}", ws.display());
        return Ok(());
    }
    let welcome = format!("demo workspace: {}", ws.display());
    crate::app::run::run(store, keymap, Some(welcome)).map_err(Failure::new)
}

pub fn interface(ws: Option<&Path>, keymap: Option<&Path>) -> CliResult {
    let store = open_workspace(ws)?;
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return Err(Failure::usage(
            "the interface needs a terminal; see `weft --help` for the commands",
        ));
    }
    let repaired = store.notices().first().cloned();
    crate::app::run::run(store, keymap, repaired).map_err(Failure::new)
}

pub fn keymap(cmd: KeymapCommand) -> CliResult {
    match cmd {
        KeymapCommand::Table { file } => {
            let (map, problems) = crate::keymap::Keymap::load(file.as_deref());
            for p in &problems {
                eprintln!("{p}");
            }
            print!("{}", map.markdown_table());
            Ok(())
        }
        KeymapCommand::Check { file } => {
            let problems = crate::keymap::check_file(&file);
            if problems.is_empty() {
                println!("{}: ok", file.display());
                return Ok(());
            }
            for p in &problems {
                eprintln!("{p}");
            }
            Err(Failure {
                message: format!("{} problems in {}", problems.len(), file.display()),
                code: 2,
            })
        }
    }
}
