//! Merging two entities that turn out to be one thing (a nickname entered as a second
//! person, a phone recorded twice): one operation, journaled like any other and undone
//! by [`Store::undo`].

use super::index::name_key;
use super::{Change, Committed, Result, Store, StoreError};
use crate::model::{Entity, Id, Kind, Link, Record, When, Yardstick};
use std::collections::HashSet;

/// What makes two links the same link, ignoring their ids, stamps and tags.
type LinkShape = (
    Id,
    Id,
    String,
    Option<Yardstick>,
    Option<Id>,
    Option<When>,
    bool,
);

fn shape(l: &Link) -> LinkShape {
    (
        l.from,
        l.to,
        l.label.clone(),
        l.confidence,
        l.source,
        l.when,
        l.auto,
    )
}

impl Store {
    fn entity(&self, id: Id, role: &str) -> Result<Entity> {
        if id.kind != Kind::Entity {
            return Err(StoreError::invalid(format!(
                "{role} {id} is not an entity: only entities merge"
            )));
        }
        match self.require(id)? {
            Record::Entity(e) => Ok(e),
            _ => Err(StoreError::NotFound(id)),
        }
    }

    /// Merges `absorbed` into `survivor` as one commit: every link of the absorbed entity
    /// is re-pointed to the survivor (a link that would join the survivor to itself, or
    /// repeat one it already has, is dropped); the absorbed entity's name and aliases
    /// become aliases of the survivor, so notes that mention it by name resolve to the
    /// survivor; its attributes are added where the survivor has no value for the key
    /// (the survivor wins a conflict) and its tags are added; then it is deleted.
    pub fn merge_entities(&mut self, survivor: Id, absorbed: Id) -> Result<Committed> {
        if survivor == absorbed {
            return Err(StoreError::invalid(format!(
                "cannot merge {survivor} into itself"
            )));
        }
        let keep_before = self.entity(survivor, "survivor")?;
        let gone = self.entity(absorbed, "absorbed")?;
        let now = self.now();

        let mut keep = keep_before.clone();
        let mut known: HashSet<String> = std::iter::once(&keep.name)
            .chain(&keep.aliases)
            .map(|n| name_key(n))
            .collect();
        for n in std::iter::once(&gone.name).chain(&gone.aliases) {
            let k = name_key(n);
            if !k.is_empty() && known.insert(k) {
                keep.aliases.push(n.trim().to_string());
            }
        }
        for (k, v) in &gone.attributes {
            keep.attributes
                .entry(k.clone())
                .or_insert_with(|| v.clone());
        }
        for t in &gone.meta.tags {
            if !keep.meta.tags.contains(t) {
                keep.meta.tags.push(t.clone());
            }
        }
        keep.meta.updated = now;
        let keep = Record::Entity(keep);
        self.validate(&keep)?;

        let mut changes = vec![Change {
            before: Some(Record::Entity(keep_before)),
            after: Some(keep),
        }];
        let mut have: HashSet<LinkShape> = self
            .neighbours(survivor)?
            .iter()
            .map(|n| shape(&n.link))
            .collect();
        for n in self.neighbours(absorbed)? {
            let before = Record::Link(n.link.clone());
            let mut l = n.link;
            if l.from == absorbed {
                l.from = survivor;
            }
            if l.to == absorbed {
                l.to = survivor;
            }
            let after = if l.from == l.to || !have.insert(shape(&l)) {
                None
            } else {
                l.meta.updated = now;
                Some(Record::Link(l))
            };
            changes.push(Change {
                before: Some(before),
                after,
            });
        }
        changes.push(Change {
            before: Some(Record::Entity(gone)),
            after: None,
        });
        self.commit("merge", changes, None)
    }
}
