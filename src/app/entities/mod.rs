//! Entities pane state: a light summary of every entity (id, name, kind, aliases), the
//! rows on show (grouped by kind, one kind, or ranked by a fuzzy filter), the selection
//! and the open detail view. Plain data; no terminal types.
//!
//! The list is laid out from the `k` index keys alone (kind, lower-cased name, id: no
//! record decoded), and only the entities near the screen have their summaries read
//! (`on_shown`), so opening the pane costs a key scan, not a decode of every entity. A
//! change moves one entity's place by binary search ([`EntitiesState::refresh`]). A
//! fuzzy query ranks names and aliases, which needs every summary: typing one reads them
//! all (the one path that decodes every entity). The detail view reads one entity's
//! links through the link-end index when it opens.

mod actions;
mod detail;
mod edit;
mod flow;

pub use detail::EntityDetail;
pub use flow::EntitiesFlow;

use super::cx::{Cx, Event};
use super::overlay::Step;
use super::pane::{ListCursor, Move, PaneView};
use crate::commands::Command;
use crate::model::fuzzy::Fuzzy;
use crate::model::{Entity, EntityKind, Id, Kind, Record};
use crate::store::{EntityPlace, Result, Store};
use std::collections::HashMap;

/// What the list needs of an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntitySummary {
    pub id: Id,
    pub name: String,
    pub kind: EntityKind,
    pub aliases: Vec<String>,
    /// The name lower-cased, so that sorting allocates nothing.
    sort_key: String,
}

impl EntitySummary {
    pub fn of(e: &Entity) -> EntitySummary {
        EntitySummary {
            id: e.meta.id,
            name: e.name.clone(),
            kind: e.kind,
            aliases: e.aliases.clone(),
            sort_key: e.name.to_lowercase(),
        }
    }

    /// The best fuzzy score of the query against the name or an alias; an exact id
    /// (`as_id`) ranks first.
    fn score(&self, m: &Fuzzy, as_id: Option<Id>) -> Option<i64> {
        if as_id == Some(self.id) {
            return Some(i64::MAX / 2);
        }
        std::iter::once(&self.name)
            .chain(&self.aliases)
            .filter_map(|n| m.score(n))
            .max()
    }

    fn order(&self) -> (EntityKind, &str, Id) {
        (self.kind, &self.sort_key, self.id)
    }
}

/// One line of the list: a kind heading (when grouped) or an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Group { kind: EntityKind, count: usize },
    Entity(Id),
}

/// Summaries read beyond the screen at each end.
const MARGIN: usize = 32;

/// The pane's state, as the registration in `panes.rs` names it.
pub type State = EntitiesState;

/// The Entities pane: every entity's place in the list, the summaries of those near the
/// screen, the rows on show, the filters, the selection and the open detail.
#[derive(Debug, Default)]
pub struct EntitiesState {
    /// Summaries of the entities near the screen; of every entity while a query is on.
    pub entities: HashMap<Id, EntitySummary>,
    /// Every entity's place, in list order (kind, lower-cased name, id).
    places: Vec<EntityPlace>,
    /// The places have been read: the pane reads them when it first comes on screen,
    /// not when the interface opens.
    loaded: bool,
    pub rows: Vec<Row>,
    /// Positions in `rows` of the entity rows, in order.
    pub selectable: Vec<usize>,
    /// The selected row (always an entity's when there is one) and the first on screen.
    pub cursor: ListCursor,
    pub kind: Option<EntityKind>,
    pub query: String,
    pub detail: Option<EntityDetail>,
    /// Entities per kind, counted when the rows are laid out.
    counts: Vec<(EntityKind, usize)>,
}

impl EntitiesState {
    /// Reads every entity's place from the index keys; summaries are read as rows come
    /// on screen, and changes arrive through `refresh`.
    pub fn load(store: &Store) -> Result<Self> {
        let mut s = EntitiesState::default();
        s.ensure(store)?;
        Ok(s)
    }

    /// Reads the places if they have not been read yet.
    pub fn ensure(&mut self, store: &Store) -> Result<()> {
        if !self.loaded {
            self.places = store.entity_places(None)?;
            self.loaded = true;
            self.rebuild();
        }
        Ok(())
    }

    /// How many entities the workspace holds.
    pub fn total(&self) -> usize {
        self.places.len()
    }

    /// Reads every entity's summary, for a fuzzy query to rank.
    pub fn read_all(&mut self, store: &Store) -> Result<()> {
        if self.entities.len() == self.places.len() {
            return Ok(());
        }
        for r in store.records(Kind::Entity) {
            if let Record::Entity(e) = r? {
                self.entities.insert(e.meta.id, EntitySummary::of(&e));
            }
        }
        Ok(())
    }

    /// Moves an entity's place: out of the list, and back in where it now sorts.
    fn place(&mut self, id: Id, now: Option<&Entity>) {
        self.places.retain(|p| p.2 != id);
        if let Some(e) = now {
            let p = (e.kind, e.name.to_lowercase(), id);
            let at = self.places.partition_point(|x| *x < p);
            self.places.insert(at, p);
        }
    }

    /// Reads the summaries of the rows on screen and a margin, and forgets those far
    /// from it (all are kept while a query is on).
    fn read_near(&mut self, store: &Store) -> Result<()> {
        let h = self.cursor.height.max(1);
        let from = self
            .cursor
            .offset
            .saturating_sub(MARGIN)
            .min(self.rows.len());
        let to = (self.cursor.offset + h + MARGIN).min(self.rows.len());
        for row in &self.rows[from..to] {
            if let Row::Entity(id) = row {
                if !self.entities.contains_key(id) {
                    if let Some(Record::Entity(e)) = store.get(*id)? {
                        self.entities.insert(*id, EntitySummary::of(&e));
                    }
                }
            }
        }
        if self.query.trim().is_empty() && self.entities.len() > 2 * (to - from) + 4 * MARGIN {
            let near: std::collections::HashSet<Id> = self.rows[from..to]
                .iter()
                .filter_map(|r| match r {
                    Row::Entity(id) => Some(*id),
                    Row::Group { .. } => None,
                })
                .collect();
            self.entities.retain(|id, _| near.contains(id));
        }
        Ok(())
    }

    /// Re-reads what a change touched: entities for the list; the open detail when its
    /// entity, one of its links or one of its notes changed, or a new link reaches it.
    pub fn refresh(&mut self, store: &Store, ids: &[Id]) -> Result<()> {
        let mut touched = false;
        // not read yet: the first read will see the change
        let places = self.loaded;
        for id in ids.iter().filter(|i| i.kind == Kind::Entity && places) {
            touched = true;
            match store.get(*id)? {
                Some(Record::Entity(e)) => {
                    self.place(*id, Some(&e));
                    self.entities.insert(*id, EntitySummary::of(&e));
                }
                _ => {
                    self.place(*id, None);
                    self.entities.remove(id);
                }
            }
        }
        if touched {
            let keep = self.selected_id();
            self.rebuild();
            if let Some(id) = keep {
                self.select(id);
            }
        }
        let Some(d) = &mut self.detail else {
            return Ok(());
        };
        let me = d.id();
        if !d.related.touched(store, me, ids)? {
            return Ok(());
        }
        match store.get(me)? {
            Some(Record::Entity(e)) => {
                d.entity = e;
                d.related.reread(store, me)?;
            }
            _ => self.detail = None,
        }
        Ok(())
    }

    /// Lays out the rows: ranked by the fuzzy query when there is one (over the
    /// summaries [`EntitiesState::read_all`] read), else grouped by kind (or the one kind
    /// chosen), by name within a kind, from the places alone.
    pub fn rebuild(&mut self) {
        let mut rows = Vec::with_capacity(self.places.len() + EntityKind::ALL.len());
        let q = self.query.trim();
        if !q.is_empty() {
            let m = Fuzzy::new(q);
            let as_id = q.parse::<Id>().ok();
            let mut hits: Vec<(i64, &EntitySummary)> = self
                .entities
                .values()
                .filter(|e| self.kind.is_none_or(|k| e.kind == k))
                .filter_map(|e| e.score(&m, as_id).map(|s| (-s, e)))
                .collect();
            hits.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.order().cmp(&b.1.order())));
            rows.extend(hits.into_iter().map(|(_, e)| Row::Entity(e.id)));
        } else {
            let kept = self
                .places
                .iter()
                .filter(|p| self.kind.is_none_or(|k| p.0 == k));
            let grouped = self.kind.is_none();
            let mut heading: Option<usize> = None;
            for (kind, _, id) in kept {
                let new_group = match heading.map(|h| rows[h]) {
                    Some(Row::Group { kind: k, .. }) => k != *kind,
                    _ => true,
                };
                if grouped && new_group {
                    heading = Some(rows.len());
                    rows.push(Row::Group {
                        kind: *kind,
                        count: 0,
                    });
                }
                if let Some(Row::Group { count, .. }) = heading.and_then(|h| rows.get_mut(h)) {
                    *count += 1;
                }
                rows.push(Row::Entity(*id));
            }
        }
        self.selectable = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r, Row::Entity(_)))
            .map(|(i, _)| i)
            .collect();
        self.rows = rows;
        self.cursor.clamp(self.rows.len());
        self.snap();
        let mut counts = vec![0usize; EntityKind::ALL.len()];
        for p in &self.places {
            counts[p.0.index() as usize] += 1;
        }
        self.counts = EntityKind::ALL.iter().copied().zip(counts).collect();
    }

    pub fn is_filtered(&self) -> bool {
        self.kind.is_some() || !self.query.trim().is_empty()
    }

    pub fn clear_filter(&mut self) {
        self.kind = None;
        self.query.clear();
        self.rebuild();
    }

    pub fn selected_id(&self) -> Option<Id> {
        match self.rows.get(self.cursor.selected) {
            Some(Row::Entity(id)) => Some(*id),
            _ => None,
        }
    }

    /// Moves the selection to `id` if it is shown; returns whether it is.
    pub fn select(&mut self, id: Id) -> bool {
        let at = self.rows.iter().position(|r| *r == Row::Entity(id));
        if let Some(i) = at {
            self.cursor.selected = i;
        }
        at.is_some()
    }

    /// Selects the first entity shown.
    pub fn select_first(&mut self) {
        self.cursor.selected = 0;
        self.snap();
    }

    /// Moves the selection off a kind heading onto the entity below it.
    fn snap(&mut self) {
        let rows = &self.rows;
        self.cursor
            .step_over(0, rows.len(), |i| matches!(rows[i], Row::Entity(_)));
    }

    /// Moves the list selection, or the detail cursor when the detail is open.
    pub fn go(&mut self, m: Move) {
        let delta = m.delta(self.cursor.page());
        match &mut self.detail {
            Some(d) => {
                d.related.step(delta);
            }
            None => {
                let rows = &self.rows;
                self.cursor
                    .step_over(delta, rows.len(), |i| matches!(rows[i], Row::Entity(_)));
            }
        }
    }

    /// Keeps the selected row, and the kind heading above a group's first entity, inside a
    /// window of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        let at = self.cursor.selected;
        let top = match at.checked_sub(1).and_then(|p| self.rows.get(p)) {
            Some(Row::Group { .. }) => at - 1,
            _ => at,
        };
        self.cursor.keep_in_view(height, self.rows.len(), top);
    }

    /// The record the record-scope keys act on: the open or selected entity.
    pub fn selected_record(&self) -> Option<Id> {
        self.detail
            .as_ref()
            .map(|d| d.id())
            .or_else(|| self.selected_id())
    }

    /// The filter as the status line shows it: the kind, then `~` and the fuzzy text.
    pub fn describe_filter(&self) -> String {
        let mut words = Vec::new();
        if let Some(k) = self.kind {
            words.push(k.to_string());
        }
        if !self.query.trim().is_empty() {
            words.push(format!("~{}", self.query.trim()));
        }
        words.join(" ")
    }

    /// Entities per kind, in kind order, for the header and the kind picker.
    pub fn counts(&self) -> &[(EntityKind, usize)] {
        &self.counts
    }
}

impl PaneView for EntitiesState {
    /// Reads nothing: the places are read when the pane first comes on screen
    /// (`on_shown`) or an entity is shown in it, so the interface's first frame does not
    /// wait for them.
    fn open(_store: &Store) -> Result<Self> {
        Ok(EntitiesState::default())
    }

    fn on_command(&mut self, cmd: Command, cx: &mut Cx) {
        self.apply_entities(cx, cmd)
    }

    fn on_flow(&mut self, step: &Step, value: String, cx: &mut Cx) {
        if let Some(f) = step.value::<EntitiesFlow>() {
            self.finish_entities(cx, f.clone(), value)
        }
    }

    fn on_event(&mut self, event: &Event, cx: &mut Cx) -> bool {
        match event {
            Event::Show(id) if id.kind == Kind::Entity => self.show_entity(cx, *id),
            Event::Edit(id) if id.kind == Kind::Entity => match self.entity(cx, *id) {
                Some(e) => self.entities_edit(cx, *id, &e.name),
                None => cx.error(format!("{id} does not exist")),
            },
            _ => return false,
        }
        true
    }

    fn go(&mut self, _store: &Store, m: Move) -> Result<()> {
        self.go(m);
        Ok(())
    }

    fn selected(&self) -> Option<Id> {
        self.selected_record()
    }

    fn nothing_selected(&self) -> &'static str {
        "no entity selected: a adds one"
    }

    fn filter_description(&self) -> String {
        self.describe_filter()
    }

    fn on_committed(&mut self, store: &Store, done: &crate::store::Committed) -> Result<()> {
        self.refresh(store, &done.ids)
    }

    fn keep_in_view(&mut self, height: usize) {
        self.scroll_into_view(height);
    }

    fn on_shown(&mut self, store: &Store, _width: usize) -> Result<()> {
        self.ensure(store)?;
        self.read_near(store)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(list: &[(&str, EntityKind, &[&str])]) -> EntitiesState {
        let mut s = EntitiesState::default();
        for (i, (name, kind, aliases)) in list.iter().enumerate() {
            let id = Id::new(Kind::Entity, i as u64 + 1);
            s.place(
                id,
                Some(&Entity {
                    meta: crate::model::Meta::new(id, chrono::Utc::now(), "t"),
                    name: name.to_string(),
                    kind: *kind,
                    aliases: vec![],
                    attributes: Default::default(),
                }),
            );
            s.entities.insert(
                id,
                EntitySummary {
                    id,
                    name: name.to_string(),
                    kind: *kind,
                    aliases: aliases.iter().map(|a| a.to_string()).collect(),
                    sort_key: name.to_lowercase(),
                },
            );
        }
        s.rebuild();
        s
    }

    #[test]
    fn groups_by_kind_and_skips_headings_when_moving() {
        let mut s = state(&[
            ("Zed", EntityKind::Person, &[]),
            ("Yard", EntityKind::Location, &[]),
            ("Amy", EntityKind::Person, &[]),
        ]);
        assert_eq!(
            s.rows,
            vec![
                Row::Group {
                    kind: EntityKind::Person,
                    count: 2
                },
                Row::Entity(Id::new(Kind::Entity, 3)),
                Row::Entity(Id::new(Kind::Entity, 1)),
                Row::Group {
                    kind: EntityKind::Location,
                    count: 1
                },
                Row::Entity(Id::new(Kind::Entity, 2)),
            ]
        );
        assert_eq!(s.selected_id(), Some(Id::new(Kind::Entity, 3)));
        s.go(Move::Down);
        s.go(Move::Down);
        assert_eq!(s.selected_id(), Some(Id::new(Kind::Entity, 2)));
        s.scroll_into_view(2);
        assert_eq!(s.cursor.offset, 3, "the heading of the group stays in view");
        s.go(Move::Up);
        s.scroll_into_view(2);
        assert_eq!(s.cursor.offset, 2);
    }

    #[test]
    fn fuzzy_query_ranks_names_and_aliases() {
        let mut s = state(&[
            ("Darren Marsh", EntityKind::Person, &["Daz"]),
            ("Kyle Renshaw", EntityKind::Person, &[]),
        ]);
        s.query = "daz".into();
        s.rebuild();
        assert_eq!(s.rows, vec![Row::Entity(Id::new(Kind::Entity, 1))]);
        assert_eq!(s.describe_filter(), "~daz");
        s.query = "e2".into();
        s.kind = Some(EntityKind::Person);
        s.rebuild();
        assert_eq!(s.rows, vec![Row::Entity(Id::new(Kind::Entity, 2))]);
        assert_eq!(s.describe_filter(), "person ~e2");
    }
}
