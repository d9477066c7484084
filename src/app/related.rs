//! The records linked to the one a detail view shows (an entity's or a note's): read
//! through the link-end index when the view opens, mentions first, with a cursor over
//! them. Shared by every detail view, so they read, order, refresh and open alike.

use crate::model::record::MENTIONS;
use crate::model::{Grade, Id, Kind, Record, When};
use crate::store::{Direction, Result, Store};

/// The most mentions, and the most other links, a detail view reads; the rest are
/// counted.
pub const DETAIL_LIMIT: usize = 500;

/// One selectable line: a record linked to the one shown, seen from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    pub link: Id,
    /// A mention the store keeps in step with a note's text (a note mentioning an
    /// entity): mentions get their own section, before the other links.
    pub mention: bool,
    pub label: String,
    pub dir: Direction,
    /// The record at the other end, where Enter goes.
    pub other: Id,
    pub title: String,
    /// When the other end is a note: when it happened and its grade.
    pub when: Option<When>,
    pub grade: Option<Grade>,
}

impl Related {
    /// The section the line is shown under: "Mentioned in" / "Mentions" for mentions
    /// (seen from the entity / the note), else the label and its direction.
    pub fn section(&self) -> String {
        match (self.mention, self.dir) {
            (true, Direction::In) => "Mentioned in".into(),
            (true, Direction::Out) => "Mentions".into(),
            (false, Direction::Out) => format!("{} →", self.label),
            (false, Direction::In) => format!("← {}", self.label),
        }
    }
}

/// The linked records of one record, with the cursor over them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RelatedList {
    pub items: Vec<Related>,
    pub cursor: usize,
    /// Mentions and other links that exist but were not read (past [`DETAIL_LIMIT`]).
    pub more_mentions: usize,
    pub more_links: usize,
}

impl RelatedList {
    /// Reads the records linked to `id`: mentions first (newest note first), then the
    /// other links by label, direction and far end.
    pub fn read(store: &Store, id: Id) -> Result<RelatedList> {
        let mut mentions: Vec<Related> = Vec::new();
        let mut links: Vec<Related> = Vec::new();
        let (mut more_mentions, mut more_links) = (0, 0);
        for (link_id, dir, other) in store.adjacent(id)? {
            let Some(Record::Link(link)) = store.get(link_id)? else {
                continue;
            };
            let mention = link.label == MENTIONS
                && match dir {
                    Direction::In => other.kind == Kind::Note,
                    Direction::Out => other.kind == Kind::Entity,
                };
            let (list, more) = if mention {
                (&mut mentions, &mut more_mentions)
            } else {
                (&mut links, &mut more_links)
            };
            if list.len() >= DETAIL_LIMIT {
                *more += 1;
                continue;
            }
            let (title, when, grade) = match store.get(other)? {
                Some(Record::Note(n)) => (crate::model::text::title_line(&n.text), n.when, n.grade),
                Some(r) => (r.title(), None, None),
                None => continue,
            };
            list.push(Related {
                link: link_id,
                mention,
                label: link.label,
                dir,
                other,
                title,
                when,
                grade,
            });
        }
        // the notes that mention a record, newest first; what a note mentions, as written
        mentions.sort_by_key(|m| match m.dir {
            Direction::In => std::cmp::Reverse(m.other.num),
            Direction::Out => std::cmp::Reverse(0),
        });
        links.sort_by(|a, b| (&a.label, a.dir, a.other).cmp(&(&b.label, b.dir, b.other)));
        mentions.extend(links);
        Ok(RelatedList {
            items: mentions,
            cursor: 0,
            more_mentions,
            more_links,
        })
    }

    pub fn item(&self) -> Option<&Related> {
        self.items.get(self.cursor)
    }

    /// Moves the cursor by `delta` lines, clamped; returns the lines it could not move
    /// (past the last line), for a view that scrolls on below its list.
    pub fn step(&mut self, delta: isize) -> usize {
        let max = self.items.len().saturating_sub(1) as isize;
        let want = (self.cursor as isize).saturating_add(delta);
        self.cursor = want.clamp(0, max.max(0)) as usize;
        (want - self.cursor as isize).max(0) as usize
    }

    /// Whether a change to `ids` touches the view of `me`: the record itself, a line's
    /// link or far record, or a new link to or from `me`. Then it must be read again.
    pub fn touched(&self, store: &Store, me: Id, ids: &[Id]) -> Result<bool> {
        for id in ids {
            let touched = *id == me
                || match id.kind {
                    Kind::Link => {
                        self.items.iter().any(|r| r.link == *id)
                            || matches!(store.get(*id)?, Some(Record::Link(l)) if l.from == me || l.to == me)
                    }
                    _ => self.items.iter().any(|r| r.other == *id),
                };
            if touched {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Reads the list of `me` again, keeping the cursor where it was (clamped).
    pub fn reread(&mut self, store: &Store, me: Id) -> Result<()> {
        let cursor = self.cursor;
        *self = RelatedList::read(store, me)?;
        self.cursor = cursor.min(self.items.len().saturating_sub(1));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(other: Id) -> Related {
        Related {
            link: Id::new(Kind::Link, other.num),
            mention: false,
            label: "uses".into(),
            dir: Direction::Out,
            other,
            title: String::new(),
            when: None,
            grade: None,
        }
    }

    #[test]
    fn sections_and_cursor_steps() {
        let mut l = RelatedList {
            items: (1..=3).map(|n| line(Id::new(Kind::Entity, n))).collect(),
            ..RelatedList::default()
        };
        assert_eq!(l.items[0].section(), "uses →");
        let mut m = line(Id::new(Kind::Note, 1));
        m.mention = true;
        m.dir = Direction::In;
        assert_eq!(m.section(), "Mentioned in");
        assert_eq!(l.step(1), 0);
        assert_eq!(l.step(5), 4, "two lines to the end, four past it");
        assert_eq!(l.cursor, 2);
        l.step(-10);
        assert_eq!(l.cursor, 0);
    }
}
