//! The Backlog's commands, and finishing the flows that prompts, pickers and
//! confirmations carry.

use super::backlog::{DetailItem, QuestionFilter, SortBy};
use super::overlay::{Choice, Flow};
use super::App;
use crate::commands::Command;
use crate::export::{self, BriefingMeta, Format};
use crate::model::{Id, Kind, Sees, Status};
use crate::store::NewQuestion;

impl App {
    fn current_question(&self) -> Option<Id> {
        self.backlog
            .detail
            .as_ref()
            .map(|d| d.id)
            .or_else(|| self.backlog.selected_id())
    }

    pub(super) fn apply_backlog(&mut self, cmd: Command) {
        let q = self.current_question();
        let need_q = |app: &mut App| -> Option<Id> {
            if q.is_none() {
                app.info("no question selected: a adds one");
            }
            q
        };
        match cmd {
            Command::Open => self.open_selected(),
            Command::Back => {
                if self.backlog.detail.take().is_none() && !self.backlog.filter.is_empty() {
                    self.backlog.filter = Default::default();
                    if let Err(e) = self.backlog.rebuild(&self.store) {
                        return self.error(e.to_string());
                    }
                    self.info("filter cleared");
                }
            }
            Command::AddQuestion => self.prompt(
                "New question",
                "a question worth answering, ending in ?",
                "",
                Flow::AddQuestion { parent: None },
            ),
            Command::AddSubQuestion => {
                if let Some(p) = need_q(self) {
                    self.prompt(
                        &format!("New sub-question of {p}"),
                        "",
                        "",
                        Flow::AddQuestion { parent: Some(p) },
                    );
                }
            }
            Command::EditDetail => {
                if let Some(id) = need_q(self) {
                    let text = self
                        .backlog
                        .question(&id)
                        .map(|q| q.detail.clone())
                        .unwrap_or_default();
                    self.edit_long(&format!("Detail of {id}"), text, Flow::EditDetail(id));
                }
            }
            Command::SetStatus => {
                if let Some(id) = need_q(self) {
                    let Some(cur) = self.backlog.question(&id).map(|q| q.status) else {
                        return;
                    };
                    let hints = [
                        "not yet worked",
                        "being worked",
                        "asks for the answer and its confidence",
                        "set aside for now",
                        "no longer worth answering",
                    ];
                    let choices = Status::ALL
                        .iter()
                        .zip(hints)
                        .map(|(s, h)| {
                            let hint = if *s == cur { "(now)" } else { h };
                            Choice::new(s.as_str(), s.as_str(), hint)
                        })
                        .collect();
                    let at = Status::ALL.iter().position(|s| *s == cur).unwrap_or(0);
                    self.pick(&format!("Status of {id}"), choices, at, Flow::Status(id));
                }
            }
            Command::PriorityUp | Command::PriorityDown => {
                if let Some(id) = need_q(self) {
                    let Some(cur) = self.backlog.question(&id).map(|q| q.priority) else {
                        return;
                    };
                    let p = if cmd == Command::PriorityUp {
                        cur.saturating_sub(1).max(1)
                    } else {
                        (cur + 1).min(4)
                    };
                    if p == cur {
                        self.info(format!("{id} is already priority {cur}"));
                    } else {
                        self.set(id, &[("priority", &p.to_string())]);
                    }
                }
            }
            Command::AddHypothesis => {
                if let Some(id) = need_q(self) {
                    self.prompt(
                        &format!("New hypothesis for {id}"),
                        "one explanation that could be true",
                        "",
                        Flow::AddHypothesis(id),
                    );
                }
            }
            Command::Likelihood => match self.backlog.detail_item() {
                Some(DetailItem::Hypothesis(h)) => {
                    let id = h.meta.id;
                    let at = h.likelihood.map(|l| l as usize).unwrap_or(7);
                    self.pick(
                        &format!("Likelihood of {id}"),
                        Self::yardstick_choices(),
                        at,
                        Flow::Likelihood(id),
                    );
                }
                _ => self.info("open a question (Enter) and select one of its hypotheses"),
            },
            Command::HypothesisStatus => match self.backlog.detail_item() {
                Some(DetailItem::Hypothesis(h)) => {
                    let (id, cur) = (h.meta.id, h.status);
                    let (choices, at) = super::overlay::hypothesis_status_choices(cur);
                    self.pick(
                        &format!("Status of {id}"),
                        choices,
                        at,
                        Flow::HypothesisStatus(id),
                    );
                }
                _ => self.info("open a question (Enter) and select one of its hypotheses"),
            },
            Command::SetKind => {
                if let Some(id) = need_q(self) {
                    let cur = self
                        .backlog
                        .question(&id)
                        .map(|q| q.kind.index() as usize)
                        .unwrap_or(0);
                    let hints = [
                        "what is happening",
                        "why it is happening",
                        "what will happen",
                        "what could come",
                    ];
                    let choices = Sees::ALL
                        .iter()
                        .zip(hints)
                        .map(|(k, h)| Choice::new(k.as_str(), k.as_str(), h))
                        .collect();
                    self.pick(&format!("SEES kind of {id}"), choices, cur, Flow::Kind(id));
                }
            }
            Command::ReviewBy => {
                if let Some(id) = need_q(self) {
                    let cur = self
                        .backlog
                        .question(&id)
                        .and_then(|q| q.review_by)
                        .map(|d| d.to_string())
                        .unwrap_or_default();
                    self.prompt(
                        &format!("Review {id} by"),
                        "YYYY-MM-DD, empty to clear",
                        &cur,
                        Flow::Review(id),
                    );
                }
            }
            Command::Filter => {
                let cur = self.backlog.filter.describe();
                self.prompt(
                    "Filter",
                    "words: open active … situation … p1 … #tag; empty shows all",
                    &cur,
                    Flow::Filter,
                );
            }
            Command::SortPriority
            | Command::SortStatus
            | Command::SortKind
            | Command::SortId
            | Command::SortUpdated => {
                let by = match cmd {
                    Command::SortStatus => SortBy::Status,
                    Command::SortKind => SortBy::Kind,
                    Command::SortId => SortBy::Id,
                    Command::SortUpdated => SortBy::Updated,
                    _ => SortBy::Priority,
                };
                let keep = self.backlog.selected_id();
                self.backlog.sort = Some(by);
                let r = self.backlog.rebuild(&self.store).and_then(|()| match keep {
                    Some(id) => self.backlog.show(&self.store, id).map(|_| ()),
                    None => Ok(()),
                });
                if let Err(e) = r {
                    return self.error(e.to_string());
                }
                self.info(format!("sorted by {}", by.name()));
            }
            Command::Export => {
                let choices = vec![
                    Choice::new("Markdown briefing", "md", ".md"),
                    Choice::new("CSV (spreadsheets)", "csv", ".csv"),
                    Choice::new("JSON (weft.backlog/1)", "json", ".json"),
                ];
                self.pick(
                    &format!(
                        "Export {} as",
                        crate::model::vocab::counted(
                            self.backlog.shown_count(&self.store),
                            "question",
                            "questions"
                        )
                    ),
                    choices,
                    0,
                    Flow::ExportFormat,
                );
            }
            other => self.info(format!(
                "{} does not apply in the {} pane",
                other.name(),
                self.pane.title()
            )),
        }
    }

    fn open_selected(&mut self) {
        let next = match (&self.backlog.detail, self.backlog.detail_item()) {
            (None, _) => self.backlog.selected_id(),
            (Some(_), Some(DetailItem::SubQuestion(id))) => Some(*id),
            (Some(_), Some(DetailItem::Linked { other, .. })) if other.kind == Kind::Question => {
                Some(*other)
            }
            (Some(_), Some(DetailItem::Linked { other, .. })) => {
                // an entity, note or other record opens in its own pane
                let other = *other;
                self.jump_to(other);
                None
            }
            _ => None,
        };
        if let Some(id) = next {
            let r = self
                .backlog
                .show(&self.store, id)
                .and_then(|_| self.backlog.open_detail(&self.store, id));
            if let Err(e) = r {
                self.error(e.to_string());
            }
        }
    }

    /// Finishes a flow with the value its prompt, picker, confirmation or editor gave.
    pub fn finish(&mut self, flow: Flow, value: String) {
        match flow {
            Flow::AddQuestion { parent } => {
                if value.trim().is_empty() {
                    return self.error("a question needs a title: nothing added");
                }
                let mut nq = NewQuestion::new(&value);
                if let Some(p) = parent.and_then(|p| self.backlog.question(&p)) {
                    nq.kind = p.kind;
                    nq.priority = p.priority;
                }
                nq.parent = parent;
                let r = self.store.add_question(nq);
                if let Some(added) = self.report(r, |a| format!("added {}", a.id)) {
                    self.after_change(&added.done);
                    let id = added.id;
                    self.backlog.detail = None;
                    if let Err(e) = self.backlog.show(&self.store, id) {
                        self.error(e.to_string());
                    }
                }
            }
            Flow::EditTitle(id) => {
                self.set(id, &[("title", &value)]);
            }
            Flow::EditStatement(id) => {
                let field = if id.kind == crate::model::Kind::Expectation {
                    "text"
                } else {
                    "statement"
                };
                self.set(id, &[(field, &value)]);
            }
            Flow::EditDetail(id) => {
                self.set(id, &[("detail", value.trim_end())]);
            }
            Flow::Status(id) => {
                let Ok(status) = value.parse::<Status>() else {
                    return self.error(format!("{value:?} is not a status"));
                };
                let Some(q) = self.backlog.question(&id) else {
                    return;
                };
                if status == q.status {
                    return self.info(format!("{id} is already {status}"));
                }
                if status == Status::Answered {
                    let text = q
                        .answer
                        .as_ref()
                        .map(|a| a.text.clone())
                        .unwrap_or_default();
                    self.prompt(
                        &format!("Answer {id}"),
                        "the answer, then its confidence",
                        &text,
                        Flow::Answer(id),
                    );
                } else {
                    self.set(id, &[("status", status.as_str())]);
                }
            }
            Flow::Answer(id) => {
                if value.trim().is_empty() {
                    return self.error(format!(
                        "{id}: an answered question needs its answer; status unchanged"
                    ));
                }
                let at = self
                    .backlog
                    .question(&id)
                    .and_then(|q| q.answer.as_ref())
                    .and_then(|a| a.confidence)
                    .map(|c| c as usize)
                    .unwrap_or(3);
                self.pick(
                    &format!("Confidence in the answer to {id}"),
                    Self::yardstick_choices(),
                    at,
                    Flow::AnswerConfidence { id, text: value },
                );
            }
            Flow::AnswerConfidence { id, text } => {
                self.set(
                    id,
                    &[
                        ("answer", &text),
                        ("confidence", &value),
                        ("status", "answered"),
                    ],
                );
            }
            Flow::AddHypothesis(q) => {
                if value.trim().is_empty() {
                    return self.error("a hypothesis needs a statement: nothing added");
                }
                let r = self.store.add_hypothesis(q, &value, None);
                if let Some(added) = self.report(r, |a| format!("added {}", a.id)) {
                    self.after_change(&added.done);
                    let h = added.id;
                    if let Err(e) = self.backlog.open_detail(&self.store, q) {
                        return self.error(e.to_string());
                    }
                    if let Some(d) = &mut self.backlog.detail {
                        d.cursor = d
                            .items
                            .iter()
                            .position(
                                |it| matches!(it, DetailItem::Hypothesis(x) if x.meta.id == h),
                            )
                            .unwrap_or(0);
                    }
                    self.pick(
                        &format!("Likelihood of {h}"),
                        Self::yardstick_choices(),
                        7,
                        Flow::NewLikelihood(h),
                    );
                }
            }
            Flow::Likelihood(h) => {
                self.set(h, &[("likelihood", &value)]);
            }
            Flow::NewLikelihood(h) => {
                self.set_continuing(h, &[("likelihood", &value)]);
            }
            Flow::Kind(id) => {
                self.set(id, &[("kind", &value)]);
            }
            Flow::Review(id) => {
                self.set(id, &[("review_by", &value)]);
            }
            Flow::Tags(id) => {
                self.set(id, &[("tags", &value)]);
            }
            Flow::Filter => match QuestionFilter::parse(&value) {
                Ok(f) => {
                    self.backlog.filter = f;
                    self.backlog.detail = None;
                    if let Err(e) = self.backlog.rebuild(&self.store) {
                        return self.error(e.to_string());
                    }
                    self.info(format!(
                        "{} shown",
                        crate::model::vocab::counted(
                            self.backlog.shown_count(&self.store),
                            "question",
                            "questions"
                        )
                    ));
                }
                Err(e) => self.error(e),
            },
            Flow::ExportFormat => match value.parse::<Format>() {
                Ok(format) => {
                    let name = format!("weft-backlog-{}.{}", self.today, value);
                    self.prompt(
                        "Export to",
                        "a file path; it is written owner-only",
                        &name,
                        Flow::ExportPath(format),
                    );
                }
                Err(e) => self.error(e.to_string()),
            },
            Flow::ExportPath(format) => self.export(format, &value),
            Flow::Ask(draft) => self.finish_ask(draft, &value),
            Flow::Discard => {
                self.overlay_back.clear();
                self.info("what you typed was thrown away");
            }
            Flow::HypothesisStatus(h) => {
                self.set(h, &[("status", &value)]);
            }
            Flow::Pane(step) => self.finish_step(step, value),
            Flow::Delete(id) => {
                let r = self.store.delete(id);
                if let Some(done) = self.report(r, |d| {
                    format!(
                        "deleted {id} ({} in all; u undoes)",
                        crate::model::vocab::counted(d.ids.len(), "record", "records")
                    )
                }) {
                    if self.backlog.detail.as_ref().is_some_and(|d| d.id == id) {
                        self.backlog.detail = None;
                    }
                    self.after_change(&done);
                }
            }
        }
    }

    fn export(&mut self, format: Format, path: &str) {
        let path = path.trim();
        if path.is_empty() {
            return self.error("export needs a file path: nothing written");
        }
        let questions = match self.backlog.all_shown(&self.store) {
            Ok(q) => q,
            Err(e) => return self.error(e.to_string()),
        };
        let meta = BriefingMeta {
            title: "Backlog briefing".into(),
            date: self.today,
            workspace: self.workspace_name(),
        };
        let bytes = match export::render_backlog(&self.store, &questions, format, &meta) {
            Ok(b) => b,
            Err(e) => return self.error(e.to_string()),
        };
        match export::write_output(std::path::Path::new(path), |w| w.write_all(&bytes)) {
            Ok(()) => {
                let shown = std::fs::canonicalize(path)
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|_| path.to_string());
                self.info(format!(
                    "exported {} to {shown}",
                    crate::model::vocab::counted(questions.len(), "question", "questions")
                ))
            }
            Err(e) => self.error(format!("cannot write {path}: {e}")),
        }
    }
}
