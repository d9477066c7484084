//! The link flow shared by every pane: label, confidence, source note and `when`, one
//! prompt or picker each, then one store operation; `e` on a link runs the same steps.

use super::super::cx::{yardstick_choices, Cx};
use super::super::overlay::{Flow, Step};
use super::super::wording;
use super::LinksState;
use crate::app::pane::PaneView;
use crate::commands::Scope;
use crate::model::{EntityKind, Id, Kind, Record, When, Yardstick};
use crate::store::NewLink;

/// A link being made (or edited) across the steps of its flow.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkDraft {
    pub from: Id,
    pub to: Id,
    /// The link being edited, or `None` for a new one.
    pub editing: Option<Id>,
    /// An automatic mention: its label and ends follow the note's text.
    pub auto: bool,
    /// What an empty label prompt means.
    pub default_label: String,
    pub label: String,
    pub confidence: Option<Yardstick>,
    pub source: Option<Id>,
    pub when: Option<When>,
}

impl LinkDraft {
    fn new(from: Id, to: Id) -> LinkDraft {
        LinkDraft {
            from,
            to,
            editing: None,
            auto: false,
            default_label: String::new(),
            label: String::new(),
            confidence: None,
            source: None,
            when: None,
        }
    }
}

/// The steps of this pane's prompts and pickers.
#[derive(Debug, Clone, PartialEq)]
pub enum LinksFlow {
    Label(LinkDraft),
    Confidence(LinkDraft),
    Source(LinkDraft),
    When(LinkDraft),
    /// The other end of a shortest path from the centre.
    PathTo(Id),
    /// The other end of a new link from this record, chosen in the finder.
    LinkTo(Id),
}

/// A box's flow that comes back to this pane as `f`.
pub(super) fn flow(f: LinksFlow) -> Flow {
    Flow::Pane(Step::new(Scope::Links, f))
}

const LABELS: &str = "uses, member of, located at, owns";
const WHEN_HINT: &str =
    "2024, 2024-03, 2024-03-04 or 2024-03-04 14:30; ~ for about; A..B a range; empty for none";

/// A sensible label for a new link from what its two ends are.
fn default_label(from: &Record, to: &Record) -> &'static str {
    use EntityKind as K;
    match (from, to) {
        (Record::Entity(a), Record::Entity(b)) => match (a.kind, b.kind) {
            (_, K::Phone | K::Vehicle | K::Account | K::Online) => "uses",
            (_, K::Location) => "located at",
            (K::Person, K::Group | K::Organisation) => "member of",
            (_, K::Commodity) => "deals in",
            _ => "associate of",
        },
        (Record::Note(_), Record::Hypothesis(_)) => "supports",
        (Record::Note(_), _) => "mentions",
        _ => "concerns",
    }
}

impl LinksState {
    /// Starts the link flow from `from` to `to`: label, confidence, source note, when.
    pub fn start_link(&mut self, cx: &mut Cx, from: Id, to: Id) {
        if from == to {
            return cx.error(format!("a link cannot join {from} to itself"));
        }
        let mut ends = Vec::with_capacity(2);
        for id in [from, to] {
            match cx.store.get(id) {
                Ok(Some(Record::Link(_))) => {
                    return cx.error(format!("{id} is a link: links join records"))
                }
                Ok(Some(r)) => ends.push(r),
                Ok(None) => return cx.error(format!("{id} does not exist")),
                Err(e) => return cx.error(e.to_string()),
            }
        }
        let default_label = default_label(&ends[0], &ends[1]).to_string();
        let draft = LinkDraft {
            default_label,
            ..LinkDraft::new(from, to)
        };
        self.link_ask_label(cx, draft, "");
    }

    /// Edits a link through the same steps, each showing the current value.
    pub(crate) fn link_edit(&mut self, cx: &mut Cx, id: Id) {
        let l = match cx.store.get(id) {
            Ok(Some(Record::Link(l))) => l,
            Ok(_) => return cx.error(format!("{id} does not exist")),
            Err(e) => return cx.error(e.to_string()),
        };
        let draft = LinkDraft {
            from: l.from,
            to: l.to,
            editing: Some(id),
            auto: l.auto,
            default_label: l.label.clone(),
            label: l.label.clone(),
            confidence: l.confidence,
            source: l.source,
            when: l.when,
        };
        if draft.auto {
            // a mention's label follows the note's text; the rest can be set
            self.link_ask_confidence(cx, draft);
        } else {
            let label = draft.label.clone();
            self.link_ask_label(cx, draft, &label);
        }
    }

    /// `E1 Darren Marsh → E5 Shane Pidcock`, with the link's id when editing.
    fn link_subject(&self, cx: &Cx, d: &LinkDraft) -> String {
        let ends = format!(
            "{} → {}",
            wording::id_named(cx.store, d.from),
            wording::id_named(cx.store, d.to)
        );
        match d.editing {
            Some(l) => format!("{l} {ends}"),
            None => ends,
        }
    }

    fn link_ask_label(&mut self, cx: &mut Cx, d: LinkDraft, typed: &str) {
        let hint = format!("Enter alone: \"{}\". Or e.g. {LABELS}", d.default_label);
        cx.prompt(
            &format!("Link {}", self.link_subject(cx, &d)),
            &hint,
            typed,
            flow(LinksFlow::Label(d)),
        );
    }

    fn link_ask_confidence(&mut self, cx: &mut Cx, d: LinkDraft) {
        let choices = yardstick_choices();
        let at = d
            .confidence
            .and_then(|c| crate::model::yardstick::ALL.iter().position(|y| *y == c))
            .unwrap_or(choices.len() - 1);
        let title = format!("Confidence: {} -{}-> {}", d.from, d.label, d.to);
        cx.pick(&title, choices, at, flow(LinksFlow::Confidence(d)));
    }

    fn link_ask_source(&mut self, cx: &mut Cx, d: LinkDraft, typed: &str) {
        cx.prompt(
            &format!("Source note of {}", self.link_subject(cx, &d)),
            "the note that reports it, e.g. N12; empty for none",
            typed,
            flow(LinksFlow::Source(d)),
        );
    }

    fn link_ask_when(&mut self, cx: &mut Cx, d: LinkDraft, typed: &str) {
        cx.prompt(
            &format!("When {}", self.link_subject(cx, &d)),
            WHEN_HINT,
            typed,
            flow(LinksFlow::When(d)),
        );
    }

    pub(in crate::app) fn finish_links(&mut self, cx: &mut Cx, flow: LinksFlow, value: String) {
        match flow {
            LinksFlow::Label(mut d) => {
                let v = value.trim();
                d.label = if v.is_empty() {
                    d.default_label.clone()
                } else {
                    v.to_string()
                };
                self.link_ask_confidence(cx, d);
            }
            LinksFlow::Confidence(mut d) => {
                d.confidence = match value.as_str() {
                    "none" => None,
                    v => match v.parse() {
                        Ok(y) => Some(y),
                        Err(e) => return cx.error(format!("{e}")),
                    },
                };
                let typed = d.source.map(|s| s.to_string()).unwrap_or_default();
                self.link_ask_source(cx, d, &typed);
            }
            LinksFlow::Source(mut d) => {
                let v = value.trim();
                if v.is_empty() {
                    d.source = None;
                } else {
                    match self.link_source_note(cx, v) {
                        Ok(n) => d.source = Some(n),
                        Err(msg) => {
                            cx.error(msg);
                            return self.link_ask_source(cx, d, &value);
                        }
                    }
                }
                let typed = d.when.as_ref().map(|w| w.to_string()).unwrap_or_default();
                self.link_ask_when(cx, d, &typed);
            }
            LinksFlow::When(mut d) => {
                let v = value.trim();
                if v.is_empty() {
                    d.when = None;
                } else {
                    match v.parse::<When>() {
                        Ok(w) => d.when = Some(w),
                        Err(e) => {
                            cx.error(format!("{e}"));
                            return self.link_ask_when(cx, d, &value);
                        }
                    }
                }
                self.link_save(cx, d);
            }
            LinksFlow::PathTo(from) => self.links_path_to(cx, from, value.trim()),
            LinksFlow::LinkTo(from) => match value.parse::<Id>() {
                Ok(to) => self.start_link(cx, from, to),
                Err(e) => cx.error(e.to_string()),
            },
        }
    }

    /// A source note id typed by the user, checked to name an existing note.
    fn link_source_note(&self, cx: &Cx, v: &str) -> Result<Id, String> {
        let id: Id = v.parse().map_err(|e| format!("source: {e}"))?;
        if id.kind != Kind::Note {
            return Err(format!(
                "source {id} is not a note: give a note id such as N12"
            ));
        }
        match cx.store.get(id) {
            Ok(Some(_)) => Ok(id),
            Ok(None) => Err(format!("source {id} does not exist")),
            Err(e) => Err(e.to_string()),
        }
    }

    fn link_save(&mut self, cx: &mut Cx, d: LinkDraft) {
        let shown = format!("{} -{}-> {}", d.from, d.label, d.to);
        let done = match d.editing {
            Some(id) => {
                let conf = d.confidence.map(|c| c.short()).unwrap_or("none");
                let source = d.source.map(|s| s.to_string());
                let when = d.when.as_ref().map(|w| w.to_string());
                let mut fields: Vec<(String, String)> = vec![
                    ("confidence".into(), conf.into()),
                    ("source".into(), source.unwrap_or_else(|| "none".into())),
                    ("when".into(), when.unwrap_or_else(|| "none".into())),
                ];
                if !d.auto {
                    fields.insert(0, ("label".into(), d.label.clone()));
                }
                let r = cx.store.set_fields(id, &fields);
                cx.report(r, |_| format!("saved {id}: {shown}"))
                    .map(|done| (id, done))
            }
            None => {
                let r = cx.store.link(NewLink {
                    from: d.from,
                    to: d.to,
                    label: d.label.clone(),
                    confidence: d.confidence,
                    source: d.source,
                    when: d.when,
                });
                cx.report(r, |a| format!("linked {}: {shown}", a.id))
                    .map(|a| (a.id, a.done))
            }
        };
        if let Some((id, done)) = done {
            // in step before selecting what was just written; the other panes follow
            self.committed_here(cx, Scope::Links, done);
            if cx.on_screen {
                self.select_link(id);
            }
        }
    }
}
