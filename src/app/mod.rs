//! Application state and `apply`: the one place where state changes.
//!
//! A key goes through [`App::on_key`]: an open overlay takes it first; otherwise the
//! keymap resolves it (with any pending chord) in the active scopes to a named
//! [`Command`], and [`App::apply`] runs it against the state and the store.

mod actions;
mod ask;
pub mod backlog;
pub mod entities;
pub mod input;
pub mod links;
pub mod notes;
pub mod overlay;
pub mod run;
pub mod timeline;

use crate::commands::{Command, Scope};
use crate::keymap::{Key, Keymap, Resolution};
use crate::store::{Committed, Store};
use backlog::BacklogState;
use entities::EntitiesState;
use input::LineInput;
use links::LinksState;
use notes::NotesState;
use overlay::{FinderPurpose, Flow, Outcome, Overlay};
use timeline::TimelineState;

/// The panes, in number-key order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Backlog,
    Timeline,
    Links,
    Entities,
    Notes,
}

impl Pane {
    pub const ALL: [Pane; 5] = [
        Pane::Backlog,
        Pane::Timeline,
        Pane::Links,
        Pane::Entities,
        Pane::Notes,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Backlog => "Backlog",
            Pane::Timeline => "Timeline",
            Pane::Links => "Links",
            Pane::Entities => "Entities",
            Pane::Notes => "Notes",
        }
    }

    /// The pane's own keymap scope.
    pub fn scope(self) -> Scope {
        match self {
            Pane::Backlog => Scope::Backlog,
            Pane::Timeline => Scope::Timeline,
            Pane::Links => Scope::Links,
            Pane::Entities => Scope::Entities,
            Pane::Notes => Scope::Notes,
        }
    }

    /// The scopes whose bindings apply in this pane, most specific first.
    pub fn scopes(self) -> Vec<Scope> {
        vec![self.scope(), Scope::Record, Scope::List, Scope::Global]
    }

    fn step(self, by: isize) -> Pane {
        let all = Pane::ALL;
        let at = all.iter().position(|p| *p == self).unwrap_or(0) as isize;
        all[(at + by).rem_euclid(all.len() as isize) as usize]
    }
}

/// The last thing the app has to say, shown in the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

/// Work the run loop must do outside the app because it needs the terminal.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Edit `text` in the external editor, then finish `flow` with the result.
    ExternalEdit { text: String, flow: Flow },
}

/// Whether a change to `ids` touches the detail view of `me`, whose rows are given as
/// (link, record at its other end): the record itself, a row's link or far record, or a
/// new link to or from `me`. Then the view must be read again.
pub(crate) fn detail_touched(
    store: &Store,
    me: crate::model::Id,
    ids: &[crate::model::Id],
    rows: &[(crate::model::Id, crate::model::Id)],
) -> crate::store::Result<bool> {
    use crate::model::{Kind, Record};
    for id in ids {
        let touched = *id == me
            || match id.kind {
                Kind::Link => {
                    rows.iter().any(|(link, _)| link == id)
                        || matches!(store.get(*id)?, Some(Record::Link(l)) if l.from == me || l.to == me)
                }
                _ => rows.iter().any(|(_, target)| target == id),
            };
        if touched {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Rows of screen taken by the tab bar, the pane header and the status line.
pub const CHROME_ROWS: u16 = 3;

pub struct App {
    pub store: Store,
    pub keymap: Keymap,
    pub pane: Pane,
    pub backlog: BacklogState,
    pub timeline: TimelineState,
    pub links: LinksState,
    pub entities: EntitiesState,
    pub notes: NotesState,
    pub overlay: Option<Overlay>,
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
}

impl App {
    pub fn new(
        store: Store,
        keymap: Keymap,
        keymap_problems: Vec<String>,
    ) -> crate::store::Result<App> {
        let backlog = BacklogState::load(&store)?;
        let timeline = TimelineState::load(&store)?;
        let entities = EntitiesState::load(&store)?;
        let notes = NotesState::load(&store)?;
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
        Ok(App {
            store,
            keymap,
            pane: Pane::Backlog,
            backlog,
            timeline,
            links: LinksState::default(),
            entities,
            notes,
            overlay: None,
            pending: Vec::new(),
            message,
            quit: false,
            editor: None,
            effect: None,
            size: (80, 24),
            keymap_problems,
            today: chrono::Local::now().date_naive(),
        })
    }

    /// The workspace's short name: its directory's last component.
    pub fn workspace_name(&self) -> String {
        let p = self.store.path();
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name == "workspace" {
            // the demo keeps its workspace in weft-demo-XXXX/workspace
            p.parent()
                .and_then(|q| q.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or(name)
        } else {
            name
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
        if let Some(mut ov) = self.overlay.take() {
            let outcome = ov.on_key(&key);
            self.overlay = Some(ov);
            self.overlay_outcome(outcome);
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

    /// Keeps every pane's selection on screen.
    fn scroll_into_view(&mut self) {
        let h = self.list_height();
        self.backlog.scroll_into_view(h);
        self.timeline.scroll_into_view(h);
        self.links.scroll_into_view(h);
        self.entities.scroll_into_view(h);
        self.notes.scroll_into_view(h);
        // the density strip has one bucket per column: refit it after a resize
        if self.pane == Pane::Timeline && self.timeline.width != self.size.0 as usize {
            self.settle_timeline();
        }
    }

    /// Runs a named command.
    pub fn apply(&mut self, cmd: Command) {
        match cmd {
            Command::Quit => self.quit = true,
            Command::NextPane => self.pane = self.pane.step(1),
            Command::PrevPane => self.pane = self.pane.step(-1),
            Command::PaneBacklog => self.pane = Pane::Backlog,
            Command::PaneTimeline => self.pane = Pane::Timeline,
            Command::PaneLinks => self.pane = Pane::Links,
            Command::PaneEntities => self.pane = Pane::Entities,
            Command::PaneNotes => self.pane = Pane::Notes,
            Command::ShowLinks => {
                if let Some(id) = self.selected_record() {
                    self.show_in_links(id);
                }
            }
            Command::ShowTimeline => {
                if let Some(id) = self.selected_record() {
                    self.show_in_timeline(id);
                }
            }
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
            Command::Back if self.pane == Pane::Backlog => {
                if self.backlog.detail.take().is_none() && !self.backlog.filter.is_empty() {
                    self.backlog.filter = Default::default();
                    self.backlog.rebuild();
                    self.info("filter cleared");
                }
            }
            other => match self.pane {
                Pane::Backlog => self.apply_backlog(other),
                Pane::Timeline => self.apply_timeline(other),
                Pane::Links => self.apply_links(other),
                Pane::Entities => self.apply_entities(other),
                Pane::Notes => self.apply_notes(other),
            },
        }
    }

    /// The record the record-scope keys (`L`, `T`, `l`, `e`, `d`, `#`) act on in the
    /// current pane.
    pub fn selected_record(&self) -> Option<crate::model::Id> {
        match self.pane {
            Pane::Backlog => self.backlog_target(),
            Pane::Timeline => self.timeline.selected_record(),
            Pane::Links => self.links.selected_record(),
            Pane::Entities => self.entities.selected_record(),
            Pane::Notes => self.notes.selected_record(),
        }
    }

    /// The active filter of the current pane, as the status line shows it.
    pub fn filter_description(&self) -> String {
        match self.pane {
            Pane::Backlog => self.backlog.filter.describe(),
            Pane::Timeline => self.timeline.describe_filter(),
            Pane::Links => String::new(),
            Pane::Entities => self.entities.describe_filter(),
            Pane::Notes => self.notes.describe_filter(),
        }
    }

    fn undo(&mut self) {
        match self.store.undo() {
            Ok(Some((op, done))) => {
                self.after_change(&done);
                self.info(format!("undid {op} ({} records)", done.ids.len()));
            }
            Ok(None) => self.info("nothing to undo"),
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Brings every view in step with what an operation touched.
    pub fn after_change(&mut self, done: &Committed) {
        let results = [
            self.backlog.refresh(&self.store, &done.ids),
            self.timeline.refresh(&self.store, &done.ids),
            self.links.refresh(&self.store, &done.ids),
            self.entities.refresh(&self.store, &done.ids),
            self.notes.refresh(&self.store, &done.ids),
        ];
        if let Some(Err(e)) = results.into_iter().find(|r| r.is_err()) {
            self.error(e.to_string());
        }
    }

    pub fn open_finder(&mut self, purpose: FinderPurpose) {
        self.overlay = Some(Overlay::Finder {
            input: LineInput::default(),
            hits: Vec::new(),
            selected: 0,
            purpose,
            pool: Vec::new(),
            pool_query: String::new(),
        });
    }

    /// Commands for the palette whose name or description matches `query`, best first.
    pub fn palette_matches(&self, query: &str) -> Vec<Command> {
        use fuzzy_matcher::skim::SkimMatcherV2;
        use fuzzy_matcher::FuzzyMatcher;
        let m = SkimMatcherV2::default().ignore_case();
        let mut scored: Vec<(i64, usize, Command)> = crate::commands::REGISTRY
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                if query.is_empty() {
                    return Some((0, i, c.command));
                }
                let text = format!("{} {}", c.name, c.description);
                m.fuzzy_match(&text, query).map(|s| (-s, i, c.command))
            })
            .collect();
        scored.sort();
        scored.into_iter().map(|(_, _, c)| c).collect()
    }

    fn overlay_outcome(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Close => self.overlay = None,
            Outcome::Stay(changed) => {
                if changed {
                    self.refresh_overlay_results();
                }
            }
            Outcome::Submit(value) => {
                let Some(ov) = self.overlay.take() else {
                    return;
                };
                match ov {
                    Overlay::Prompt { flow, .. }
                    | Overlay::Pick { flow, .. }
                    | Overlay::Confirm { flow, .. }
                    | Overlay::Editor { flow, .. } => self.finish(flow, value),
                    Overlay::Finder { purpose, .. } => match value.parse() {
                        Ok(id) => self.finder_chose(purpose, id),
                        Err(e) => self.error(format!("{e}")),
                    },
                    Overlay::Palette { .. } => {
                        if let Some(cmd) = Command::from_name(&value) {
                            self.apply(cmd);
                        }
                    }
                    Overlay::Help { .. } => {}
                }
            }
        }
    }

    fn refresh_overlay_results(&mut self) {
        match &self.overlay {
            Some(Overlay::Finder { .. }) => self.refresh_finder(),
            Some(Overlay::Palette { input, .. }) => {
                let found = self.palette_matches(input.text());
                if let Some(Overlay::Palette { matches, .. }) = &mut self.overlay {
                    *matches = found;
                }
            }
            _ => {}
        }
    }

    /// Re-runs the finder's search. A query that extends the previous one re-scores the
    /// previous matches only, so typing narrows without reading the index again.
    fn refresh_finder(&mut self) {
        let Some(Overlay::Finder {
            input,
            pool,
            pool_query,
            ..
        }) = &mut self.overlay
        else {
            return;
        };
        let query = input.text().to_string();
        let narrows = !pool_query.is_empty()
            && query.starts_with(pool_query.as_str())
            && !crate::model::Id::looks_like(query.trim());
        let found = if query.trim().is_empty() {
            Ok(Vec::new())
        } else if narrows {
            Ok(crate::store::rescore(pool, &query))
        } else {
            self.store.search_all(&query).map(|mut all| {
                crate::store::rank(&mut all);
                all
            })
        };
        let found = match found {
            Ok(f) => f,
            Err(e) => return self.error(e.to_string()),
        };
        let shown: Vec<(crate::model::Id, String)> = found
            .iter()
            .take(200)
            .map(|h| {
                let title = self
                    .store
                    .get(h.id)
                    .ok()
                    .flatten()
                    .map(|r| r.title())
                    .unwrap_or_else(|| h.text.clone());
                (h.id, title)
            })
            .collect();
        if let Some(Overlay::Finder {
            hits,
            pool,
            pool_query,
            ..
        }) = &mut self.overlay
        {
            *hits = shown;
            *pool = found;
            *pool_query = query;
        }
    }

    /// Takes the pending effect for the run loop.
    pub fn take_effect(&mut self) -> Option<Effect> {
        self.effect.take()
    }
}
