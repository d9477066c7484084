//! The Hypotheses pane's commands and what its finder picks: cells, evidence rows,
//! switching question, hypothesis status and likelihood (the status picker serves the
//! Backlog detail too), collect next, and the expected-but-absent ledger. The prompts
//! and pickers they open are finished in `flows.rs`.

use super::flows::flow;
use super::{HypothesesFlow, HypothesesState};
use crate::app::cx::{yardstick_choices, Cx, Event};
use crate::app::input::LineInput;
use crate::app::overlay::{hypothesis_status_choices, Choice, Flow, Overlay};
use crate::app::pane::PaneView;
use crate::commands::Command;
use crate::commands::Scope;
use crate::model::ach::{collect_next, hundredths, telling_apart, Act};
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

impl HypothesesState {
    pub(crate) fn apply_hypotheses(&mut self, cx: &mut Cx, cmd: Command) {
        let q = self.question;
        let h = self.hypothesis();
        let need_q = |cx: &mut Cx| {
            if q.is_none() {
                cx.info("no question shown: o picks one (or select one in the Backlog)");
            }
            q
        };
        let need_h = |cx: &mut Cx| {
            if h.is_none() {
                cx.info(if q.is_none() {
                    "no question shown: o picks one"
                } else {
                    "no hypothesis selected: h adds one (r shows rejected ones)"
                });
            }
            h
        };
        match cmd {
            Command::ColumnLeft => self.step_column(-1),
            Command::ColumnRight => self.step_column(1),
            Command::CellVeryConsistent => self.set_cell(cx, Some(Consistency::VeryConsistent)),
            Command::CellConsistent => self.set_cell(cx, Some(Consistency::Consistent)),
            Command::CellNeutral => self.set_cell(cx, Some(Consistency::Neutral)),
            Command::CellInconsistent => self.set_cell(cx, Some(Consistency::Inconsistent)),
            Command::CellVeryInconsistent => self.set_cell(cx, Some(Consistency::VeryInconsistent)),
            Command::CellClear => self.set_cell(cx, None),
            Command::AddEvidence => {
                if need_q(cx).is_some() {
                    self.find_with(cx, Pick::Evidence);
                }
            }
            Command::MatrixQuestion => self.find_with(cx, Pick::Question),
            Command::MatrixHypothesis => {
                if let Some(q) = need_q(cx) {
                    cx.prompt(
                        &format!("New hypothesis for {q}"),
                        "one explanation that could be true",
                        "",
                        flow(HypothesesFlow::AddHypothesis(q)),
                    );
                }
            }
            Command::MatrixStatus => {
                if let Some(h) = need_h(cx) {
                    let c = self.column().map(|c| &self.matrix.columns[c]);
                    let cur = c.map_or(HypothesisStatus::Live, |c| c.status);
                    self.pick_hypothesis_status(cx, h, cur);
                }
            }
            Command::MatrixLikelihood => {
                if let Some(h) = need_h(cx) {
                    let c = self.column().map(|c| &self.matrix.columns[c]);
                    let at = c.and_then(|c| c.likelihood).map_or(7, |l| l as usize);
                    cx.pick(
                        &format!("Likelihood of {h}"),
                        yardstick_choices(),
                        at,
                        Flow::Likelihood(h),
                    );
                }
            }
            Command::ShowRejected => {
                let st = &mut *self;
                st.show_rejected = !st.show_rejected;
                st.rebuild();
                let n = st.matrix.columns.iter().filter(|c| !c.is_live()).count();
                let said = match (st.show_rejected, n) {
                    (_, 0) => "no rejected hypothesis".to_string(),
                    (true, n) => format!("{n} rejected hypotheses shown, after the live ones"),
                    (false, n) => format!("{n} rejected hypotheses hidden (r shows them)"),
                };
                cx.info(said);
            }
            Command::HideFlat => {
                let st = &mut *self;
                st.hide_flat = !st.hide_flat;
                st.rebuild();
                let flat = st.analysis.diagnostic.iter().filter(|d| !**d).count();
                let said = if st.hide_flat {
                    format!("{flat} non-diagnostic rows hidden (z shows them)")
                } else {
                    format!("{flat} non-diagnostic rows shown dim")
                };
                cx.info(said);
            }
            Command::OrderRows => {
                let st = &mut *self;
                st.by_diagnosticity = !st.by_diagnosticity;
                st.rebuild();
                cx.info(if self.by_diagnosticity {
                    "rows by diagnosticity: the most separating first"
                } else {
                    "rows by note id"
                });
            }
            Command::CollectNext => {
                if let Some(q) = need_q(cx) {
                    self.collect_next(cx, q);
                }
            }
            Command::AddExpectation => {
                if let Some(h) = need_h(cx) {
                    cx.prompt(
                        &format!("Expectation of {h}"),
                        &format!("what should be seen if {h} were true"),
                        "",
                        flow(HypothesesFlow::Expect(h)),
                    );
                }
            }
            Command::CheckExpectation => {
                if let Some(h) = need_h(cx) {
                    self.pick_expectation(cx, h);
                }
            }
            Command::Open => match crate::app::pane::PaneView::selected(&*self) {
                Some(id) => cx.emit(Event::Show(id)),
                None => cx.info("nothing selected: o picks a question"),
            },
            Command::Back => {
                let st = &mut *self;
                if st.hide_flat || st.by_diagnosticity || st.show_rejected {
                    st.hide_flat = false;
                    st.by_diagnosticity = false;
                    st.show_rejected = false;
                    st.rebuild();
                    cx.info("view reset: every live hypothesis, every row, by note id");
                }
            }
            other => cx.info(format!(
                "{} does not apply in the {} pane",
                other.name(),
                "Hypotheses"
            )),
        }
    }

    /// Opens the picker of a hypothesis's status (`s`).
    pub(crate) fn pick_hypothesis_status(&mut self, cx: &mut Cx, h: Id, cur: HypothesisStatus) {
        let (choices, at) = hypothesis_status_choices(cur);
        cx.pick(
            &format!("Status of {h}"),
            choices,
            at,
            flow(HypothesesFlow::Status(h)),
        );
    }

    /// Collect next: the actions that could change the answer, best first, in a picker
    /// whose Enter acts on the one chosen (assess the cell, check the expectation, ask the
    /// sub-question).
    fn collect_next(&mut self, cx: &mut Cx, q: Id) {
        if self.loading().is_some() {
            return cx.info(format!(
                "{q}'s matrix is still being read: N again in a moment"
            ));
        }
        let candidates = match cx
            .store
            .evidence_candidates(&self.matrix, crate::model::ach::CANDIDATES)
        {
            Ok(c) => c,
            Err(e) => return cx.error(e.to_string()),
        };
        self.advice = collect_next(&self.matrix, &self.analysis, &candidates);
        if self.advice.is_empty() {
            return cx.info("collect next needs two live hypotheses: h adds one");
        }
        let choices = self
            .advice
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let what = match a.act {
                    Act::Assess if a.row.is_none() => {
                        format!("add {} and assess it", a.records[0])
                    }
                    Act::Assess => format!("assess {} × {}", a.records[0], a.hypotheses[0]),
                    Act::Check => format!("check {} of {}", a.records[0], a.hypotheses[0]),
                    Act::Ask => "ask what would tell them apart".to_string(),
                };
                let mark = if a.decisive { " ●" } else { "" };
                Choice::new(
                    what,
                    i.to_string(),
                    format!("up to {}{mark}", hundredths(a.swing)),
                )
                .with_detail(&a.reason)
            })
            .collect();
        cx.pick(
            &format!("Collect next for {q} (● could change the lead)"),
            choices,
            0,
            flow(HypothesesFlow::Advice),
        );
    }

    /// Acts on the collect-next action chosen.
    pub(super) fn act_on_advice(&mut self, cx: &mut Cx, i: usize) {
        let (Some(a), Some(q)) = (self.advice.get(i).cloned(), self.question) else {
            return cx.info("that action is gone: N lists them again");
        };
        match a.act {
            Act::Assess => {
                let (n, h) = (a.records[0], a.hypotheses[0]);
                if a.row.is_none() {
                    self.add_evidence(cx, n);
                }
                if self.hide_flat {
                    self.hide_flat = false;
                    self.rebuild();
                }
                if !(self.select(h) && self.select(n)) {
                    return;
                }
                let choices = Consistency::ALL
                    .iter()
                    .map(|c| Choice::new(c.symbol(), c.symbol(), c.words()))
                    .collect();
                cx.pick(
                    &format!("{n} read against {h}"),
                    choices,
                    2,
                    flow(HypothesesFlow::Cell),
                );
            }
            Act::Check => {
                self.finish_hypotheses(cx, HypothesesFlow::Expectation, a.records[0].to_string())
            }
            Act::Ask => {
                let cols: Vec<usize> = a
                    .hypotheses
                    .iter()
                    .filter_map(|h| self.matrix.column_of(*h))
                    .collect();
                let title = telling_apart(&self.matrix, &cols);
                let ids: Vec<String> = a.hypotheses.iter().map(Id::to_string).collect();
                cx.open(Overlay::Prompt {
                    title: format!("Collect next: a sub-question of {q}"),
                    hint: format!(
                        "linked to {} (concerns); type to replace, ← → edit",
                        ids.join(", ")
                    ),
                    input: LineInput::proposed(&title),
                    flow: flow(HypothesesFlow::Collect {
                        question: q,
                        hypotheses: a.hypotheses.clone(),
                    }),
                });
            }
        }
    }

    fn pick_expectation(&mut self, cx: &mut Cx, h: Id) {
        let choices: Vec<Choice> = self
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
            return cx.info(format!("{h} has no expectations: x adds one"));
        }
        cx.pick(
            &format!("Which expectation of {h}"),
            choices,
            0,
            flow(HypothesesFlow::Expectation),
        );
    }

    /// What the finder chose for the Hypotheses pane.
    pub(crate) fn hypotheses_chose(&mut self, cx: &mut Cx, pick: Pick, id: Id) {
        if id.kind != pick.kind() {
            return cx.error(format!("{id} is not a {}", pick.kind().noun()));
        }
        match pick {
            Pick::Question => match self.load(cx.store, id) {
                Ok(()) => cx.info(format!("the matrix of {id}")),
                Err(e) => cx.error(e.to_string()),
            },
            Pick::Evidence => self.add_evidence(cx, id),
            Pick::FoundBy(x) => {
                cx.set(x, &[("status", "found"), ("note", &id.to_string())]);
            }
        }
    }

    /// Makes a note an evidence row of the question's matrix: a "concerns" link from the
    /// note to the question (one step; `u` undoes it).
    pub(super) fn add_evidence(&mut self, cx: &mut Cx, n: Id) {
        let Some(q) = self.question else {
            return cx.info("no question shown: o picks one");
        };
        if self.select(n) {
            return cx.info(format!("{n} is already a row of {q}'s matrix"));
        }
        let r = cx.store.link(NewLink {
            from: n,
            to: q,
            label: "concerns".into(),
            confidence: None,
            source: None,
            when: None,
        });
        let said = |l: &Added| format!("{n} is evidence on {q} ({}: concerns); u undoes it", l.id);
        if let Some(added) = cx.report(r, said) {
            self.committed_here(cx, Scope::Hypotheses, added.done);
            if let Err(e) = self.load(cx.store, q) {
                return cx.error(e.to_string());
            }
            self.select(n);
        }
    }
}
