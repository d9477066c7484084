//! What happens to the keys an open overlay takes: a submitted value finishes its flow,
//! the finder and the palette search again as the text changes.

use super::cx::Event;
use super::input::LineInput;
use super::overlay::{FinderPurpose, Outcome, Overlay};
use super::App;
use crate::commands::Command;

/// Said when Esc keeps what was typed as the box's draft.
const KEPT: &str =
    "what you typed is kept as a draft: it comes back when this box opens again (ctrl-u clears it)";

impl App {
    pub fn open_finder(&mut self, purpose: FinderPurpose) {
        self.overlay = Some(Overlay::Finder {
            input: LineInput::default(),
            hits: Vec::new(),
            selected: 0,
            purpose,
            searching: false,
        });
        if self.finder.in_background(&self.store) {
            match self.store.read_view() {
                Ok(view) => self.finder.open(view),
                Err(e) => self.error(e.to_string()),
            }
            // the worker reads the database until a current search file is in place
            self.finder.file.start(&self.store);
        }
        // what the pane offers before anything is typed
        self.refresh_finder();
    }

    /// Commands for the palette whose name or description matches `query`, best first.
    pub fn palette_matches(&self, query: &str) -> Vec<Command> {
        let m = crate::model::fuzzy::Fuzzy::new(query);
        let mut scored: Vec<(i64, usize, Command)> = crate::commands::REGISTRY
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                if query.is_empty() {
                    return Some((0, i, c.command));
                }
                let text = format!("{} {}", c.name, c.description);
                m.score(&text).map(|s| (-s, i, c.command))
            })
            .collect();
        scored.sort();
        scored.into_iter().map(|(_, _, c)| c).collect()
    }

    pub(super) fn overlay_outcome(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Close => self.close_overlay(),
            // n to "throw away what you typed?" keeps it: back to the editor
            Outcome::Decline
                if matches!(
                    self.overlay,
                    Some(Overlay::Confirm {
                        flow: super::overlay::Flow::Discard,
                        ..
                    })
                ) =>
            {
                self.close_overlay()
            }
            // n to a confirmation is a deliberate no to the whole flow, what was typed
            // for it included
            Outcome::Decline => {
                self.overlay = None;
                self.overlay_back.clear();
            }
            Outcome::Stay(changed) => {
                if changed {
                    self.refresh_overlay_results();
                }
            }
            Outcome::Submit(value) => {
                let Some(ov) = self.overlay.take() else {
                    return;
                };
                // the value is taken or the box stays open with it: either way the
                // text is no draft any more (and a box the flow opens again with the
                // value refused is not offered an older draft instead)
                if let Some(key) = ov.draft_key() {
                    self.drafts.forget(&key);
                }
                let step = ov.as_step();
                let before = self.message.take();
                let seq = self.store.state().seq;
                self.submitted(ov, value);
                let wrote = self.store.state().seq != seq;
                // refused: an error was reported and nothing was written
                let refused = self.message.as_ref().is_some_and(|m| m.error) && !wrote;
                if self.message.is_none() {
                    self.message = before;
                }
                if wrote {
                    // what was written is done: Esc no longer leads back into it (u does)
                    self.overlay_back.clear();
                    return;
                }
                match step {
                    // the flow goes on: Esc in the next box comes back to this one
                    Some(step) if self.overlay.is_some() => self.overlay_back.push(step),
                    // a refused value keeps its box open, with what was typed, and the
                    // reason in the status line
                    Some(step @ (Overlay::Prompt { .. } | Overlay::Editor { .. }))
                        if refused && self.overlay.is_none() =>
                    {
                        self.overlay = Some(step)
                    }
                    // refused further on: what was typed in the steps before is kept
                    _ if self.overlay.is_none() && refused => self.drop_steps(),
                    _ if self.overlay.is_none() => self.overlay_back.clear(),
                    _ => {}
                }
            }
        }
    }

    /// `Esc`: the inline editor with unsaved text asks first; what was typed in a prompt
    /// is kept as its draft; a later step of a flow goes back to the step before, as it
    /// was left; anything else closes.
    fn close_overlay(&mut self) {
        let mut kept = false;
        if let Some(ov) = self.overlay.take() {
            if ov.has_unsaved_text() {
                self.overlay_back.push(ov);
                self.overlay = Some(Overlay::Confirm {
                    message: "Throw away what you typed?\ny throws it away · k keeps it as a \
                              draft · n or Esc goes back to it"
                        .into(),
                    flow: super::overlay::Flow::Discard,
                });
                return;
            }
            kept = self.drafts.leave(&ov);
        }
        self.overlay = self.overlay_back.pop();
        match (self.overlay.is_some(), kept) {
            (true, false) => self.info("back one step: Esc again to go further back"),
            (true, true) => self.info(
                "back one step; what you typed is kept as a draft for when that box opens again",
            ),
            (false, true) => self.info(KEPT),
            (false, false) => {}
        }
    }

    /// The inline editor's text after "Throw away what you typed?": thrown away (`y`) or
    /// kept as its draft (`k`). What was typed in the flow's earlier steps is kept.
    pub(super) fn discard(&mut self, answer: &str) {
        if let Some(editor) = self.overlay_back.pop() {
            if answer == "keep" {
                if self.drafts.leave(&editor) {
                    self.info(KEPT);
                } else {
                    self.info("nothing was typed to keep");
                }
            } else {
                if let Some(key) = editor.draft_key() {
                    self.drafts.forget(&key);
                }
                self.info("what you typed was thrown away");
            }
        }
        self.drop_steps();
    }

    /// Drops the earlier steps of a flow that ends unfinished: what was typed in them is
    /// kept as their drafts.
    fn drop_steps(&mut self) {
        for ov in std::mem::take(&mut self.overlay_back) {
            self.drafts.leave(&ov);
        }
    }

    /// Finishes what a submitted box was for.
    fn submitted(&mut self, ov: Overlay, value: String) {
        match ov {
            Overlay::Prompt { flow, .. }
            | Overlay::Pick { flow, .. }
            | Overlay::Confirm { flow, .. }
            | Overlay::Editor { flow, .. } => self.finish(flow, value),
            Overlay::Finder { purpose, .. } => match value.parse() {
                Ok(id) => self.finder_chose(purpose, id),
                Err(e) => self.error(format!("{e}")),
            },
            Overlay::Palette { .. } => {
                if let Some(cmd) = Command::from_name(&value) {
                    self.apply(cmd);
                }
            }
            Overlay::Help { .. } => {}
        }
    }

    /// The record chosen in the finder: shown where it lives (re-centring the walk in
    /// the Links pane), or the value of the pane's step that opened it.
    fn finder_chose(&mut self, purpose: FinderPurpose, id: crate::model::Id) {
        match purpose {
            FinderPurpose::Jump if self.pane == super::Pane::Links => {
                self.events.push(Event::ShowLinks(id))
            }
            FinderPurpose::Jump => self.events.push(Event::Show(id)),
            FinderPurpose::For { step, .. } => self.finish_step(step, id.to_string()),
        }
    }

    fn refresh_overlay_results(&mut self) {
        match &self.overlay {
            Some(Overlay::Finder { .. }) => self.refresh_finder(),
            Some(Overlay::Palette { input, .. }) => {
                let found = self.palette_matches(input.text());
                if let Some(Overlay::Palette { matches, .. }) = &mut self.overlay {
                    *matches = found;
                }
            }
            _ => {}
        }
    }

    /// Searches again for the finder's text: in a large workspace by asking the worker
    /// (results come in through [`App::finder_found`]; the box says the search is under
    /// way), else at once.
    fn refresh_finder(&mut self) {
        let Some(Overlay::Finder { input, purpose, .. }) = &self.overlay else {
            return;
        };
        let only = purpose.kind();
        let query = input.text().to_string();
        let background = self.finder.in_background(&self.store);
        let (hits, searching) = if query.trim().is_empty() {
            self.finder.forget();
            // before anything is typed: what the pane offers, if anything
            let offer = match purpose {
                FinderPurpose::For { offer, .. } => offer.clone(),
                FinderPurpose::Jump => Vec::new(),
            };
            (offer, false)
        } else if background {
            self.finder.request(&query, only);
            // what was shown matched the text before: never shown under this one
            return self.set_finder(Vec::new(), true, false);
        } else {
            let mut pass = crate::store::search::SearchPass::new(&query);
            if let Err(e) = pass.finish(&self.store) {
                return self.error(e.to_string());
            }
            (super::finder::shown(&self.store, &pass, only), false)
        };
        self.set_finder(hits, searching, false);
    }

    /// Takes in results from the finder's worker: the newest query's only (the worker
    /// drops the rest); the selected record stays selected when it is still there.
    pub(super) fn finder_found(&mut self, found: super::finder::Found) {
        if let Some(e) = &found.error {
            self.error(format!("search stopped: {e}"));
        }
        self.set_finder(found.hits, !found.done, true);
    }

    /// Shows `found` in the finder; `more` says it is more of the same query's results,
    /// where the selected record keeps its selection (a new query starts at the top).
    fn set_finder(&mut self, found: Vec<(crate::model::Id, String)>, running: bool, more: bool) {
        let Some(Overlay::Finder {
            hits,
            selected,
            searching,
            purpose,
            ..
        }) = &mut self.overlay
        else {
            return;
        };
        // what the step already has is marked, so it is not picked twice by mistake
        let mut found = found;
        if let FinderPurpose::For { marked, mark, .. } = purpose {
            for (id, title) in found.iter_mut() {
                if marked.contains(id) {
                    *title = format!("({mark}) {title}");
                }
            }
        }
        *searching = running;
        let was = hits.get(*selected).map(|(id, _)| *id).filter(|_| more);
        *selected = was
            .and_then(|id| found.iter().position(|(f, _)| *f == id))
            .unwrap_or_else(|| (*selected).min(found.len().saturating_sub(1)));
        *hits = found;
    }
}
