//! The Gaps pane's keys: accept a suggestion as a question (`a`, and `Q`), dismiss it
//! with an optional reason (`d`), show the ones dealt with (`z`) and restore one (`r`),
//! jump to the next or previous group (`]`, `[`), open its triggers (`Enter`) and go
//! to one (`Enter` again), back (`Esc`).

use super::super::ask::{self, AskDraft, GapKey};
use super::super::cx::{Cx, Event};
use super::super::overlay::{Flow, Step};
use super::{GapsFlow, GapsState, Row};
use crate::commands::{Command, Scope};
use crate::store::Added;

/// A box's flow that comes back to this pane as `f`.
fn flow(f: GapsFlow) -> Flow {
    Flow::Pane(Step::new(Scope::Gaps, f))
}

impl GapsState {
    pub(crate) fn apply_gaps(&mut self, cx: &mut Cx, cmd: Command) {
        match cmd {
            Command::GapAccept => self.gaps_accept(cx),
            Command::GapDismiss => self.gaps_dismiss(cx),
            Command::GapRestore => self.gaps_restore(cx),
            Command::GapNextGroup => self.gaps_jump(cx, true),
            Command::GapPrevGroup => self.gaps_jump(cx, false),
            Command::GapShowDealt => {
                let g = &mut *self;
                g.show_dealt = !g.show_dealt;
                g.rebuild();
                let n = g.list().len();
                let text = if g.show_dealt {
                    format!("{n} dismissed or accepted; r restores one, z shows the open ones")
                } else {
                    crate::model::vocab::counted(n, "open suggestion", "open suggestions")
                };
                cx.info(text);
            }
            Command::Open => self.gaps_open(cx),
            Command::Back => {
                if self.triggers.take().is_none() && self.show_dealt {
                    self.show_dealt = false;
                    self.rebuild();
                }
            }
            other => cx.info(format!("{} does nothing in the Gaps pane", other.name())),
        }
    }

    /// `Enter`: opens the selected suggestion's trigger list; in it, goes to the
    /// selected trigger where it lives (as the finder does).
    fn gaps_open(&mut self, cx: &mut Cx) {
        if self.current().is_none() {
            return cx.info("no suggestion selected");
        }
        if self.triggers.is_none() {
            self.triggers = Some(0);
            return;
        }
        if let Some(id) = self.trigger() {
            cx.emit(Event::Show(id));
        }
    }

    /// `a` (and `Q`): the suggested question in a prompt, selected so that typing
    /// replaces it, as every proposed question is; Enter adds it linked to every
    /// trigger.
    pub(crate) fn gaps_accept(&mut self, cx: &mut Cx) {
        match self.accept_draft() {
            Some((title, draft)) => ask::open_ask(cx, title, draft),
            None => cx.info("no suggestion selected"),
        }
    }

    /// The question the selected suggestion proposes, and its draft: about its
    /// triggers, accepting the suggestion when added.
    pub(super) fn accept_draft(&self) -> Option<(String, AskDraft)> {
        let s = self.current()?;
        let draft = AskDraft {
            about: s.triggers.clone(),
            kind: s.kind,
            detail: s.accepted_detail(),
            gap: Some(GapKey {
                key: s.key.clone(),
                rule: s.rule,
                fingerprint: s.fingerprint.clone(),
            }),
        };
        Some((s.question.clone(), draft))
    }

    /// `d`: asks why (one line, optional: Enter on nothing dismisses without a reason;
    /// Esc dismisses nothing).
    fn gaps_dismiss(&mut self, cx: &mut Cx) {
        let Some(s) = self.current() else {
            return cx.info("no suggestion selected");
        };
        if self.show_dealt {
            return cx.info("already dealt with: r restores it, z shows the open ones");
        }
        let f = GapsFlow::Dismiss {
            key: s.key.clone(),
            rule: s.rule,
            fingerprint: s.fingerprint.clone(),
        };
        let title = format!(
            "Dismiss: {}",
            crate::analysis::shorten(&crate::model::text::sanitize(&s.question), 60)
        );
        cx.prompt(
            &title,
            "why, in one line (optional): Enter dismisses · Esc keeps it",
            "",
            flow(f),
        );
    }

    /// A prompt of this pane, submitted.
    pub(super) fn finish_gaps(&mut self, cx: &mut Cx, f: GapsFlow, value: String) {
        match f {
            GapsFlow::Dismiss {
                key,
                rule,
                fingerprint,
            } => {
                let reason = Some(value.as_str()).filter(|v| !v.trim().is_empty());
                let r = cx.store.dismiss_gap(&key, rule, &fingerprint, reason);
                let said = |_: &Added| match reason {
                    Some(r) => format!(
                        "dismissed {key} ({}) until its records change; u undoes it",
                        r.trim()
                    ),
                    None => format!("dismissed {key} until its records change; u undoes it"),
                };
                if let Some(added) = cx.report(r, said) {
                    self.gaps_move(&key, true);
                    cx.committed(added.done);
                }
            }
        }
    }

    /// `]` / `[`: the first suggestion of the next or previous group.
    fn gaps_jump(&mut self, cx: &mut Cx, forward: bool) {
        self.triggers = None;
        let heads: Vec<usize> = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r, Row::Group { .. }))
            .map(|(i, _)| i)
            .collect();
        let at = self.cursor.selected;
        // the heading of the group the selection is in
        let here = heads.iter().rposition(|h| *h <= at);
        let to = match (forward, here) {
            (true, Some(h)) => heads.get(h + 1),
            (true, None) => heads.first(),
            (false, Some(h)) if h > 0 => heads.get(h - 1),
            (false, _) => None,
        };
        let Some(&head) = to else {
            let end = if forward { "last" } else { "first" };
            return cx.info(format!("this is the {end} group"));
        };
        if let Some(Row::Group {
            priority,
            rule,
            count,
        }) = self.rows.get(head).copied()
        {
            self.cursor.selected = head + 1;
            let served = match priority {
                Some(p) => format!("P{p}"),
                None => "no open question".to_string(),
            };
            cx.info(format!(
                "{rule}, serving {served}: {}",
                crate::model::vocab::counted(count, "suggestion", "suggestions")
            ));
        }
    }

    /// `r` in the list of dismissed suggestions: deletes the dismissal, so the
    /// suggestion is open again.
    fn gaps_restore(&mut self, cx: &mut Cx) {
        let Some(s) = self.current() else {
            return cx.info("no suggestion selected");
        };
        if !self.show_dealt {
            return cx.info("z shows the dismissed suggestions; r restores one there");
        }
        let key = s.key.clone();
        let found = match cx.store.dismissal(&key) {
            Ok(Some(d)) => d,
            Ok(None) => return cx.error(format!("{key} is not dismissed")),
            Err(e) => return cx.error(e.to_string()),
        };
        let kept = found
            .question
            .map(|q| format!("; its question {q} stays"))
            .unwrap_or_default();
        let r = cx.store.delete(found.meta.id);
        if let Some(done) = cx.report(r, |_| format!("restored {key}{kept}")) {
            self.gaps_move(&key, false);
            cx.committed(done);
        }
    }

    /// Moves a suggestion between the open list and the one dealt with at once, before
    /// the re-run that confirms it comes back.
    pub(crate) fn gaps_move(&mut self, key: &str, dealt: bool) {
        let g = &mut *self;
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
