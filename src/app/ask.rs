//! "Ask about this" (`Q`, a quiet stretch, an accepted gap): a question proposed for
//! records, edited in a prompt, added with a "concerns" link to each in one step.

use super::cx::{Cx, Event};
use super::input::LineInput;
use super::overlay::{Flow, Overlay};
use crate::model::{Id, Record};
use crate::store::NewQuestion;

pub use super::overlay::{AskDraft, GapKey};

/// `Q`: proposes a question worded for the record, selected so that typing
/// replaces it; Enter adds it linked to the record (to a link's two ends, since
/// nothing links to a link).
pub fn ask_about(cx: &mut Cx, id: Id) {
    let record = match cx.store.get(id) {
        Ok(Some(r)) => r,
        Ok(None) => return cx.error(format!("{id} does not exist")),
        Err(e) => return cx.error(e.to_string()),
    };
    let title = super::wording::question_about(&record, |other| match cx.store.get(other) {
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
    open_ask(cx, title, draft);
}

/// Opens the prompt of a question about records, its proposed title selected.
pub fn open_ask(cx: &mut Cx, title: String, draft: AskDraft) {
    let about: Vec<String> = draft.about.iter().map(Id::to_string).collect();
    let about = about.join(", ");
    cx.open(Overlay::Prompt {
        title: format!("New question about {about}"),
        hint: "type to replace it; ← → Backspace edit it; linked with \"concerns\"".to_string(),
        input: LineInput::proposed(&title),
        flow: Flow::Ask(draft),
    });
}

/// Adds the question with its "concerns" links, in one step that one `u` undoes.
pub fn finish_ask(cx: &mut Cx, draft: AskDraft, title: &str) {
    if title.trim().is_empty() {
        return cx.error("a question needs a title: nothing added");
    }
    let about: Vec<String> = draft.about.iter().map(Id::to_string).collect();
    let q = NewQuestion {
        kind: draft.kind,
        detail: draft.detail,
        ..NewQuestion::new(title.trim())
    };
    let r = match &draft.gap {
        Some(g) => cx
            .store
            .accept_gap(q, &draft.about, (&g.key, g.rule, &g.fingerprint)),
        None => cx.store.add_question_about(q, &draft.about),
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
    if let Some(done) = cx.report(r, said) {
        if let Some(g) = &draft.gap {
            cx.emit(Event::GapDealt(g.key.clone()));
        }
        cx.committed(done.done);
    }
}
