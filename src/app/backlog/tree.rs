//! The unfiltered Backlog as a window over the question tree: rows are read one step at
//! a time in depth-first order through the sibling orders of the index
//! ([`crate::store::TreeOrder`]), so opening the pane, scrolling and a change to one
//! question cost a few index seeks per row on screen, whatever the size of the tree.

use super::{Row, SortBy};
use crate::model::{Id, Question};
use crate::store::{Result, Store, TreeOrder};
use std::collections::HashMap;

pub fn order(by: SortBy) -> TreeOrder {
    match by {
        SortBy::Priority => TreeOrder::Priority,
        SortBy::Status => TreeOrder::Status,
        SortBy::Kind => TreeOrder::Kind,
        SortBy::Id => TreeOrder::Id,
        SortBy::Updated => TreeOrder::Updated,
    }
}

/// Steps through the tree in depth-first order, siblings in `order`, reading questions
/// through `cache` (which keeps what it read: the rows' questions and their ancestors).
pub struct Walk<'a> {
    pub store: &'a Store,
    pub order: TreeOrder,
    pub cache: &'a mut HashMap<Id, Question>,
}

impl Walk<'_> {
    fn get(&mut self, id: Id) -> Result<Option<Question>> {
        if let Some(q) = self.cache.get(&id) {
            return Ok(Some(q.clone()));
        }
        let q = self.store.question(id)?;
        if let Some(q) = &q {
            self.cache.insert(id, q.clone());
        }
        Ok(q)
    }

    /// The row of `id`, with its depth counted from its ancestors.
    pub fn row(&mut self, id: Id) -> Result<Option<Row>> {
        let Some(q) = self.get(id)? else {
            return Ok(None);
        };
        let mut depth = 0;
        let mut up = q.parent;
        while let Some(p) = up {
            depth += 1;
            up = self.get(p)?.and_then(|pq| pq.parent);
            if depth > 10_000 {
                break;
            }
        }
        Ok(Some(Row { id, depth }))
    }

    /// The last row of the subtree under `row` (the row itself when it has no children).
    fn deepest_last(&mut self, mut row: Row) -> Result<Row> {
        while let Some(c) = self.store.child_at_end(self.order, Some(row.id), true)? {
            row = Row {
                id: c,
                depth: row.depth + 1,
            };
        }
        Ok(row)
    }

    /// Reads the question of a row found, so every row handed out has it in the cache.
    fn held(&mut self, row: Option<Row>) -> Result<Option<Row>> {
        if let Some(r) = row {
            self.get(r.id)?;
        }
        Ok(row)
    }

    pub fn first(&mut self) -> Result<Option<Row>> {
        let first = self.store.child_at_end(self.order, None, false)?;
        self.held(first.map(|id| Row { id, depth: 0 }))
    }

    pub fn last(&mut self) -> Result<Option<Row>> {
        let last = match self.store.child_at_end(self.order, None, true)? {
            Some(id) => Some(self.deepest_last(Row { id, depth: 0 })?),
            None => None,
        };
        self.held(last)
    }

    /// The row after `row` (see [`Walk::step_down`]), its question read.
    pub fn next(&mut self, row: Row) -> Result<Option<Row>> {
        let r = self.step_down(row)?;
        self.held(r)
    }

    /// The row before `row` (see [`Walk::step_up`]), its question read.
    pub fn prev(&mut self, row: Row) -> Result<Option<Row>> {
        let r = self.step_up(row)?;
        self.held(r)
    }

    /// The row after `row`: its first child, else the next sibling of it or of its
    /// nearest ancestor that has one.
    fn step_down(&mut self, row: Row) -> Result<Option<Row>> {
        if let Some(c) = self.store.child_at_end(self.order, Some(row.id), false)? {
            return Ok(Some(Row {
                id: c,
                depth: row.depth + 1,
            }));
        }
        let mut cur = self.get(row.id)?;
        let mut depth = row.depth;
        while let Some(q) = cur {
            if let Some(s) = self.store.sibling_of(self.order, &q, false)? {
                return Ok(Some(Row { id: s, depth }));
            }
            let Some(p) = q.parent else { break };
            cur = self.get(p)?;
            depth = depth.saturating_sub(1);
        }
        Ok(None)
    }

    /// The row before `row`: the last of its previous sibling's subtree, else its parent.
    fn step_up(&mut self, row: Row) -> Result<Option<Row>> {
        let Some(q) = self.get(row.id)? else {
            return Ok(None);
        };
        if let Some(s) = self.store.sibling_of(self.order, &q, true)? {
            let sib = Row {
                id: s,
                depth: row.depth,
            };
            return Ok(Some(self.deepest_last(sib)?));
        }
        Ok(q.parent.map(|p| Row {
            id: p,
            depth: row.depth.saturating_sub(1),
        }))
    }

    /// Up to `n` rows after `from`, in order; true when the tree ended first.
    pub fn down(&mut self, from: Row, n: usize) -> Result<(Vec<Row>, bool)> {
        let mut out = Vec::with_capacity(n);
        let mut at = from;
        while out.len() < n {
            match self.next(at)? {
                Some(r) => {
                    out.push(r);
                    at = r;
                }
                None => return Ok((out, true)),
            }
        }
        Ok((out, false))
    }

    /// Up to `n` rows before `from`, nearest first; true when the tree began first.
    pub fn up(&mut self, from: Row, n: usize) -> Result<(Vec<Row>, bool)> {
        let mut out = Vec::with_capacity(n);
        let mut at = from;
        while out.len() < n {
            match self.prev(at)? {
                Some(r) => {
                    out.push(r);
                    at = r;
                }
                None => return Ok((out, true)),
            }
        }
        Ok((out, false))
    }
}
