//! The record-scope keys, written once for every pane: `L` show it in Links, `T` its
//! timeline, `l` link it, `e` edit, `d` delete (asks first), `#` tags, `Q` ask a
//! question about it; and the flows their boxes carry that belong to no pane. Each acts
//! on what the pane on screen says is selected ([`PaneView`]); what it does depends on
//! the record's kind, never on the pane. Showing, linking and editing a record are
//! events: the pane that keeps its kind takes them.

use super::ask;
use super::cx::{Cx, Event};
use super::overlay::Flow;
use super::PaneView;
use crate::commands::Command;
use crate::model::{Id, Record};

/// Runs a record-scope command on the selection of `view`, the pane on screen.
pub fn command(view: &dyn PaneView, cmd: Command, cx: &mut Cx) {
    // a row that is not a record may still raise a question (a quiet stretch, a gap)
    if cmd == Command::AskAbout {
        if let Some((title, draft)) = view.proposed_question() {
            return ask::open_ask(cx, title, draft);
        }
    }
    let target = match cmd {
        Command::ShowLinks | Command::ShowTimeline => view.shown(),
        Command::LinkTo => view.link_from(),
        _ => view.selected(),
    };
    let Some(id) = target else {
        return cx.info(view.nothing_selected());
    };
    match cmd {
        Command::ShowLinks => cx.emit(Event::ShowLinks(id)),
        Command::ShowTimeline => cx.emit(Event::ShowTimeline(id)),
        Command::LinkTo => cx.emit(Event::StartLink(id)),
        Command::Edit => cx.emit(Event::Edit(id)),
        Command::Delete => confirm_delete(cx, id),
        Command::Tags => edit_tags(cx, id),
        Command::AskAbout => ask::ask_about(cx, id),
        other => cx.info(format!("{} is not a record command", other.name())),
    }
}

/// Finishes a flow that belongs to no pane with the value its box gave. `Discard` is
/// the app's own (it drops the steps kept to go back to).
pub fn finish(cx: &mut Cx, flow: Flow, value: String) {
    match flow {
        Flow::EditTitle(id) => {
            cx.set(id, &[("title", &value)]);
        }
        Flow::EditStatement(id) => {
            let field = if id.kind == crate::model::Kind::Expectation {
                "text"
            } else {
                "statement"
            };
            cx.set(id, &[(field, &value)]);
        }
        Flow::Likelihood(h) => {
            cx.set(h, &[("likelihood", &value)]);
        }
        Flow::Tags(id) => {
            cx.set(id, &[("tags", &value)]);
        }
        Flow::Ask(draft) => ask::finish_ask(cx, draft, &value),
        Flow::AskParent { draft, title } => ask::finish_ask_parent(cx, draft, &title, &value),
        Flow::Delete(id) => {
            let r = cx.store.delete(id);
            let said = |d: &crate::store::Committed| {
                format!(
                    "deleted {id} ({} in all; u undoes)",
                    crate::model::vocab::counted(d.ids.len(), "record", "records")
                )
            };
            if let Some(done) = cx.report(r, said) {
                cx.committed(done);
            }
        }
        Flow::Discard | Flow::Pane(_) => {}
    }
}

/// The record an `Edit` event names, when no pane keeps its kind: a question's title,
/// a hypothesis's statement, an expectation's text in a prompt; cells and dismissals
/// say where they change.
pub fn edit(cx: &mut Cx, id: Id) {
    match cx.store.get(id) {
        Ok(Some(Record::Question(q))) => cx.prompt(
            &format!("Edit {id}"),
            "the title; D edits the detail",
            &q.title,
            Flow::EditTitle(id),
        ),
        Ok(Some(Record::Hypothesis(h))) => cx.prompt(
            &format!("Edit {id}"),
            "the statement",
            &h.statement,
            Flow::EditStatement(id),
        ),
        Ok(Some(Record::Assessment(a))) => cx.info(format!(
            "{id} is a matrix cell ({} on {}): change it with `weft assess`",
            a.hypothesis, a.note
        )),
        Ok(Some(Record::Dismissal(d))) => cx.info(format!(
            "{id} records the gap {} as dealt with: `weft gaps` changes it",
            d.key
        )),
        Ok(Some(Record::Expectation(x))) => cx.prompt(
            &format!("Edit {id}"),
            "what should be seen if the hypothesis were true",
            &x.text,
            Flow::EditStatement(id),
        ),
        // panes edit these
        Ok(Some(Record::Link(_) | Record::Entity(_) | Record::Note(_))) => {}
        Ok(None) => cx.error(format!("{id} does not exist")),
        Err(e) => cx.error(e.to_string()),
    }
}

/// Asks before deleting a record (and what cannot stand without it). A link shows
/// its ends; a mention is refused, since the store keeps it in step with its note's
/// text and it would come back at the note's next edit.
pub fn confirm_delete(cx: &mut Cx, id: Id) {
    let message = match cx.store.get(id) {
        Ok(Some(Record::Link(l))) => {
            let from = super::wording::id_named(cx.store, l.from);
            if l.auto {
                return cx.error(format!(
                    "{id} is a mention kept in step with {from}'s text: edit the note to \
                     remove it (deleted here, it would come back at the next edit)"
                ));
            }
            let to = super::wording::id_named(cx.store, l.to);
            format!(
                "Delete {id}: {from} -{}-> {to}? The records stay; u undoes it. y/n",
                l.label
            )
        }
        Ok(Some(r)) => {
            // refused (sub-questions, a cited finding) before asking, not after y
            let doomed = match cx.store.delete_plan(id) {
                Ok(d) => d,
                Err(e) => return cx.error(e.to_string()),
            };
            format!(
                "Delete {id}: {}\n{}u undoes it. Delete? y/n",
                crate::model::text::first_line(&r.title()),
                going_with(id, &doomed)
            )
        }
        Ok(None) => return cx.error(format!("{id} does not exist")),
        Err(e) => return cx.error(e.to_string()),
    };
    cx.confirm(message, Flow::Delete(id));
}

/// Prompts for a record's tags.
fn edit_tags(cx: &mut Cx, id: Id) {
    let tags = cx
        .store
        .get(id)
        .ok()
        .flatten()
        .map(|r| r.meta().tags.join(", "))
        .unwrap_or_default();
    cx.prompt(
        &format!("Tags of {id}"),
        "comma-separated words",
        &tags,
        Flow::Tags(id),
    );
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
