//! The command line: parsing with clap, then one file per subcommand family. Every
//! subcommand calls the same store and model code the interface calls.

mod add;
mod admin;
mod export;
mod gaps;
mod read;
mod render;

use crate::store::{resolve_workspace, OpenOptions, Store, StoreError};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// weft: questions, notes, entities and links for intelligence analysis, in a terminal.
#[derive(Debug, Parser)]
#[command(name = "weft", version, about, long_about = None)]
pub struct Cli {
    /// The workspace directory (else $WEFT_WORKSPACE, else the platform data dir).
    #[arg(long, global = true, value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    /// A keymap file that overrides the default bindings.
    #[arg(long, global = true, value_name = "FILE")]
    pub keymap: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the interface on a fresh copy of the demo case.
    Demo,
    /// Create an empty workspace.
    Init {
        /// Where (default: the resolved workspace).
        dir: Option<PathBuf>,
    },
    /// Add a question, entity, note or hypothesis; prints the new id.
    #[command(subcommand)]
    Add(add::AddCommand),
    /// Link two records; prints the new link's id.
    Link(add::LinkArgs),
    /// Set fields of a record: `weft set Q3 status=answered priority=1`.
    Set(add::SetArgs),
    /// Delete a record and the links that cannot stand without it.
    Delete(add::DeleteArgs),
    /// Undo the last change (it is journaled; nothing is lost).
    Undo,
    /// One record with its links.
    Show(read::ShowArgs),
    /// Records of one kind.
    List(read::ListArgs),
    /// Fuzzy search over every record.
    Search(read::SearchArgs),
    /// The shortest chain of links between two records.
    Path(read::PathArgs),
    /// The journal, newest first.
    Log(read::LogArgs),
    /// Export the backlog (Markdown briefing, CSV, JSON) or the whole workspace.
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Load a workspace export into an empty workspace.
    Import(export::ImportArgs),
    /// Verify the workspace; exits 1 listing each problem.
    Check,
    /// Keymap tools.
    #[command(subcommand)]
    Keymap(admin::KeymapCommand),
    /// The gap hunter's suggestions; `gaps accept KEY`, `gaps dismiss KEY`.
    Gaps(gaps::GapsArgs),
}

/// A failure to report: its one line, and the exit status.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 1,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 2,
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::new(e.to_string())
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::new(e.to_string())
    }
}

pub type CliResult = Result<(), Failure>;

/// How long a command waits for another short weft command to let go of the workspace.
const LOCK_WAIT: Duration = Duration::from_millis(2000);

/// Opens the resolved workspace. The default workspace is created on first use; a named
/// one must exist (a typo must not silently start an empty workspace).
pub fn open_workspace(flag: Option<&Path>) -> Result<Store, Failure> {
    let (dir, is_default) = resolve_workspace(flag)
        .ok_or_else(|| Failure::new("no workspace: pass --workspace DIR or set WEFT_WORKSPACE"))?;
    let opts = OpenOptions {
        create: is_default,
        wait: LOCK_WAIT,
        cache_bytes: 0,
    };
    Ok(Store::open(&dir, &opts)?)
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    // Everything weft writes (database, exports) is readable by its owner only.
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_failure(e),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("weft: {}", crate::model::text::sanitize(&f.message));
            }
            ExitCode::from(f.code)
        }
    }
}

/// Help and version go to stdout as clap writes them; every other parse error becomes
/// one line on stderr and exit status 2.
fn clap_failure(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            let text = e.render().to_string();
            let line = text
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("bad usage")
                .trim_start_matches("error: ");
            eprintln!("weft: {line}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> CliResult {
    let ws = cli.workspace.as_deref();
    match cli.command {
        None => admin::interface(ws, cli.keymap.as_deref()),
        Some(Command::Demo) => admin::demo(cli.keymap.as_deref()),
        Some(Command::Init { dir }) => admin::init(dir.as_deref().or(ws)),
        Some(Command::Add(a)) => add::add(ws, a),
        Some(Command::Link(a)) => add::link(ws, a),
        Some(Command::Set(a)) => add::set(ws, a),
        Some(Command::Delete(a)) => add::delete(ws, a),
        Some(Command::Undo) => add::undo(ws),
        Some(Command::Show(a)) => read::show(ws, a),
        Some(Command::List(a)) => read::list(ws, a),
        Some(Command::Search(a)) => read::search(ws, a),
        Some(Command::Path(a)) => read::path(ws, a),
        Some(Command::Log(a)) => read::log(ws, a),
        Some(Command::Export(e)) => export::export(ws, e),
        Some(Command::Import(a)) => export::import(ws, a),
        Some(Command::Check) => admin::check(ws),
        Some(Command::Keymap(k)) => admin::keymap(k),
        Some(Command::Gaps(a)) => gaps::gaps(ws, a),
    }
}
