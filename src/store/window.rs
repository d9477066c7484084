//! Windowed reads of the question tree: one step at a time through the sibling orders
//! of the index (`p` for id order, `q` for the others), so a pane shows a window of a
//! tree of any size with a few index seeks per row and never reads the whole tree.

use super::index::{self, trailing_id};
use super::{Result, Store};
use crate::model::{EntityKind, Id, Question, Record};
use std::ops::Bound;

/// The order of sibling questions: the sort's own key, then priority, then id (id order
/// is the id alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TreeOrder {
    #[default]
    Priority,
    Status,
    Kind,
    Id,
    Updated,
}

impl TreeOrder {
    /// The `q` index's byte for this order; `None` for id order, which `p` holds.
    fn byte(self) -> Option<u8> {
        match self {
            TreeOrder::Priority => Some(b'p'),
            TreeOrder::Status => Some(b's'),
            TreeOrder::Kind => Some(b'k'),
            TreeOrder::Updated => Some(b'u'),
            TreeOrder::Id => None,
        }
    }

    /// The index prefix under which the sub-questions of `parent` (the top-level
    /// questions for `None`) sort in this order.
    fn prefix(self, parent: Option<Id>) -> Vec<u8> {
        let p = parent.map(|p| p.to_bytes()).unwrap_or(index::ROOT);
        match self.byte() {
            Some(b) => index::key(&[&[index::ORDER, b], &p]),
            None => index::key(&[&[index::PARENT], &p]),
        }
    }

    /// The whole index key of `q` in this order.
    pub fn key_of(self, q: &Question) -> Vec<u8> {
        let mut k = self.prefix(q.parent);
        if let Some(b) = self.byte() {
            k.extend_from_slice(&index::order_key(b, q));
        }
        k.extend_from_slice(&q.meta.id.to_bytes());
        k
    }
}

/// An entity as the Entities pane orders it: kind, lower-cased name, id.
pub type EntityPlace = (EntityKind, String, Id);

impl Store {
    /// Every entity (of one kind, or all) in kind, name and id order, read from the
    /// index keys alone: no record is decoded.
    pub fn entity_places(&self, kind: Option<EntityKind>) -> Result<Vec<EntityPlace>> {
        let prefix = match kind {
            Some(k) => vec![index::ENTITY_ORDER, k.index()],
            None => vec![index::ENTITY_ORDER],
        };
        let mut out = Vec::new();
        for r in self.index().scan_prefix(prefix) {
            let (k, _) = r.map_err(|e| self.db_err(e))?;
            let (Some(kind), Some(id)) = (
                k.get(1).and_then(|b| EntityKind::ALL.get(*b as usize)),
                trailing_id(&k),
            ) else {
                continue;
            };
            let name = k.get(2..k.len().saturating_sub(10)).unwrap_or_default();
            out.push((*kind, String::from_utf8_lossy(name).into_owned(), id));
        }
        Ok(out)
    }

    /// A question, or `None` when `id` is not one (deleted, or another kind).
    pub fn question(&self, id: Id) -> Result<Option<Question>> {
        Ok(match self.get(id)? {
            Some(Record::Question(q)) => Some(q),
            _ => None,
        })
    }

    /// The first (or, with `last`, the last) sub-question of `parent`, or top-level
    /// question for `None`, in `order`.
    pub fn child_at_end(
        &self,
        order: TreeOrder,
        parent: Option<Id>,
        last: bool,
    ) -> Result<Option<Id>> {
        let mut it = self.index().scan_prefix(order.prefix(parent));
        let hit = if last { it.next_back() } else { it.next() };
        match hit {
            Some(r) => Ok(trailing_id(&r.map_err(|e| self.db_err(e))?.0)),
            None => Ok(None),
        }
    }

    /// The sibling just after (or, with `before`, just before) `q` in `order`; `None` at
    /// the end of its siblings.
    pub fn sibling_of(&self, order: TreeOrder, q: &Question, before: bool) -> Result<Option<Id>> {
        let prefix = order.prefix(q.parent);
        let at = order.key_of(q);
        let hit = if before {
            self.index()
                .range::<&[u8], _>((Bound::Included(&prefix[..]), Bound::Excluded(&at[..])))
                .next_back()
        } else {
            self.index()
                .range::<&[u8], _>((Bound::Excluded(&at[..]), Bound::Unbounded))
                .next()
        };
        match hit {
            Some(r) => {
                let (k, _) = r.map_err(|e| self.db_err(e))?;
                Ok(if k.starts_with(&prefix) {
                    trailing_id(&k)
                } else {
                    None
                })
            }
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewQuestion;

    fn add(s: &mut Store, title: &str, priority: u8, parent: Option<Id>) -> Id {
        let mut q = NewQuestion::new(title);
        q.priority = priority;
        q.parent = parent;
        s.add_question(q).unwrap().id
    }

    #[test]
    fn steps_through_siblings_in_each_order() {
        let dir = tempfile::tempdir().unwrap();
        let opts = crate::store::OpenOptions {
            create: true,
            ..Default::default()
        };
        let mut s = Store::open(&dir.path().join("ws"), &opts).unwrap();
        assert_eq!(
            s.child_at_end(TreeOrder::Priority, None, false).unwrap(),
            None
        );
        let a = add(&mut s, "a?", 3, None);
        let b = add(&mut s, "b?", 1, None);
        let c = add(&mut s, "c?", 3, None);
        let kid = add(&mut s, "kid?", 4, Some(a));
        let first = s.child_at_end(TreeOrder::Priority, None, false).unwrap();
        assert_eq!(first, Some(b));
        assert_eq!(
            s.child_at_end(TreeOrder::Priority, None, true).unwrap(),
            Some(c)
        );
        let qa = s.question(a).unwrap().unwrap();
        assert_eq!(
            s.sibling_of(TreeOrder::Priority, &qa, false).unwrap(),
            Some(c)
        );
        assert_eq!(
            s.sibling_of(TreeOrder::Priority, &qa, true).unwrap(),
            Some(b)
        );
        assert_eq!(s.sibling_of(TreeOrder::Id, &qa, true).unwrap(), None);
        assert_eq!(s.sibling_of(TreeOrder::Id, &qa, false).unwrap(), Some(b));
        let qk = s.question(kid).unwrap().unwrap();
        assert_eq!(s.sibling_of(TreeOrder::Priority, &qk, false).unwrap(), None);
        assert_eq!(s.sibling_of(TreeOrder::Priority, &qk, true).unwrap(), None);
        assert_eq!(
            s.child_at_end(TreeOrder::Status, Some(a), true).unwrap(),
            Some(kid)
        );
        // a priority change moves the question among its siblings at once
        s.set_fields(b, &[("priority".into(), "4".into())]).unwrap();
        assert_eq!(
            s.child_at_end(TreeOrder::Priority, None, true).unwrap(),
            Some(b)
        );
        assert_eq!(
            s.question(kid).unwrap().map(|q| q.title),
            Some("kid?".into())
        );
    }

    #[test]
    fn entity_places_come_in_kind_then_name_order_from_the_keys() {
        let dir = tempfile::tempdir().unwrap();
        let opts = crate::store::OpenOptions {
            create: true,
            ..Default::default()
        };
        let mut s = Store::open(&dir.path().join("ws"), &opts).unwrap();
        assert!(s.entity_places(None).unwrap().is_empty());
        let mut add = |name: &str, kind: EntityKind| {
            s.add_entity(crate::store::NewEntity {
                name: name.into(),
                kind,
                aliases: vec![],
                attributes: Default::default(),
                tags: vec![],
            })
            .unwrap()
            .id
        };
        let zed = add("Zed", EntityKind::Person);
        let yard = add("Yard 9", EntityKind::Location);
        let amy = add("amy B", EntityKind::Person);
        let places = s.entity_places(None).unwrap();
        let want = vec![
            (EntityKind::Person, "amy b".to_string(), amy),
            (EntityKind::Person, "zed".to_string(), zed),
            (EntityKind::Location, "yard 9".to_string(), yard),
        ];
        assert_eq!(places, want);
        let loc = s.entity_places(Some(EntityKind::Location)).unwrap();
        assert_eq!(loc, want[2..]);
    }
}
