//! "Ask about this" (`Q`, a quiet stretch, an accepted gap): a question proposed for
//! records, edited in a prompt, placed under the open question the records serve (or at
//! the top level), and added with a "concerns" link to each in one step.
//!
//! The title is proposed by the store ([`crate::store::Store::propose_question`]) and
//! kept whole. After the title, when the records serve any open question, a picker
//! shows where the question goes: under the one question served (proposed, selected),
//! under another served one, or at the top level. A question under a parent takes its
//! parent's priority.

use super::cx::{Cx, Event};
use super::input::LineInput;
use super::overlay::{Choice, Flow, Overlay};
use crate::model::{Id, COLLECTION_TAG};
use crate::store::NewQuestion;

pub use super::overlay::{AskDraft, GapKey};

/// `Q`: proposes a question worded for the record, selected so that typing
/// replaces it; Enter places it and adds it linked to the record (to a link's two
/// ends, since nothing links to a link).
pub fn ask_about(cx: &mut Cx, id: Id) {
    let p = match cx.store.propose_question(id) {
        Ok(p) => p,
        Err(e) => return cx.error(e.to_string()),
    };
    let draft = AskDraft {
        about: p.about,
        kind: p.kind,
        detail: p.detail,
        gap: None,
    };
    open_ask(cx, p.title, draft);
}

/// The open questions the draft's records serve, and the one proposed as parent (the
/// one served, when exactly one is).
fn homes(cx: &mut Cx, draft: &AskDraft) -> (Vec<Id>, Option<Id>) {
    let serves = cx.store.serve_all(&draft.about).unwrap_or_default();
    let parent = match serves.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    (serves, parent)
}

/// Opens the prompt of a question about records, its proposed title selected.
pub fn open_ask(cx: &mut Cx, title: String, draft: AskDraft) {
    let about: Vec<String> = draft.about.iter().map(Id::to_string).collect();
    let about = about.join(", ");
    let (serves, parent) = homes(cx, &draft);
    let home = match (parent, serves.len()) {
        (Some(p), _) => format!(" (under {p})"),
        (None, 0) => String::new(),
        (None, n) => format!(" ({n} questions it could go under)"),
    };
    let next = if serves.is_empty() {
        "Enter adds it"
    } else {
        "Enter, then where it goes"
    };
    cx.open(Overlay::Prompt {
        title: format!("New question about {about}{home}"),
        hint: format!("type to replace it, ← → edit it; {next}"),
        input: LineInput::proposed(&title),
        flow: Flow::Ask(draft),
    });
}

/// The title is in: where the question goes, when the records serve any open question;
/// else it is added at the top level.
pub fn finish_ask(cx: &mut Cx, draft: AskDraft, title: &str) {
    if title.trim().is_empty() {
        return cx.error("a question needs a title: nothing added");
    }
    let (serves, parent) = homes(cx, &draft);
    if serves.is_empty() {
        return add(cx, draft, title.trim(), None);
    }
    let mut choices: Vec<Choice> = serves
        .iter()
        .map(|q| {
            let t = match cx.store.get(*q) {
                Ok(Some(r)) => crate::model::text::sanitize(&r.title()).into_owned(),
                _ => String::new(),
            };
            Choice::new(format!("under {q}"), q.to_string(), t)
        })
        .collect();
    choices.push(Choice::new(
        "at the top level",
        "top",
        "a question of its own",
    ));
    let at = parent
        .and_then(|p| serves.iter().position(|q| *q == p))
        .unwrap_or(serves.len());
    cx.pick(
        "Where does the new question go?",
        choices,
        at,
        Flow::AskParent {
            draft,
            title: title.trim().to_string(),
        },
    );
}

/// The parent is chosen (`top`, or a question's id): adds the question.
pub fn finish_ask_parent(cx: &mut Cx, draft: AskDraft, title: &str, value: &str) {
    let parent = match value {
        "top" => None,
        v => match v.parse::<Id>() {
            Ok(q) => Some(q),
            Err(e) => return cx.error(e.to_string()),
        },
    };
    add(cx, draft, title, parent)
}

/// Adds the question with its "concerns" links, in one step that one `u` undoes.
fn add(cx: &mut Cx, draft: AskDraft, title: &str, parent: Option<Id>) {
    let about: Vec<String> = draft.about.iter().map(Id::to_string).collect();
    let mut q = NewQuestion {
        kind: draft.kind,
        detail: draft.detail,
        parent,
        ..NewQuestion::new(title)
    };
    if let Some(Ok(Some(p))) = parent.map(|p| cx.store.question(p)) {
        q.priority = p.priority;
    }
    if draft.gap.is_some() {
        // an accepted gap is collection: it joins the plan
        q.tags = vec![COLLECTION_TAG.to_string()];
    }
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
        let home = match parent {
            Some(p) => format!("under {p}"),
            None => "to the backlog".to_string(),
        };
        format!(
            "added {q} {home}, linked to {} (concerns){accepted}",
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
