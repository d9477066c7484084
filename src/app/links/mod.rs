//! Links pane state: one record at the centre, its neighbours grouped by label and
//! direction, the trail walked to reach it, and optionally the shortest path from it to
//! another record. Plain data read through the link index; no terminal types. The rows
//! are in `rows.rs`, the keys in `keys.rs`, the link flow in `flow.rs`, paths in `path.rs`.

mod flow;
mod keys;
mod path;
mod rows;

pub use flow::{LinkDraft, LinksFlow};
pub use path::{chain, kind_word, PathView};
pub use rows::{Edge, Group, Row};

use super::pane::ListCursor;
use crate::model::{Id, Kind, Record};
use crate::store::{Result, Store};
use std::collections::{HashMap, HashSet};

/// The longest path `p` looks for, as `weft path` does by default.
pub const MAX_HOPS: usize = 6;

/// Lines the pane draws besides its rows and the breadcrumb header: the line under the
/// breadcrumb (the centre record, or the path as a chain) and the paging line.
pub const EXTRA_LINES: usize = 2;

/// A place on the trail: the record that was at the centre, and the link selected when
/// the walk left it (so walking back lands on the same row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crumb {
    pub id: Id,
    pub via: Option<Id>,
}

/// The pane's state, as the registration in `panes.rs` names it.
pub type State = LinksState;

#[derive(Debug, Default)]
pub struct LinksState {
    /// The record whose neighbours are shown.
    pub centre: Option<Id>,
    /// Every link of the centre, grouped: out before in, then by label, then by the
    /// other end's id.
    pub edges: Vec<Edge>,
    pub groups: Vec<Group>,
    /// Where the walk came from, oldest first; Backspace pops.
    pub trail: Vec<Crumb>,
    /// The path shown instead of the neighbours, when `p` found one.
    pub path: Option<PathView>,
    pub rows: Vec<Row>,
    pub cursor: ListCursor,
    /// The neighbourhood's selection and scroll, kept while a path is shown.
    saved: (usize, usize),
    /// The one-line name of every record on screen (the centre, each neighbour, each
    /// stop of a path), read when the rows are filled: drawing reads no record.
    names: HashMap<Id, String>,
}

impl LinksState {
    /// A record's one-line name as read when the rows were filled, sanitised.
    pub fn name(&self, id: Id) -> &str {
        self.names.get(&id).map_or("", String::as_str)
    }

    /// Reads the names of the records the rows show that are not read yet.
    fn read_names(&mut self, store: &Store) -> Result<()> {
        let mut wanted: Vec<Id> = self.centre.into_iter().collect();
        wanted.extend(self.edges.iter().map(|e| e.other));
        if let Some(p) = &self.path {
            wanted.push(p.from);
            wanted.extend(p.steps.iter().map(|s| s.other));
        }
        let keep: HashSet<Id> = wanted.iter().copied().collect();
        self.names.retain(|id, _| keep.contains(id));
        for id in wanted {
            if let std::collections::hash_map::Entry::Vacant(slot) = self.names.entry(id) {
                slot.insert(match store.get(id)? {
                    Some(r) => crate::model::text::display(&r.title()).into_owned(),
                    None => "(deleted)".into(),
                });
            }
        }
        Ok(())
    }

    /// The trail as ids, oldest first, ending at the centre.
    pub fn trail_ids(&self) -> Vec<Id> {
        let mut ids: Vec<Id> = self.trail.iter().map(|c| c.id).collect();
        ids.extend(self.centre);
        ids
    }

    /// The number of list rows on screen for a pane list of `height` rows (a path takes
    /// one more line, for its strength).
    pub fn window(&self, height: usize) -> usize {
        height
            .saturating_sub(EXTRA_LINES + usize::from(self.path.is_some()))
            .max(1)
    }

    /// Puts `id` at the centre with its neighbours, the first one selected. The trail is
    /// left as it is; a path on screen is closed.
    pub fn centre_on(&mut self, store: &Store, id: Id) -> Result<()> {
        store.require(id)?;
        self.centre = Some(id);
        self.path = None;
        self.load_edges(store)?;
        self.rebuild();
        self.cursor.selected = self.first_selectable().unwrap_or(0);
        self.cursor.offset = 0;
        Ok(())
    }

    /// Reads the centre's links from the link index and groups them.
    fn load_edges(&mut self, store: &Store) -> Result<()> {
        let Some(c) = self.centre else {
            self.edges.clear();
            self.groups.clear();
            return Ok(());
        };
        let mut edges: Vec<Edge> = store
            .neighbours(c)?
            .iter()
            .map(|n| Edge::new(&n.link, n.dir, n.other))
            .collect();
        edges.sort_by(|a, b| {
            (a.dir, a.label.to_lowercase(), a.other, a.link).cmp(&(
                b.dir,
                b.label.to_lowercase(),
                b.other,
                b.link,
            ))
        });
        let mut groups: Vec<Group> = Vec::new();
        for e in &edges {
            match groups.last_mut() {
                Some(g) if g.dir == e.dir && g.label.eq_ignore_ascii_case(&e.label) => g.count += 1,
                _ => groups.push(Group {
                    label: e.label.clone(),
                    dir: e.dir,
                    count: 1,
                }),
            }
        }
        self.edges = edges;
        self.groups = groups;
        self.read_names(store)
    }

    /// Lays out the rows: the path when one is shown, else the groups and their links.
    fn rebuild(&mut self) {
        let mut rows = Vec::with_capacity(self.edges.len() + self.groups.len());
        if let Some(p) = &self.path {
            rows.push(Row::Stop(p.from));
            for s in &p.steps {
                rows.push(Row::Hop(s.clone()));
                rows.push(Row::Stop(s.other));
            }
        } else {
            let mut at = 0;
            for (gi, g) in self.groups.iter().enumerate() {
                rows.push(Row::Group(gi));
                rows.extend(self.edges[at..at + g.count].iter().cloned().map(Row::Edge));
                at += g.count;
            }
        }
        self.rows = rows;
        self.cursor.selected = self.cursor.selected.min(self.rows.len().saturating_sub(1));
    }

    fn first_selectable(&self) -> Option<usize> {
        self.rows.iter().position(Row::selectable)
    }

    /// Brings the pane in step after a change to `ids`: re-reads the neighbours when the
    /// centre or one of its links was touched (a new link is read to see its ends), and
    /// the path when one of its records or links was. A deleted centre gives way to the
    /// last record on the trail that still exists.
    pub fn refresh(&mut self, store: &Store, ids: &[Id]) -> Result<()> {
        let Some(c) = self.centre else {
            return Ok(());
        };
        if ids.is_empty() {
            return Ok(());
        }
        let touched: HashSet<Id> = ids.iter().copied().collect();
        // a record on screen renamed (or gone) is named again
        let before = self.names.len();
        self.names.retain(|id, _| !touched.contains(id));
        if self.names.len() != before {
            self.read_names(store)?;
        }
        let mut hood = touched.contains(&c) || self.edges.iter().any(|e| touched.contains(&e.link));
        if !hood {
            for id in ids.iter().filter(|i| i.kind == Kind::Link) {
                if let Some(Record::Link(l)) = store.get(*id)? {
                    if l.from == c || l.to == c {
                        hood = true;
                        break;
                    }
                }
            }
        }
        let path_touched = self.path.as_ref().is_some_and(|p| {
            touched.contains(&p.from)
                || p.steps
                    .iter()
                    .any(|s| touched.contains(&s.link) || touched.contains(&s.other))
        });
        if !hood && !path_touched {
            return Ok(());
        }
        if store.get(c)?.is_none() {
            while let Some(crumb) = self.trail.pop() {
                if store.get(crumb.id)?.is_some() {
                    self.centre_on(store, crumb.id)?;
                    if let Some(via) = crumb.via {
                        self.select_link(via);
                    }
                    return Ok(());
                }
            }
            *self = LinksState::default();
            return Ok(());
        }
        let keep = self.selected_edge().map(|e| e.link);
        let keep_at = self.cursor.selected;
        if hood {
            self.load_edges(store)?;
        }
        if path_touched {
            if let Some(to) = self.path.as_ref().map(|p| p.to) {
                let selected = self.cursor.selected;
                if store.get(to)?.is_some() && self.find_path(store, to)? {
                    self.cursor.selected = selected.min(self.rows.len().saturating_sub(1));
                    self.snap(1);
                    return Ok(());
                }
                self.close_path();
                return Ok(());
            }
        }
        self.rebuild();
        if !keep.is_some_and(|l| self.select_link(l)) {
            self.cursor.selected = keep_at.min(self.rows.len().saturating_sub(1));
            self.snap(1);
        }
        Ok(())
    }

    /// Keeps the selection inside a list of `height` rows (the pane's list height), with
    /// the group header of a group's first link in view too.
    pub fn scroll_into_view(&mut self, height: usize) {
        let at = self.cursor.selected;
        let top = match at.checked_sub(1).and_then(|i| self.rows.get(i)) {
            Some(Row::Group(_)) => at - 1,
            _ => at,
        };
        self.cursor
            .keep_in_view(self.window(height), self.rows.len(), top);
    }

    /// Which neighbours a window of `height` list rows shows: (first, last, total),
    /// counted from 1 over the links, group headers not counted. (0, 0, total) when no
    /// link row is on screen.
    pub fn page_span(&self, height: usize) -> (usize, usize, usize) {
        let h = self.window(height);
        let counted = |r: &Row| matches!(r, Row::Edge(_) | Row::Stop(_));
        let total = self.rows.iter().filter(|r| counted(r)).count();
        let before = self.rows[..self.cursor.offset.min(self.rows.len())]
            .iter()
            .filter(|r| counted(r))
            .count();
        let shown = self
            .rows
            .iter()
            .skip(self.cursor.offset)
            .take(h)
            .filter(|r| counted(r))
            .count();
        if shown == 0 {
            (0, 0, total)
        } else {
            (before + 1, before + shown, total)
        }
    }

    /// Moves the selection by `delta` selectable rows, clamped.
    pub fn move_by(&mut self, delta: isize) {
        let rows = &self.rows;
        self.cursor
            .step_over(delta, rows.len(), |i| rows[i].selectable());
    }

    /// Moves the selection off a header onto the nearest selectable row, looking first
    /// in direction `dir` (1 down, -1 up).
    fn snap(&mut self, dir: isize) {
        if self
            .rows
            .get(self.cursor.selected)
            .is_some_and(Row::selectable)
        {
            return;
        }
        let down = (self.cursor.selected..self.rows.len()).find(|i| self.rows[*i].selectable());
        let up = (0..self.cursor.selected.min(self.rows.len()))
            .rev()
            .find(|i| self.rows[*i].selectable());
        let pick = if dir >= 0 { down.or(up) } else { up.or(down) };
        self.cursor.selected = pick.unwrap_or(0);
    }

    /// Selects the row of link `link`; returns whether it is shown.
    pub fn select_link(&mut self, link: Id) -> bool {
        match self
            .rows
            .iter()
            .position(|r| matches!(r, Row::Edge(e) if e.link == link))
        {
            Some(i) => {
                self.cursor.selected = i;
                true
            }
            None => false,
        }
    }

    /// Selects the first link to `other`; returns whether there is one.
    pub fn select_other(&mut self, other: Id) -> bool {
        match self
            .rows
            .iter()
            .position(|r| matches!(r, Row::Edge(e) if e.other == other))
        {
            Some(i) => {
                self.cursor.selected = i;
                true
            }
            None => false,
        }
    }

    pub fn selected_row(&self) -> Option<&Row> {
        self.rows.get(self.cursor.selected)
    }

    /// The selected neighbour's link, when a neighbour is selected.
    pub fn selected_edge(&self) -> Option<&Edge> {
        match self.selected_row() {
            Some(Row::Edge(e)) => Some(e),
            _ => None,
        }
    }

    /// The record the record-scope keys act on: the selected neighbour (or record on
    /// the path), else the centre.
    pub fn selected_record(&self) -> Option<Id> {
        match self.selected_row() {
            Some(Row::Edge(e)) => Some(e.other),
            Some(Row::Stop(id)) => Some(*id),
            _ => self.centre,
        }
    }

    /// Walks to the selected row's record: the centre moves there and the place left
    /// goes on the trail. Returns the new centre, or `None` when nothing was selected.
    pub fn walk(&mut self, store: &Store) -> Result<Option<Id>> {
        let (to, via) = match self.selected_row() {
            Some(Row::Edge(e)) => (e.other, Some(e.link)),
            Some(Row::Stop(id)) => (*id, None),
            _ => return Ok(None),
        };
        self.walk_to(store, to, via)?;
        Ok(Some(to))
    }

    /// Moves the centre to `to`, putting the current centre on the trail.
    pub fn walk_to(&mut self, store: &Store, to: Id, via: Option<Id>) -> Result<()> {
        store.require(to)?;
        if let Some(c) = self.centre {
            if c == to {
                self.close_path();
                return Ok(());
            }
            self.trail.push(Crumb { id: c, via });
        }
        self.centre_on(store, to)
    }

    /// Walks back one place along the trail, selecting the row walked along. Returns
    /// the record walked back to, or `None` at the start of the trail.
    pub fn back(&mut self, store: &Store) -> Result<Option<Id>> {
        let left = self.centre;
        while let Some(crumb) = self.trail.pop() {
            if store.get(crumb.id)?.is_none() {
                continue;
            }
            self.centre_on(store, crumb.id)?;
            let found = crumb.via.is_some_and(|l| self.select_link(l));
            if !found {
                if let Some(l) = left {
                    self.select_other(l);
                }
            }
            return Ok(Some(crumb.id));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests;
