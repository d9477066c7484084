//! Finishing the Hypotheses pane's prompts and pickers: a new hypothesis, a status, the
//! collect-next sub-question, and an expectation added or given its status (where and
//! when it was looked for, or the note that shows it found).

use super::HypothesesState;
use crate::app::cx::{yardstick_choices, Cx};
use crate::app::overlay::{Choice, Flow, Step};
use crate::app::pane::PaneView;
use crate::commands::Scope;
use crate::model::{ExpectationStatus, HypothesisStatus, Id};
use crate::store::{Added, NewQuestion};

use super::Pick;

/// A step of a Hypotheses flow.
#[derive(Debug, Clone, PartialEq)]
pub enum HypothesesFlow {
    /// A new hypothesis of the question: its statement.
    AddHypothesis(Id),
    /// A hypothesis's status from the picker.
    Status(Id),
    /// The collect-next action chosen (its place in the list).
    Advice,
    /// A cell's value, chosen for the selected cell from collect next.
    Cell,
    /// The sub-question of `question` that would tell `hypotheses` apart: its title.
    Collect { question: Id, hypotheses: Vec<Id> },
    /// A new expectation of a hypothesis: its text.
    Expect(Id),
    /// Which expectation of the selected hypothesis to set (its id).
    Expectation,
    /// The new status of an expectation.
    ExpectationStatus(Id),
    /// Where an absent expectation was looked for.
    Where(Id),
    /// When it was looked for.
    Checked { x: Id, place: String },
    /// The record chosen in the finder for a pick.
    Chose(Pick),
}

/// A box's flow that comes back to this pane as `f`.
pub(super) fn flow(f: HypothesesFlow) -> Flow {
    Flow::Pane(Step::new(Scope::Hypotheses, f))
}

/// The finder, offering records of the kind `pick` wants.
pub(super) fn find(pick: Pick) -> crate::app::cx::Event {
    crate::app::cx::Event::Find(crate::app::overlay::FinderPurpose::for_step(
        pick.title(),
        Some(pick.kind()),
        Step::new(Scope::Hypotheses, HypothesesFlow::Chose(pick)),
    ))
}

/// Questions the matrix finder offers before anything is typed.
const OFFERED: usize = 50;

impl HypothesesState {
    /// The finder for `pick`, with what the pane already knows: the questions that
    /// have matrices offered for a matrix to show; for an evidence row, the notes that
    /// bear on the question offered and the rows it already has marked.
    pub(super) fn find_with(&self, cx: &mut Cx, pick: Pick) {
        let labelled = |cx: &mut Cx, id: Id| match cx.store.get(id) {
            Ok(Some(r)) => crate::app::finder::label(&r),
            _ => String::new(),
        };
        let (offer, marked, mark) = match pick {
            Pick::Question => {
                let qs = cx
                    .store
                    .questions_with_hypotheses(OFFERED)
                    .unwrap_or_default();
                let offer = qs.into_iter().map(|q| (q, labelled(cx, q))).collect();
                (offer, self.question.into_iter().collect(), "on screen")
            }
            Pick::Evidence => {
                let cands = cx
                    .store
                    .evidence_candidates(&self.matrix, OFFERED)
                    .unwrap_or_default();
                let offer = cands
                    .into_iter()
                    .map(|c| (c.note, labelled(cx, c.note)))
                    .collect();
                (
                    offer,
                    self.matrix.rows.iter().map(|r| r.note).collect(),
                    "already a row",
                )
            }
            Pick::FoundBy(_) => (Vec::new(), Vec::new(), ""),
        };
        cx.emit(crate::app::cx::Event::Find(
            crate::app::overlay::FinderPurpose::For {
                title: pick.title(),
                only: Some(pick.kind()),
                step: Step::new(Scope::Hypotheses, HypothesesFlow::Chose(pick)),
                offer,
                marked,
                mark,
            },
        ));
    }
}

impl HypothesesState {
    pub(crate) fn finish_hypotheses(&mut self, cx: &mut Cx, f: HypothesesFlow, value: String) {
        match f {
            HypothesesFlow::AddHypothesis(q) => {
                if value.trim().is_empty() {
                    return cx.error("a hypothesis needs a statement: nothing added");
                }
                let r = cx.store.add_hypothesis(q, &value, None);
                if let Some(added) = cx.report(r, |a| format!("added {}: its likelihood?", a.id)) {
                    self.committed_here(cx, Scope::Hypotheses, added.done);
                    let h = added.id;
                    if let Err(e) = self.load(cx.store, q) {
                        return cx.error(e.to_string());
                    }
                    self.select(h);
                    cx.pick(
                        &format!("Likelihood of {h}"),
                        yardstick_choices(),
                        7,
                        Flow::Likelihood(h),
                    );
                }
            }
            HypothesesFlow::Status(h) => {
                if cx.set(h, &[("status", &value)])
                    && value == HypothesisStatus::Rejected.as_str()
                    && !self.show_rejected
                {
                    cx.info(format!("{h}: rejected; r shows rejected hypotheses"));
                }
            }
            HypothesesFlow::Advice => match value.parse::<usize>() {
                Ok(i) => self.act_on_advice(cx, i),
                Err(_) => cx.error(format!("{value:?} is not an action of collect next")),
            },
            HypothesesFlow::Cell => match value.parse::<crate::model::Consistency>() {
                Ok(c) => self.set_cell(cx, Some(c)),
                Err(e) => cx.error(e.to_string()),
            },
            HypothesesFlow::Collect {
                question,
                hypotheses,
            } => {
                if value.trim().is_empty() {
                    return cx.error("a question needs a title: nothing added");
                }
                let statement = |h: &Id| {
                    let st = &self.matrix;
                    st.column_of(*h)
                        .map(|c| format!("{h}: {}", st.columns[c].statement))
                        .unwrap_or_default()
                };
                let mut nq = NewQuestion::new(value.trim());
                if let Ok(Some(p)) = cx.store.question(question) {
                    nq.kind = p.kind;
                    nq.priority = p.priority;
                }
                nq.parent = Some(question);
                nq.tags = vec![crate::model::COLLECTION_TAG.to_string()];
                nq.detail = hypotheses
                    .iter()
                    .map(statement)
                    .collect::<Vec<_>>()
                    .join("\n");
                let r = cx.store.add_question_about(nq, &hypotheses);
                let ids: Vec<String> = hypotheses.iter().map(Id::to_string).collect();
                let said = |added: &Added| {
                    let id = added.id;
                    format!(
                        "added {id} under {question}, linked to {}; in the collection plan; u undoes it",
                        ids.join(", ")
                    )
                };
                if let Some(added) = cx.report(r, said) {
                    self.committed_here(cx, Scope::Hypotheses, added.done);
                }
            }
            HypothesesFlow::Expect(h) => {
                if value.trim().is_empty() {
                    return cx.error("an expectation needs text: nothing added");
                }
                let r = cx.store.add_expectation(h, &value);
                let said = |x: &Added| format!("added {}, unchecked: X sets what was found", x.id);
                if let Some(added) = cx.report(r, said) {
                    self.committed_here(cx, Scope::Hypotheses, added.done);
                }
            }
            HypothesesFlow::Expectation => match value.parse::<Id>() {
                Ok(x) => {
                    let cur = self
                        .matrix
                        .expectations
                        .iter()
                        .find(|e| e.id == x)
                        .map_or(ExpectationStatus::Unchecked, |e| e.status);
                    let hints = [
                        "not yet looked for",
                        "looked for and not found: asks where and when",
                        "found: asks for the note that shows it",
                    ];
                    let choices = ExpectationStatus::ALL
                        .iter()
                        .zip(hints)
                        .map(|(s, hint)| Choice::new(s.as_str(), s.as_str(), hint))
                        .collect();
                    let at = ExpectationStatus::ALL
                        .iter()
                        .position(|s| *s == cur)
                        .unwrap_or(0);
                    cx.pick(
                        &format!("Status of {x}"),
                        choices,
                        at,
                        flow(HypothesesFlow::ExpectationStatus(x)),
                    );
                }
                Err(e) => cx.error(e.to_string()),
            },
            HypothesesFlow::ExpectationStatus(x) => match value.parse::<ExpectationStatus>() {
                Ok(ExpectationStatus::Unchecked) => {
                    cx.set(x, &[("status", "unchecked")]);
                }
                Ok(ExpectationStatus::Absent) => {
                    let place = self
                        .matrix
                        .expectations
                        .iter()
                        .find(|e| e.id == x)
                        .and_then(|e| e.place.clone())
                        .unwrap_or_default();
                    cx.prompt(
                        &format!("Where was {x} looked for?"),
                        "the sources searched, e.g. PNC and ANPR",
                        &place,
                        flow(HypothesesFlow::Where(x)),
                    );
                }
                Ok(ExpectationStatus::Found) => cx.emit(find(Pick::FoundBy(x))),
                Err(e) => cx.error(e.to_string()),
            },
            HypothesesFlow::Where(x) => {
                if value.trim().is_empty() {
                    return cx.error(format!(
                        "{x}: absent needs where it was looked for; nothing changed"
                    ));
                }
                let today = cx.today.to_string();
                cx.prompt(
                    &format!("When was {x} looked for?"),
                    "YYYY-MM-DD; Enter keeps today",
                    &today,
                    flow(HypothesesFlow::Checked {
                        x,
                        place: value.trim().to_string(),
                    }),
                );
            }
            // the finder's choice is taken in `on_flow`
            HypothesesFlow::Chose(_) => {}
            HypothesesFlow::Checked { x, place } => {
                let checked = if value.trim().is_empty() {
                    cx.today.to_string()
                } else {
                    value.trim().to_string()
                };
                cx.set(
                    x,
                    &[
                        ("status", "absent"),
                        ("where", &place),
                        ("checked", &checked),
                    ],
                );
            }
        }
    }
}
