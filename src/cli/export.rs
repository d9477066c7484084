//! `weft export backlog|workspace` and `weft import`.

use super::{open_workspace, CliResult, Failure, LOCK_WAIT};
use crate::export::{self, BacklogFilter, BriefingMeta, Format};
use crate::model::{Id, Status};
use crate::store::{resolve_workspace, OpenOptions, Store};
use clap::{Args, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The question backlog as a Markdown briefing, CSV or JSON (stdout unless -o).
    Backlog(BacklogArgs),
    /// The whole workspace as lossless JSON, for `weft import`.
    Workspace(WorkspaceArgs),
}

#[derive(Debug, Args)]
pub struct BacklogArgs {
    /// md (a Markdown briefing), csv or json.
    #[arg(long, default_value = "md", value_name = "FORMAT")]
    format: Format,
    /// Only these statuses, comma-separated (open, active, answered, parked, dropped).
    #[arg(long, value_delimiter = ',', value_name = "S,..")]
    status: Vec<Status>,
    /// Only questions with this tag.
    #[arg(long, value_name = "T")]
    tag: Option<String>,
    /// Only this question and its sub-questions.
    #[arg(long, value_name = "Q")]
    under: Option<Id>,
    /// Write to FILE (owner-only, atomically) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// The briefing's title.
    #[arg(long, default_value = "Backlog briefing")]
    title: String,
}

#[derive(Debug, Args)]
pub struct WorkspaceArgs {
    /// Where to write the export (owner-only, atomically).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: PathBuf,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A workspace export (`weft export workspace -o FILE`).
    file: PathBuf,
}

/// The last part of the workspace path: how a briefing names it without giving away
/// where it lives.
fn workspace_name(store: &Store) -> String {
    store
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| store.path().display().to_string())
}

pub fn export(ws: Option<&Path>, cmd: ExportCommand) -> CliResult {
    match cmd {
        ExportCommand::Backlog(a) => backlog(ws, a),
        ExportCommand::Workspace(a) => workspace(ws, a),
    }
}

fn backlog(ws: Option<&Path>, a: BacklogArgs) -> CliResult {
    let store = open_workspace(ws)?;
    let fail = |e: crate::store::StoreError| Failure::new(format!("export backlog: {e}"));
    let filter = BacklogFilter {
        statuses: a.status,
        tag: a.tag,
        under: a.under,
    };
    let questions = export::select(&store, &filter).map_err(fail)?;
    let meta = BriefingMeta {
        title: a.title,
        date: chrono::Local::now().date_naive(),
        workspace: workspace_name(&store),
    };
    let bytes = export::render_backlog(&store, &questions, a.format, &meta).map_err(fail)?;
    match a.output {
        Some(path) => {
            export::write_atomic(&path, &bytes).map_err(|e| {
                Failure::new(format!(
                    "export backlog: cannot write {}: {e}",
                    path.display()
                ))
            })?;
            eprintln!(
                "weft: wrote {} questions to {}",
                questions.len(),
                path.display()
            );
            Ok(())
        }
        None => {
            let mut out = std::io::stdout().lock();
            // Files stay byte for byte; a terminal never receives a control character
            // (an escape sequence in a title, a CSV cell's OSC 52 clipboard write).
            let bytes = if out.is_terminal() {
                crate::model::text::terminal_text(&bytes).into_bytes()
            } else {
                bytes
            };
            match out.write_all(&bytes).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
                _ => Ok(()),
            }
        }
    }
}

fn workspace(ws: Option<&Path>, a: WorkspaceArgs) -> CliResult {
    let store = open_workspace(ws)?;
    let mut written = None;
    export::write_atomic_with(&a.output, |w| {
        written = Some(export::write_workspace(&store, w)?);
        Ok(())
    })
    .map_err(|e| {
        Failure::new(format!(
            "export workspace: cannot write {}: {e}",
            a.output.display()
        ))
    })?;
    if let Some(n) = written {
        eprintln!(
            "weft: wrote {} records and {} journal entries to {}",
            n.records,
            n.journal,
            a.output.display()
        );
    }
    Ok(())
}

/// Reads and checks the whole file before the workspace is opened (or created), then
/// writes it in one transaction: a refused import changes nothing.
pub fn import(ws: Option<&Path>, a: ImportArgs) -> CliResult {
    let name = a.file.display().to_string();
    let fail = |e: &dyn std::fmt::Display| Failure::new(format!("import {name}: {e}"));
    let bytes = std::fs::read(&a.file).map_err(|e| fail(&e))?;
    let dump = export::parse_workspace(&bytes).map_err(|e| fail(&e))?;
    dump.validate().map_err(|e| fail(&e))?;
    let (dir, _) = resolve_workspace(ws)
        .ok_or_else(|| Failure::new("no workspace: pass --workspace DIR or set WEFT_WORKSPACE"))?;
    let opts = OpenOptions {
        create: true,
        wait: LOCK_WAIT,
        cache_bytes: 0,
    };
    let mut store = Store::open(&dir, &opts)?;
    let done = store.import_workspace(&dump).map_err(|e| fail(&e))?;
    eprintln!(
        "weft: imported {} records and {} journal entries into {}",
        done.records,
        done.journal,
        dir.display()
    );
    Ok(())
}
