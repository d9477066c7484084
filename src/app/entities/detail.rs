//! The detail view of one entity: the record, the notes that mention it and its other
//! links (a [`RelatedList`], read through the link-end index when it opens).

use super::EntitiesState;
use crate::app::related::{Related, RelatedList};
use crate::model::{Entity, Id, Record};
use crate::store::{Result, Store};

/// The detail view of one entity: the record itself, the notes that mention it (newest
/// first) and its other links (grouped by label and direction).
#[derive(Debug, Clone, PartialEq)]
pub struct EntityDetail {
    pub entity: Entity,
    pub related: RelatedList,
}

impl EntityDetail {
    pub fn id(&self) -> Id {
        self.entity.meta.id
    }

    pub fn item(&self) -> Option<&Related> {
        self.related.item()
    }
}

impl EntitiesState {
    /// Opens the detail view of an entity.
    pub fn open_detail(&mut self, store: &Store, id: Id) -> Result<()> {
        self.detail = match store.get(id)? {
            Some(Record::Entity(entity)) => Some(EntityDetail {
                entity,
                related: RelatedList::read(store, id)?,
            }),
            _ => None,
        };
        Ok(())
    }
}
