//! The run loop: sets the terminal up, draws only after input or a resize, runs the
//! external editor on drafts kept in the workspace, keeps the drafts of weft's own boxes
//! there as they are typed (`kept.rs`), and restores the terminal on every way out
//! (normal exit, panic, every signal that would end the process, a terminal that goes
//! away).

mod drafts;
mod editor;
mod kept;
mod terminal;

use crate::app::overlay::Flow;
use crate::app::{App, Effect};
use crate::keymap::{Key, KeyCode, Keymap};
use crate::serve::Serving;
use crate::store::Store;
use crate::ui::{self, Theme};
use drafts::{Draft, Target};
use ratatui::crossterm::event::{self, Event};
use std::collections::VecDeque;
use std::path::Path;
use std::sync::MutexGuard;
use terminal::Screen;

/// Runs the interface on an open workspace until the user quits. `welcome` is shown on
/// the status line at start, unless a keymap problem or a draft left by an earlier
/// session needs it.
pub fn run(
    store: Store,
    keymap_path: Option<&Path>,
    welcome: Option<String>,
    serving: Result<Box<dyn Serving>, String>,
) -> Result<(), String> {
    let (keymap, problems) = Keymap::load(keymap_path);
    let problems: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    let mut app = App::new(store, keymap, problems).map_err(|e| e.to_string())?;
    if let (None, Some(w)) = (&app.message, welcome) {
        app.info(w);
    }
    app.editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty());
    let mut offers = Offers::default();
    // drafts are finished by writing (and tidied by deleting): not in a workspace that
    // refuses changes
    let writable = app.store.writes_refused().is_none();
    let drafts = match writable {
        false => Ok(Vec::new()),
        true => drafts::left(app.store.path()),
    };
    let before = if writable { keep_typed(&mut app) } else { None };
    match drafts {
        Ok(left) => offers.queue = left.into(),
        Err(e) => app.error(format!(
            "cannot read the drafts in {}: {e}",
            drafts::dir(app.store.path()).display()
        )),
    }
    match before {
        Some(said) if offers.queue.is_empty() => app.info(said),
        Some(said) => offers.show(&mut app, &format!("{said}; ")),
        None => offers.show(&mut app, ""),
    }
    let theme = Theme::from_env();
    terminal::watch_signals()?;
    terminal::watch_hangup()?;
    let mut screen = Screen::enter().map_err(|e| format!("cannot start the terminal: {e}"))?;
    let holder = match serving {
        Ok(h) => Some(h),
        Err(e) => {
            app.error(e);
            None
        }
    };
    let result = event_loop(&mut app, theme, &mut screen, &mut offers, holder.as_deref());
    drop(screen);
    if let Some(h) = &holder {
        // a command from the command line that is changing the workspace finishes
        // first, with the store; the socket goes before the workspace is let go
        if let Some(what) = h.writing() {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "weft: waiting for `weft {what}` to finish changing the workspace"
            );
        }
        h.finish(&mut app.store);
    }
    drop(holder);
    // whatever ends the loop, the drafts are kept
    kept::note(app.drafts_now());
    let unkept = kept::save_last();
    match result {
        // the terminal went away: there is nobody to tell. The workspace is let go (as
        // `app` and its store drop) and weft exits as SIGHUP has it, whichever of the
        // two it noticed first.
        Err(_) if terminal::hung_up() => {
            drop(app);
            std::process::exit(terminal::EXIT_HANGUP)
        }
        Ok(()) => unkept.map_or(Ok(()), Err),
        r => r,
    }
}

/// Takes in the drafts of weft's own boxes kept in the workspace by earlier sessions and
/// starts keeping them there; returns what to say about them.
fn keep_typed(app: &mut App) -> Option<String> {
    let (found, problems) = match kept::load(app.store.path()) {
        Ok(f) => f,
        Err(e) => {
            // nothing is written over what could not be read
            return Some(format!(
                "cannot read the drafts in {}: {e}; what you type now is kept for this session only",
                drafts::dir(app.store.path()).display()
            ));
        }
    };
    kept::start(app.store.path(), &found);
    for (key, draft) in &found {
        app.drafts.keep(key.clone(), draft.clone());
    }
    if let Some(p) = problems.first() {
        return Some(p.clone());
    }
    let (_, first) = found.first_key_value()?;
    // "New note", not the hint that follows it in the editor's title
    let title = first.title.split(": ").next().unwrap_or_default();
    Some(match found.len() {
        1 => {
            format!("a draft from before is kept for “{title}”: it comes back when that box opens")
        }
        n => format!(
            "{n} drafts from before are kept (“{title}”…): each comes back when its box opens"
        ),
    })
}

/// How often the loop looks for a background result while one is pending.
const BACKGROUND_POLL: std::time::Duration = std::time::Duration::from_millis(50);

fn event_loop(
    app: &mut App,
    theme: Theme,
    screen: &mut Screen,
    offers: &mut Offers,
    holder: Option<&dyn Serving>,
) -> Result<(), String> {
    let size = screen.terminal().size().map_err(|e| e.to_string())?;
    app.resize(size.width, size.height);
    loop {
        {
            let _busy = terminal::busy();
            screen
                .terminal()
                .draw(|f| ui::render(app, theme, f))
                .map_err(|e| format!("cannot draw: {e}"))?;
        }
        // Block until something happens: no timer, no idle redraw. Signals and a
        // hang-up are handled meanwhile on their own threads. Only while a background
        // run (the gap hunter) is under way does the loop wake to look for its result.
        // Drafts typed in a box are written once typing pauses.
        let key = loop {
            let background = app.background_pending();
            let wait = match (background, kept::due()) {
                (true, due) => Some(due.map_or(BACKGROUND_POLL, |d| d.min(BACKGROUND_POLL))),
                (false, due) => due,
            };
            let ready = wait_input(holder, wait)?;
            if ready == Ready::Request {
                let _busy = terminal::busy();
                if let Some(h) = holder {
                    serve_commands(app, h);
                }
                break None;
            }
            if ready == Ready::Timeout {
                let _busy = terminal::busy();
                if kept::due().is_some_and(|d| d.is_zero()) {
                    if let Some(e) = kept::save() {
                        app.error(e);
                        break None;
                    }
                }
                if background && app.poll_background() {
                    break None;
                }
                continue;
            }
            match event::read().map_err(|e| format!("cannot read the terminal: {e}"))? {
                Event::Key(k) => {
                    if let Some(key) = Key::from_event(&k) {
                        break Some(key);
                    }
                }
                Event::Resize(w, h) => {
                    let _busy = terminal::busy();
                    app.resize(w, h);
                    break None;
                }
                _ => {}
            }
        };
        let mut busy = terminal::busy();
        if let Some(key) = key {
            crash_switch(&key);
            match offers.answer(app, &key) {
                Answer::NotMine => app.on_key(key),
                Answer::Done => {}
                Answer::Reopen(draft, flow) => {
                    busy = edit_draft(app, screen, busy, &draft, flow, holder)?;
                    offers.show(app, "");
                }
            }
        }
        if let Some(Effect::ExternalEdit {
            text,
            base,
            flow,
            draft: typed,
        }) = app.take_effect()
        {
            // the edit could never be saved: refused before the editor opens
            if let Some(why) = app.store.writes_refused() {
                let why = why.to_string();
                app.error(why);
            } else {
                match Draft::create(app.store.path(), Target::of(&flow), &base, &text) {
                    Ok(draft) => {
                        // the editor's draft holds the text typed earlier now
                        if let Some(key) = typed {
                            app.drafts.forget(&key);
                        }
                        busy = edit_draft(app, screen, busy, &draft, flow, holder)?
                    }
                    Err(e) => app.error(format!(
                        "cannot keep a draft in {}: {e}; nothing edited",
                        drafts::dir(app.store.path()).display()
                    )),
                }
            }
        }
        kept::note(app.drafts_now());
        drop(busy);
        if app.quit {
            return Ok(());
        }
    }
}

/// What ended a wait for input.
#[derive(Debug, PartialEq, Eq)]
enum Ready {
    /// The terminal has input (or crossterm holds events already read).
    Input,
    /// A command from another process waits to be served.
    Request,
    /// The wait's time ran out.
    Timeout,
}

/// Waits for the terminal, for a command to serve, or for `wait` (forever when `None`).
/// crossterm reads the terminal in its own buffer, so its queue is asked first; then
/// the terminal and the holder's waker are waited on together. A signal (a resize)
/// ends the wait, and crossterm's queue then holds the resize.
fn wait_input(
    holder: Option<&dyn Serving>,
    wait: Option<std::time::Duration>,
) -> Result<Ready, String> {
    use rustix::event::{poll, PollFd, PollFlags, Timespec};
    let cannot = |e: std::io::Error| format!("cannot read the terminal: {e}");
    let Some(holder) = holder else {
        return match wait {
            None => Ok(Ready::Input),
            Some(w) => Ok(if event::poll(w).map_err(cannot)? {
                Ready::Input
            } else {
                Ready::Timeout
            }),
        };
    };
    let stdin = std::io::stdin();
    loop {
        if event::poll(std::time::Duration::ZERO).map_err(cannot)? {
            return Ok(Ready::Input);
        }
        let timeout = wait.map(|w| {
            Timespec::try_from(w).unwrap_or(Timespec {
                tv_sec: i64::MAX,
                tv_nsec: 0,
            })
        });
        let mut fds = [
            PollFd::new(&stdin, PollFlags::IN),
            PollFd::from_borrowed_fd(holder.fd(), PollFlags::IN),
        ];
        match poll(&mut fds, timeout.as_ref()) {
            Ok(0) => return Ok(Ready::Timeout),
            Ok(_) if !fds[1].revents().is_empty() => return Ok(Ready::Request),
            // input, or a hang-up crossterm will report: its queue is asked again
            Ok(_) => continue,
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(cannot(e.into())),
        }
    }
}

/// Serves the commands waiting, and brings every pane in step with what they changed.
fn serve_commands(app: &mut App, holder: &dyn Serving) {
    for why in holder.refusals() {
        app.error(why);
    }
    let was_writing = holder.writing();
    let ran = holder.serve(&mut app.store);
    took_in(app, ran);
    if let Some(what) = holder.writing() {
        if was_writing.as_ref() != Some(&what) {
            app.info(format!(
                "command line: {} is changing the workspace: changes made here are refused until it is done",
                crate::model::text::truncate(&what, 50)
            ));
        }
    }
}

/// Brings every pane in step with what commands from the command line changed, and
/// says what each did.
fn took_in(app: &mut App, ran: Vec<crate::serve::Ran>) {
    for ran in ran {
        for done in &ran.done {
            app.after_change(done);
        }
        let created = ran.done.iter().flat_map(|d| d.created.iter());
        let mut made: Vec<String> = created.clone().take(3).map(|id| id.to_string()).collect();
        let more = created.count().saturating_sub(made.len());
        if more > 0 {
            made.push(format!("{more} more"));
        }
        let what = crate::model::text::truncate(&ran.command, 50).into_owned();
        let said = match (ran.code, made.is_empty()) {
            (0, true) => format!("command line: {what}"),
            (0, false) => format!("command line: {what} → {}", made.join(", ")),
            (code, _) => format!("command line: {what} (failed, exit {code})"),
        };
        app.info(said);
    }
}

/// Waits up to `wait` for a request to the holder; true when one came.
fn wait_request(holder: &dyn Serving, wait: std::time::Duration) -> bool {
    use rustix::event::{poll, PollFd, PollFlags, Timespec};
    let timeout = Timespec::try_from(wait).ok();
    let mut fds = [PollFd::from_borrowed_fd(holder.fd(), PollFlags::IN)];
    matches!(poll(&mut fds, timeout.as_ref()), Ok(n) if n > 0)
}

/// Edits a draft in the external editor and finishes `flow` with its text. The draft
/// is deleted once its text is saved or holds nothing new; otherwise (the editor
/// failed, the change was refused) it stays and is offered again next time. The main
/// thread is idle while the editor runs: `busy` is let go and taken again.
fn edit_draft(
    app: &mut App,
    screen: &mut Screen,
    busy: MutexGuard<'static, ()>,
    draft: &Draft,
    flow: Flow,
    holder: Option<&dyn Serving>,
) -> Result<MutexGuard<'static, ()>, String> {
    let editor = app.editor.clone().unwrap_or_else(|| "vi".into());
    screen.suspend();
    drop(busy);
    terminal::editing(true);
    // commands from the command line are served while the editor runs; the panes
    // take in what they changed once it is done
    let mut served = Vec::new();
    let ran = editor::edit_while(&editor, &draft.path, || match holder {
        Some(h) => {
            if wait_request(h, std::time::Duration::from_millis(100)) {
                served.extend(h.serve(&mut app.store));
            }
        }
        None => std::thread::sleep(std::time::Duration::from_millis(50)),
    });
    terminal::editing(false);
    took_in(app, served);
    let busy = terminal::busy();
    screen
        .resume()
        .map_err(|e| format!("cannot restart the terminal: {e}"))?;
    let kept = "your text is kept as a draft and offered again next time";
    let text = match draft.text() {
        Ok(t) => t,
        Err(e) => {
            app.error(format!(
                "cannot read the draft {}: {e}",
                draft.path.display()
            ));
            return Ok(busy);
        }
    };
    let discard = |app: &mut App| {
        if let Err(e) = draft.discard() {
            app.error(format!(
                "cannot delete the draft {}: {e}",
                draft.path.display()
            ));
        }
    };
    match ran {
        Err(e) if draft.is_new(&text) => app.error(format!("{e}; {kept}")),
        Err(e) => {
            app.error(format!("{e}; nothing saved"));
            discard(app);
        }
        Ok(()) if !draft.is_new(&text) => {
            app.info("unchanged");
            discard(app);
        }
        Ok(()) => {
            app.message = None;
            app.finish(flow, text.trim_end().to_string());
            match &app.message {
                Some(m) if m.error && !text.trim().is_empty() => {
                    let refused = format!("{}; {kept}", m.text);
                    app.error(refused);
                }
                _ => discard(app),
            }
        }
    }
    Ok(busy)
}

/// Drafts left by earlier sessions, offered one at a time on the status line.
#[derive(Default)]
struct Offers {
    queue: VecDeque<Draft>,
}

enum Answer {
    /// The key is the interface's.
    NotMine,
    /// The key answered the offer.
    Done,
    /// Reopen this draft in the editor, then finish this flow.
    Reopen(Box<Draft>, Flow),
}

impl Offers {
    /// Shows the next draft on the status line, after `before` when not empty.
    fn show(&self, app: &mut App, before: &str) {
        let Some(d) = self.queue.front() else {
            return;
        };
        let count = if self.queue.len() > 1 {
            format!(" 1 of {}", self.queue.len())
        } else {
            String::new()
        };
        app.info(format!(
            "{before}unsaved draft{count} (r reopen · d discard · esc keep): {}",
            d.describe()
        ));
    }

    fn answer(&mut self, app: &mut App, key: &Key) -> Answer {
        if self.queue.is_empty() {
            return Answer::NotMine;
        }
        let plain = !key.ctrl && !key.alt;
        match key.code {
            KeyCode::Char('r') if plain => {
                let Some(d) = self.queue.pop_front() else {
                    return Answer::NotMine;
                };
                match d.meta.target.flow() {
                    Some(flow) => Answer::Reopen(Box::new(d), flow),
                    None => {
                        let text = format!(
                            "this version cannot finish that draft: its text stays in {}",
                            d.path.display()
                        );
                        self.queue.clear();
                        app.error(text);
                        Answer::Done
                    }
                }
            }
            KeyCode::Char('d') if plain => {
                if let Some(d) = self.queue.pop_front() {
                    match d.discard() {
                        Ok(()) => self.show(app, "draft discarded; "),
                        Err(e) => {
                            app.error(format!("cannot delete {}: {e}", d.path.display()));
                            return Answer::Done;
                        }
                    }
                    if self.queue.is_empty() {
                        app.info("draft discarded");
                    }
                }
                Answer::Done
            }
            KeyCode::Esc => {
                let n = self.queue.len();
                let dir = drafts::dir(app.store.path());
                let what = if n == 1 { "draft" } else { "drafts" };
                app.info(format!("{what} kept for next time, in {}", dir.display()));
                self.queue.clear();
                Answer::Done
            }
            // any other key keeps the drafts for next time and goes to the interface
            _ => {
                self.queue.clear();
                Answer::NotMine
            }
        }
    }
}

/// Debug builds only: `WEFT_DEBUG_PANIC_KEY=X` panics when X is pressed, so a test can
/// prove the terminal is restored after a panic in a real process. Release builds have
/// no such switch.
fn crash_switch(key: &Key) {
    #[cfg(debug_assertions)]
    if let Some(k) = std::env::var_os("WEFT_DEBUG_PANIC_KEY") {
        if k.to_str() == Some(key.to_string().as_str()) {
            panic!("deliberate panic (WEFT_DEBUG_PANIC_KEY) to test terminal restore");
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = key;
}
