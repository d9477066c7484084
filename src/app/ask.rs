//! The ways every pane asks the analyst something (prompts, pickers, confirmations, the
//! editor), reports a store result, and shows a chosen record where it lives.

use super::backlog::{DetailItem, QuestionFilter};
use super::input::LineInput;
use super::overlay::{Choice, FinderPurpose, Flow, Overlay};
use super::{App, Effect};
use crate::model::{Id, Kind, Record, Sees};
use crate::store::{NewQuestion, Result as StoreResult};

/// A question being asked about records, besides the title its prompt holds: the
/// records it concerns (each gets a "concerns" link), its SEES kind and its detail,
/// and the gap suggestion it answers, if any (accepted in the same step, so the gap
/// hunter stops proposing it).
#[derive(Debug, Clone, PartialEq)]
pub struct AskDraft {
    pub about: Vec<Id>,
    pub kind: Sees,
    pub detail: String,
    pub gap: Option<GapKey>,
}

/// A gap suggestion as the store records its acceptance: key, rule and fingerprint.
#[derive(Debug, Clone, PartialEq)]
pub struct GapKey {
    pub key: String,
    pub rule: &'static str,
    pub fingerprint: String,
}

impl AskDraft {
    pub fn about(id: Id) -> AskDraft {
        AskDraft {
            about: vec![id],
            kind: Sees::Situation,
            detail: String::new(),
            gap: None,
        }
    }
}

impl App {
    pub(crate) fn prompt(&mut self, title: &str, hint: &str, initial: &str, flow: Flow) {
        self.overlay = Some(Overlay::Prompt {
            title: title.to_string(),
            hint: hint.to_string(),
            input: LineInput::proposed(initial),
            flow,
        });
    }

    /// `Q`: proposes a question worded for the record, selected so that typing
    /// replaces it; Enter adds it linked to the record (to a link's two ends, since
    /// nothing links to a link).
    pub(crate) fn ask_about(&mut self, id: Id) {
        let record = match self.store.get(id) {
            Ok(Some(r)) => r,
            Ok(None) => return self.error(format!("{id} does not exist")),
            Err(e) => return self.error(e.to_string()),
        };
        let title = super::wording::question_about(&record, |other| match self.store.get(other) {
            Ok(Some(r)) => super::wording::name_of(&r),
            _ => other.to_string(),
        });
        // a link cannot be linked to: a question about one concerns the records it joins
        let draft = match &record {
            Record::Link(l) => AskDraft {
                about: vec![l.from, l.to],
                ..AskDraft::about(id)
            },
            Record::Assessment(a) => AskDraft {
                about: vec![a.hypothesis, a.note],
                ..AskDraft::about(id)
            },
            _ => AskDraft::about(id),
        };
        self.open_ask(title, draft);
    }

    /// Opens the prompt of a question about records, its proposed title selected.
    pub(crate) fn open_ask(&mut self, title: String, draft: AskDraft) {
        let about: Vec<String> = draft.about.iter().map(Id::to_string).collect();
        let about = about.join(", ");
        self.overlay = Some(Overlay::Prompt {
            title: format!("New question about {about}"),
            hint: "type to replace it; ← → Backspace edit it; linked with \"concerns\"".to_string(),
            input: LineInput::proposed(&title),
            flow: Flow::Ask(draft),
        });
    }

    /// Adds the question with its "concerns" links, in one step that one `u` undoes.
    pub(crate) fn finish_ask(&mut self, draft: AskDraft, title: &str) {
        if title.trim().is_empty() {
            return self.error("a question needs a title: nothing added");
        }
        let about: Vec<String> = draft.about.iter().map(Id::to_string).collect();
        let q = NewQuestion {
            kind: draft.kind,
            detail: draft.detail,
            ..NewQuestion::new(title.trim())
        };
        let r = match &draft.gap {
            Some(g) => self
                .store
                .accept_gap(q, &draft.about, (&g.key, g.rule, &g.fingerprint)),
            None => self.store.add_question_about(q, &draft.about),
        };
        let said = |d: &crate::store::Added| {
            let q = d.id;
            let accepted = match &draft.gap {
                Some(g) => format!("; {} accepted", g.key),
                None => String::new(),
            };
            format!(
                "added {q} to the backlog, linked to {} (concerns){accepted}",
                about.join(", ")
            )
        };
        if let Some(done) = self.report(r, said) {
            if let Some(g) = &draft.gap {
                self.gaps_move(&g.key, true);
            }
            self.after_change(&done.done);
        }
    }

    pub(crate) fn pick(&mut self, title: &str, choices: Vec<Choice>, selected: usize, flow: Flow) {
        self.overlay = Some(Overlay::Pick {
            title: title.to_string(),
            choices,
            selected,
            flow,
        });
    }

    pub(crate) fn yardstick_choices() -> Vec<Choice> {
        let mut c: Vec<Choice> = crate::model::yardstick::ALL
            .iter()
            .map(|y| Choice::new(y.to_string(), y.short(), y.range()))
            .collect();
        c.push(Choice::new("unassessed", "none", ""));
        c
    }

    /// Reports the result of a store operation and refreshes the views it touched.
    pub(crate) fn report<T>(
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

    /// Sets fields of a record, refreshes and reports.
    pub(crate) fn set(&mut self, id: Id, fields: &[(&str, &str)]) -> bool {
        self.set_with(id, fields, false)
    }

    /// [`App::set`] as a later step of the action committed just before (a new
    /// hypothesis's likelihood): one undo reverts both.
    pub(crate) fn set_continuing(&mut self, id: Id, fields: &[(&str, &str)]) -> bool {
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
            .map(|(f, v)| format!("{f} {}", Self::in_words(f, v)))
            .collect();
        let result = if continuing {
            self.store.continuing(|s| s.set_fields(id, &pairs))
        } else {
            self.store.set_fields(id, &pairs)
        };
        match self.report(result, |_| {
            format!(
                "{id}: {}",
                if summary.is_empty() {
                    "saved".into()
                } else {
                    summary.join(", ")
                }
            )
        }) {
            Some(done) => {
                self.after_change(&done);
                true
            }
            None => false,
        }
    }

    /// Prompts for a record's tags.
    pub(crate) fn edit_tags(&mut self, id: Id) {
        let tags = self
            .store
            .get(id)
            .ok()
            .flatten()
            .map(|r| r.meta().tags.join(", "))
            .unwrap_or_default();
        self.prompt(
            &format!("Tags of {id}"),
            "comma-separated words",
            &tags,
            Flow::Tags(id),
        );
    }

    /// Long text goes to `$VISUAL`/`$EDITOR` when set, else to the inline editor.
    pub(crate) fn edit_long(&mut self, title: &str, text: String, flow: Flow) {
        if self.editor.is_some() {
            self.effect = Some(Effect::ExternalEdit { text, flow });
            return;
        }
        let mut area = ratatui_textarea::TextArea::new(text.lines().map(String::from).collect());
        // long lines soft-wrap at words rather than scrolling every line sideways
        area.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
        area.move_cursor(ratatui_textarea::CursorMove::Bottom);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        self.overlay = Some(Overlay::Editor {
            title: format!("{title}  (ctrl-s saves, esc cancels)"),
            area: Box::new(area),
            initial: text,
            flow,
        });
    }

    pub(super) fn finder_chose(&mut self, purpose: FinderPurpose, id: Id) {
        match purpose {
            FinderPurpose::LinkFrom(from) => self.start_link(from, id),
            FinderPurpose::PathFrom(from) => self.show_path(from, id),
            FinderPurpose::Hypotheses(pick) => self.hypotheses_chose(pick, id),
            // in the Links pane the finder re-centres the walk
            FinderPurpose::Jump if self.pane == super::Pane::Links => self.show_in_links(id),
            FinderPurpose::Jump => self.jump_to(id),
            FinderPurpose::For { step, .. } => self.finish_step(step, id.to_string()),
        }
    }

    /// Shows a record where it lives: a question or hypothesis in the Backlog, an entity
    /// or a note in its pane, a link in the Links pane.
    pub fn jump_to(&mut self, id: Id) {
        let q = match id.kind {
            Kind::Question => id,
            Kind::Hypothesis => match self.store.get(id) {
                Ok(Some(Record::Hypothesis(h))) => h.question,
                Ok(_) => return self.error(format!("no record {id}")),
                Err(e) => return self.error(e.to_string()),
            },
            Kind::Entity => return self.show_entity(id),
            Kind::Note => return self.show_note(id),
            Kind::Link | Kind::Assessment | Kind::Expectation => return self.show_in_links(id),
            Kind::Dismissal => {
                return self.info(format!("{id} is a dismissed gap: see the Gaps pane"))
            }
        };
        self.pane = super::Pane::Backlog;
        if !matches!(self.backlog.show(&self.store, q), Ok(true)) {
            self.backlog.filter = QuestionFilter::default();
            let r = self.backlog.rebuild(&self.store);
            if let Err(e) = r.and_then(|()| self.backlog.show(&self.store, q)) {
                return self.error(e.to_string());
            }
            self.info("filter cleared to show the record");
        }
        if let Err(e) = self.backlog.open_detail(&self.store, q) {
            self.error(e.to_string());
        }
        if let (Some(d), Kind::Hypothesis) = (&mut self.backlog.detail, id.kind) {
            if let Some(i) = d
                .items
                .iter()
                .position(|it| matches!(it, DetailItem::Hypothesis(h) if h.meta.id == id))
            {
                d.cursor = i;
            }
        }
    }
}
