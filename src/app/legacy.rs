//! Transitional: the app-level helpers the panes still written as `impl App` call,
//! each handing over to the component context or the pane that now owns it.

use super::ask::AskDraft;
use super::backlog::{DetailItem, QuestionFilter};
use super::cx::Event;
use super::overlay::{Choice, FinderPurpose, Flow};
use super::App;
use crate::model::{Id, Kind, Record};
use crate::store::Result as StoreResult;

impl App {
    pub(crate) fn prompt(&mut self, title: &str, hint: &str, initial: &str, flow: Flow) {
        self.cx().prompt(title, hint, initial, flow)
    }

    pub(crate) fn pick(&mut self, title: &str, choices: Vec<Choice>, selected: usize, flow: Flow) {
        self.cx().pick(title, choices, selected, flow)
    }

    pub(crate) fn yardstick_choices() -> Vec<Choice> {
        super::cx::yardstick_choices()
    }

    pub(crate) fn report<T>(
        &mut self,
        result: StoreResult<T>,
        done: impl FnOnce(&T) -> String,
    ) -> Option<T> {
        self.cx().report(result, done)
    }

    pub(crate) fn set(&mut self, id: Id, fields: &[(&str, &str)]) -> bool {
        let r = self.cx().set(id, fields);
        self.drain();
        r
    }

    pub(crate) fn set_continuing(&mut self, id: Id, fields: &[(&str, &str)]) -> bool {
        let r = self.cx().set_continuing(id, fields);
        self.drain();
        r
    }

    pub(crate) fn edit_long(&mut self, title: &str, text: String, flow: Flow) {
        self.cx().edit_long(title, text, flow)
    }

    pub(crate) fn open_ask(&mut self, title: String, draft: AskDraft) {
        super::ask::open_ask(&mut self.cx(), title, draft)
    }

    pub(crate) fn ask_about(&mut self, id: Id) {
        super::ask::ask_about(&mut self.cx(), id)
    }

    pub(crate) fn finish_ask(&mut self, draft: AskDraft, title: &str) {
        super::ask::finish_ask(&mut self.cx(), draft, title);
        self.drain();
    }

    pub(super) fn finder_chose(&mut self, purpose: FinderPurpose, id: Id) {
        match purpose {
            // in the Links pane the finder re-centres the walk
            FinderPurpose::Jump if self.pane == super::Pane::Links => {
                self.events.push(Event::ShowLinks(id))
            }
            FinderPurpose::Jump => self.events.push(Event::Show(id)),
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
            Kind::Entity => return,
            Kind::Note => return,
            Kind::Link | Kind::Assessment | Kind::Expectation => {
                return self.events.push(Event::ShowLinks(id))
            }
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
}
