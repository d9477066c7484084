//! The link flow shared by every pane: label, confidence, source note and `when`, one
//! prompt or picker each, then one store operation; `e` on a link runs the same steps.

use super::super::overlay::Flow;
use super::super::{App, Pane};
use crate::model::text::truncate;
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

impl App {
    /// Starts the link flow from `from` to `to`: label, confidence, source note, when.
    pub fn start_link(&mut self, from: Id, to: Id) {
        if from == to {
            return self.error(format!("a link cannot join {from} to itself"));
        }
        let mut ends = Vec::with_capacity(2);
        for id in [from, to] {
            match self.store.get(id) {
                Ok(Some(Record::Link(_))) => {
                    return self.error(format!("{id} is a link: links join records"))
                }
                Ok(Some(r)) => ends.push(r),
                Ok(None) => return self.error(format!("{id} does not exist")),
                Err(e) => return self.error(e.to_string()),
            }
        }
        let default_label = default_label(&ends[0], &ends[1]).to_string();
        let draft = LinkDraft {
            default_label,
            ..LinkDraft::new(from, to)
        };
        self.link_ask_label(draft, "");
    }

    /// Edits a link through the same steps, each showing the current value.
    pub(crate) fn link_edit(&mut self, id: Id) {
        let l = match self.store.get(id) {
            Ok(Some(Record::Link(l))) => l,
            Ok(_) => return self.error(format!("{id} does not exist")),
            Err(e) => return self.error(e.to_string()),
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
            self.link_ask_confidence(draft);
        } else {
            let label = draft.label.clone();
            self.link_ask_label(draft, &label);
        }
    }

    /// `E1 Darren Marsh`: an id with its name or title, cut short.
    pub(crate) fn link_named(&self, id: Id) -> String {
        match self.store.get(id) {
            Ok(Some(Record::Entity(e))) => format!("{id} {}", truncate(&e.name, 24)),
            Ok(Some(r)) => format!("{id} {}", truncate(&r.title(), 24)),
            _ => id.to_string(),
        }
    }

    /// `E1 Darren Marsh → E5 Shane Pidcock`, with the link's id when editing.
    fn link_subject(&self, d: &LinkDraft) -> String {
        let ends = format!("{} → {}", self.link_named(d.from), self.link_named(d.to));
        match d.editing {
            Some(l) => format!("{l} {ends}"),
            None => ends,
        }
    }

    fn link_ask_label(&mut self, d: LinkDraft, typed: &str) {
        let hint = format!("Enter alone: \"{}\". Or e.g. {LABELS}", d.default_label);
        self.prompt(
            &format!("Link {}", self.link_subject(&d)),
            &hint,
            typed,
            Flow::Links(LinksFlow::Label(d)),
        );
    }

    fn link_ask_confidence(&mut self, d: LinkDraft) {
        let choices = Self::yardstick_choices();
        let at = d
            .confidence
            .and_then(|c| crate::model::yardstick::ALL.iter().position(|y| *y == c))
            .unwrap_or(choices.len() - 1);
        let title = format!("Confidence: {} -{}-> {}", d.from, d.label, d.to);
        self.pick(&title, choices, at, Flow::Links(LinksFlow::Confidence(d)));
    }

    fn link_ask_source(&mut self, d: LinkDraft, typed: &str) {
        self.prompt(
            &format!("Source note of {}", self.link_subject(&d)),
            "the note that reports it, e.g. N12; empty for none",
            typed,
            Flow::Links(LinksFlow::Source(d)),
        );
    }

    fn link_ask_when(&mut self, d: LinkDraft, typed: &str) {
        self.prompt(
            &format!("When {}", self.link_subject(&d)),
            WHEN_HINT,
            typed,
            Flow::Links(LinksFlow::When(d)),
        );
    }

    pub(in crate::app) fn finish_links(&mut self, flow: LinksFlow, value: String) {
        match flow {
            LinksFlow::Label(mut d) => {
                let v = value.trim();
                d.label = if v.is_empty() {
                    d.default_label.clone()
                } else {
                    v.to_string()
                };
                self.link_ask_confidence(d);
            }
            LinksFlow::Confidence(mut d) => {
                d.confidence = match value.as_str() {
                    "none" => None,
                    v => match v.parse() {
                        Ok(y) => Some(y),
                        Err(e) => return self.error(format!("{e}")),
                    },
                };
                let typed = d.source.map(|s| s.to_string()).unwrap_or_default();
                self.link_ask_source(d, &typed);
            }
            LinksFlow::Source(mut d) => {
                let v = value.trim();
                if v.is_empty() {
                    d.source = None;
                } else {
                    match self.link_source_note(v) {
                        Ok(n) => d.source = Some(n),
                        Err(msg) => {
                            self.error(msg);
                            return self.link_ask_source(d, &value);
                        }
                    }
                }
                let typed = d.when.as_ref().map(|w| w.to_string()).unwrap_or_default();
                self.link_ask_when(d, &typed);
            }
            LinksFlow::When(mut d) => {
                let v = value.trim();
                if v.is_empty() {
                    d.when = None;
                } else {
                    match v.parse::<When>() {
                        Ok(w) => d.when = Some(w),
                        Err(e) => {
                            self.error(format!("{e}"));
                            return self.link_ask_when(d, &value);
                        }
                    }
                }
                self.link_save(d);
            }
            LinksFlow::PathTo(from) => self.links_path_to(from, value.trim()),
        }
    }

    /// A source note id typed by the user, checked to name an existing note.
    fn link_source_note(&self, v: &str) -> Result<Id, String> {
        let id: Id = v.parse().map_err(|e| format!("source: {e}"))?;
        if id.kind != Kind::Note {
            return Err(format!(
                "source {id} is not a note: give a note id such as N12"
            ));
        }
        match self.store.get(id) {
            Ok(Some(_)) => Ok(id),
            Ok(None) => Err(format!("source {id} does not exist")),
            Err(e) => Err(e.to_string()),
        }
    }

    fn link_save(&mut self, d: LinkDraft) {
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
                let r = self.store.set_fields(id, &fields);
                self.report(r, |_| format!("saved {id}: {shown}"))
                    .map(|done| (id, done))
            }
            None => {
                let r = self.store.link(NewLink {
                    from: d.from,
                    to: d.to,
                    label: d.label.clone(),
                    confidence: d.confidence,
                    source: d.source,
                    when: d.when,
                });
                self.report(r, |a| format!("linked {}: {shown}", a.id))
                    .map(|a| (a.id, a.done))
            }
        };
        if let Some((id, done)) = done {
            self.after_change(&done);
            if self.pane == Pane::Links {
                self.links.select_link(id);
            }
        }
    }
}
