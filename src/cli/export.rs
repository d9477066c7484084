//! `weft export backlog|workspace` and `weft import`.

use super::progress::Progress;
use super::{out, CliResult, Failure, LOCK_WAIT};
use crate::export::graph::{Scope, Subgraph};
use crate::export::{self, BacklogFilter, BriefingMeta, Format};
use crate::model::vocab::counted;
use crate::model::{Id, Status};
use crate::store::{resolve_workspace, OpenOptions, Store};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The question backlog as a Markdown briefing, CSV or JSON (stdout unless -o).
    #[command(
        after_help = "Examples:\n  weft export backlog --format md -o briefing.md --status open,active\n  weft export backlog --format csv -o - | column -s, -t"
    )]
    Backlog(BacklogArgs),
    /// The whole workspace as lossless JSON, for `weft import`.
    #[command(
        after_help = "Examples:\n  weft export workspace -o kestrel.json\n  weft export workspace -o - | gzip > kestrel.json.gz"
    )]
    Workspace(WorkspaceArgs),
    /// Entities and links as an i2 Analyst's Notebook chart (ANX) or a flat i2 CSV: the
    /// whole workspace, around an entity, or what bears on a question.
    #[command(
        after_help = "Examples:\n  weft export chart --format anx -o kestrel.anx\n  weft export chart --around E4 --hops 2 -o marsh.anx\n  weft export chart --format i2csv --question Q3 -o q3.csv"
    )]
    Chart(ChartArgs),
    /// Dated notes and links (and when each note was entered) as Timesketch JSON lines.
    #[command(
        after_help = "Example:\n  weft export timeline --format timesketch -o kestrel.jsonl"
    )]
    Timeline(TimelineArgs),
    /// Entities, their relationships and supporting notes as a FollowTheMoney stream.
    /// FtM cannot carry grades or handling codes: notes graded C (and links resting on
    /// them) are left out unless --include-confidential.
    #[command(
        after_help = "Examples:\n  weft export entities --format ftm -o kestrel.ftm\n  weft export entities -o - | ftm validate"
    )]
    Entities(EntitiesArgs),
}

/// Which entities a chart or entity export holds (default: the whole workspace).
#[derive(Debug, Args)]
pub struct ScopeArgs {
    /// Only this entity and the entities within --hops links of it.
    #[arg(long, value_name = "E", conflicts_with = "question")]
    around: Option<Id>,
    /// How many links from --around to walk (0 to 10).
    #[arg(long, value_name = "N", requires = "around", default_value_t = 2,
          value_parser = clap::value_parser!(u8).range(0..=export::graph::MAX_HOPS as i64))]
    hops: u8,
    /// Only the entities linked to this question, its sub-questions, their hypotheses
    /// and the notes that bear on them.
    #[arg(long, value_name = "Q")]
    question: Option<Id>,
}

impl ScopeArgs {
    fn scope(&self) -> Scope {
        match (self.around, self.question) {
            (Some(centre), _) => Scope::Around {
                centre,
                hops: self.hops as usize,
            },
            (None, Some(q)) => Scope::Question(q),
            (None, None) => Scope::Workspace,
        }
    }
}

/// A chart's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ChartFormat {
    /// Analyst's Notebook Exchange XML (UTF-16), opened by ANB as it is.
    Anx,
    /// One row per link (end 1, link, end 2) for an import specification.
    I2csv,
}

#[derive(Debug, Args)]
pub struct ChartArgs {
    /// anx (an Analyst's Notebook chart, UTF-16 XML) or i2csv (one row per link, for an
    /// import specification).
    #[arg(long, value_enum, default_value = "anx", value_name = "FORMAT")]
    format: ChartFormat,
    #[command(flatten)]
    scope: ScopeArgs,
    /// Write to FILE instead of stdout; `-` is stdout. A regular file is written
    /// owner-only and atomically.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

/// A timeline's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TimelineFormat {
    /// JSON lines with message, datetime and timestamp_desc.
    Timesketch,
}

#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// timesketch (JSON lines for a Timesketch timeline).
    #[arg(long, value_enum, default_value = "timesketch", value_name = "FORMAT")]
    format: TimelineFormat,
    /// Write to FILE instead of stdout; `-` is stdout. A regular file is written
    /// owner-only and atomically.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

/// An entity export's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EntitiesFormat {
    /// FollowTheMoney entities, one JSON object per line.
    Ftm,
}

#[derive(Debug, Args)]
pub struct EntitiesArgs {
    /// ftm (FollowTheMoney entities, one JSON object per line).
    #[arg(long, value_enum, default_value = "ftm", value_name = "FORMAT")]
    format: EntitiesFormat,
    #[command(flatten)]
    scope: ScopeArgs,
    /// Also export notes graded with handling code C (lawful sharing permitted with
    /// conditions) and the links that rest on them, although FtM cannot mark them.
    #[arg(long)]
    include_confidential: bool,
    /// Write to FILE instead of stdout; `-` is stdout. A regular file is written
    /// owner-only and atomically.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
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
    /// Write to FILE instead of stdout; `-` is stdout. A regular file is written
    /// owner-only and atomically, replacing one already there (a symlink to one stays a
    /// symlink and its target gets the export); a device or FIFO is written in place.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// The briefing's title.
    #[arg(long, default_value = "Backlog briefing")]
    title: String,
}

#[derive(Debug, Args)]
pub struct WorkspaceArgs {
    /// Where to write the export; `-` is standard output. A regular file is written
    /// owner-only and atomically, replacing one already there (a symlink to one stays a
    /// symlink and its target gets the export); a device or FIFO is written in place.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: PathBuf,
}

#[derive(Debug, Args)]
#[command(after_help = "Example:\n  weft --workspace ~/cases/fresh import kestrel.json")]
pub struct ImportArgs {
    /// A workspace export (`weft export workspace -o FILE`).
    file: PathBuf,
}

/// `-o -`: standard output rather than a file named `-`.
fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Passes writes through and reports progress by lines written: a workspace export
/// writes each record and each journal entry on a line of its own.
struct CountLines<'a, W: Write> {
    inner: W,
    lines: u64,
    total: u64,
    progress: &'a mut Progress,
}

impl<W: Write> Write for CountLines<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        let before = self.lines;
        self.lines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        if before / 1024 != self.lines / 1024 {
            self.progress.update(self.lines, self.total);
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The last part of the workspace path: how a briefing names it without giving away
/// where it lives.
pub fn export(ws: Option<&Path>, cmd: ExportCommand) -> CliResult {
    match cmd {
        ExportCommand::Backlog(a) => backlog(ws, a),
        ExportCommand::Workspace(a) => workspace(ws, a),
        ExportCommand::Chart(a) => chart(ws, a),
        ExportCommand::Timeline(a) => timeline(ws, a),
        ExportCommand::Entities(a) => entities(ws, a),
    }
}

/// Passes text bound for a terminal through [`crate::model::text::terminal_text`] a
/// whole line at a time (a line feed never falls inside a UTF-8 character), so a
/// streamed export reaches a terminal with nothing that could drive it.
struct ForTerminal<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> ForTerminal<W> {
    fn pass(&mut self, upto: usize) -> std::io::Result<()> {
        let text = crate::model::text::terminal_text(&self.pending[..upto]);
        self.inner.write_all(text.as_bytes())?;
        self.pending.drain(..upto);
        Ok(())
    }
}

impl<W: Write> Write for ForTerminal<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if let Some(end) = self.pending.iter().rposition(|&b| b == b'\n') {
            self.pass(end + 1)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.pass(self.pending.len())?;
        self.inner.flush()
    }
}

fn backlog(ws: Option<&Path>, a: BacklogArgs) -> CliResult {
    // CSV reads each question once (and its hypotheses): sled's small page cache serves
    // that as fast as its default and keeps memory flat at any size
    let cache = match a.format {
        Format::Csv => super::SCAN_CACHE_BYTES,
        _ => 0,
    };
    let store = super::read_workspace_cached(ws, cache)?;
    let fail = |e: crate::store::StoreError| Failure::new(format!("export backlog: {e}"));
    let filter = BacklogFilter {
        statuses: a.status,
        tag: a.tag,
        under: a.under,
    };
    let output = a.output.filter(|p| !is_stdout(p));
    let cannot_write = |path: &Path, e: std::io::Error| {
        Failure::new(format!(
            "export backlog: cannot write {}: {e}",
            path.display()
        ))
    };
    let wrote = |path: &Path, n: usize| {
        warnln!(
            "weft: wrote {} to {}",
            crate::model::vocab::counted(n, "question", "questions"),
            path.display()
        );
    };
    if a.format == Format::Csv {
        // streamed: a row is read and written at a time, whatever the backlog's size
        if let Some(path) = output {
            let mut n = 0;
            export::write_output(&super::served::local(&path), |w| {
                n = export::write_backlog_csv(&store, &filter, w)?;
                Ok(())
            })
            .map_err(|e| cannot_write(&path, e))?;
            wrote(&path, n);
            return Ok(());
        }
        let mut w = out::stdout();
        let streamed = if super::served::stdout_is_terminal() {
            let mut t = ForTerminal {
                inner: w.writer(),
                pending: Vec::new(),
            };
            export::write_backlog_csv(&store, &filter, &mut t).and_then(|_| t.flush())
        } else {
            export::write_backlog_csv(&store, &filter, w.writer()).map(|_| ())
        };
        streamed.map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => Failure::closed(),
            _ => Failure::new(format!("export backlog: {e}")),
        })?;
        return w.finish();
    }
    let questions = export::select(&store, &filter).map_err(fail)?;
    let meta = BriefingMeta {
        title: a.title,
        date: chrono::Local::now().date_naive(),
        workspace: store.name(),
        audit: crate::share::audit(&store),
    };
    let bytes = export::render_backlog(&store, &questions, a.format, &meta).map_err(fail)?;
    match output {
        Some(path) => {
            export::write_output(&super::served::local(&path), |w| w.write_all(&bytes))
                .map_err(|e| cannot_write(&path, e))?;
            wrote(&path, questions.len());
            Ok(())
        }
        None => {
            // A terminal never receives a control character (an escape sequence in a
            // title); what goes to a pipe or file is already free of raw controls where
            // the format has no escape for them (CSV) and escapes them where it has.
            let bytes = if super::served::stdout_is_terminal() {
                crate::model::text::terminal_text(&bytes).into_bytes()
            } else {
                bytes
            };
            let mut w = out::stdout();
            w.bytes(&bytes)?;
            w.finish()
        }
    }
}

fn workspace(ws: Option<&Path>, a: WorkspaceArgs) -> CliResult {
    let store = super::read_workspace_cached(ws, super::SCAN_CACHE_BYTES)?;
    let state = store.state();
    // The header and the section brackets take a dozen lines besides the entries.
    let total = state.total() + state.seq + 12;
    let mut progress = Progress::new("export workspace");
    if is_stdout(&a.output) {
        let mut w = out::stdout();
        let mut counted = CountLines {
            inner: w.writer(),
            lines: 0,
            total,
            progress: &mut progress,
        };
        export::write_workspace(&store, &mut counted).map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => Failure::closed(),
            _ => Failure::new(format!("export workspace: {e}")),
        })?;
        progress.finish();
        return w.finish();
    }
    let mut written = None;
    export::write_output(&super::served::local(&a.output), |w| {
        let mut counted = CountLines {
            inner: w,
            lines: 0,
            total,
            progress: &mut progress,
        };
        written = Some(export::write_workspace(&store, &mut counted)?);
        Ok(())
    })
    .map_err(|e| {
        Failure::new(format!(
            "export workspace: cannot write {}: {e}",
            a.output.display()
        ))
    })?;
    progress.finish();
    if let Some(n) = written {
        warnln!(
            "weft: wrote {} and {} to {}",
            crate::model::vocab::counted(n.records as usize, "record", "records"),
            crate::model::vocab::counted(n.journal as usize, "journal entry", "journal entries"),
            a.output.display()
        );
    }
    Ok(())
}

/// A reader of `path` that reports the bytes read so far into `progress`. Read through
/// a `BufReader`, so it sees large chunks.
struct Counted<'p> {
    file: std::fs::File,
    read: u64,
    total: u64,
    progress: &'p mut Progress,
}

impl<'p> Counted<'p> {
    fn open(path: &Path, progress: &'p mut Progress) -> std::io::Result<Counted<'p>> {
        let total = std::fs::metadata(path)?.len();
        Ok(Counted {
            file: std::fs::File::open(path)?,
            read: 0,
            total,
            progress,
        })
    }
}

impl std::io::Read for Counted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read(buf)?;
        let before = self.read >> 20;
        self.read += n as u64;
        if self.read >> 20 != before {
            self.progress.update(self.read, self.total.max(self.read));
        }
        Ok(n)
    }
}

/// Reads the file once, checking each record and journal entry as it passes and writing
/// it into a staging workspace beside the target, which is swapped in only when the
/// whole file is read and accepted: a refused or interrupted import changes nothing (a
/// workspace the import created is removed again), and the file is never held in memory.
pub fn import(ws: Option<&Path>, a: ImportArgs) -> CliResult {
    use crate::export::workspace::stream::read_workspace;
    use crate::store::import::{Item, Refused};
    let name = a.file.display().to_string();
    let fail = |e: &dyn std::fmt::Display| Failure::new(format!("import {name}: {e}"));
    // the file must be readable before a workspace is made for it
    let mut progress = Progress::new(&format!("import {name}"));
    let mut counted = Counted::open(&a.file, &mut progress).map_err(|e| fail(&e))?;
    let (dir, _) = resolve_workspace(ws)
        .ok_or_else(|| Failure::new("no workspace: pass --workspace DIR or set WEFT_WORKSPACE"))?;
    let refused = match std::fs::read_dir(&dir).map(|mut d| d.next().is_none()) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Refused::RemoveDirectory,
        Err(_) => Refused::Keep,
        Ok(true) => Refused::RemoveWorkspace,
        Ok(false) => Refused::Keep,
    };
    let opts = OpenOptions {
        create: true,
        wait: LOCK_WAIT,
        cache_bytes: 0,
        before_upgrade: Some(super::tell_upgrade),
        read_only: super::read_only_reason(),
        ..OpenOptions::default()
    };
    let store = Store::open(&dir, &opts)?;
    let mut pass = |give: &mut dyn FnMut(Item) -> crate::store::Result<_>| {
        let reader = std::io::BufReader::with_capacity(1 << 20, &mut counted);
        read_workspace(reader, give)
    };
    let done = store
        .import_stream(&mut pass, refused)
        .map_err(|e| fail(&e))?;
    progress.finish();
    warnln!(
        "weft: imported {} and {} into {}",
        crate::model::vocab::counted(done.records, "record", "records"),
        crate::model::vocab::counted(done.journal, "journal entry", "journal entries"),
        dir.display()
    );
    Ok(())
}

/// Loads the workspace file `file` into the new workspace `dir` (`weft share clone`).
pub(super) fn import_into(dir: &Path, file: &Path) -> CliResult {
    import(
        Some(dir),
        ImportArgs {
            file: file.to_path_buf(),
        },
    )
}

/// Where an interchange export went, as its summary line says it.
fn place(output: &Option<PathBuf>) -> String {
    match output {
        Some(p) if !is_stdout(p) => p.display().to_string(),
        _ => "standard output".to_string(),
    }
}

/// Writes an interchange export to `-o FILE` (owner-only, atomically) or to standard
/// output (a terminal gets it through [`ForTerminal`]; `binary` refuses a terminal).
/// Everything the export reads must be read before this is called: a refused export
/// leaves no file behind.
fn emit<T>(
    what: &str,
    output: &Option<PathBuf>,
    binary: Option<&str>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<T>,
) -> Result<T, Failure> {
    if let Some(path) = output.as_ref().filter(|p| !is_stdout(p)) {
        let mut done = None;
        export::write_output(&super::served::local(path), |w| {
            done = Some(write(w)?);
            Ok(())
        })
        .map_err(|e| {
            Failure::new(format!(
                "export {what}: cannot write {}: {e}",
                path.display()
            ))
        })?;
        return done.ok_or_else(|| Failure::new(format!("export {what}: nothing was written")));
    }
    let terminal = super::served::stdout_is_terminal();
    if let (true, Some(why)) = (terminal, binary) {
        return Err(Failure::new(format!(
            "export {what}: {why}, not text for a terminal: write it to a file with -o FILE or pipe it"
        )));
    }
    let mut w = out::stdout();
    let done = if terminal {
        let mut t = ForTerminal {
            inner: w.writer(),
            pending: Vec::new(),
        };
        write(&mut t).and_then(|d| t.flush().map(|_| d))
    } else {
        write(w.writer())
    };
    let done = done.map_err(|e| match e.kind() {
        std::io::ErrorKind::BrokenPipe => Failure::closed(),
        _ => Failure::new(format!("export {what}: {e}")),
    })?;
    w.finish()?;
    Ok(done)
}

/// Ids for a message: the first ten, then how many more.
fn some_ids(ids: &[Id]) -> String {
    let mut s: Vec<String> = ids.iter().take(10).map(|i| i.to_string()).collect();
    if ids.len() > 10 {
        s.push(format!("and {} more", ids.len() - 10));
    }
    s.join(" ")
}

/// Says, on standard error, that an export carries notes graded C.
fn tell_conditional(ids: &[Id]) {
    if !ids.is_empty() {
        warnln!(
            "weft: this export carries {} graded with handling code C (lawful sharing permitted with conditions), marked as such: {}; share it only under those conditions",
            counted(ids.len(), "note", "notes"),
            some_ids(ids)
        );
    }
}

fn read_subgraph(store: &Store, what: &str, scope: Scope) -> Result<Subgraph, Failure> {
    Subgraph::read(store, scope).map_err(|e| Failure::new(format!("export {what}: {e}")))
}

fn chart(ws: Option<&Path>, a: ChartArgs) -> CliResult {
    let store = super::read_workspace_cached(ws, super::SCAN_CACHE_BYTES)?;
    let g = read_subgraph(&store, "chart", a.scope.scope())?;
    match a.format {
        ChartFormat::Anx => {
            let name = store.name();
            let n = emit("chart", &a.output, Some("ANX is UTF-16 XML"), |w| {
                export::anx::write_anx(&g, &name, w)
            })?;
            warnln!(
                "weft: wrote a chart of {}, {} and {} to {}",
                counted(n.entities, "entity", "entities"),
                counted(n.links, "link", "links"),
                counted(n.cards, "card", "cards"),
                place(&a.output)
            );
            tell_conditional(&g.conditional());
        }
        ChartFormat::I2csv => {
            let n = emit("chart", &a.output, None, |w| {
                export::i2csv::write_i2csv(&g, w)
            })?;
            warnln!(
                "weft: wrote {} and {} to {}",
                counted(n.links, "link row", "link rows"),
                counted(
                    n.lone_entities,
                    "unlinked entity row",
                    "unlinked entity rows"
                ),
                place(&a.output)
            );
            let mut sources: Vec<Id> = g
                .links
                .iter()
                .filter_map(|l| g.source_of(l))
                .filter(|n| {
                    n.grade
                        .is_some_and(|g| g.handling == crate::model::grade::Handling::C)
                })
                .map(|n| n.meta.id)
                .collect();
            sources.sort_unstable();
            sources.dedup();
            tell_conditional(&sources);
        }
    }
    Ok(())
}

fn timeline(ws: Option<&Path>, a: TimelineArgs) -> CliResult {
    let TimelineFormat::Timesketch = a.format;
    let store = super::read_workspace_cached(ws, super::SCAN_CACHE_BYTES)?;
    let n = emit("timeline", &a.output, None, |w| {
        export::timesketch::write_timesketch(&store, w)
    })?;
    warnln!(
        "weft: wrote {} to {}",
        counted(n.events, "timeline event", "timeline events"),
        place(&a.output)
    );
    tell_conditional(&n.conditional);
    Ok(())
}

fn entities(ws: Option<&Path>, a: EntitiesArgs) -> CliResult {
    let EntitiesFormat::Ftm = a.format;
    let store = super::read_workspace_cached(ws, super::SCAN_CACHE_BYTES)?;
    let mut g = read_subgraph(&store, "entities", a.scope.scope())?;
    let withheld = if a.include_confidential {
        None
    } else {
        Some(g.without_conditional())
    };
    let carried = g.conditional();
    let n = emit("entities", &a.output, None, |w| {
        export::ftm::write_ftm(&g, w)
    })?;
    warnln!(
        "weft: wrote {}, {} and {} to {}",
        counted(n.entities, "entity", "entities"),
        counted(n.relationships, "relationship", "relationships"),
        counted(n.notes, "note", "notes"),
        place(&a.output)
    );
    let mut dropped = Vec::new();
    if n.grades_dropped > 0 {
        dropped.push(format!(
            "the grades and handling codes of {}",
            counted(n.grades_dropped, "note", "notes")
        ));
    }
    if n.confidence_dropped > 0 {
        dropped.push(format!(
            "the confidence of {} (kept in their description)",
            counted(n.confidence_dropped, "link", "links")
        ));
    }
    if n.approximate_dates > 0 {
        dropped.push(format!(
            "the approximate mark of {}",
            counted(n.approximate_dates, "date", "dates")
        ));
    }
    if !n.links_of_phones.is_empty() {
        dropped.push(format!(
            "{} of phones written as phone numbers of their holders ({})",
            counted(n.links_of_phones.len(), "link", "links"),
            some_ids(&n.links_of_phones)
        ));
    }
    if !dropped.is_empty() {
        warnln!(
            "weft: FollowTheMoney has no field for them, so this export dropped {}",
            dropped.join("; ")
        );
    }
    if n.phones_without_number > 0 {
        warnln!(
            "weft: {} no number FtM could read, so each stands as a LegalEntity under its name",
            counted(n.phones_without_number, "phone has", "phones have")
        );
    }
    if n.phones_as_properties > 0 {
        warnln!(
            "weft: FollowTheMoney has no phone schema: {} written as the phone property of the people and organisations linked to them",
            counted(n.phones_as_properties, "phone", "phones")
        );
    }
    match withheld {
        Some((notes, links)) if !notes.is_empty() || !links.is_empty() => warnln!(
            "weft: left out {} graded with handling code C and {} resting on them (FtM cannot mark the conditions; --include-confidential exports them): {}",
            counted(notes.len(), "note", "notes"),
            counted(links.len(), "link", "links"),
            some_ids(&notes)
        ),
        Some(_) => {}
        None if !carried.is_empty() => warnln!(
            "weft: --include-confidential: this export carries {} graded with handling code C, and FtM cannot mark the conditions on them: {}; share it only under those conditions",
            counted(carried.len(), "note", "notes"),
            some_ids(&carried)
        ),
        None => {}
    }
    Ok(())
}
