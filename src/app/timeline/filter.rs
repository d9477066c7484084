//! How the Timeline is narrowed: `T` from any pane (an entity's or a question's
//! timeline, or a note in place), and the filter as typed: an id, a name or a #tag.

use super::rows::Focus;
use super::{flow, TimelineFlow, TimelineState};
use crate::app::cx::{Cx, Event};
use crate::app::overlay::Choice;
use crate::commands::Scope;
use crate::model::{Id, Kind, Record};
use crate::store::{Result, Store, TimeAxis};

impl TimelineState {
    /// One line on what the focus holds, for the status line.
    pub(super) fn focus_summary(&self) -> String {
        let items = self.rows.len() - self.quiet_count();
        let quiet = match (self.quiet_count(), &self.focus) {
            (0, Some(Focus::Entity(_))) if self.axis == TimeAxis::Occurred => {
                format!(", no quiet stretch over {} days", self.quiet_days)
            }
            (0, _) => String::new(),
            (1, _) => format!(", 1 quiet stretch over {} days", self.quiet_days),
            (n, _) => format!(", {n} quiet stretches over {} days", self.quiet_days),
        };
        let noun = if items == 1 { "item" } else { "items" };
        format!("{items} dated {noun}{quiet}")
    }
}

impl TimelineState {
    /// Shows a record's timeline: an entity's or a question's (a hypothesis shows its
    /// question's), or a note or dated link in place on the whole timeline.
    pub fn show_in_timeline(&mut self, cx: &mut Cx, id: Id) {
        cx.emit(Event::Focus(Scope::Timeline));
        self.width = (cx.size.0 as usize).max(1);
        let focus = match id.kind {
            Kind::Entity => Some(Focus::Entity(id)),
            Kind::Question => Some(Focus::Question(id)),
            Kind::Hypothesis => match cx.store.get(id) {
                Ok(Some(Record::Hypothesis(h))) => Some(Focus::Question(h.question)),
                Ok(_) => return cx.error(format!("{id} does not exist")),
                Err(e) => return cx.error(e.to_string()),
            },
            Kind::Note | Kind::Link => None,
            Kind::Assessment => {
                return cx.info("an assessment has no timeline: select its note");
            }
            Kind::Expectation => {
                return cx.info("an expectation has no timeline: select its hypothesis");
            }
            Kind::Dismissal => return cx.info("a dismissed gap has no timeline"),
        };
        if let Some(f) = focus {
            self.focus_timeline(cx, f);
            return;
        }
        let shown = (|| -> Result<bool> {
            let t = &mut *self;
            if t.select_record(cx.store, id)? {
                return Ok(true);
            }
            if t.focus.is_some() {
                t.set_focus(cx.store, None)?;
            }
            t.select_record(cx.store, id)
        })();
        match shown {
            Ok(true) => cx.info(format!("{id} on the timeline")),
            Ok(false) if self.axis == TimeAxis::Occurred => cx.info(format!(
                "{id} has no date, so it is not on occurred time; r shows recorded time"
            )),
            Ok(false) => cx.info(format!("{id} is not on the timeline")),
            Err(e) => cx.error(e.to_string()),
        }
        self.settle_timeline(cx);
    }

    /// Narrows the timeline to a focus and says what it holds.
    pub(super) fn focus_timeline(&mut self, cx: &mut Cx, focus: Focus) {
        let r = self.set_focus(cx.store, Some(focus));
        match r {
            Ok(()) => {
                let summary = self.focus_summary();
                cx.info(summary);
            }
            Err(e) => cx.error(e.to_string()),
        }
        self.settle_timeline(cx);
    }

    /// Reads the filter as typed: `#tag`, an id, or an entity's name (asking which when
    /// several match).
    pub(super) fn filter_timeline(&mut self, cx: &mut Cx, v: &str) {
        if v.is_empty() {
            let r = self.set_focus(cx.store, None);
            self.timeline_result(cx, r);
            return cx.info("filter cleared");
        }
        if let Some(tag) = v.strip_prefix('#').or_else(|| v.strip_prefix("tag:")) {
            return self.focus_timeline(cx, Focus::Tag(tag.trim().to_string()));
        }
        if Id::looks_like(v) {
            let id = match v.parse::<Id>() {
                Ok(id) => id,
                Err(e) => return cx.error(e.to_string()),
            };
            return match (id.kind, cx.store.get(id)) {
                (_, Err(e)) => cx.error(e.to_string()),
                (_, Ok(None)) => cx.error(format!("{id} does not exist")),
                (Kind::Entity, _) => self.focus_timeline(cx, Focus::Entity(id)),
                (Kind::Question, _) => self.focus_timeline(cx, Focus::Question(id)),
                (Kind::Hypothesis, Ok(Some(Record::Hypothesis(h)))) => {
                    self.focus_timeline(cx, Focus::Question(h.question))
                }
                _ => cx.error(format!(
                    "{id} is a {}: filter by an entity, a question or a #tag",
                    id.kind.noun()
                )),
            };
        }
        match self.entities_matching(cx, v) {
            Ok(found) if found.is_empty() => cx.error(format!(
                "no entity matches {v:?}: give an id (E12), a question (Q3) or #tag"
            )),
            Ok(found) if found.len() == 1 => self.focus_timeline(cx, Focus::Entity(found[0].0)),
            Ok(found) => {
                let choices = found
                    .into_iter()
                    .map(|(id, name)| Choice::new(format!("{id} {name}"), id.to_string(), ""))
                    .collect();
                cx.pick(
                    &format!("Entities matching {v:?}"),
                    choices,
                    0,
                    flow(TimelineFlow::PickEntity),
                );
            }
            Err(e) => cx.error(e.to_string()),
        }
    }

    /// Entities called `name` exactly (name or alias), else the best fuzzy matches.
    fn entities_matching(&self, cx: &Cx, name: &str) -> Result<Vec<(Id, String)>> {
        let s: &Store = cx.store;
        let mut ids = s.entities_named(name)?;
        if ids.is_empty() {
            ids = s
                .search(name, 200)?
                .into_iter()
                .filter(|h| h.id.kind == Kind::Entity)
                .map(|h| h.id)
                .take(9)
                .collect();
        }
        ids.into_iter()
            .map(|id| {
                let title = s.get(id)?.map(|r| r.title()).unwrap_or_default();
                Ok((id, title))
            })
            .collect()
    }
}
