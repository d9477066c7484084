//! Entities pane state: a light summary of every entity (id, name, kind, aliases), the
//! rows on show (grouped by kind, one kind, or ranked by a fuzzy filter), the selection
//! and the open detail view. Plain data; no terminal types.
//!
//! Entities are few next to notes and links, so their summaries are held in memory and
//! kept in step by [`EntitiesState::refresh`]; the detail view reads one entity's links
//! through the link-end index when it opens.

mod actions;
mod detail;
mod edit;

pub use actions::EntitiesFlow;
pub use detail::{DetailItem, EntityDetail, DETAIL_LIMIT};

use crate::model::{Entity, EntityKind, Id, Kind, Record};
use crate::store::{Result, Store};
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
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
    fn score(&self, m: &SkimMatcherV2, query: &str, as_id: Option<Id>) -> Option<i64> {
        if as_id == Some(self.id) {
            return Some(i64::MAX / 2);
        }
        std::iter::once(&self.name)
            .chain(&self.aliases)
            .filter_map(|n| m.fuzzy_match(n, query))
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

/// The Entities pane: every entity's summary, the rows on show, the filters, the
/// selection and the open detail.
#[derive(Debug, Default)]
pub struct EntitiesState {
    pub entities: HashMap<Id, EntitySummary>,
    pub rows: Vec<Row>,
    /// Positions in `rows` of the entity rows, in order.
    pub selectable: Vec<usize>,
    /// Index into `selectable`.
    pub selected: usize,
    /// The first row on screen.
    pub offset: usize,
    pub kind: Option<EntityKind>,
    pub query: String,
    pub detail: Option<EntityDetail>,
    /// Entities per kind, counted when the rows are laid out.
    counts: Vec<(EntityKind, usize)>,
}

impl EntitiesState {
    /// Reads the summary of every entity once; changes arrive through `refresh`.
    pub fn load(store: &Store) -> Result<Self> {
        let mut s = EntitiesState::default();
        for r in store.records(Kind::Entity) {
            if let Record::Entity(e) = r? {
                s.entities.insert(e.meta.id, EntitySummary::of(&e));
            }
        }
        s.rebuild();
        Ok(s)
    }

    /// Re-reads what a change touched: entities for the list; the open detail when its
    /// entity, one of its links or one of its notes changed, or a new link reaches it.
    pub fn refresh(&mut self, store: &Store, ids: &[Id]) -> Result<()> {
        let mut touched = false;
        for id in ids.iter().filter(|i| i.kind == Kind::Entity) {
            touched = true;
            match store.get(*id)? {
                Some(Record::Entity(e)) => {
                    self.entities.insert(*id, EntitySummary::of(&e));
                }
                _ => {
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
        let Some(d) = &self.detail else {
            return Ok(());
        };
        let me = d.id();
        let rows: Vec<(Id, Id)> = d.items.iter().map(|it| (it.link(), it.target())).collect();
        let reload = super::detail_touched(store, me, ids, &rows)?;
        if reload {
            let cursor = d.cursor;
            if self.entities.contains_key(&me) {
                self.open_detail(store, me)?;
                if let Some(d) = &mut self.detail {
                    d.cursor = cursor.min(d.items.len().saturating_sub(1));
                }
            } else {
                self.detail = None;
            }
        }
        Ok(())
    }

    /// Lays out the rows: ranked by the fuzzy query when there is one, else grouped by
    /// kind (or the one kind chosen), by name within a kind.
    pub fn rebuild(&mut self) {
        let mut kept: Vec<&EntitySummary> = self
            .entities
            .values()
            .filter(|e| self.kind.is_none_or(|k| e.kind == k))
            .collect();
        let mut rows = Vec::with_capacity(kept.len() + EntityKind::ALL.len());
        let q = self.query.trim();
        if !q.is_empty() {
            let m = SkimMatcherV2::default().ignore_case();
            let as_id = q.parse::<Id>().ok();
            let mut hits: Vec<(i64, &EntitySummary)> = kept
                .into_iter()
                .filter_map(|e| e.score(&m, q, as_id).map(|s| (-s, e)))
                .collect();
            hits.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.order().cmp(&b.1.order())));
            rows.extend(hits.into_iter().map(|(_, e)| Row::Entity(e.id)));
        } else {
            kept.sort_unstable_by(|a, b| a.order().cmp(&b.order()));
            let grouped = self.kind.is_none();
            for chunk in kept.chunk_by(|a, b| a.kind == b.kind) {
                if grouped {
                    rows.push(Row::Group {
                        kind: chunk[0].kind,
                        count: chunk.len(),
                    });
                }
                rows.extend(chunk.iter().map(|e| Row::Entity(e.id)));
            }
        }
        self.selectable = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r, Row::Entity(_)))
            .map(|(i, _)| i)
            .collect();
        self.rows = rows;
        self.selected = self.selected.min(self.selectable.len().saturating_sub(1));
        let mut counts = vec![0usize; EntityKind::ALL.len()];
        for e in self.entities.values() {
            counts[e.kind.index() as usize] += 1;
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
        match self.selectable.get(self.selected).map(|p| self.rows[*p]) {
            Some(Row::Entity(id)) => Some(id),
            _ => None,
        }
    }

    /// Moves the selection to `id` if it is shown; returns whether it is.
    pub fn select(&mut self, id: Id) -> bool {
        let at = self
            .selectable
            .iter()
            .position(|p| self.rows[*p] == Row::Entity(id));
        if let Some(i) = at {
            self.selected = i;
        }
        at.is_some()
    }

    /// Moves the list selection, or the detail cursor when the detail is open.
    pub fn move_by(&mut self, delta: isize) {
        let (at, len) = match &mut self.detail {
            Some(d) => (&mut d.cursor, d.items.len()),
            None => (&mut self.selected, self.selectable.len()),
        };
        let max = len.saturating_sub(1) as isize;
        *at = (*at as isize).saturating_add(delta).clamp(0, max) as usize;
    }

    /// Keeps the selected row, and the kind heading above a group's first entity, inside a
    /// window of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        let h = height.max(1);
        let Some(&pos) = self.selectable.get(self.selected) else {
            self.offset = 0;
            return;
        };
        let top = match pos.checked_sub(1).map(|p| self.rows[p]) {
            Some(Row::Group { .. }) => pos - 1,
            _ => pos,
        };
        if top < self.offset {
            self.offset = top;
        } else if pos >= self.offset + h {
            self.offset = pos + 1 - h;
        }
        self.offset = self.offset.min(self.rows.len().saturating_sub(1));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn state(list: &[(&str, EntityKind, &[&str])]) -> EntitiesState {
        let mut s = EntitiesState::default();
        for (i, (name, kind, aliases)) in list.iter().enumerate() {
            let id = Id::new(Kind::Entity, i as u64 + 1);
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
        s.move_by(2);
        assert_eq!(s.selected_id(), Some(Id::new(Kind::Entity, 2)));
        s.scroll_into_view(2);
        assert_eq!(s.offset, 3, "the heading of the group stays in view");
        s.move_by(-1);
        s.scroll_into_view(2);
        assert_eq!(s.offset, 2);
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
