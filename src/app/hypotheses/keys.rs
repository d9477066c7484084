//! The Hypotheses pane's commands and what its finder picks: cells, evidence rows,
//! switching question, hypothesis status and likelihood (the status picker serves the
//! Backlog detail too), collect next, and the expected-but-absent ledger. The prompts
//! and pickers they open are finished in `flows.rs`.

use super::HypothesesFlow;
use crate::app::input::LineInput;
use crate::app::overlay::{Choice, FinderPurpose, Flow, Overlay};
use crate::app::App;
use crate::commands::Command;
use crate::model::{Consistency, HypothesisStatus, Id, Kind};
use crate::store::{Added, NewLink};

/// What the finder picks for the Hypotheses pane, and the kind of record it offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// A note to add as an evidence row.
    Evidence,
    /// The question whose matrix to show.
    Question,
    /// The note that shows an expectation found.
    FoundBy(Id),
}

impl Pick {
    pub fn kind(self) -> Kind {
        match self {
            Pick::Question => Kind::Question,
            Pick::Evidence | Pick::FoundBy(_) => Kind::Note,
        }
    }

    pub fn title(self) -> String {
        match self {
            Pick::Evidence => "Add evidence: a note".to_string(),
            Pick::Question => "Show the matrix of a question".to_string(),
            Pick::FoundBy(x) => format!("{x} found in note"),
        }
    }
}

impl App {
    pub(crate) fn apply_hypotheses(&mut self, cmd: Command) {
        let q = self.hypotheses.question;
        let h = self.hypotheses.hypothesis();
        let need_q = |app: &mut App| {
            if q.is_none() {
                app.info("no question shown: o picks one (or select one in the Backlog)");
            }
            q
        };
        let need_h = |app: &mut App| {
            if h.is_none() {
                app.info(if q.is_none() {
                    "no question shown: o picks one"
                } else {
                    "no hypothesis selected: h adds one (r shows rejected ones)"
                });
            }
            h
        };
        match cmd {
            Command::ColumnLeft => self.hypotheses.step_column(-1),
            Command::ColumnRight => self.hypotheses.step_column(1),
            Command::CellVeryConsistent => self.set_cell(Some(Consistency::VeryConsistent)),
            Command::CellConsistent => self.set_cell(Some(Consistency::Consistent)),
            Command::CellNeutral => self.set_cell(Some(Consistency::Neutral)),
            Command::CellInconsistent => self.set_cell(Some(Consistency::Inconsistent)),
            Command::CellVeryInconsistent => self.set_cell(Some(Consistency::VeryInconsistent)),
            Command::CellClear => self.set_cell(None),
            Command::AddEvidence => {
                if need_q(self).is_some() {
                    self.open_finder(FinderPurpose::Hypotheses(Pick::Evidence));
                }
            }
            Command::MatrixQuestion => self.open_finder(FinderPurpose::Hypotheses(Pick::Question)),
            Command::MatrixHypothesis => {
                if let Some(q) = need_q(self) {
                    self.prompt(
                        &format!("New hypothesis for {q}"),
                        "one explanation that could be true",
                        "",
                        Flow::Hypotheses(HypothesesFlow::AddHypothesis(q)),
                    );
                }
            }
            Command::MatrixStatus => {
                if let Some(h) = need_h(self) {
                    let c = self
                        .hypotheses
                        .column()
                        .map(|c| &self.hypotheses.matrix.columns[c]);
                    let cur = c.map_or(HypothesisStatus::Live, |c| c.status);
                    self.pick_hypothesis_status(h, cur);
                }
            }
            Command::MatrixLikelihood => {
                if let Some(h) = need_h(self) {
                    let c = self
                        .hypotheses
                        .column()
                        .map(|c| &self.hypotheses.matrix.columns[c]);
                    let at = c.and_then(|c| c.likelihood).map_or(7, |l| l as usize);
                    self.pick(
                        &format!("Likelihood of {h}"),
                        Self::yardstick_choices(),
                        at,
                        Flow::Likelihood(h),
                    );
                }
            }
            Command::ShowRejected => {
                let st = &mut self.hypotheses;
                st.show_rejected = !st.show_rejected;
                st.rebuild();
                let n = st.matrix.columns.iter().filter(|c| !c.is_live()).count();
                let said = match (st.show_rejected, n) {
                    (_, 0) => "no rejected hypothesis".to_string(),
                    (true, n) => format!("{n} rejected hypotheses shown, after the live ones"),
                    (false, n) => format!("{n} rejected hypotheses hidden (r shows them)"),
                };
                self.info(said);
            }
            Command::HideFlat => {
                let st = &mut self.hypotheses;
                st.hide_flat = !st.hide_flat;
                st.rebuild();
                let flat = st.analysis.diagnostic.iter().filter(|d| !**d).count();
                let said = if st.hide_flat {
                    format!("{flat} non-diagnostic rows hidden (z shows them)")
                } else {
                    format!("{flat} non-diagnostic rows shown dim")
                };
                self.info(said);
            }
            Command::OrderRows => {
                let st = &mut self.hypotheses;
                st.by_diagnosticity = !st.by_diagnosticity;
                st.rebuild();
                self.info(if self.hypotheses.by_diagnosticity {
                    "rows by diagnosticity: the most separating first"
                } else {
                    "rows by note id"
                });
            }
            Command::CollectNext => {
                if let Some(q) = need_q(self) {
                    self.collect_next(q);
                }
            }
            Command::AddExpectation => {
                if let Some(h) = need_h(self) {
                    self.prompt(
                        &format!("Expectation of {h}"),
                        &format!("what should be seen if {h} were true"),
                        "",
                        Flow::Hypotheses(HypothesesFlow::Expect(h)),
                    );
                }
            }
            Command::CheckExpectation => {
                if let Some(h) = need_h(self) {
                    self.pick_expectation(h);
                }
            }
            Command::Open => match crate::app::PaneView::selected(&self.hypotheses) {
                Some(id) => self.jump_to(id),
                None => self.info("nothing selected: o picks a question"),
            },
            Command::Back => {
                let st = &mut self.hypotheses;
                if st.hide_flat || st.by_diagnosticity || st.show_rejected {
                    st.hide_flat = false;
                    st.by_diagnosticity = false;
                    st.show_rejected = false;
                    st.rebuild();
                    self.info("view reset: every live hypothesis, every row, by note id");
                }
            }
            other => self.info(format!(
                "{} does not apply in the {} pane",
                other.name(),
                self.pane.title()
            )),
        }
    }

    /// Opens the picker of a hypothesis's status (this pane's `s`, the Backlog's `S`).
    pub(crate) fn pick_hypothesis_status(&mut self, h: Id, cur: HypothesisStatus) {
        let hints = [
            "still weighed against the others",
            "ruled out: ranked last, hidden unless shown",
            "judged true",
        ];
        let choices = HypothesisStatus::ALL
            .iter()
            .zip(hints)
            .map(|(s, hint)| Choice::new(s.as_str(), s.as_str(), hint))
            .collect();
        let at = HypothesisStatus::ALL
            .iter()
            .position(|s| *s == cur)
            .unwrap_or(0);
        self.pick(
            &format!("Status of {h}"),
            choices,
            at,
            Flow::Hypotheses(HypothesesFlow::Status(h)),
        );
    }

    /// Proposes the sub-question that would tell the two closest-ranked hypotheses apart.
    fn collect_next(&mut self, q: Id) {
        let Some((a, b)) = self.hypotheses.closest_pair() else {
            return self.info("collect next needs two live hypotheses: h adds one");
        };
        let title = format!("What evidence would tell {a} and {b} apart?");
        self.overlay = Some(Overlay::Prompt {
            title: format!("Collect next: a sub-question of {q}"),
            hint: format!("linked to {a} and {b} (concerns); type to replace, ← → edit"),
            input: LineInput::proposed(&title),
            flow: Flow::Hypotheses(HypothesesFlow::Collect {
                question: q,
                pair: (a, b),
            }),
        });
    }

    fn pick_expectation(&mut self, h: Id) {
        let choices: Vec<Choice> = self
            .hypotheses
            .matrix
            .ledger(h)
            .map(|x| {
                Choice::new(
                    format!("{} {}", x.id, crate::model::text::sanitize(&x.text)),
                    x.id.to_string(),
                    x.status.as_str(),
                )
            })
            .collect();
        if choices.is_empty() {
            return self.info(format!("{h} has no expectations: x adds one"));
        }
        self.pick(
            &format!("Which expectation of {h}"),
            choices,
            0,
            Flow::Hypotheses(HypothesesFlow::Expectation),
        );
    }

    /// What the finder chose for the Hypotheses pane.
    pub(crate) fn hypotheses_chose(&mut self, pick: Pick, id: Id) {
        if id.kind != pick.kind() {
            return self.error(format!("{id} is not a {}", pick.kind().noun()));
        }
        match pick {
            Pick::Question => match self.hypotheses.load(&self.store, id) {
                Ok(()) => self.info(format!("the matrix of {id}")),
                Err(e) => self.error(e.to_string()),
            },
            Pick::Evidence => self.add_evidence(id),
            Pick::FoundBy(x) => {
                self.set(x, &[("status", "found"), ("note", &id.to_string())]);
            }
        }
    }

    /// Makes a note an evidence row of the question's matrix: a "concerns" link from the
    /// note to the question (one step; `u` undoes it).
    fn add_evidence(&mut self, n: Id) {
        let Some(q) = self.hypotheses.question else {
            return self.info("no question shown: o picks one");
        };
        if self.hypotheses.select(n) {
            return self.info(format!("{n} is already a row of {q}'s matrix"));
        }
        let r = self.store.link(NewLink {
            from: n,
            to: q,
            label: "concerns".into(),
            confidence: None,
            source: None,
            when: None,
        });
        let said = |l: &Added| format!("{n} is evidence on {q} ({}: concerns); u undoes it", l.id);
        if let Some(added) = self.report(r, said) {
            self.after_change(&added.done);
            if let Err(e) = self.hypotheses.load(&self.store, q) {
                return self.error(e.to_string());
            }
            self.hypotheses.select(n);
        }
    }
}
