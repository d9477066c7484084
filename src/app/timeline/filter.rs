//! How the Timeline is narrowed: `T` from any pane (an entity's or a question's
//! timeline, or a note in place), and the filter as typed: an id, a name or a #tag.

use super::rows::Focus;
use super::{TimelineFlow, TimelineState};
use crate::app::overlay::{Choice, Flow};
use crate::app::{App, Pane};
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

impl App {
    /// Shows a record's timeline: an entity's or a question's (a hypothesis shows its
    /// question's), or a note or dated link in place on the whole timeline.
    pub fn show_in_timeline(&mut self, id: Id) {
        self.pane = Pane::Timeline;
        self.timeline.width = (self.size.0 as usize).max(1);
        let focus = match id.kind {
            Kind::Entity => Some(Focus::Entity(id)),
            Kind::Question => Some(Focus::Question(id)),
            Kind::Hypothesis => match self.store.get(id) {
                Ok(Some(Record::Hypothesis(h))) => Some(Focus::Question(h.question)),
                Ok(_) => return self.error(format!("{id} does not exist")),
                Err(e) => return self.error(e.to_string()),
            },
            Kind::Note | Kind::Link => None,
            Kind::Assessment => {
                return self.info("an assessment has no timeline: select its note");
            }
            Kind::Expectation => {
                return self.info("an expectation has no timeline: select its hypothesis");
            }
            Kind::Dismissal => return self.info("a dismissed gap has no timeline"),
        };
        if let Some(f) = focus {
            self.focus_timeline(f);
            return;
        }
        let shown = (|| -> Result<bool> {
            let t = &mut self.timeline;
            if t.select_record(&self.store, id)? {
                return Ok(true);
            }
            if t.focus.is_some() {
                t.set_focus(&self.store, None)?;
            }
            t.select_record(&self.store, id)
        })();
        match shown {
            Ok(true) => self.info(format!("{id} on the timeline")),
            Ok(false) if self.timeline.axis == TimeAxis::Occurred => self.info(format!(
                "{id} has no date, so it is not on occurred time; r shows recorded time"
            )),
            Ok(false) => self.info(format!("{id} is not on the timeline")),
            Err(e) => self.error(e.to_string()),
        }
        self.settle_timeline();
    }

    /// Narrows the timeline to a focus and says what it holds.
    pub(super) fn focus_timeline(&mut self, focus: Focus) {
        let r = self.timeline.set_focus(&self.store, Some(focus));
        match r {
            Ok(()) => {
                let summary = self.timeline.focus_summary();
                self.info(summary);
            }
            Err(e) => self.error(e.to_string()),
        }
        self.settle_timeline();
    }

    /// Reads the filter as typed: `#tag`, an id, or an entity's name (asking which when
    /// several match).
    pub(super) fn filter_timeline(&mut self, v: &str) {
        if v.is_empty() {
            let r = self.timeline.set_focus(&self.store, None);
            self.timeline_result(r);
            return self.info("filter cleared");
        }
        if let Some(tag) = v.strip_prefix('#').or_else(|| v.strip_prefix("tag:")) {
            return self.focus_timeline(Focus::Tag(tag.trim().to_string()));
        }
        if Id::looks_like(v) {
            let id = match v.parse::<Id>() {
                Ok(id) => id,
                Err(e) => return self.error(e.to_string()),
            };
            return match (id.kind, self.store.get(id)) {
                (_, Err(e)) => self.error(e.to_string()),
                (_, Ok(None)) => self.error(format!("{id} does not exist")),
                (Kind::Entity, _) => self.focus_timeline(Focus::Entity(id)),
                (Kind::Question, _) => self.focus_timeline(Focus::Question(id)),
                (Kind::Hypothesis, Ok(Some(Record::Hypothesis(h)))) => {
                    self.focus_timeline(Focus::Question(h.question))
                }
                _ => self.error(format!(
                    "{id} is a {}: filter by an entity, a question or a #tag",
                    id.kind.noun()
                )),
            };
        }
        match self.entities_matching(v) {
            Ok(found) if found.is_empty() => self.error(format!(
                "no entity matches {v:?}: give an id (E12), a question (Q3) or #tag"
            )),
            Ok(found) if found.len() == 1 => self.focus_timeline(Focus::Entity(found[0].0)),
            Ok(found) => {
                let choices = found
                    .into_iter()
                    .map(|(id, name)| Choice::new(format!("{id} {name}"), id.to_string(), ""))
                    .collect();
                self.pick(
                    &format!("Entities matching {v:?}"),
                    choices,
                    0,
                    Flow::Timeline(TimelineFlow::PickEntity),
                );
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Entities called `name` exactly (name or alias), else the best fuzzy matches.
    fn entities_matching(&self, name: &str) -> Result<Vec<(Id, String)>> {
        let s: &Store = &self.store;
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
