//! Drafts: text typed in a prompt or the inline editor and not saved, kept under the
//! box it was typed in ([`DraftKey`]: the step of the flow and the record it is about)
//! and offered back when that box opens again ([`super::cx::Cx::open`]).
//!
//! Leaving a box with `Esc` keeps what was typed in it; a value weft accepts, or a box
//! left with nothing typed (a draft cleared with ctrl-u), ends its draft. Text weft only
//! proposed and nobody edited is never a draft. The app holds the drafts in memory; the
//! run loop keeps them in the workspace as they are typed ([`Drafts::now`] gives what
//! there is to keep), so a dropped session loses none.

use super::overlay::{DraftKey, Overlay};
use std::collections::BTreeMap;

/// A draft: the title of the box it was typed in ("New note", "Edit Q3") and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub title: String,
    pub text: String,
}

/// The drafts kept, by the box they belong to.
#[derive(Debug, Default)]
pub struct Drafts {
    kept: BTreeMap<DraftKey, Kept>,
}

impl Drafts {
    /// The draft kept for a box.
    pub fn get(&self, key: &DraftKey) -> Option<&Kept> {
        self.kept.get(key)
    }

    pub fn keep(&mut self, key: DraftKey, kept: Kept) {
        self.kept.insert(key, kept);
    }

    /// Ends the draft of a box (its text was saved, or cleared).
    pub fn forget(&mut self, key: &DraftKey) {
        self.kept.remove(key);
    }

    pub fn len(&self) -> usize {
        self.kept.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// The drafts kept, by box.
    pub fn iter(&self) -> impl Iterator<Item = (&DraftKey, &Kept)> {
        self.kept.iter()
    }

    /// A box is left unsaved: what was typed in it becomes its draft, and a box left
    /// with nothing typed ends its draft. Returns whether a draft is kept.
    pub fn leave(&mut self, ov: &Overlay) -> bool {
        let Some(key) = ov.draft_key() else {
            return false;
        };
        match ov.typed() {
            Some(text) => {
                let title = ov.draft_title();
                self.keep(key, Kept { title, text });
                true
            }
            None => {
                self.forget(&key);
                false
            }
        }
    }

    /// Every draft as it stands: those kept, with what is typed in the `open` boxes
    /// (the box on screen and the earlier steps of its flow) laid over them.
    pub fn now<'a>(&self, open: impl Iterator<Item = &'a Overlay>) -> BTreeMap<DraftKey, Kept> {
        let mut all = self.kept.clone();
        for ov in open {
            if let (Some(key), Some(text)) = (ov.draft_key(), ov.typed()) {
                let title = ov.draft_title();
                all.insert(key, Kept { title, text });
            }
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::super::input::LineInput;
    use super::super::overlay::Flow;
    use super::*;

    fn prompt(text: &str, typed: &str) -> Overlay {
        let mut input = LineInput::proposed(text);
        for c in typed.chars() {
            input.edit(&crate::keymap::Key {
                code: crate::keymap::KeyCode::Char(c),
                ctrl: false,
                alt: false,
            });
        }
        Overlay::Prompt {
            title: "Edit Q1".into(),
            hint: String::new(),
            input,
            flow: Flow::EditTitle("Q1".parse().unwrap()),
        }
    }

    #[test]
    fn leaving_keeps_what_was_typed_and_nothing_else() {
        let mut d = Drafts::default();
        assert!(!d.leave(&prompt("Old title", "")), "a proposal is no draft");
        assert!(d.is_empty());
        assert!(d.leave(&prompt("Old title", "Who drives")));
        let key = DraftKey::prompt("Edit Q1");
        assert_eq!(
            d.get(&key),
            Some(&Kept {
                title: "Edit Q1".into(),
                text: "Who drives".into()
            })
        );
        // the same box left with nothing typed ends the draft
        assert!(!d.leave(&prompt("", "")));
        assert!(d.get(&key).is_none());
    }

    #[test]
    fn what_is_typed_in_open_boxes_lies_over_what_is_kept() {
        let mut d = Drafts::default();
        d.leave(&prompt("Old", "first"));
        let open = prompt("Old", "second");
        let now = d.now(std::iter::once(&open));
        assert_eq!(now.len(), 1);
        assert_eq!(now.values().next().unwrap().text, "second");
        assert_eq!(
            d.now(std::iter::empty()).values().next().unwrap().text,
            "first"
        );
    }
}
