//! Application state and `apply`: the one place where state changes.
//!
//! A key goes through [`App::on_key`]: an open overlay takes it first; otherwise the
//! keymap resolves it (with any pending chord) in the active scopes to a named
//! [`Command`], and [`App::apply`] runs it: global commands and list moves here, the
//! record keys in `record.rs`, the rest in the pane on screen (a component, `pane.rs`),
//! with a context (`cx.rs`). What the handlers push on the event queue is drained after
//! the key ([`App::drain`]).

pub mod ask;
mod background;
pub mod backlog;
pub mod cx;
pub mod drafts;
pub mod entities;
pub mod finder;
pub mod gaps;
pub mod help;
pub mod hypotheses;
pub mod input;
pub mod job;
pub mod links;
pub mod notes;
mod outcome;
pub mod overlay;
pub mod pane;
pub mod plan;
mod record;
pub mod related;
pub mod searchbuild;
pub mod timeline;
pub mod wording;

use crate::commands::{Command, Scope};
use crate::keymap::{Key, Keymap, Resolution};
use crate::store::{Committed, Store};
use input::LineInput;
use overlay::{FinderPurpose, Flow, Overlay};
pub use pane::{ListCursor, Move, PaneView};

/// Declares the [`App`] (its own fields, then one per pane), the [`Pane`] enum and the
/// dispatch from a pane to its state, from the list in `for_each_pane!`.
macro_rules! declare_app {
    (
        { $(#[$meta:meta])* pub struct App { $($(#[$fm:meta])* pub $f:ident: $ft:ty,)* } }
        $($var:ident $field:ident, $title:literal, $desc:literal;)*
    ) => {
        $(#[$meta])*
        pub struct App {
            $($(#[$fm])* pub $f: $ft,)*
            $(pub $field: $field::State,)*
        }

        /// The panes, in number-key order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Pane {
            $($var),*
        }

        impl Pane {
            pub const ALL: &'static [Pane] = &[$(Pane::$var),*];

            pub fn title(self) -> &'static str {
                match self {
                    $(Pane::$var => $title),*
                }
            }

            /// The pane's own keymap scope.
            pub fn scope(self) -> Scope {
                match self {
                    $(Pane::$var => Scope::$var),*
                }
            }
        }

        /// The app's own fields; [`App::assemble`] adds the panes, opened on the store.
        struct AppCore {
            $($f: $ft,)*
        }

        impl App {
            fn assemble(core: AppCore) -> crate::store::Result<App> {
                $(let $field = <$field::State as PaneView>::open(&core.store)?;)*
                let AppCore { $($f),* } = core;
                Ok(App { $($field,)* $($f),* })
            }

            /// A pane's state, as the app drives it.
            pub fn view_of(&self, pane: Pane) -> &dyn PaneView {
                match pane {
                    $(Pane::$var => &self.$field),*
                }
            }

            /// A pane's state to change, with the store to read.
            fn view_mut_of(&mut self, pane: Pane) -> (&mut dyn PaneView, &Store) {
                match pane {
                    $(Pane::$var => (&mut self.$field, &self.store)),*
                }
            }

            /// Runs `f` on a pane's state with the context its handlers reach; the
            /// events it pushes wait in the queue for [`App::drain`].
            fn with_pane<R>(
                &mut self,
                pane: Pane,
                f: impl FnOnce(&mut dyn PaneView, &mut Cx) -> R,
            ) -> R {
                let mut cx = Cx {
                    store: &mut self.store,
                    today: self.today,
                    size: self.size,
                    on_screen: pane == self.pane,
                    overlay: &mut self.overlay,
                    message: &mut self.message,
                    effect: &mut self.effect,
                    editor: self.editor.is_some(),
                    events: &mut self.events,
                    drafts: &mut self.drafts,
                };
                match pane {
                    $(Pane::$var => f(&mut self.$field, &mut cx)),*
                }
            }


            /// Tells the pane on screen that it has just come on screen.
            fn pane_focused(&mut self) {
                let selected: Vec<(Scope, Option<crate::model::Id>)> = Pane::ALL
                    .iter()
                    .map(|p| (p.scope(), self.view_of(*p).selected()))
                    .collect();
                self.with_pane(self.pane, |view, cx| view.on_focus(cx, &selected));
            }
        }
    };
}

impl Pane {
    /// The scopes whose bindings apply in this pane, most specific first.
    pub fn scopes(self) -> Vec<Scope> {
        vec![self.scope(), Scope::Record, Scope::List, Scope::Global]
    }

    /// The pane whose own scope is `scope`.
    fn of_scope(scope: Scope) -> Option<Pane> {
        Pane::ALL.iter().copied().find(|p| p.scope() == scope)
    }

    fn step(self, by: isize) -> Pane {
        let all = Pane::ALL;
        let at = all.iter().position(|p| *p == self).unwrap_or(0) as isize;
        all[(at + by).rem_euclid(all.len() as isize) as usize]
    }
}

pub use cx::{Cx, Effect, Event, Message};

/// Rows of screen taken by the tab bar, the pane header and the status line.
pub const CHROME_ROWS: u16 = 3;

crate::panes::for_each_pane! {
    declare_app
    /// The application: the store, the keymap, every pane's state (see `for_each_pane!`),
    /// the open overlay and what the status line says.
    pub struct App {
        pub store: Store,
        pub keymap: Keymap,
        pub pane: Pane,
        pub overlay: Option<Overlay>,
        /// The earlier steps of the flow the open box belongs to, newest last: `Esc`
        /// goes back to the previous one with what was typed or chosen there.
        pub overlay_back: Vec<Overlay>,
        pub pending: Vec<Key>,
        pub message: Option<Message>,
        pub quit: bool,
        /// `$VISUAL` or `$EDITOR`, when set: long text is edited there.
        pub editor: Option<String>,
        pub effect: Option<Effect>,
        /// The terminal size in cells (width, height).
        pub size: (u16, u16),
        /// Problems found in the keymap files, shown at start.
        pub keymap_problems: Vec<String>,
        /// Today's date for briefings and "past its review date" marks.
        pub today: chrono::NaiveDate,
        /// The finder's searches in a large workspace, on a thread of their own.
        pub finder: finder::FinderSearch,
        /// What crosses panes, waiting for [`App::drain`].
        pub events: Vec<Event>,
        /// The workspace's name, read once at start for the tab bar.
        pub name: String,
        /// What was typed in prompts and the inline editor and not saved, by box.
        pub drafts: drafts::Drafts,
    }
}

impl App {
    pub fn new(
        store: Store,
        keymap: Keymap,
        keymap_problems: Vec<String>,
    ) -> crate::store::Result<App> {
        let message = keymap_problems.first().map(|p| Message {
            text: if keymap_problems.len() > 1 {
                format!(
                    "keymap: {p} (and {} more; `weft keymap check`)",
                    keymap_problems.len() - 1
                )
            } else {
                format!("keymap: {p}")
            },
            error: true,
        });
        App::assemble(AppCore {
            keymap,
            pane: Pane::Backlog,
            overlay: None,
            overlay_back: Vec::new(),
            pending: Vec::new(),
            message,
            quit: false,
            editor: None,
            effect: None,
            size: (80, 24),
            keymap_problems,
            today: chrono::Local::now().date_naive(),
            finder: finder::FinderSearch::start(),
            events: Vec::new(),
            name: store.name(),
            drafts: drafts::Drafts::default(),
            store,
        })
    }

    /// The workspace's counters (records by kind and status), kept in memory by the
    /// store: what the pane headers count, with no read.
    pub fn counts(&self) -> &crate::store::State {
        self.store.state()
    }

    /// Whether the workspace refuses writes (open read-only, or damaged).
    pub fn read_only(&self) -> bool {
        self.store.writes_refused().is_some()
    }

    /// The workspace's name, as the tab bar shows it.
    pub fn workspace_name(&self) -> &str {
        &self.name
    }

    /// The context of the app's own handlers (record keys, the shared flows), which
    /// belong to no pane.
    pub fn cx(&mut self) -> Cx<'_> {
        Cx {
            store: &mut self.store,
            today: self.today,
            size: self.size,
            on_screen: false,
            overlay: &mut self.overlay,
            message: &mut self.message,
            effect: &mut self.effect,
            editor: self.editor.is_some(),
            events: &mut self.events,
            drafts: &mut self.drafts,
        }
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: false,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: true,
        });
    }

    /// Rows available to a pane's list.
    pub fn list_height(&self) -> usize {
        self.size.1.saturating_sub(CHROME_ROWS) as usize
    }

    pub fn resize(&mut self, w: u16, h: u16) {
        self.size = (w, h);
        self.scroll_into_view();
    }

    pub fn scopes(&self) -> Vec<Scope> {
        self.pane.scopes()
    }

    /// Handles one key press.
    pub fn on_key(&mut self, key: Key) {
        if self.overlay.is_none() {
            self.overlay_back.clear();
        }
        if let Some(mut ov) = self.overlay.take() {
            let outcome = ov.on_key(&key);
            self.overlay = Some(ov);
            self.overlay_outcome(outcome);
            self.drain();
            self.clamp_help();
            self.scroll_into_view();
            return;
        }
        self.pending.push(key);
        match self.keymap.resolve(&self.scopes(), &self.pending) {
            Resolution::Run(cmd) => {
                self.pending.clear();
                self.apply(cmd);
            }
            Resolution::Pending => {}
            Resolution::Unbound => {
                let keys: Vec<String> = self.pending.iter().map(|k| k.to_string()).collect();
                self.pending.clear();
                self.info(format!("{} is not bound here (? for help)", keys.join(" ")));
            }
        }
        self.scroll_into_view();
    }

    /// Keeps every pane's selection on screen, and lets the pane on screen fit itself
    /// to the width.
    pub(crate) fn scroll_into_view(&mut self) {
        let h = self.list_height();
        for p in Pane::ALL {
            self.view_mut_of(*p).0.keep_in_view(h);
        }
        let width = self.size.0 as usize;
        let (view, store) = self.view_mut_of(self.pane);
        if let Err(e) = view.on_shown(store, width) {
            self.error(e.to_string());
        }
    }

    /// Runs a named command: global ones and the list keys here, the record-scope keys on
    /// the selected record of the pane on screen (`record.rs`), the rest in the pane.
    pub fn apply(&mut self, cmd: Command) {
        let (pane, said) = (self.pane, self.message.clone());
        self.run_command(cmd);
        self.drain();
        if self.pane != pane {
            self.pane_focused();
            self.drain();
            // a message belongs to the pane it was said in: a new pane starts without it
            if self.message == said {
                self.message = None;
            }
        }
    }

    fn run_command(&mut self, cmd: Command) {
        match cmd {
            Command::Quit => self.quit = true,
            Command::NextPane => self.pane = self.pane.step(1),
            Command::PrevPane => self.pane = self.pane.step(-1),
            Command::Help => self.overlay = Some(Overlay::Help { scroll: 0 }),
            Command::Finder => self.open_finder(FinderPurpose::Jump),
            Command::Palette => {
                self.overlay = Some(Overlay::Palette {
                    input: LineInput::default(),
                    matches: self.palette_matches(""),
                    selected: 0,
                })
            }
            Command::Undo => self.undo(),
            Command::Redo => self.redo(),
            _ if cmd.info().scope == Scope::Record => {
                self.with_pane(self.pane, |view, cx| record::command(view, cmd, cx))
            }
            _ if Move::of(cmd).is_some() => {
                let (view, store) = self.view_mut_of(self.pane);
                let moved = Move::of(cmd).map_or(Ok(()), |m| view.go(store, m));
                if let Err(e) = moved {
                    self.error(e.to_string());
                }
            }
            Command::Show(scope) => {
                if let Some(p) = Pane::of_scope(scope) {
                    self.pane = p;
                }
            }
            _ => self.with_pane(self.pane, |view, cx| view.on_command(cmd, cx)),
        }
    }

    /// The record the record-scope keys `e`, `d`, `#` and `Q` act on in the pane on
    /// screen.
    pub fn selected_record(&self) -> Option<crate::model::Id> {
        self.view_of(self.pane).selected()
    }

    /// The active filter of the current pane, as the status line shows it.
    pub fn filter_description(&self) -> String {
        self.view_of(self.pane).filter_description()
    }

    fn undo(&mut self) {
        let what = self.store.undo_preview().ok().flatten();
        match self.store.undo() {
            Ok(Some((op, done))) => {
                self.after_change(&done);
                self.info(format!("undid {}", what.unwrap_or(op)));
            }
            Ok(None) => self.info("nothing to undo"),
            Err(e) => self.error(e.to_string()),
        }
    }

    fn redo(&mut self) {
        let what = self.store.redo_preview().ok().flatten();
        match self.store.redo() {
            Ok(Some((op, done))) => {
                self.after_change(&done);
                self.info(format!("redid {}", what.unwrap_or(op)));
            }
            Ok(None) => {
                self.info("nothing to redo: redo takes back an undo, until the next change")
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Brings every view in step with what an operation touched.
    pub fn after_change(&mut self, done: &Committed) {
        self.in_step(done, None)
    }

    /// Brings every view but the one of `synced` in step with what an operation
    /// touched.
    fn in_step(&mut self, done: &Committed, synced: Option<Scope>) {
        let mut failed = None;
        for p in Pane::ALL.iter().filter(|p| Some(p.scope()) != synced) {
            let (view, store) = self.view_mut_of(*p);
            if let Err(e) = view.on_committed(store, done) {
                failed.get_or_insert(e);
            }
        }
        if let Some(e) = failed {
            self.error(e.to_string());
        }
    }

    /// Handles what the handlers of this key pushed, oldest first: a committed change
    /// reaches every pane; anything else goes to the first pane that takes it.
    pub fn drain(&mut self) {
        while !self.events.is_empty() {
            let event = self.events.remove(0);
            match event {
                Event::Committed(done, synced) => self.in_step(&done, synced),
                Event::Focus(scope) => {
                    if let Some(p) = Pane::of_scope(scope) {
                        self.pane = p;
                    }
                }
                Event::Find(purpose) => self.open_finder(purpose),
                event => {
                    let taken = Pane::ALL
                        .iter()
                        .any(|p| self.with_pane(*p, |view, cx| view.on_event(&event, cx)));
                    if !taken {
                        self.untaken(event);
                    }
                }
            }
        }
    }

    /// Finishes a step of a pane's own flow in the pane that owns it.
    pub(crate) fn finish_step(&mut self, step: overlay::Step, value: String) {
        if let Some(p) = Pane::of_scope(step.owner) {
            self.with_pane(p, |view, cx| view.on_flow(&step, value, cx));
        }
    }

    /// Shows a record's timeline (`T`): an entity's or a question's, or a note in place.
    pub fn show_in_timeline(&mut self, id: crate::model::Id) {
        self.events.push(Event::ShowTimeline(id));
        self.drain();
    }

    /// Shows a record where it lives: a question or hypothesis in the Backlog, an entity
    /// or a note in its pane, a link in the Links pane.
    pub fn show(&mut self, id: crate::model::Id) {
        self.events.push(Event::Show(id));
        self.drain();
    }

    /// Walks the links around a record (`L`).
    pub fn show_in_links(&mut self, id: crate::model::Id) {
        self.events.push(Event::ShowLinks(id));
        self.drain();
    }

    /// Shows the shortest path between two records in the Links pane.
    pub fn show_path(&mut self, from: crate::model::Id, to: crate::model::Id) {
        self.events.push(Event::ShowPath(from, to));
        self.drain();
    }

    /// An event no pane took: editing a record no pane keeps (a question's title, a
    /// hypothesis's statement) is the app's own; anything else has nowhere to go.
    fn untaken(&mut self, event: Event) {
        if let Event::Edit(id) = event {
            record::edit(&mut self.cx(), id);
        }
    }

    /// Finishes what a submitted box was for: a pane's step in that pane, the rest
    /// here.
    pub fn finish(&mut self, flow: Flow, value: String) {
        match flow {
            Flow::Pane(step) => self.finish_step(step, value),
            Flow::Discard => self.discard(&value),
            flow => record::finish(&mut self.cx(), flow, value),
        }
        self.drain();
    }

    /// Every draft as it stands: those kept, and what is typed in the boxes open now
    /// (the run loop keeps them in the workspace).
    pub fn drafts_now(&self) -> std::collections::BTreeMap<overlay::DraftKey, drafts::Kept> {
        self.drafts
            .now(self.overlay_back.iter().chain(self.overlay.iter()))
    }

    /// Takes the pending effect for the run loop.
    pub fn take_effect(&mut self) -> Option<Effect> {
        self.effect.take()
    }
}
