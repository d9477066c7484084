//! The Notes pane's commands and the flows its editor, prompts and pickers finish: add a
//! note (text, then grade, `when` and source), the 3x5x2 grade picker, `when`, source,
//! filter and order.

use super::NotesState;
use super::{NoteFilter, Order, FILTER_HINT};
use crate::app::cx::{Cx, Event};
use crate::app::overlay::{Choice, Flow, Step};
use crate::app::pane::PaneView;
use crate::commands::{Command, Scope};
use crate::model::grade::{Handling, Intel, SourceEval};
use crate::model::{Grade, Id, Note, Record, When};
use crate::store::NewNote;

/// The steps of this pane's editor, prompts and pickers. `chain` is set while adding a
/// note: each step then leads to the next (grade, `when`, source).
#[derive(Debug, Clone, PartialEq)]
pub enum NotesFlow {
    AddText,
    Text(Id),
    GradeSource { id: Id, chain: bool },
    GradeIntel { id: Id, chain: bool, part: String },
    GradeHandling { id: Id, chain: bool, part: String },
    When { id: Id, chain: bool },
    Source { id: Id, chain: bool },
    Filter,
}

pub fn flow(f: NotesFlow) -> Flow {
    Flow::Pane(Step::new(Scope::Notes, f))
}

const WHEN_HINT: &str =
    "2024 · 2024-03 · 2024-03-04 · 2024-03-04 14:30 · ~ approximate · A..B range; empty clears";
const SOURCE_HINT: &str = "who or what reported it (CHIS 0412, ANPR, open source); empty clears";

impl NotesState {
    pub(super) fn notes_get(&self, cx: &Cx, id: Id) -> Option<Note> {
        match cx.store.get(id) {
            Ok(Some(Record::Note(n))) => Some(n),
            _ => None,
        }
    }

    pub(crate) fn apply_notes(&mut self, cx: &mut Cx, cmd: Command) {
        let target = self.selected_record();
        let need = |cx: &mut Cx| -> Option<Id> {
            if target.is_none() {
                cx.info("no note selected: a adds one");
            }
            target
        };
        match cmd {
            Command::Open => self.notes_open_row(cx),
            Command::Back => {
                if self.detail.take().is_none() && !self.filter.is_empty() {
                    self.filter = NoteFilter::default();
                    let keep = self.selected_record();
                    if let Err(e) = self.select_note(cx.store, keep) {
                        return cx.error(e.to_string());
                    }
                    cx.info("filter cleared");
                }
            }
            Command::AddNote => cx.edit_long(
                "New note: the first line is its title, [[name]] mentions an entity",
                String::new(),
                flow(NotesFlow::AddText),
            ),
            Command::NoteGrade => {
                if let Some(id) = need(cx) {
                    self.notes_grade_source(cx, id, false);
                }
            }
            Command::NoteWhen => {
                if let Some(id) = need(cx) {
                    self.notes_ask_when(cx, id, false, None);
                }
            }
            Command::NoteSource => {
                if let Some(id) = need(cx) {
                    self.notes_ask_source(cx, id, false);
                }
            }
            Command::NoteFilter => {
                let cur = self.filter.describe();
                cx.prompt("Filter notes", FILTER_HINT, &cur, flow(NotesFlow::Filter));
            }
            Command::NoteOrder => {
                self.detail = None;
                match self.toggle_order(cx.store) {
                    Ok(()) => cx.info(format!("notes {}", self.order.describe())),
                    Err(e) => cx.error(e.to_string()),
                }
            }
            other => cx.info(format!(
                "{} does not apply in the {} pane",
                other.name(),
                "Notes"
            )),
        }
    }

    /// Enter: opens the selected note, or in the detail view goes to the record at the
    /// other end of the selected line.
    fn notes_open_row(&mut self, cx: &mut Cx) {
        if let Some(d) = &self.detail {
            if let Some(target) = d.item().map(|it| it.other) {
                cx.emit(Event::Show(target));
            }
            return;
        }
        match self.selected_row().map(|r| r.id) {
            Some(id) => self.show_note(cx, id),
            None => cx.info("no note selected: a adds one"),
        }
    }

    /// Shows a note in this pane: selected in the list (clearing a filter that hides it)
    /// with its detail open.
    pub fn show_note(&mut self, cx: &mut Cx, id: Id) {
        let Some(note) = self.notes_get(cx, id) else {
            return cx.error(format!("{id} is not a note in this workspace"));
        };
        cx.emit(Event::Focus(Scope::Notes));
        if !self.filter.keeps(&note) {
            self.filter = NoteFilter::default();
            cx.info(format!("filter cleared to show {id}"));
        }
        let shown = match self.rows.iter().position(|r| r.id == id) {
            Some(i) => {
                self.cursor.selected = i;
                Ok(())
            }
            None => self.select_note(cx.store, Some(id)),
        };
        if let Err(e) = shown.and_then(|_| self.open_detail(cx.store, id)) {
            cx.error(e.to_string());
        }
    }

    /// Step 1 of the 3x5x2 picker: the source evaluation.
    fn notes_grade_source(&mut self, cx: &mut Cx, id: Id, chain: bool) {
        let cur = self.notes_get(cx, id).and_then(|n| n.grade);
        let mut choices: Vec<Choice> = SourceEval::ALL
            .iter()
            .map(|s| {
                let g = Grade::new(*s, Intel::One, Handling::P);
                Choice::new(g.source_meaning(), s.letter().to_string(), "")
            })
            .collect();
        let skip = if chain {
            "none: leave it ungraded"
        } else {
            "none: clear the grade"
        };
        choices.push(Choice::new(skip, "none", ""));
        let at = match cur {
            Some(g) => g.source as usize,
            None if chain => 3,
            None => 1,
        };
        cx.pick(
            &format!("Grade {id} (1/3): source evaluation"),
            choices,
            at,
            flow(NotesFlow::GradeSource { id, chain }),
        );
    }

    fn notes_grade_intel(&mut self, cx: &mut Cx, id: Id, chain: bool, part: String) {
        let cur = self.notes_get(cx, id).and_then(|n| n.grade);
        let choices = Intel::ALL
            .iter()
            .map(|i| {
                let g = Grade::new(SourceEval::A, *i, Handling::P);
                Choice::new(g.intel_meaning(), i.number().to_string(), "")
            })
            .collect();
        let at = cur.map(|g| g.intel as usize).unwrap_or(1);
        cx.pick(
            &format!("Grade {id} (2/3): intelligence assessment  {part}…"),
            choices,
            at,
            flow(NotesFlow::GradeIntel { id, chain, part }),
        );
    }

    fn notes_grade_handling(&mut self, cx: &mut Cx, id: Id, chain: bool, part: String) {
        let cur = self.notes_get(cx, id).and_then(|n| n.grade);
        let choices = Handling::ALL
            .iter()
            .map(|h| {
                let g = Grade::new(SourceEval::A, Intel::One, *h);
                Choice::new(g.handling_meaning(), h.letter().to_string(), "")
            })
            .collect();
        let at = cur.map(|g| g.handling as usize).unwrap_or(0);
        cx.pick(
            &format!("Grade {id} (3/3): handling code  {part}…"),
            choices,
            at,
            flow(NotesFlow::GradeHandling { id, chain, part }),
        );
    }

    fn notes_ask_when(&mut self, cx: &mut Cx, id: Id, chain: bool, typed: Option<String>) {
        let cur = typed.unwrap_or_else(|| {
            self.notes_get(cx, id)
                .and_then(|n| n.when)
                .map(|w| w.to_string())
                .unwrap_or_default()
        });
        cx.prompt(
            &format!("When did {id} happen?"),
            WHEN_HINT,
            &cur,
            flow(NotesFlow::When { id, chain }),
        );
    }

    fn notes_ask_source(&mut self, cx: &mut Cx, id: Id, chain: bool) {
        let cur = self.notes_get(cx, id).map(|n| n.source).unwrap_or_default();
        cx.prompt(
            &format!("Source of {id}"),
            SOURCE_HINT,
            &cur,
            flow(NotesFlow::Source { id, chain }),
        );
    }

    /// Sets one field of a note and says what it now holds. A step of adding a note
    /// (`chain`) joins the note's own undo step.
    fn notes_set(
        &mut self,
        cx: &mut Cx,
        id: Id,
        field: &str,
        value: &str,
        shown: &str,
        chain: bool,
    ) -> bool {
        let fields = [(field.to_string(), value.to_string())];
        let r = if chain {
            cx.store.continuing(|s| s.set_fields(id, &fields))
        } else {
            cx.store.set_fields(id, &fields)
        };
        let shown = if value.trim().is_empty() {
            format!("{id}: {field} cleared")
        } else {
            format!("{id}: {field} {shown}")
        };
        match cx.report(r, |_| shown) {
            Some(done) => {
                self.committed_here(cx, Scope::Notes, done);
                true
            }
            None => false,
        }
    }

    pub(crate) fn finish_notes(&mut self, cx: &mut Cx, f: NotesFlow, value: String) {
        match f {
            NotesFlow::AddText => {
                let text = value.trim_end().to_string();
                if text.trim().is_empty() {
                    return cx.error("a note needs text: nothing added");
                }
                let r = cx.store.add_note(NewNote {
                    text,
                    ..NewNote::default()
                });
                if let Some(added) = cx.report(r, |a| format!("added {}", a.id)) {
                    self.committed_here(cx, Scope::Notes, added.done);
                    let id = added.id;
                    // mention links were written with it: read them for the detail
                    self.show_note(cx, id);
                    self.notes_grade_source(cx, id, true);
                }
            }
            NotesFlow::Text(id) => {
                let text = value.trim_end();
                if text.trim().is_empty() {
                    return cx.error(format!("{id}: a note needs text: unchanged"));
                }
                self.notes_set(cx, id, "text", text, "saved", false);
            }
            NotesFlow::GradeSource { id, chain } => {
                if value == "none" {
                    if self.notes_get(cx, id).is_some_and(|n| n.grade.is_some()) {
                        self.notes_set(cx, id, "grade", "", "", chain);
                    }
                    if chain {
                        self.notes_ask_when(cx, id, true, None);
                    }
                } else {
                    self.notes_grade_intel(cx, id, chain, value);
                }
            }
            NotesFlow::GradeIntel { id, chain, part } => {
                self.notes_grade_handling(cx, id, chain, format!("{part}{value}"))
            }
            NotesFlow::GradeHandling { id, chain, part } => {
                let code = format!("{part}{value}");
                let shown = match code.parse::<Grade>() {
                    Ok(g) => format!(
                        "{code} ({}; {}; {})",
                        g.source_meaning(),
                        g.intel_meaning(),
                        g.handling_meaning()
                    ),
                    Err(e) => return cx.error(e.to_string()),
                };
                if self.notes_set(cx, id, "grade", &code, &shown, chain) && chain {
                    self.notes_ask_when(cx, id, true, None);
                }
            }
            NotesFlow::When { id, chain } => {
                let typed = value.trim();
                if !typed.is_empty() {
                    if let Err(e) = typed.parse::<When>() {
                        // ask again with what was typed, so a slip is fixed, not retyped
                        cx.error(e.to_string());
                        return self.notes_ask_when(cx, id, chain, Some(typed.to_string()));
                    }
                }
                let shown = typed.parse::<When>().map(|w| w.human()).unwrap_or_default();
                if self.notes_set(cx, id, "when", typed, &shown, chain) && chain {
                    self.notes_ask_source(cx, id, true);
                }
            }
            NotesFlow::Source { id, chain } => {
                let s = value.trim();
                self.notes_set(cx, id, "source", s, s, chain);
            }
            NotesFlow::Filter => match NoteFilter::parse(&value) {
                Ok(f) => {
                    self.filter = f;
                    self.detail = None;
                    if let Err(e) = self.reload_top(cx.store) {
                        return cx.error(e.to_string());
                    }
                    let n = self.rows.len();
                    let more = self.below != super::More::No;
                    cx.info(match (n, more) {
                        (0, false) => "no note matches: Esc clears the filter".to_string(),
                        (0, true) => "no match in the notes read so far: j reads further".into(),
                        (n, false) => {
                            format!("{} shown", crate::model::vocab::counted(n, "note", "notes"))
                        }
                        // only the notes read so far are counted: say so, not "64+"
                        (n, true) => format!(
                            "{} in the notes read so far; j reads further",
                            crate::model::vocab::counted(n, "note matches", "notes match")
                        ),
                    });
                }
                Err(e) => cx.error(e),
            },
        }
    }
}

impl Order {
    /// For the pane header.
    pub fn short(self) -> &'static str {
        match self {
            Order::Newest => "newest first",
            Order::Occurred => "by occurred time",
        }
    }
}
