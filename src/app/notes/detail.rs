//! The detail view of one note: the note, the entities it mentions and its other
//! links, the cursor over them and the scroll of the text.

use super::NotesState;
use crate::model::record::MENTIONS;
use crate::model::text::width;
use crate::model::{Id, Kind, Note, Record};
use crate::store::{Direction, Result, Store};

/// The most links the detail view reads; the rest are counted.
pub const DETAIL_LIMIT: usize = 500;

/// A selectable line of a note's detail view.
#[derive(Debug, Clone, PartialEq)]
pub enum NoteItem {
    /// An entity the note's text mentions.
    Mentions { link: Id, entity: Id, title: String },
    /// Any other link, seen from the note.
    Linked {
        link: Id,
        label: String,
        dir: Direction,
        other: Id,
        title: String,
    },
}

impl NoteItem {
    pub fn target(&self) -> Id {
        match self {
            NoteItem::Mentions { entity, .. } => *entity,
            NoteItem::Linked { other, .. } => *other,
        }
    }

    pub fn link(&self) -> Id {
        match self {
            NoteItem::Mentions { link, .. } | NoteItem::Linked { link, .. } => *link,
        }
    }
}

/// The detail view of one note.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteDetail {
    pub note: Note,
    pub items: Vec<NoteItem>,
    pub cursor: usize,
    /// Lines of the text scrolled off the top.
    pub scroll: usize,
    pub more_links: usize,
}

impl NoteDetail {
    pub fn id(&self) -> Id {
        self.note.meta.id
    }

    pub fn item(&self) -> Option<&NoteItem> {
        self.items.get(self.cursor)
    }
}

/// Wraps text at word boundaries to `cells` display cells per line (a word longer than
/// a line is cut); blank lines are kept. The detail view and its scrolling share it.
pub fn wrap(text: &str, cells: usize) -> Vec<String> {
    let cells = cells.max(8);
    let mut out = Vec::new();
    for line in text.lines() {
        let mut cur = String::new();
        let mut used = 0;
        for word in line.split(' ') {
            let w = width(word);
            if used > 0 && used + 1 + w > cells {
                out.push(std::mem::take(&mut cur));
                used = 0;
            }
            if used > 0 {
                cur.push(' ');
                used += 1;
            }
            if w > cells {
                for c in word.chars() {
                    let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                    if used + cw > cells {
                        out.push(std::mem::take(&mut cur));
                        used = 0;
                    }
                    cur.push(c);
                    used += cw;
                }
            } else {
                cur.push_str(word);
                used += w;
            }
        }
        out.push(cur);
    }
    out
}

impl NotesState {
    /// Opens the detail view of a note: the note and its links, mentions first.
    pub fn open_detail(&mut self, store: &Store, id: Id) -> Result<()> {
        let Some(Record::Note(note)) = store.get(id)? else {
            self.detail = None;
            return Ok(());
        };
        let mut mentions = Vec::new();
        let mut links = Vec::new();
        let mut more_links = 0;
        for (i, n) in store.adjacent(id)?.into_iter().enumerate() {
            if i >= DETAIL_LIMIT {
                more_links += 1;
                continue;
            }
            let (link_id, dir, other) = n;
            let Some(Record::Link(link)) = store.get(link_id)? else {
                continue;
            };
            let title = store.get(other)?.map(|r| r.title()).unwrap_or_default();
            if dir == Direction::Out && link.label == MENTIONS && other.kind == Kind::Entity {
                mentions.push(NoteItem::Mentions {
                    link: link_id,
                    entity: other,
                    title,
                });
            } else {
                links.push(NoteItem::Linked {
                    link: link_id,
                    label: link.label,
                    dir,
                    other,
                    title,
                });
            }
        }
        links.sort_by(|a, b| match (a, b) {
            (
                NoteItem::Linked {
                    label: la,
                    dir: da,
                    other: oa,
                    ..
                },
                NoteItem::Linked {
                    label: lb,
                    dir: db,
                    other: ob,
                    ..
                },
            ) => (la, da, oa).cmp(&(lb, db, ob)),
            _ => std::cmp::Ordering::Equal,
        });
        mentions.extend(links);
        self.detail = Some(NoteDetail {
            note,
            items: mentions,
            cursor: 0,
            scroll: 0,
            more_links,
        });
        Ok(())
    }
}

/// `j`/`k` in the detail: through the linked records, then on through the text.
pub(super) fn move_detail(d: &mut NoteDetail, delta: isize) {
    let last = d.items.len().saturating_sub(1);
    if delta > 0 {
        let step = delta as usize;
        let room = if d.items.is_empty() {
            0
        } else {
            last - d.cursor
        };
        d.cursor += step.min(room);
        d.scroll += step - step.min(room);
    } else {
        let step = delta.unsigned_abs();
        let back = step.min(d.scroll);
        d.scroll -= back;
        d.cursor = d.cursor.saturating_sub(step - back);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_words_and_keeps_blank_lines() {
        let w = wrap("one two three four\n\nfive", 9);
        assert_eq!(w, vec!["one two", "three", "four", "", "five"]);
        let w = wrap("abcdefghijkl", 8);
        assert_eq!(w, vec!["abcdefgh", "ijkl"]);
        for line in wrap("中文名字中文名字中文名字 ok", 8) {
            assert!(width(&line) <= 8, "{line}");
        }
    }
}
