//! What a pane's handlers reach while they run (the component context): the store, the
//! status line, the boxes that open over the pane, and the app's event queue.
//!
//! A pane never names another pane: what crosses panes (show a record where it lives,
//! a committed change, start a link) is an [`Event`] pushed here and drained by the app
//! after the key, which offers it to every pane.

use super::input::LineInput;
use super::overlay::{Choice, DraftKey, FinderPurpose, Flow, Overlay};
use crate::commands::Scope;
use crate::model::Id;
use crate::store::{Committed, Result as StoreResult, Store};

/// The last thing the app has to say, shown in the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

/// Work the run loop must do outside the app because it needs the terminal.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Edit `text` in the external editor, then finish `flow` with the result. `base`
    /// is the value as it stands; `text` differs when it is a draft typed earlier.
    ExternalEdit {
        text: String,
        base: String,
        flow: Flow,
        /// The draft `text` comes from: the editor's own draft holds it from then on.
        draft: Option<DraftKey>,
    },
}

/// Something that crosses panes, drained by the app after each key.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A write committed: every pane brings itself in step, but the one named, which
    /// already has (the pane that wrote, reading what it wrote at once).
    Committed(Committed, Option<Scope>),
    /// Show a record where it lives: the pane that keeps its kind takes it.
    Show(Id),
    /// Walk the links around a record (`L`).
    ShowLinks(Id),
    /// The timeline of a record (`T`).
    ShowTimeline(Id),
    /// The shortest path between two records.
    ShowPath(Id, Id),
    /// Link a record to one the analyst finds (`l`).
    StartLink(Id),
    /// Edit a record (`e`): the pane that edits its kind takes it.
    Edit(Id),
    /// A gap suggestion was dealt with outside the Gaps pane (accepted as a question).
    GapDealt(String),
    /// Open the finder for a purpose.
    Find(FinderPurpose),
    /// Bring a pane on screen.
    Focus(Scope),
    /// Set what was found for an expectation: the pane that weighs it asks.
    CheckExpectation(Id),
}

/// A pane's handlers' view of the app: see the module documentation.
pub struct Cx<'a> {
    pub store: &'a mut Store,
    /// Today's date, for review marks and briefings.
    pub today: chrono::NaiveDate,
    /// The terminal size in cells (width, height).
    pub size: (u16, u16),
    /// Whether the pane handling this is the one on screen.
    pub on_screen: bool,
    pub(super) overlay: &'a mut Option<Overlay>,
    pub(super) message: &'a mut Option<Message>,
    pub(super) effect: &'a mut Option<Effect>,
    pub(super) editor: bool,
    pub(super) events: &'a mut Vec<Event>,
    pub(super) drafts: &'a mut super::drafts::Drafts,
}

impl Cx<'_> {
    pub fn info(&mut self, text: impl Into<String>) {
        *self.message = Some(Message {
            text: text.into(),
            error: false,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        *self.message = Some(Message {
            text: text.into(),
            error: true,
        });
    }

    /// Pushes an event for the app to drain after this key.
    pub fn emit(&mut self, event: Event) {
        self.events.push(event);
    }

    /// Tells every pane what a write did.
    pub fn committed(&mut self, done: Committed) {
        self.emit(Event::Committed(done, None));
    }

    /// Opens a box over the pane: a prompt or the inline editor left with text typed
    /// in it opens with that text, its draft, in place of what weft proposes.
    pub fn open(&mut self, mut overlay: Overlay) {
        if let Some(kept) = overlay.draft_key().and_then(|k| self.drafts.get(&k)) {
            overlay.offer_draft(&kept.text);
        }
        *self.overlay = Some(overlay);
    }

    pub fn prompt(&mut self, title: &str, hint: &str, initial: &str, flow: Flow) {
        self.open(Overlay::Prompt {
            title: title.to_string(),
            hint: hint.to_string(),
            input: LineInput::proposed(initial),
            flow,
        });
    }

    pub fn pick(&mut self, title: &str, choices: Vec<Choice>, selected: usize, flow: Flow) {
        self.open(Overlay::Pick {
            title: title.to_string(),
            choices,
            selected,
            flow,
        });
    }

    pub fn confirm(&mut self, message: impl Into<String>, flow: Flow) {
        self.open(Overlay::Confirm {
            message: message.into(),
            flow,
        });
    }

    /// Long text goes to `$VISUAL`/`$EDITOR` when set, else to the inline editor. Either
    /// starts from the draft kept for the edit, if there is one.
    pub fn edit_long(&mut self, title: &str, text: String, flow: Flow) {
        if self.editor {
            let key = DraftKey::editor(title);
            let draft = self.drafts.get(&key).map(|d| d.text.clone());
            *self.effect = Some(Effect::ExternalEdit {
                text: draft.clone().unwrap_or_else(|| text.clone()),
                base: text,
                flow,
                draft: draft.map(|_| key),
            });
            return;
        }
        self.open(Overlay::Editor {
            title: super::overlay::editor_title(title),
            area: Box::new(super::overlay::text_area(&text)),
            initial: text,
            flow,
            draft: false,
        });
    }

    /// Says how a store operation went: `done` of its result, or the error.
    pub fn report<T>(
        &mut self,
        result: StoreResult<T>,
        done: impl FnOnce(&T) -> String,
    ) -> Option<T> {
        match result {
            Ok(v) => {
                self.info(done(&v));
                Some(v)
            }
            Err(e) => {
                self.error(e.to_string());
                None
            }
        }
    }

    /// Sets fields of a record from text, tells every pane and says what changed.
    pub fn set(&mut self, id: Id, fields: &[(&str, &str)]) -> bool {
        self.set_with(id, fields, false)
    }

    /// [`Cx::set`] as a later step of the action committed just before (a new
    /// hypothesis's likelihood): one undo reverts both.
    pub fn set_continuing(&mut self, id: Id, fields: &[(&str, &str)]) -> bool {
        self.set_with(id, fields, true)
    }

    fn set_with(&mut self, id: Id, fields: &[(&str, &str)], continuing: bool) -> bool {
        let pairs: Vec<(String, String)> = fields
            .iter()
            .map(|(f, v)| (f.to_string(), v.to_string()))
            .collect();
        let summary: Vec<String> = fields
            .iter()
            .filter(|(f, _)| !matches!(*f, "detail" | "answer"))
            .map(|(f, v)| format!("{f} {}", in_words(f, v)))
            .collect();
        let result = if continuing {
            self.store.continuing(|s| s.set_fields(id, &pairs))
        } else {
            self.store.set_fields(id, &pairs)
        };
        let said = |_: &Committed| {
            let what = if summary.is_empty() {
                "saved".to_string()
            } else {
                summary.join(", ")
            };
            format!("{id}: {what}")
        };
        match self.report(result, said) {
            Some(done) => {
                self.committed(done);
                true
            }
            None => false,
        }
    }
}

/// The yardstick's terms as choices, then "unassessed".
pub fn yardstick_choices() -> Vec<Choice> {
    let mut c: Vec<Choice> = crate::model::yardstick::ALL
        .iter()
        .map(|y| Choice::new(y.to_string(), y.short(), y.range()))
        .collect();
    c.push(Choice::new("unassessed", "none", ""));
    c
}

/// A field's value as the analyst reads it: likelihood and confidence in yardstick
/// words (`likely`, not `l`), `unassessed` for none.
fn in_words(field: &str, value: &str) -> String {
    if matches!(field, "likelihood" | "confidence") {
        if matches!(value.trim(), "" | "none") {
            return "unassessed".into();
        }
        if let Ok(y) = value.parse::<crate::model::Yardstick>() {
            return y.to_string();
        }
    }
    value.to_string()
}
