//! The command line: parsing with clap, then one file per subcommand family. Every
//! subcommand calls the same store and model code the interface calls.

/// `eprintln!` for commands: the line goes to the client's standard error when the
/// command is served for another process ([`served::err_line`]).
macro_rules! warnln {
    ($($arg:tt)*) => {
        $crate::cli::served::err_line(&format!($($arg)*))
    };
}

mod ach;
mod add;
mod admin;
mod ask;
mod docs;
mod export;
mod gaps;
pub mod out;
mod plan;
pub mod progress;
mod read;
mod recover;
mod render;
pub mod serve;
pub mod served;
pub(crate) mod share;
mod table;
mod usage;

use crate::store::{resolve_workspace, OpenOptions, Store, StoreError};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// weft: questions, notes, entities and links for intelligence analysis, in a terminal.
#[derive(Debug, Parser)]
#[command(
    name = "weft",
    version,
    about,
    long_about = None,
    after_help = docs::AFTER_HELP,
    after_long_help = docs::AFTER_LONG_HELP
)]
pub struct Cli {
    /// The workspace directory (else $WEFT_WORKSPACE, else $XDG_DATA_HOME/weft/default).
    #[arg(long, global = true, value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    /// A keymap file laid over the default bindings; it must exist (exit 2 if it cannot
    /// be read).
    #[arg(long, global = true, value_name = "FILE")]
    pub keymap: Option<PathBuf>,
    /// Open the workspace read-only: nothing in it is written and every change is
    /// refused (also WEFT_READ_ONLY=1). A workspace weft may not write (a read-only
    /// mount, a full disk) is read this way without asking.
    #[arg(long, global = true)]
    pub read_only: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the interface on a fresh copy of the demo case.
    Demo,
    /// Create an empty workspace.
    Init {
        /// The directory to create (default: --workspace, $WEFT_WORKSPACE or the default
        /// workspace).
        dir: Option<PathBuf>,
        /// The case's name, as the tab bar and briefings show it (default: the
        /// directory's name), e.g. --name "Operation KESTREL".
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
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
    /// Redo what the last undo undid (only while nothing else changed since; journaled).
    Redo,
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
    /// Rows of a CSV or TSV extract as entities, links and notes, as a mapping file says;
    /// a row imported before adds nothing, and the whole file is one change.
    ImportTable(table::ImportTableArgs),
    /// Verify the workspace; exits 1 listing each problem.
    Check(admin::CheckArgs),
    /// Rewrite the workspace into a fresh database and swap it in: smaller and quicker to
    /// open, with the space of rewritten records given back (safe to interrupt at any point).
    Compact,
    /// Keymap tools.
    #[command(subcommand)]
    Keymap(admin::KeymapCommand),
    /// Rebuild the workspace from its journal log into a new directory (works when the
    /// database cannot be opened at all).
    Recover(recover::RecoverArgs),
    /// A shell completion script on standard output: bash, zsh, fish, elvish, powershell.
    Completions(docs::CompletionsArgs),
    /// The manual page (roff) on standard output: `weft man > weft.1`.
    Man,
    /// A matrix cell: `weft assess H1 N2 --` (++ + 0 - --, or CC C N I II; none clears).
    Assess(ach::AssessArgs),
    /// The competing-hypotheses matrix of a question, with scores.
    Matrix(ach::MatrixArgs),
    /// An expectation of a hypothesis; prints its X id.
    Expect(ach::ExpectArgs),
    /// Ask about a record: a question worded for it, under the open question it serves;
    /// prints the new question's id (`--dry-run` prints the proposal instead).
    Ask(ask::AskArgs),
    /// What to collect next for a question, ranked by how much it could change the lead.
    Collect(ach::CollectArgs),
    /// The outstanding collection: expectations not yet looked for and open collection
    /// questions, by the priority of the question each serves.
    Plan(plan::PlanArgs),
    /// The gap hunter's suggestions; `gaps accept KEY`, `gaps dismiss KEY`.
    Gaps(gaps::GapsArgs),
    /// Share this workspace with other analysts over git, or join an enquiry shared so:
    /// `weft share init REMOTE --as NAME`, `weft share clone REMOTE DIR --as NAME`.
    #[command(subcommand)]
    Share(share::ShareCommand),
    /// Send your new changes to the shared enquiry and take in everyone else's (git
    /// fetch, merge, push); a conflict becomes a question in the Backlog.
    Sync,
    /// Hold the workspace open and serve the commands run on it, so each pays neither
    /// the open nor the wait for the lock (the interface serves them too, while open).
    Serve(serve::ServeArgs),
}

/// A failure to report: its one line, and the exit status. An empty message reports
/// nothing (a closed output pipe ends a command quietly with status 0).
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

    /// The reader of standard output went away: stop now, say nothing, exit 0.
    pub fn closed() -> Self {
        Failure {
            message: String::new(),
            code: 0,
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
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::closed()
        } else {
            Failure::new(e.to_string())
        }
    }
}

pub type CliResult = Result<(), Failure>;

/// How long a command waits for another short weft command to let go of the workspace.
const LOCK_WAIT: Duration = Duration::from_millis(2000);

/// Opens the resolved workspace. The default workspace is created on first use; a named
/// one must exist (a typo must not silently start an empty workspace).
/// Says, before it starts, that a workspace written by an older weft is being upgraded.
pub fn tell_upgrade(dir: &Path) {
    say(&format!(
        "upgrading {} to this weft's storage (once; a large workspace takes minutes)",
        dir.display()
    ));
}

/// A workspace open for one command. When the command is done it is flushed and left
/// for the process's exit to close: at a million records, tearing sled's page table
/// down piece by piece costs a tenth of a read-only command's time, for nothing. Only
/// a command's own process opens a workspace this way, once.
pub struct Opened {
    store: Option<Store>,
    /// Lent by the weft serving this command ([`served`]): given back, not closed.
    lent: bool,
}

impl Opened {
    /// The store itself, for an operation that takes it over (compaction).
    pub fn into_store(mut self) -> Store {
        self.store
            .take()
            .expect("an opened workspace holds its store until taken")
    }
}

impl std::ops::Deref for Opened {
    type Target = Store;
    fn deref(&self) -> &Store {
        self.store
            .as_ref()
            .expect("an opened workspace holds its store until taken")
    }
}

impl std::ops::DerefMut for Opened {
    fn deref_mut(&mut self) -> &mut Store {
        self.store
            .as_mut()
            .expect("an opened workspace holds its store until taken")
    }
}

impl Drop for Opened {
    fn drop(&mut self) {
        if let Some(store) = self.store.take() {
            if self.lent {
                served::give_back(store);
                return;
            }
            // every change was flushed when it was made; this is for good measure
            let _ = store.flush();
            store.leave();
        }
    }
}

/// Opens the workspace for a command that changes it.
pub fn open_workspace(flag: Option<&Path>) -> Result<Opened, Failure> {
    open_workspace_cached(flag, 0)
}

/// Opens the workspace for a command that only reads it: one weft may not write (a
/// read-only mount, a full disk, `--read-only`) is opened read-only.
pub fn read_workspace(flag: Option<&Path>) -> Result<Opened, Failure> {
    read_workspace_cached(flag, 0)
}

/// Why every workspace is opened read-only in this process, if it is: `--read-only`,
/// or `WEFT_READ_ONLY` set (to anything but empty or `0`).
static READ_ONLY: std::sync::OnceLock<String> = std::sync::OnceLock::new();

pub(super) fn note_read_only(flag: bool) {
    let env = std::env::var_os("WEFT_READ_ONLY").filter(|v| !v.is_empty() && v != "0");
    let why = if flag {
        "--read-only was given"
    } else if env.is_some() {
        "WEFT_READ_ONLY is set"
    } else {
        return;
    };
    let _ = READ_ONLY.set(why.into());
}

/// Why workspaces are opened read-only, if they are (see [`note_read_only`]); for a
/// served command, the client's reason.
pub fn read_only_reason() -> Option<String> {
    served::read_only().unwrap_or_else(|| READ_ONLY.get().cloned())
}

pub use crate::store::SCAN_CACHE_BYTES;

/// [`open_workspace`] with sled's page cache set to `cache_bytes` (0: the default): a
/// command that reads everything once in order needs only a small one.
pub fn open_workspace_cached(flag: Option<&Path>, cache_bytes: u64) -> Result<Opened, Failure> {
    open_with(flag, cache_bytes, false)
}

/// [`read_workspace`] with sled's page cache set to `cache_bytes` (see
/// [`open_workspace_cached`]).
pub fn read_workspace_cached(flag: Option<&Path>, cache_bytes: u64) -> Result<Opened, Failure> {
    open_with(flag, cache_bytes, true)
}

fn open_with(flag: Option<&Path>, cache_bytes: u64, reading: bool) -> Result<Opened, Failure> {
    open_mapping(flag, cache_bytes, reading, Failure::from)
}

/// [`read_workspace_cached`], saying what a failed open means through `said` (`weft
/// check` does not send the user back to itself).
pub fn read_workspace_saying(
    flag: Option<&Path>,
    cache_bytes: u64,
    said: impl FnOnce(crate::store::StoreError) -> Failure,
) -> Result<Opened, Failure> {
    open_mapping(flag, cache_bytes, true, said)
}

fn open_mapping(
    flag: Option<&Path>,
    cache_bytes: u64,
    reading: bool,
    said: impl FnOnce(crate::store::StoreError) -> Failure,
) -> Result<Opened, Failure> {
    if let Some(store) = served::take_store() {
        return Ok(Opened {
            store: Some(store),
            lent: true,
        });
    }
    let (dir, mut opts) = workspace_options(flag, cache_bytes)?;
    opts.reading = reading;
    let store =
        Store::open(&dir, &opts).map_err(|e| said(if reading { e.reading() } else { e }))?;
    for notice in store.notices() {
        say(notice);
    }
    // this process holds the workspace: a socket left by a server that was killed is
    // stale, and commands should not keep trying it
    crate::serve::client::remove_stale(&dir);
    Ok(Opened {
        store: Some(store),
        lent: false,
    })
}

/// The workspace the command line names and how a command opens it.
pub fn workspace_options(
    flag: Option<&Path>,
    cache_bytes: u64,
) -> Result<(std::path::PathBuf, OpenOptions), Failure> {
    let (dir, is_default) = resolve_workspace(flag)
        .ok_or_else(|| Failure::new("no workspace: pass --workspace DIR or set WEFT_WORKSPACE"))?;
    let opts = OpenOptions {
        create: is_default,
        wait: LOCK_WAIT,
        cache_bytes,
        before_upgrade: Some(tell_upgrade),
        read_only: read_only_reason(),
        ..OpenOptions::default()
    };
    Ok((dir, opts))
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let _ = crate::harden::process();
    // Everything weft writes (database, exports) is readable by its owner only.
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_failure(e),
    };
    // the weft holding the workspace runs the command, when one does
    if let Some(code) = serve::forward(&cli) {
        return code;
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                say(&f.message);
            }
            ExitCode::from(f.code)
        }
    }
}

/// One line on standard error, prefixed `weft: `; a closed standard error is ignored.
fn say(message: &str) {
    served::err_line(&format!("weft: {}", crate::model::text::sanitize(message)));
}

/// Help and version go to stdout as clap writes them; every other parse error becomes
/// one line on stderr (the whole message, without the usage block) and exit status 2.
fn clap_failure(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(2)
        }
        _ => {
            say(&usage::one_line(&e));
            ExitCode::from(2)
        }
    }
}

/// `--keymap FILE` must name a readable file whatever the command, so a typo in a
/// script's flags is caught at once rather than silently ignored.
fn check_keymap(path: &Path) -> CliResult {
    let bad = |why: String| Failure::usage(format!("--keymap {}: {why}", path.display()));
    let file = served::local(path);
    let meta = std::fs::metadata(&file).map_err(|e| bad(format!("cannot read it: {e}")))?;
    if meta.is_dir() {
        return Err(bad("is a directory, not a keymap file".into()));
    }
    std::fs::File::open(&file).map_err(|e| bad(format!("cannot read it: {e}")))?;
    Ok(())
}

fn run(cli: Cli) -> CliResult {
    // a served command's reason is the client's, and never this process's
    if !served::serving() {
        note_read_only(cli.read_only);
    }
    if let Some(k) = cli.keymap.as_deref() {
        check_keymap(k)?;
    }
    let ws = cli.workspace.as_deref();
    match cli.command {
        None => admin::interface(ws, cli.keymap.as_deref()),
        Some(Command::Demo) => admin::demo(cli.keymap.as_deref()),
        Some(Command::Init { dir, name }) => admin::init(dir.as_deref().or(ws), name.as_deref()),
        Some(Command::Add(a)) => add::add(ws, a),
        Some(Command::Link(a)) => add::link(ws, a),
        Some(Command::Set(a)) => add::set(ws, a),
        Some(Command::Delete(a)) => add::delete(ws, a),
        Some(Command::Undo) => add::undo(ws),
        Some(Command::Redo) => add::redo(ws),
        Some(Command::Show(a)) => read::show(ws, a),
        Some(Command::List(a)) => read::list(ws, a),
        Some(Command::Search(a)) => read::search(ws, a),
        Some(Command::Path(a)) => read::path(ws, a),
        Some(Command::Log(a)) => read::log(ws, a),
        Some(Command::Export(e)) => export::export(ws, e),
        Some(Command::Import(a)) => export::import(ws, a),
        Some(Command::ImportTable(a)) => table::import_table(ws, a),
        Some(Command::Check(a)) => admin::check(ws, a),
        Some(Command::Compact) => admin::compact(ws),
        Some(Command::Keymap(k)) => admin::keymap(k),
        Some(Command::Recover(a)) => recover::recover(ws, a),
        Some(Command::Completions(a)) => docs::completions(a),
        Some(Command::Man) => docs::man(),
        Some(Command::Assess(a)) => ach::assess(ws, a),
        Some(Command::Matrix(a)) => ach::matrix(ws, a),
        Some(Command::Expect(a)) => ach::expect(ws, a),
        Some(Command::Collect(a)) => ach::collect(ws, a),
        Some(Command::Ask(a)) => ask::ask(ws, a),
        Some(Command::Plan(a)) => plan::plan(ws, a),
        Some(Command::Gaps(a)) => gaps::gaps(ws, a),
        Some(Command::Serve(a)) => serve::serve(ws, a),
        Some(Command::Share(c)) => share::share(ws, c),
        Some(Command::Sync) => share::sync(ws),
    }
}
