//! A one-line text input: the prompt, finder, palette and filter all type into one.

use crate::keymap::{Key, KeyCode};

/// Text being typed, with a cursor counted in characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    cursor: usize,
    /// The text is a proposal, shown selected: typing a character replaces it, any
    /// editing or moving key keeps it and edits it.
    selected: bool,
    /// What weft proposed (the value as it stands, a suggested title): text equal to it
    /// was not typed.
    proposal: String,
    /// The text is a draft kept from an earlier time this box was left, offered back.
    draft: bool,
}

impl LineInput {
    pub fn new(text: &str) -> Self {
        LineInput {
            text: text.to_string(),
            cursor: text.chars().count(),
            selected: false,
            proposal: text.to_string(),
            draft: false,
        }
    }

    /// A proposed text, selected so that typing replaces it.
    pub fn proposed(text: &str) -> Self {
        LineInput {
            selected: !text.is_empty(),
            ..LineInput::new(text)
        }
    }

    /// Whether the text is still the proposal, selected.
    pub fn is_selected(&self) -> bool {
        self.selected
    }

    /// What was typed: the text, when it is neither blank nor what weft proposed.
    pub fn typed(&self) -> Option<&str> {
        (!self.text.trim().is_empty() && self.text != self.proposal).then_some(&self.text)
    }

    /// Offers `draft` back in place of the proposal: not selected, so typing adds to it
    /// rather than replacing it; the cursor at its end.
    pub fn offer_draft(&mut self, draft: &str) {
        self.text = draft.to_string();
        self.cursor = draft.chars().count();
        self.selected = false;
        self.draft = true;
    }

    /// Whether the text is a draft offered back (until it is cleared).
    pub fn is_draft(&self) -> bool {
        self.draft
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map(|(i, _)| i)
            .unwrap_or(self.text.len())
    }

    /// Applies an editing key. Returns true when the text changed.
    fn apply(&mut self, key: &Key) -> bool {
        let typed =
            matches!(key.code, KeyCode::Char(c) if !key.ctrl && !key.alt && !c.is_control());
        if std::mem::take(&mut self.selected) && typed {
            self.text.clear();
            self.cursor = 0;
        }
        let len = self.text.chars().count();
        match (key.code, key.ctrl) {
            (KeyCode::Char('a'), true) | (KeyCode::Home, _) => self.cursor = 0,
            (KeyCode::Char('e'), true) | (KeyCode::End, _) => self.cursor = len,
            (KeyCode::Char('u'), true) => {
                self.text.clear();
                self.cursor = 0;
                return true;
            }
            (KeyCode::Char('w'), true) => {
                let end = self.byte_at(self.cursor);
                let head = &self.text[..end];
                let trimmed = head.trim_end();
                let start = trimmed
                    .rfind(char::is_whitespace)
                    .map(|i| i + 1)
                    .unwrap_or(0);
                let removed = self.text[start..end].chars().count();
                self.text.replace_range(start..end, "");
                self.cursor -= removed;
                return removed > 0;
            }
            (KeyCode::Left, _) => self.cursor = self.cursor.saturating_sub(1),
            (KeyCode::Right, _) => self.cursor = (self.cursor + 1).min(len),
            (KeyCode::Backspace, _) if self.cursor > 0 => {
                let at = self.byte_at(self.cursor - 1);
                self.text.remove(at);
                self.cursor -= 1;
                return true;
            }
            (KeyCode::Delete, _) if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
                return true;
            }
            (KeyCode::Char(c), false) if !key.alt && !c.is_control() => {
                let at = self.byte_at(self.cursor);
                self.text.insert(at, c);
                self.cursor += 1;
                return true;
            }
            _ => {}
        }
        false
    }

    /// Applies an editing key as [`LineInput::apply`] does; a draft that is cleared
    /// (ctrl-u, or deleted to nothing) is a draft no longer.
    pub fn edit(&mut self, key: &Key) -> bool {
        let changed = self.apply(key);
        if self.text.is_empty() {
            self.draft = false;
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }

    #[test]
    fn types_and_edits_with_wide_characters() {
        let mut i = LineInput::default();
        for c in "中a".chars() {
            i.edit(&k(KeyCode::Char(c)));
        }
        i.edit(&k(KeyCode::Left));
        i.edit(&k(KeyCode::Backspace));
        assert_eq!(i.text(), "a");
        i.edit(&k(KeyCode::End));
        i.edit(&k(KeyCode::Char('é')));
        assert_eq!(i.text(), "aé");
        assert_eq!(i.cursor(), 2);
    }

    #[test]
    fn a_proposal_is_replaced_by_typing_and_kept_by_editing_keys() {
        let mut i = LineInput::proposed("Who uses 07700 900123?");
        assert!(i.is_selected());
        i.edit(&k(KeyCode::Char('W')));
        assert_eq!(i.text(), "W");
        assert!(!i.is_selected());
        let mut i = LineInput::proposed("Can N5 be corroborated?");
        i.edit(&k(KeyCode::Backspace));
        assert_eq!(i.text(), "Can N5 be corroborated");
        i.edit(&k(KeyCode::Char('!')));
        assert_eq!(i.text(), "Can N5 be corroborated!");
        assert!(!LineInput::proposed("").is_selected());
    }

    #[test]
    fn only_text_typed_over_the_proposal_is_typed() {
        let mut i = LineInput::proposed("Who uses 07700 900123?");
        assert_eq!(i.typed(), None, "a proposal is not typed");
        i.edit(&k(KeyCode::Left));
        assert_eq!(i.typed(), None, "nor is a proposal only moved over");
        i.edit(&k(KeyCode::Char('!')));
        assert_eq!(i.typed(), Some("Who uses 07700 900123!?"));
        let mut i = LineInput::default();
        i.edit(&k(KeyCode::Char(' ')));
        assert_eq!(i.typed(), None, "blank text is nothing typed");
    }

    #[test]
    fn a_draft_is_offered_unselected_and_is_one_until_cleared() {
        let mut i = LineInput::proposed("Old title");
        i.offer_draft("Who drives the blue van");
        assert!(i.is_draft() && !i.is_selected());
        i.edit(&k(KeyCode::Char('?')));
        assert_eq!(
            i.text(),
            "Who drives the blue van?",
            "typing adds to a draft"
        );
        assert_eq!(i.typed(), Some("Who drives the blue van?"));
        assert!(i.is_draft());
        i.edit(&Key {
            code: KeyCode::Char('u'),
            ctrl: true,
            alt: false,
        });
        assert!(!i.is_draft());
        assert_eq!(i.typed(), None);
    }

    #[test]
    fn ctrl_w_deletes_a_word() {
        let mut i = LineInput::new("who runs it");
        i.edit(&Key {
            code: KeyCode::Char('w'),
            ctrl: true,
            alt: false,
        });
        assert_eq!(i.text(), "who runs ");
    }
}
