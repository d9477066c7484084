//! Commands beside an open workspace: `weft serve`, the sending of a command to the weft
//! holding its workspace ([`forward`]), and the holder's side ([`Holder`]), shared by
//! `weft serve` and the interface.
//!
//! A command that only reads runs on the connection's own thread, on a read view the
//! holder hands it, so a long export never holds up the interface's keys. A command
//! that writes runs on the holder's writer thread, one at a time, with the holder's
//! store lent to it; the holder waits a moment for it (all most take), takes the store
//! back when it is done, and its views catch up at once. What needs the workspace to
//! itself (`compact`, `recover`, `import`) is refused in one line.

use super::served;
use super::{Cli, CliResult, Command, Failure};
use crate::serve::client;
use crate::serve::server::{self, Bound, Waker, Woken};
use crate::serve::wire::{self, Answer, Part, Request};
use crate::serve::{Ran, Serving};
use crate::store::Store;
use clap::{Args, Parser};
use std::cell::RefCell;
use std::io::{self, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How a command runs when a weft holds its workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Served {
    /// In the command's own process: it does not read the workspace (or is the
    /// interface, or `serve` itself).
    Local,
    /// Refused: it needs the workspace to itself.
    Alone,
    /// On a read view, beside whatever else the holder does.
    Reads,
    /// By the holder, on its store.
    Writes,
}

impl Command {
    pub fn served(&self) -> Served {
        use Command::*;
        match self {
            Demo | Init { .. } | Keymap(_) | Completions(_) | Man | Serve(_) => Served::Local,
            Share(super::share::ShareCommand::Clone(_)) => Served::Local,
            Compact | Recover(_) | Import(_) => Served::Alone,
            Show(_) | List(_) | Search(_) | Path(_) | Log(_) | Export(_) | Check(_) | Matrix(_)
            | Collect(_) | Plan(_) => Served::Reads,
            Gaps(g) if g.action.is_none() => Served::Reads,
            ImportTable(a) if a.only_reads() => Served::Reads,
            Add(_) | Link(_) | Set(_) | Delete(_) | Undo | Redo | Assess(_) | Expect(_)
            | Ask(_) | Gaps(_) | ImportTable(_) | Share(_) | Sync => Served::Writes,
        }
    }
}

/// Sends the command to the weft holding its workspace and relays the answer: `None`
/// when no weft does (or the command is not one it serves), and the command runs here.
pub(super) fn forward(cli: &Cli) -> Option<ExitCode> {
    let command = cli.command.as_ref()?;
    if command.served() == Served::Local {
        return None;
    }
    let (dir, _) = crate::store::resolve_workspace(cli.workspace.as_deref())?;
    let workspace = std::path::absolute(&dir).ok()?;
    let not_asking = |e: io::Error| {
        super::say(&format!(
            "not asking the weft that holds the workspace: {e}"
        ));
    };
    let path = match client::find(&workspace) {
        Ok(Some(path)) => path,
        Ok(None) => return None,
        Err(e) => {
            not_asking(e);
            return None;
        }
    };
    // standard input is read before connecting (a note typed at the terminal may take
    // minutes), and kept for the command to run here if nobody answers
    if let Command::Add(a) = command {
        if a.reads_stdin() {
            if let Err(e) = served::read_stdin_ahead() {
                super::say(&format!("cannot read the note from standard input: {e}"));
                return Some(ExitCode::from(1));
            }
        }
    }
    let conn = match client::connect_at(&path) {
        Ok(Some(conn)) => conn,
        Ok(None) => return None,
        Err(e) => {
            not_asking(e);
            return None;
        }
    };
    let args = std::env::args_os()
        .map(|a| a.into_string())
        .collect::<Result<Vec<_>, _>>()
        .ok()?;
    let stdin = served::read_ahead();
    let cwd = std::env::current_dir().ok()?;
    let request = Request {
        weft: wire::VERSION,
        id: u64::from(std::process::id()),
        args,
        cwd: cwd.to_str()?.to_string(),
        workspace: workspace.to_str()?.to_string(),
        stdin,
        stdout_tty: served::stdout_is_terminal(),
        stderr_tty: served::stderr_is_terminal(),
        read_only: read_only_flag(cli.read_only),
    };
    Some(match client::exchange(conn, &request) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            super::say(&e.to_string());
            ExitCode::from(1)
        }
    })
}

/// Why this command opens workspaces read-only, as the client says it.
fn read_only_flag(flag: bool) -> Option<String> {
    super::note_read_only(flag);
    super::read_only_reason()
}

/// A command that writes, waiting to run on the holder's store; its answer lines go
/// back through `reply`.
struct Job {
    cli: Box<Cli>,
    req: Box<Request>,
    reply: Sender<Vec<u8>>,
}

/// What a connection (or the writer thread) asks of the holder's thread.
enum Need {
    /// A fresh read view (refusing writes for this reason, when given).
    View(Option<String>, Sender<Result<Store, String>>),
    /// A command that writes.
    Run(Job),
    /// The writer thread finished a command: its store is ready to be taken back.
    Wake,
}

/// What the writer thread hands back: the store, the command's exit status and its
/// answer lines.
type Landed = (Store, u8, Vec<u8>);

/// What the writer thread is given: the store, the command, and where to hand back.
type Lent = (Store, Job, Sender<Landed>);

/// A command that writes, running on the writer thread with the holder's store.
struct InFlight {
    command: String,
    /// The journal's sequence before it ran: what it committed follows.
    since: u64,
    reply: Sender<Vec<u8>>,
    back: Receiver<Landed>,
}

/// How long [`Holder::landed`] waits for the writer thread.
#[derive(Clone, Copy)]
enum Wait {
    No,
    Quick,
    Done,
}

/// How long the holder waits for a command that writes before it goes on without its
/// store: most take a few milliseconds and are never seen in flight; a long one (a
/// large table import) leaves the interface answering keys, read-only, until it ends.
const QUICK: Duration = Duration::from_millis(100);

/// The holder's side: the socket, and the requests waiting for its thread.
pub struct Holder {
    _bound: Bound,
    needs: Receiver<Need>,
    woken: Woken,
    /// Connections refused at the door, said once each.
    refused: Arc<std::sync::Mutex<Vec<String>>>,
    /// Connections being served now.
    open: Arc<std::sync::atomic::AtomicUsize>,
    /// The writer thread: commands that write run there, one at a time, with the store.
    writer: Sender<Lent>,
    in_flight: RefCell<Option<InFlight>>,
    queued: RefCell<std::collections::VecDeque<Job>>,
}

impl Holder {
    /// Starts serving the workspace `store` holds. `who` names the holder in refusals
    /// ("weft's interface").
    pub fn start(store: &Store, who: &str) -> io::Result<Holder> {
        let workspace = std::path::absolute(store.path())?;
        let identity = crate::serve::place::identity(&workspace)?;
        let bound = Bound::bind(&workspace)?;
        let (tx, needs) = mpsc::channel();
        let (waker, woken) = server::waker()?;
        let writer = spawn_writer(tx.clone(), waker.clone())?;
        let who = format!("{who} (pid {})", std::process::id());
        let tx = std::sync::Mutex::new(tx);
        let refused = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (told, wake) = (refused.clone(), waker.clone());
        let open = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let serving = open.clone();
        bound.spawn(
            move |conn| {
                let tx = tx.lock().map(|t| t.clone());
                if let Ok(tx) = tx {
                    serving.fetch_add(1, Ordering::SeqCst);
                    answer(conn, &tx, &waker, identity, &who);
                    serving.fetch_sub(1, Ordering::SeqCst);
                }
            },
            move |why| {
                if let Ok(mut t) = told.lock() {
                    t.push(why);
                }
                wake.wake();
            },
        )?;
        Ok(Holder {
            _bound: bound,
            needs,
            woken,
            refused,
            open,
            writer,
            in_flight: RefCell::new(None),
            queued: RefCell::new(Default::default()),
        })
    }

    /// Waits up to `wait` for a request and serves it (and any others waiting); false
    /// when nothing came and no connection is being served.
    fn serve_waiting(&self, store: &mut Store, wait: Duration) -> Result<bool, ()> {
        match self.needs.recv_timeout(wait) {
            Ok(need) => {
                self.meet(store, need);
                self.serve(store);
                Ok(true)
            }
            Err(RecvTimeoutError::Timeout) => {
                Ok(self.open.load(Ordering::SeqCst) > 0 || self.in_flight.borrow().is_some())
            }
            Err(RecvTimeoutError::Disconnected) => Err(()),
        }
    }

    /// Meets one need on the holder's thread.
    fn meet(&self, store: &mut Store, need: Need) -> Option<Ran> {
        match need {
            Need::View(read_only, reply) => {
                let view = match &read_only {
                    Some(why) => store.read_only_view(why),
                    None => store.read_view(),
                };
                let _ = reply.send(view.map_err(|e| e.to_string()));
                None
            }
            Need::Run(job) if self.in_flight.borrow().is_some() => {
                self.queued.borrow_mut().push_back(job);
                None
            }
            Need::Run(job) => self.write(store, job),
            Need::Wake => self.landed(store, Wait::No),
        }
    }

    /// Lends the store to the writer thread for `job`, leaving a read view in its place
    /// that refuses changes while the command runs; waits [`QUICK`] for it.
    fn write(&self, store: &mut Store, job: Job) -> Option<Ran> {
        let command = command_words(&job.req.args);
        let why = format!(
            "`weft {}`, run from the command line, is changing the workspace: try again when it is done",
            crate::model::text::truncate(&command, 40)
        );
        let stand_in = match store.read_view_refusing(why) {
            Ok(v) => v,
            Err(e) => {
                let _ = job.reply.send(failed(&job.req, &e.to_string(), 1));
                return None;
            }
        };
        let since = stand_in.state().seq;
        let lent = std::mem::replace(store, stand_in);
        let reply = job.reply.clone();
        let (back_tx, back) = mpsc::channel();
        if let Err(mpsc::SendError((lent, job, back_tx))) = self.writer.send((lent, job, back_tx)) {
            // no writer thread (it can only have died): run the command here
            let _ = back_tx.send(run_job(lent, job));
        }
        *self.in_flight.borrow_mut() = Some(InFlight {
            command,
            since,
            reply,
            back,
        });
        self.landed(store, Wait::Quick)
    }

    /// Takes the store back from the writer thread when its command is done, answers
    /// the client, and says what the command did.
    fn landed(&self, store: &mut Store, wait: Wait) -> Option<Ran> {
        let got = {
            let flight = self.in_flight.borrow();
            let flight = flight.as_ref()?;
            match wait {
                Wait::No => flight.back.try_recv().ok(),
                Wait::Quick => flight.back.recv_timeout(QUICK).ok(),
                Wait::Done => flight.back.recv().ok(),
            }
        };
        let (lent, code, bytes) = got?;
        let flight = self.in_flight.borrow_mut().take()?;
        *store = lent;
        let _ = flight.reply.send(bytes);
        let done = store.committed_since(flight.since).unwrap_or_default();
        Some(Ran {
            command: flight.command,
            code,
            done,
        })
    }

    /// Starts the next queued command that writes, when none is running.
    fn next_queued(&self, store: &mut Store) -> Option<Option<Ran>> {
        if self.in_flight.borrow().is_some() {
            return None;
        }
        let job = self.queued.borrow_mut().pop_front()?;
        Some(self.write(store, job))
    }
}

/// Runs a command that writes on the store lent to it, collecting its answer lines.
fn run_job(store: Store, job: Job) -> Landed {
    let lines = Collect::default();
    let (store, code) = served::run(store, *job.cli, &job.req, Box::new(lines.clone()));
    let bytes = std::mem::take(&mut *lines.0.borrow_mut());
    (store, code, bytes)
}

/// The thread commands that write run on, one at a time; each hands the store back and
/// wakes the holder.
fn spawn_writer(holder: Sender<Need>, waker: Waker) -> io::Result<Sender<Lent>> {
    let (tx, jobs) = mpsc::channel::<Lent>();
    std::thread::Builder::new()
        .name("weft-write".into())
        .spawn(move || {
            for (store, job, back) in jobs {
                let _ = back.send(run_job(store, job));
                let _ = holder.send(Need::Wake);
                waker.wake();
            }
        })?;
    Ok(tx)
}

impl Serving for Holder {
    fn fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.woken.fd()
    }

    fn serve(&self, store: &mut Store) -> Vec<Ran> {
        self.woken.drain();
        let mut ran: Vec<Ran> = self.landed(store, Wait::No).into_iter().collect();
        loop {
            if let Some(r) = self.next_queued(store) {
                ran.extend(r);
                continue;
            }
            match self.needs.try_recv() {
                Ok(need) => ran.extend(self.meet(store, need)),
                Err(_) => break,
            }
        }
        ran
    }

    fn writing(&self) -> Option<String> {
        self.in_flight.borrow().as_ref().map(|f| f.command.clone())
    }

    fn finish(&self, store: &mut Store) -> Vec<Ran> {
        let mut ran = Vec::new();
        loop {
            if self.in_flight.borrow().is_some() {
                match self.landed(store, Wait::Done) {
                    Some(r) => ran.push(r),
                    // the writer thread is gone, and the store with it: nothing to wait for
                    None => return ran,
                }
                continue;
            }
            match self.next_queued(store) {
                Some(r) => ran.extend(r),
                None => return ran,
            }
        }
    }

    fn refusals(&self) -> Vec<String> {
        self.refused
            .lock()
            .map(|mut r| std::mem::take(&mut *r))
            .unwrap_or_default()
    }
}

/// Starts serving the workspace the interface opens: the holder, or why commands on
/// the workspace cannot run beside it (for the status line).
pub fn for_interface(store: &Store) -> Result<Box<dyn Serving>, String> {
    Holder::start(store, "weft's interface")
        .map(|h| Box::new(h) as Box<dyn Serving>)
        .map_err(|e| {
            format!("commands on this workspace cannot run while the interface is open: {e}")
        })
}

/// Collects a command's answer lines on the thread that runs it.
#[derive(Clone, Default)]
struct Collect(Rc<RefCell<Vec<u8>>>);

impl Write for Collect {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The command line without the program and the global options that name the
/// workspace, as the holder's status line says it (`add note Garvey called`).
fn command_words(args: &[String]) -> String {
    let mut words = Vec::new();
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--workspace" | "--keymap" => {
                it.next();
            }
            "--read-only" => {}
            a if a.starts_with("--workspace=") || a.starts_with("--keymap=") => {}
            a => words.push(a.to_string()),
        }
    }
    words.join(" ")
}

/// An error line and an exit status, as a command that failed says them.
fn failed(req: &Request, message: &str, code: u8) -> Vec<u8> {
    let mut out = Vec::new();
    for part in [
        Part::Err(format!("weft: {}\n", crate::model::text::sanitize(message))),
        Part::Exit(code),
    ] {
        let _ = wire::send(
            &mut out,
            &Answer {
                weft: wire::VERSION,
                id: req.id,
                part,
            },
        );
    }
    out
}

/// How long a connection may take to send its request. Its answer has no limit: a
/// reader may be slow (`| less`, paused for minutes) and a killed one closes the
/// connection, which ends the command at its next write.
const REQUEST_WAIT: Duration = Duration::from_secs(10);

/// Serves one connection, on its own thread: reads the request, checks it, and runs the
/// command (or has the holder run it). Nothing a client sends or fails to send can
/// block the holder: this thread alone reads and writes the connection.
fn answer(conn: UnixStream, holder: &Sender<Need>, waker: &Waker, identity: (u64, u64), who: &str) {
    let _ = conn.set_read_timeout(Some(REQUEST_WAIT));
    let mut reader = BufReader::new(&conn);
    let line = match wire::receive_line(&mut reader, wire::MAX_REQUEST) {
        Ok(Some(line)) => line,
        // gone before it asked anything: nothing to do
        Ok(None) => return,
        Err(e) => {
            let _ = (&conn).write_all(&refusal_line(0, &format!("unreadable request: {e}")));
            return;
        }
    };
    let bytes = match wire::version_of(&line) {
        Some(wire::VERSION) => match serde_json::from_slice::<Request>(&line) {
            Ok(req) => match prepare(&req, identity, who) {
                Ok((cli, kind)) => {
                    return run_prepared(&conn, holder, waker, cli, req, kind);
                }
                Err(bytes) => bytes,
            },
            Err(e) => refusal_line(0, &format!("malformed request: {e}")),
        },
        Some(v) => refusal_line(0, &wire::mismatch(v, "client")),
        None => refusal_line(0, "malformed request: not a weft request"),
    };
    let _ = (&conn).write_all(&bytes);
}

/// The answer that refuses request `id`, saying why.
fn refusal_line(id: u64, why: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = wire::send(
        &mut out,
        &Answer {
            weft: wire::VERSION,
            id,
            part: Part::Refused(why.to_string()),
        },
    );
    out
}

/// The command a request carries, parsed and made ready to run here, or the answer
/// that refuses it.
fn prepare(req: &Request, identity: (u64, u64), who: &str) -> Result<(Cli, Served), Vec<u8>> {
    let workspace = PathBuf::from(&req.workspace);
    if crate::serve::place::identity(&workspace).ok() != Some(identity) {
        return Err(refusal_line(req.id, "this weft holds another workspace"));
    }
    let mut cli = match Cli::try_parse_from(&req.args) {
        Ok(cli) => cli,
        Err(e) => return Err(failed(req, &super::usage::one_line(&e), 2)),
    };
    cli.workspace = Some(workspace);
    let Some(command) = cli.command.as_ref() else {
        return Err(refusal_line(req.id, "the interface is not served"));
    };
    // the subcommand as the user typed it (`import`, `import-table`)
    let words = command_words(&req.args);
    let name = words.split(' ').next().unwrap_or_default();
    match command.served() {
        Served::Local => Err(refusal_line(
            req.id,
            &format!("`weft {name}` is not served: run it on its own"),
        )),
        Served::Alone => Err(failed(
            req,
            &format!(
                "{}: {name} needs the workspace to itself, and {who} holds it; close that first",
                req.workspace
            ),
            1,
        )),
        kind => Ok((cli, kind)),
    }
}

fn run_prepared(
    conn: &UnixStream,
    holder: &Sender<Need>,
    waker: &Waker,
    cli: Cli,
    req: Request,
    kind: Served,
) {
    let gone = |req: &Request| failed(req, "the weft holding the workspace is closing", 1);
    let mut out = conn;
    if kind == Served::Writes && req.read_only.is_none() {
        let (tx, rx) = mpsc::channel();
        let id = req.id;
        if holder
            .send(Need::Run(Job {
                cli: Box::new(cli),
                req: Box::new(req),
                reply: tx,
            }))
            .is_err()
        {
            let _ = out.write_all(&refusal_line(
                id,
                "the weft holding the workspace is closing",
            ));
            return;
        }
        waker.wake();
        let bytes = rx
            .recv()
            .unwrap_or_else(|_| refusal_line(id, "the weft holding the workspace is closing"));
        let _ = out.write_all(&bytes);
        return;
    }
    let (tx, rx) = mpsc::channel();
    if holder.send(Need::View(req.read_only.clone(), tx)).is_err() {
        let _ = out.write_all(&gone(&req));
        return;
    }
    waker.wake();
    match rx.recv() {
        Ok(Ok(view)) => {
            let frames: Box<dyn Write> = match conn.try_clone() {
                Ok(c) => Box::new(c),
                Err(_) => return,
            };
            // the view is dropped here, on this thread, when the command is done
            drop(served::run(view, cli, &req, frames).0);
        }
        Ok(Err(e)) => {
            let _ = out.write_all(&failed(&req, &e, 1));
        }
        Err(_) => {
            let _ = out.write_all(&gone(&req));
        }
    }
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  weft serve &                      # then run commands as usual: they are served\n  weft serve --idle-exit 10m        # exits after ten minutes without a command"
)]
pub struct ServeArgs {
    /// Exit after this long without a command: `90s`, `10m`, `2h` (a bare number is
    /// seconds). Without it, weft serves until SIGTERM or SIGINT.
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    idle_exit: Option<Duration>,
}

/// `90s`, `10m`, `2h`, `1d`, or a bare number of seconds.
fn duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("{s:?} is not a duration: write 90s, 10m or 2h"))?;
    let secs = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => {
            return Err(format!(
                "{s:?} is not a duration: its unit must be s, m, h or d"
            ))
        }
    };
    if n == 0 {
        return Err(format!("{s:?}: the idle time must be more than zero"));
    }
    n.checked_mul(secs)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("{s:?} is too long a duration"))
}

/// `weft serve`: holds the workspace open and serves commands until SIGTERM, SIGINT or
/// the idle time.
/// Refuses at once to hold a workspace another weft holds and serves (the interface,
/// `weft serve`), rather than waiting for its lock.
pub(super) fn refuse_if_served(ws: Option<&Path>, what: &str) -> CliResult {
    if let Some((dir, _)) = crate::store::resolve_workspace(ws) {
        if let Ok(Some(_)) = std::path::absolute(&dir).and_then(|d| client::connect(&d)) {
            return Err(Failure::new(format!(
                "workspace {} is open in another weft (the interface or `weft serve`), so {what}; commands on it run there",
                dir.display()
            )));
        }
    }
    Ok(())
}

pub fn serve(ws: Option<&Path>, a: ServeArgs) -> CliResult {
    refuse_if_served(ws, "it is served already")?;
    let mut store = super::open_workspace(ws)?;
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(signal, stop.clone())
            .map_err(|e| Failure::new(format!("cannot watch for signals: {e}")))?;
    }
    let holder = Holder::start(&store, "`weft serve`")
        .map_err(|e| Failure::new(format!("cannot serve {}: {e}", store.path().display())))?;
    super::say(&format!(
        "serving {} (pid {}); stop with SIGTERM or ctrl-c",
        store.path().display(),
        std::process::id()
    ));
    let mut last = Instant::now();
    while !stop.load(Ordering::SeqCst) {
        let busy = holder
            .serve_waiting(&mut store, Duration::from_millis(200))
            .map_err(|()| Failure::new("the server's listener stopped"))?;
        if busy {
            last = Instant::now();
        }
        for why in holder.refusals() {
            super::say(&why);
        }
        if a.idle_exit.is_some_and(|idle| last.elapsed() >= idle) && holder.writing().is_none() {
            super::say("idle: no command came, so the workspace is let go");
            break;
        }
    }
    // a command that writes finishes before the workspace is let go
    holder.finish(&mut store);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_line_names_the_command_not_the_workspace() {
        let args: Vec<String> = [
            "weft",
            "--workspace",
            "/w",
            "add",
            "note",
            "x y",
            "--read-only",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(command_words(&args), "add note x y");
        let args: Vec<String> = ["weft", "--keymap=k", "show", "Q1"]
            .map(String::from)
            .to_vec();
        assert_eq!(command_words(&args), "show Q1");
    }

    #[test]
    fn durations_read_as_written() {
        assert_eq!(duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(duration("5"), Ok(Duration::from_secs(5)));
        assert!(duration("0").is_err());
        assert!(duration("10x").unwrap_err().contains("unit"));
        assert!(duration("m").unwrap_err().contains("not a duration"));
        assert!(duration("99999999999999999999d").is_err());
    }

    #[test]
    fn every_command_that_reads_the_workspace_is_classed() {
        let class = |args: &[&str]| {
            let mut all = vec!["weft"];
            all.extend(args);
            Cli::try_parse_from(all).unwrap().command.unwrap().served()
        };
        assert_eq!(class(&["show", "Q1"]), Served::Reads);
        assert_eq!(class(&["gaps"]), Served::Reads);
        assert_eq!(class(&["gaps", "dismiss", "k"]), Served::Writes);
        assert_eq!(class(&["add", "note", "x"]), Served::Writes);
        assert_eq!(class(&["compact"]), Served::Alone);
        assert_eq!(class(&["man"]), Served::Local);
        assert_eq!(
            class(&["import-table", "f.csv", "--map", "m.toml"]),
            Served::Writes
        );
        assert_eq!(
            class(&["import-table", "f.csv", "--map", "m.toml", "--dry-run"]),
            Served::Reads
        );
    }
}
