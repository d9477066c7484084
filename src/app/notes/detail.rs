//! The detail view of one note: the note, the entities it mentions and its other
//! links (a [`RelatedList`]), and the scroll of the text.

use super::NotesState;
use crate::app::related::{Related, RelatedList};
use crate::model::{Id, Note, Record};
use crate::store::{Result, Store};

/// The detail view of one note.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteDetail {
    pub note: Note,
    /// The entities it mentions, then its other links.
    pub related: RelatedList,
    /// Lines of the text scrolled off the top.
    pub scroll: usize,
}

impl NoteDetail {
    pub fn id(&self) -> Id {
        self.note.meta.id
    }

    pub fn item(&self) -> Option<&Related> {
        self.related.item()
    }
}

/// Wraps text at word boundaries to `cells` display cells per line (a word longer than
/// a line is cut between grapheme clusters); blank lines are kept. The detail view and
/// its scrolling share it.
pub fn wrap(text: &str, cells: usize) -> Vec<String> {
    crate::model::text::wrap(text, cells)
}

impl NotesState {
    /// Opens the detail view of a note: the note and its links, mentions first.
    pub fn open_detail(&mut self, store: &Store, id: Id) -> Result<()> {
        self.detail = match store.get(id)? {
            Some(Record::Note(note)) => Some(NoteDetail {
                note,
                related: RelatedList::read(store, id)?,
                scroll: 0,
            }),
            _ => None,
        };
        Ok(())
    }
}

/// `j`/`k` in the detail: through the linked records, then on through the text.
pub(super) fn move_detail(d: &mut NoteDetail, delta: isize) {
    if delta > 0 {
        d.scroll += d.related.step(delta);
    } else {
        let step = delta.unsigned_abs();
        let back = step.min(d.scroll);
        d.scroll -= back;
        d.related.step(-((step - back) as isize));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::text::width;

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
