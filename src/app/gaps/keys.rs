//! The Gaps pane's keys: accept a suggestion as a question (`a`, and `Q`), dismiss it
//! (`d`), show the ones dealt with (`z`) and restore one (`r`), open its triggers
//! (`Enter`) and go to one (`Enter` again), back (`Esc`).

use super::super::input::LineInput;
use super::super::overlay::{Flow, Overlay};
use super::super::App;
use super::Row;
use crate::commands::Command;
use crate::model::{Id, Sees};
use crate::store::{Committed, NewQuestion};

/// The steps of the Gaps pane's flows.
#[derive(Debug, Clone, PartialEq)]
pub enum GapsFlow {
    /// The prompt of an accepted suggestion holds the question's title.
    Accept {
        key: String,
        rule: &'static str,
        fingerprint: String,
        triggers: Vec<Id>,
        kind: Sees,
    },
}

impl App {
    pub(crate) fn apply_gaps(&mut self, cmd: Command) {
        match cmd {
            Command::GapAccept => self.gaps_accept(),
            Command::GapDismiss => self.gaps_dismiss(),
            Command::GapRestore => self.gaps_restore(),
            Command::GapShowDealt => {
                let g = &mut self.gaps;
                g.show_dealt = !g.show_dealt;
                g.rebuild();
                let n = g.list().len();
                let text = if g.show_dealt {
                    format!("{n} dismissed or accepted; r restores one, z shows the open ones")
                } else {
                    format!("{n} open suggestions")
                };
                self.info(text);
            }
            Command::Open => self.gaps_open(),
            Command::Back => {
                if self.gaps.triggers.take().is_none() && self.gaps.show_dealt {
                    self.gaps.show_dealt = false;
                    self.gaps.rebuild();
                }
            }
            other => self.info(format!("{} does nothing in the Gaps pane", other.name())),
        }
    }

    /// `Enter`: opens the selected suggestion's trigger list; in it, goes to the
    /// selected trigger where it lives (as the finder does).
    fn gaps_open(&mut self) {
        if self.gaps.current().is_none() {
            return self.info("no suggestion selected");
        }
        if self.gaps.triggers.is_none() {
            self.gaps.triggers = Some(0);
            return;
        }
        if let Some(id) = self.gaps.trigger() {
            self.jump_to(id);
        }
    }

    /// `a` (and `Q`): the suggested question in a prompt, selected so that typing
    /// replaces it, as every proposed question is; Enter adds it linked to every
    /// trigger.
    pub(crate) fn gaps_accept(&mut self) {
        let Some(s) = self.gaps.current() else {
            return self.info("no suggestion selected");
        };
        let about: Vec<String> = s.triggers.iter().map(Id::to_string).collect();
        let flow = GapsFlow::Accept {
            key: s.key.clone(),
            rule: s.rule,
            fingerprint: s.fingerprint.clone(),
            triggers: s.triggers.clone(),
            kind: s.kind,
        };
        let title = s.question.clone();
        self.overlay = Some(Overlay::Prompt {
            title: format!("New question about {}", about.join(", ")),
            hint: "type to replace it; ← → Backspace edit it; linked with \"concerns\"".into(),
            input: LineInput::proposed(&title),
            flow: Flow::Gaps(flow),
        });
    }

    fn gaps_dismiss(&mut self) {
        let Some(s) = self.gaps.current() else {
            return self.info("no suggestion selected");
        };
        if self.gaps.show_dealt {
            return self.info("already dealt with: r restores it, z shows the open ones");
        }
        let (key, rule, fp) = (s.key.clone(), s.rule, s.fingerprint.clone());
        let r = self.store.dismiss_gap(&key, rule, &fp);
        let said = |_: &Id| format!("dismissed {key} until its records change; u undoes it");
        if let Some(id) = self.report(r, said) {
            self.gaps_move(&key, true);
            self.after_change(&Committed {
                group: 0,
                ids: vec![id],
            });
        }
    }

    /// `r` in the list of dismissed suggestions: deletes the dismissal, so the
    /// suggestion is open again.
    fn gaps_restore(&mut self) {
        let Some(s) = self.gaps.current() else {
            return self.info("no suggestion selected");
        };
        if !self.gaps.show_dealt {
            return self.info("z shows the dismissed suggestions; r restores one there");
        }
        let key = s.key.clone();
        let found = match self.store.dismissal(&key) {
            Ok(Some(d)) => d,
            Ok(None) => return self.error(format!("{key} is not dismissed")),
            Err(e) => return self.error(e.to_string()),
        };
        let kept = found
            .question
            .map(|q| format!("; its question {q} stays"))
            .unwrap_or_default();
        let r = self.store.delete(found.meta.id);
        if let Some(done) = self.report(r, |_| format!("restored {key}{kept}")) {
            self.gaps_move(&key, false);
            self.after_change(&done);
        }
    }

    /// Moves a suggestion between the open list and the one dealt with at once, before
    /// the re-run that confirms it comes back.
    fn gaps_move(&mut self, key: &str, dealt: bool) {
        let g = &mut self.gaps;
        let (from, to) = if dealt {
            (&mut g.run.open, &mut g.run.dealt)
        } else {
            (&mut g.run.dealt, &mut g.run.open)
        };
        if let Some(at) = from.iter().position(|s| s.key == key) {
            to.push(from.remove(at));
        }
        let at = g.cursor.selected;
        g.rebuild();
        g.cursor.selected = at.min(g.rows.len().saturating_sub(1));
        let rows = &g.rows;
        g.cursor
            .step_over(0, rows.len(), |i| matches!(rows[i], Row::Item(_)));
    }

    pub(crate) fn finish_gaps(&mut self, flow: GapsFlow, value: String) {
        let GapsFlow::Accept {
            key,
            rule,
            fingerprint,
            triggers,
            kind,
        } = flow;
        if value.trim().is_empty() {
            return self.error("a question needs a title: nothing added");
        }
        let q = NewQuestion {
            kind,
            ..NewQuestion::new(value.trim())
        };
        let r = self
            .store
            .accept_gap_committed(q, &triggers, (&key, rule, &fingerprint));
        let about: Vec<String> = triggers.iter().map(Id::to_string).collect();
        let said = |d: &Committed| {
            let q = d.ids.first().map(Id::to_string).unwrap_or_default();
            format!(
                "added {q} to the backlog, linked to {} (concerns); u undoes it",
                about.join(", ")
            )
        };
        if let Some(done) = self.report(r, said) {
            self.gaps_move(&key, true);
            self.after_change(&done);
        }
    }
}
