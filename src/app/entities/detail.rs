//! The detail view of one entity: the record, the notes that mention it and its other
//! links, read through the link-end index when it opens.

use super::EntitiesState;
use crate::model::record::MENTIONS;
use crate::model::{Entity, Grade, Id, Kind, Record, When};
use crate::store::{Direction, Result, Store};

/// The most items of each section the detail view reads; the rest are counted.
pub const DETAIL_LIMIT: usize = 500;

/// A selectable line of the detail view.
#[derive(Debug, Clone, PartialEq)]
pub enum DetailItem {
    /// A note whose text mentions the entity.
    Mention {
        link: Id,
        note: Id,
        title: String,
        when: Option<When>,
        grade: Option<Grade>,
    },
    /// Any other link, seen from the entity.
    Linked {
        link: Id,
        label: String,
        dir: Direction,
        other: Id,
        title: String,
    },
}

impl DetailItem {
    /// The record at the other end, where Enter goes.
    pub fn target(&self) -> Id {
        match self {
            DetailItem::Mention { note, .. } => *note,
            DetailItem::Linked { other, .. } => *other,
        }
    }

    pub fn link(&self) -> Id {
        match self {
            DetailItem::Mention { link, .. } | DetailItem::Linked { link, .. } => *link,
        }
    }
}

/// The detail view of one entity: the record itself, the notes that mention it (newest
/// first) and its other links (grouped by label and direction).
#[derive(Debug, Clone, PartialEq)]
pub struct EntityDetail {
    pub entity: Entity,
    pub items: Vec<DetailItem>,
    pub cursor: usize,
    /// Mentions and other links that exist but were not read (past [`DETAIL_LIMIT`]).
    pub more_mentions: usize,
    pub more_links: usize,
}

impl EntityDetail {
    pub fn id(&self) -> Id {
        self.entity.meta.id
    }

    pub fn item(&self) -> Option<&DetailItem> {
        self.items.get(self.cursor)
    }
}

impl EntitiesState {
    /// Opens the detail view of an entity.
    pub fn open_detail(&mut self, store: &Store, id: Id) -> Result<()> {
        let Some(Record::Entity(entity)) = store.get(id)? else {
            self.detail = None;
            return Ok(());
        };
        let mut mentions: Vec<(Id, Id)> = Vec::new();
        let mut links: Vec<crate::store::Neighbour> = Vec::new();
        let mut more_links = 0;
        for (link_id, dir, other) in store.adjacent(id)? {
            let Some(Record::Link(link)) = store.get(link_id)? else {
                continue;
            };
            if dir == Direction::In && link.label == MENTIONS && other.kind == Kind::Note {
                mentions.push((link_id, other));
            } else if links.len() < DETAIL_LIMIT {
                links.push(crate::store::Neighbour { link, dir, other });
            } else {
                more_links += 1;
            }
        }
        // newest note first
        mentions.sort_by_key(|m| std::cmp::Reverse(m.1));
        let more_mentions = mentions.len().saturating_sub(DETAIL_LIMIT);
        let mut items = Vec::with_capacity(mentions.len().min(DETAIL_LIMIT) + links.len());
        for (link, note) in mentions.into_iter().take(DETAIL_LIMIT) {
            let (title, when, grade) = match store.get(note)? {
                Some(Record::Note(n)) => (
                    crate::model::text::first_line(&n.text).to_string(),
                    n.when,
                    n.grade,
                ),
                _ => continue,
            };
            items.push(DetailItem::Mention {
                link,
                note,
                title,
                when,
                grade,
            });
        }
        links.sort_by(|a, b| (&a.link.label, a.dir, a.other).cmp(&(&b.link.label, b.dir, b.other)));
        for n in links {
            let title = store.get(n.other)?.map(|r| r.title()).unwrap_or_default();
            items.push(DetailItem::Linked {
                link: n.link.meta.id,
                label: n.link.label,
                dir: n.dir,
                other: n.other,
                title,
            });
        }
        self.detail = Some(EntityDetail {
            entity,
            items,
            cursor: 0,
            more_mentions,
            more_links,
        });
        Ok(())
    }
}
