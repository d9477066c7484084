//! The Gaps pane's keys: accept a suggestion as a question (`a`, and `Q`), dismiss it
//! (`d`), show the ones dealt with (`z`) and restore one (`r`), open its triggers
//! (`Enter`) and go to one (`Enter` again), back (`Esc`).

use super::super::ask::{AskDraft, GapKey};
use super::super::App;
use super::Row;
use crate::commands::Command;
use crate::store::Added;

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
        let draft = AskDraft {
            about: s.triggers.clone(),
            kind: s.kind,
            detail: String::new(),
            gap: Some(GapKey {
                key: s.key.clone(),
                rule: s.rule,
                fingerprint: s.fingerprint.clone(),
            }),
        };
        let title = s.question.clone();
        self.open_ask(title, draft);
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
        let said = |_: &Added| format!("dismissed {key} until its records change; u undoes it");
        if let Some(added) = self.report(r, said) {
            self.gaps_move(&key, true);
            self.after_change(&added.done);
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
    pub(crate) fn gaps_move(&mut self, key: &str, dealt: bool) {
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
}
