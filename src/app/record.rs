//! The record-scope keys, written once for every pane: `L` show it in Links, `T` its
//! timeline, `l` link it, `e` edit, `d` delete (asks first), `#` tags, `Q` ask a
//! question about it. Each acts on what
//! the pane on screen says is selected ([`super::PaneView`]); what it does depends on the
//! record's kind, never on the pane.

use super::cx::Event;
use super::overlay::{Flow, Overlay};
use super::App;
use crate::commands::Command;
use crate::model::{Id, Record};

impl App {
    /// Runs a record-scope command on the pane's selection.
    pub(super) fn record_command(&mut self, cmd: Command) {
        let view = self.view_of(self.pane);
        // a row that is not a record may still raise a question (a quiet stretch)
        if cmd == Command::AskAbout {
            if let Some((title, draft)) = view.proposed_question() {
                return self.open_ask(title, draft);
            }
        }
        let target = match cmd {
            Command::ShowLinks | Command::ShowTimeline => view.shown(),
            Command::LinkTo => view.link_from(),
            _ => view.selected(),
        };
        let Some(id) = target else {
            let hint = view.nothing_selected();
            return self.info(hint);
        };
        match cmd {
            Command::ShowLinks => self.events.push(Event::ShowLinks(id)),
            Command::ShowTimeline => self.events.push(Event::ShowTimeline(id)),
            Command::LinkTo => self.events.push(Event::StartLink(id)),
            Command::Edit => self.events.push(Event::Edit(id)),
            Command::Delete => self.confirm_delete(id),
            Command::Tags => self.edit_tags(id),
            Command::AskAbout => self.ask_about(id),
            other => self.info(format!("{} is not a record command", other.name())),
        }
    }

    /// `e`: a question's title, a hypothesis's statement, an entity's name, kind,
    /// aliases and attributes, a note's text (in the editor), a link's label and the rest.
    pub(crate) fn edit_record(&mut self, id: Id) {
        match self.store.get(id) {
            Ok(Some(Record::Question(q))) => self.prompt(
                &format!("Edit {id}"),
                "the title; D edits the detail",
                &q.title,
                Flow::EditTitle(id),
            ),
            Ok(Some(Record::Hypothesis(h))) => self.prompt(
                &format!("Edit {id}"),
                "the statement",
                &h.statement,
                Flow::EditStatement(id),
            ),
            Ok(Some(Record::Assessment(a))) => self.info(format!(
                "{id} is a matrix cell ({} on {}): change it with `weft assess`",
                a.hypothesis, a.note
            )),
            Ok(Some(Record::Dismissal(d))) => self.info(format!(
                "{id} records the gap {} as dealt with: `weft gaps` changes it",
                d.key
            )),
            Ok(Some(Record::Expectation(x))) => self.prompt(
                &format!("Edit {id}"),
                "what should be seen if the hypothesis were true",
                &x.text,
                Flow::EditStatement(id),
            ),
            // panes edit these
            Ok(Some(Record::Link(_) | Record::Entity(_) | Record::Note(_))) => {}
            Ok(None) => self.error(format!("{id} does not exist")),
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Asks before deleting a record (and what cannot stand without it). A link shows
    /// its ends; a mention is refused, since the store keeps it in step with its note's
    /// text and it would come back at the note's next edit.
    pub(crate) fn confirm_delete(&mut self, id: Id) {
        let message = match self.store.get(id) {
            Ok(Some(Record::Link(l))) => {
                let from = super::wording::id_named(&self.store, l.from);
                if l.auto {
                    return self.error(format!(
                        "{id} is a mention kept in step with {from}'s text: edit the note to \
                         remove it (deleted here, it would come back at the next edit)"
                    ));
                }
                let to = super::wording::id_named(&self.store, l.to);
                format!(
                    "Delete {id}: {from} -{}-> {to}? The records stay; u undoes it. y/n",
                    l.label
                )
            }
            Ok(Some(r)) => {
                // refused (sub-questions, a cited finding) before asking, not after y
                let doomed = match self.store.delete_plan(id) {
                    Ok(d) => d,
                    Err(e) => return self.error(e.to_string()),
                };
                format!(
                    "Delete {id}: {}\n{}u undoes it. Delete? y/n",
                    crate::model::text::first_line(&r.title()),
                    going_with(id, &doomed)
                )
            }
            Ok(None) => return self.error(format!("{id} does not exist")),
            Err(e) => return self.error(e.to_string()),
        };
        self.overlay = Some(Overlay::Confirm {
            message,
            flow: Flow::Delete(id),
        });
    }
}

/// What goes with a deleted record, by kind: `With it go 2 hypotheses (H4, H5) and 3
/// links. `; nothing when it goes alone.
fn going_with(id: Id, doomed: &std::collections::BTreeSet<Id>) -> String {
    use crate::model::Kind;
    let mut parts = Vec::new();
    for kind in Kind::ALL {
        let ids: Vec<String> = doomed
            .iter()
            .filter(|d| d.kind == kind && **d != id)
            .map(Id::to_string)
            .collect();
        if ids.is_empty() {
            continue;
        }
        let noun = crate::model::vocab::counted(ids.len(), kind.noun(), kind.plural());
        // name the few that matter; links are counted only
        if kind == Kind::Link || ids.len() > 4 {
            parts.push(noun);
        } else {
            parts.push(format!("{noun} ({})", ids.join(", ")));
        }
    }
    let verb = if doomed.len() == 2 { "goes" } else { "go" };
    match parts.split_last() {
        None => String::new(),
        Some((last, [])) => format!("With it {verb} {last}. "),
        Some((last, rest)) => format!("With it {verb} {} and {last}. ", rest.join(", ")),
    }
}
