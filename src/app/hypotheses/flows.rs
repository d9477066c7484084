//! Finishing the Hypotheses pane's prompts and pickers: a new hypothesis, a status, the
//! collect-next sub-question, and an expectation added or given its status (where and
//! when it was looked for, or the note that shows it found).

use crate::app::overlay::{Choice, FinderPurpose, Flow};
use crate::app::App;
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
    /// The sub-question of `question` that would tell `pair` apart: its title.
    Collect { question: Id, pair: (Id, Id) },
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
}

impl App {
    pub(crate) fn finish_hypotheses(&mut self, flow: HypothesesFlow, value: String) {
        match flow {
            HypothesesFlow::AddHypothesis(q) => {
                if value.trim().is_empty() {
                    return self.error("a hypothesis needs a statement: nothing added");
                }
                let r = self.store.add_hypothesis(q, &value, None);
                if let Some(added) = self.report(r, |a| format!("added {}: its likelihood?", a.id))
                {
                    self.after_change(&added.done);
                    let h = added.id;
                    if let Err(e) = self.hypotheses.load(&self.store, q) {
                        return self.error(e.to_string());
                    }
                    self.hypotheses.select(h);
                    self.pick(
                        &format!("Likelihood of {h}"),
                        Self::yardstick_choices(),
                        7,
                        Flow::Likelihood(h),
                    );
                }
            }
            HypothesesFlow::Status(h) => {
                if self.set(h, &[("status", &value)])
                    && value == HypothesisStatus::Rejected.as_str()
                    && !self.hypotheses.show_rejected
                {
                    self.info(format!("{h}: rejected; r shows rejected hypotheses"));
                }
            }
            HypothesesFlow::Collect { question, pair } => {
                if value.trim().is_empty() {
                    return self.error("a question needs a title: nothing added");
                }
                let (a, b) = pair;
                let statement = |h: Id| {
                    let st = &self.hypotheses.matrix;
                    st.column_of(h)
                        .map(|c| st.columns[c].statement.clone())
                        .unwrap_or_default()
                };
                let mut nq = NewQuestion::new(value.trim());
                if let Some(p) = self.backlog.question(&question) {
                    nq.kind = p.kind;
                    nq.priority = p.priority;
                }
                nq.parent = Some(question);
                nq.detail = format!("{a}: {}\n{b}: {}", statement(a), statement(b));
                let r = self.store.add_question_about(nq, &[a, b]);
                let said = |added: &Added| {
                    let id = added.id;
                    format!("added {id} under {question}, linked to {a} and {b}; u undoes it")
                };
                if let Some(added) = self.report(r, said) {
                    self.after_change(&added.done);
                }
            }
            HypothesesFlow::Expect(h) => {
                if value.trim().is_empty() {
                    return self.error("an expectation needs text: nothing added");
                }
                let r = self.store.add_expectation(h, &value);
                let said = |x: &Added| format!("added {}, unchecked: X sets what was found", x.id);
                if let Some(added) = self.report(r, said) {
                    self.after_change(&added.done);
                }
            }
            HypothesesFlow::Expectation => match value.parse::<Id>() {
                Ok(x) => {
                    let cur = self
                        .hypotheses
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
                    self.pick(
                        &format!("Status of {x}"),
                        choices,
                        at,
                        Flow::Hypotheses(HypothesesFlow::ExpectationStatus(x)),
                    );
                }
                Err(e) => self.error(e.to_string()),
            },
            HypothesesFlow::ExpectationStatus(x) => match value.parse::<ExpectationStatus>() {
                Ok(ExpectationStatus::Unchecked) => {
                    self.set(x, &[("status", "unchecked")]);
                }
                Ok(ExpectationStatus::Absent) => {
                    let place = self
                        .hypotheses
                        .matrix
                        .expectations
                        .iter()
                        .find(|e| e.id == x)
                        .and_then(|e| e.place.clone())
                        .unwrap_or_default();
                    self.prompt(
                        &format!("Where was {x} looked for?"),
                        "the sources searched, e.g. PNC and ANPR",
                        &place,
                        Flow::Hypotheses(HypothesesFlow::Where(x)),
                    );
                }
                Ok(ExpectationStatus::Found) => {
                    self.open_finder(FinderPurpose::Hypotheses(Pick::FoundBy(x)))
                }
                Err(e) => self.error(e.to_string()),
            },
            HypothesesFlow::Where(x) => {
                if value.trim().is_empty() {
                    return self.error(format!(
                        "{x}: absent needs where it was looked for; nothing changed"
                    ));
                }
                let today = self.today.to_string();
                self.prompt(
                    &format!("When was {x} looked for?"),
                    "YYYY-MM-DD; Enter keeps today",
                    &today,
                    Flow::Hypotheses(HypothesesFlow::Checked {
                        x,
                        place: value.trim().to_string(),
                    }),
                );
            }
            HypothesesFlow::Checked { x, place } => {
                let checked = if value.trim().is_empty() {
                    self.today.to_string()
                } else {
                    value.trim().to_string()
                };
                self.set(
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
