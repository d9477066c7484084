//! The Backlog's commands, and finishing the steps of its own flows: adding questions
//! and hypotheses, status and answer, kind, review date, the filter and the export.

use super::{BacklogState, DetailItem, QuestionFilter, SortBy};
use crate::app::cx::{yardstick_choices, Cx, Event};
use crate::app::overlay::{hypothesis_status_choices, Choice, Flow, Step};
use crate::app::pane::PaneView;
use crate::commands::{Command, Scope};
use crate::export::{self, BriefingMeta, Format};
use crate::model::{Id, Kind, Sees, Status};
use crate::store::NewQuestion;

/// The steps of this pane's prompts, pickers and editor.
#[derive(Debug, Clone, PartialEq)]
pub enum BacklogFlow {
    AddQuestion {
        parent: Option<Id>,
    },
    EditDetail(Id),
    Status(Id),
    Answer(Id),
    AnswerConfidence {
        id: Id,
        text: String,
    },
    AddHypothesis(Id),
    /// The likelihood of a hypothesis just added: one undo step with its adding.
    NewLikelihood(Id),
    Kind(Id),
    Review(Id),
    /// Where to move a question: `find` (another question, in the finder) or `top`.
    Move(Id),
    /// The question a question moves under, chosen in the finder.
    MoveUnder(Id),
    /// A hypothesis's status, from the detail.
    HypothesisStatus(Id),
    Filter,
    ExportFormat,
    ExportPath(Format),
}

/// A box's flow that comes back to this pane as `f`.
pub fn flow(f: BacklogFlow) -> Flow {
    Flow::Pane(Step::new(Scope::Backlog, f))
}

impl BacklogState {
    /// The finder over questions, for the one `id` moves under.
    fn find_new_parent(&self, cx: &mut Cx, id: Id) {
        cx.emit(crate::app::cx::Event::Find(
            crate::app::overlay::FinderPurpose::for_step(
                format!("Move {id} under"),
                Some(crate::model::Kind::Question),
                Step::new(Scope::Backlog, BacklogFlow::MoveUnder(id)),
            ),
        ));
    }

    fn current_question(&self) -> Option<Id> {
        self.detail
            .as_ref()
            .map(|d| d.id)
            .or_else(|| self.selected_id())
    }

    pub(super) fn apply_backlog(&mut self, cx: &mut Cx, cmd: Command) {
        let q = self.current_question();
        let need_q = |cx: &mut Cx| -> Option<Id> {
            if q.is_none() {
                cx.info("no question selected: a adds one");
            }
            q
        };
        match cmd {
            Command::Open => self.open_selected(cx),
            Command::Back => {
                if self.detail.take().is_none() && !self.filter.is_empty() {
                    self.filter = Default::default();
                    if let Err(e) = self.rebuild(cx.store) {
                        return cx.error(e.to_string());
                    }
                    cx.info("filter cleared");
                }
            }
            Command::AddQuestion => cx.prompt(
                "New question",
                "a question worth answering, ending in ?",
                "",
                flow(BacklogFlow::AddQuestion { parent: None }),
            ),
            Command::AddSubQuestion => {
                if let Some(p) = need_q(cx) {
                    cx.prompt(
                        &format!("New sub-question of {p}"),
                        "",
                        "",
                        flow(BacklogFlow::AddQuestion { parent: Some(p) }),
                    );
                }
            }
            Command::EditDetail => {
                if let Some(id) = need_q(cx) {
                    let text = self
                        .question(&id)
                        .map(|q| q.detail.clone())
                        .unwrap_or_default();
                    cx.edit_long(
                        &format!("Detail of {id}"),
                        text,
                        flow(BacklogFlow::EditDetail(id)),
                    );
                }
            }
            Command::SetStatus => {
                if let Some(id) = need_q(cx) {
                    let Some(cur) = self.question(&id).map(|q| q.status) else {
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
                    cx.pick(
                        &format!("Status of {id}"),
                        choices,
                        at,
                        flow(BacklogFlow::Status(id)),
                    );
                }
            }
            Command::PriorityUp | Command::PriorityDown => {
                if let Some(id) = need_q(cx) {
                    let Some(cur) = self.question(&id).map(|q| q.priority) else {
                        return;
                    };
                    let p = if cmd == Command::PriorityUp {
                        cur.saturating_sub(1).max(1)
                    } else {
                        (cur + 1).min(4)
                    };
                    if p == cur {
                        cx.info(format!("{id} is already priority {cur}"));
                    } else {
                        cx.set(id, &[("priority", &p.to_string())]);
                    }
                }
            }
            Command::AddHypothesis => {
                if let Some(id) = need_q(cx) {
                    cx.prompt(
                        &format!("New hypothesis for {id}"),
                        "one explanation that could be true",
                        "",
                        flow(BacklogFlow::AddHypothesis(id)),
                    );
                }
            }
            Command::Likelihood => match self.detail_item() {
                Some(DetailItem::Hypothesis(h)) => {
                    let id = h.meta.id;
                    let at = h.likelihood.map(|l| l as usize).unwrap_or(7);
                    cx.pick(
                        &format!("Likelihood of {id}"),
                        yardstick_choices(),
                        at,
                        Flow::Likelihood(id),
                    );
                }
                _ => cx.info("open a question (Enter) and select one of its hypotheses"),
            },
            Command::HypothesisStatus => match self.detail_item() {
                Some(DetailItem::Hypothesis(h)) => {
                    let (id, cur) = (h.meta.id, h.status);
                    let (choices, at) = hypothesis_status_choices(cur);
                    cx.pick(
                        &format!("Status of {id}"),
                        choices,
                        at,
                        flow(BacklogFlow::HypothesisStatus(id)),
                    );
                }
                _ => cx.info("open a question (Enter) and select one of its hypotheses"),
            },
            Command::SetKind => {
                if let Some(id) = need_q(cx) {
                    let cur = self
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
                    cx.pick(
                        &format!("SEES kind of {id}"),
                        choices,
                        cur,
                        flow(BacklogFlow::Kind(id)),
                    );
                }
            }
            Command::MoveQuestion => {
                if let Some(id) = need_q(cx) {
                    match self.question(&id).and_then(|q| q.parent) {
                        Some(p) => cx.pick(
                            &format!("Move {id} (now under {p})"),
                            vec![
                                Choice::new("under another question", "find", "find it by name"),
                                Choice::new("to the top level", "top", "a question of its own"),
                            ],
                            0,
                            flow(BacklogFlow::Move(id)),
                        ),
                        None => self.find_new_parent(cx, id),
                    }
                }
            }
            Command::ReviewBy => {
                if let Some(id) = need_q(cx) {
                    let cur = self
                        .question(&id)
                        .and_then(|q| q.review_by)
                        .map(|d| d.to_string())
                        .unwrap_or_default();
                    cx.prompt(
                        &format!("Review {id} by"),
                        "YYYY-MM-DD, empty to clear",
                        &cur,
                        flow(BacklogFlow::Review(id)),
                    );
                }
            }
            Command::Filter => {
                let cur = self.filter.describe();
                cx.prompt(
                    "Filter",
                    "words: open active … situation … p1 … #tag; empty shows all",
                    &cur,
                    flow(BacklogFlow::Filter),
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
                let keep = self.selected_id();
                self.sort = Some(by);
                let r = self.rebuild(cx.store).and_then(|()| match keep {
                    Some(id) => self.show(cx.store, id).map(|_| ()),
                    None => Ok(()),
                });
                if let Err(e) = r {
                    return cx.error(e.to_string());
                }
                cx.info(format!("sorted by {}", by.name()));
            }
            Command::Export => {
                let choices = vec![
                    Choice::new("Markdown briefing", "md", ".md"),
                    Choice::new("CSV (spreadsheets)", "csv", ".csv"),
                    Choice::new("JSON (weft.backlog/1)", "json", ".json"),
                ];
                cx.pick(
                    &format!(
                        "Export {} as",
                        crate::model::vocab::counted(
                            self.shown_count(cx.store),
                            "question",
                            "questions"
                        )
                    ),
                    choices,
                    0,
                    flow(BacklogFlow::ExportFormat),
                );
            }
            other => cx.info(format!(
                "{} does not apply in the {} pane",
                other.name(),
                "Backlog"
            )),
        }
    }

    fn open_selected(&mut self, cx: &mut Cx) {
        if let Some(DetailItem::Hypothesis(h)) = self.detail_item() {
            let h = h.clone();
            let card = match BacklogState::hypothesis_card(cx.store, &h) {
                Ok(c) => c,
                Err(e) => return cx.error(e.to_string()),
            };
            if let Some(d) = self.detail.as_mut() {
                d.expanded = match d.expanded.take() {
                    Some((open, _)) if open == h.meta.id => None,
                    _ => Some((h.meta.id, card)),
                };
            }
            return;
        }
        let next = match (&self.detail, self.detail_item()) {
            (None, _) => self.selected_id(),
            (Some(_), Some(DetailItem::SubQuestion(id))) => Some(*id),
            (Some(_), Some(DetailItem::Linked { other, .. })) if other.kind == Kind::Question => {
                Some(*other)
            }
            (Some(_), Some(DetailItem::Linked { other, .. })) => {
                // an entity, note or other record opens in its own pane
                let other = *other;
                cx.emit(Event::Show(other));
                None
            }
            _ => None,
        };
        if let Some(id) = next {
            let r = self
                .show(cx.store, id)
                .and_then(|_| self.open_detail(cx.store, id));
            if let Err(e) = r {
                cx.error(e.to_string());
            }
        }
    }

    /// Finishes a step of this pane's flows with the value its box gave.
    pub(super) fn finish(&mut self, cx: &mut Cx, f: BacklogFlow, value: String) {
        match f {
            BacklogFlow::AddQuestion { parent } => {
                if value.trim().is_empty() {
                    return cx.error("a question needs a title: nothing added");
                }
                let mut nq = NewQuestion::new(&value);
                if let Some(p) = parent.and_then(|p| self.question(&p)) {
                    nq.kind = p.kind;
                    nq.priority = p.priority;
                }
                nq.parent = parent;
                let r = cx.store.add_question(nq);
                if let Some(added) = cx.report(r, |a| format!("added {}", a.id)) {
                    self.committed_here(cx, Scope::Backlog, added.done);
                    let id = added.id;
                    self.detail = None;
                    if let Err(e) = self.show(cx.store, id) {
                        cx.error(e.to_string());
                    }
                }
            }
            BacklogFlow::EditDetail(id) => {
                cx.set(id, &[("detail", value.trim_end())]);
            }
            BacklogFlow::Status(id) => {
                let Ok(status) = value.parse::<Status>() else {
                    return cx.error(format!("{value:?} is not a status"));
                };
                let Some(q) = self.question(&id) else {
                    return;
                };
                if status == q.status {
                    return cx.info(format!("{id} is already {status}"));
                }
                if status == Status::Answered {
                    let text = q
                        .answer
                        .as_ref()
                        .map(|a| a.text.clone())
                        .unwrap_or_default();
                    cx.prompt(
                        &format!("Answer {id}"),
                        "the answer, then its confidence",
                        &text,
                        flow(BacklogFlow::Answer(id)),
                    );
                } else {
                    cx.set(id, &[("status", status.as_str())]);
                }
            }
            BacklogFlow::Answer(id) => {
                if value.trim().is_empty() {
                    return cx.error(format!(
                        "{id}: an answered question needs its answer; status unchanged"
                    ));
                }
                let at = self
                    .question(&id)
                    .and_then(|q| q.answer.as_ref())
                    .and_then(|a| a.confidence)
                    .map(|c| c as usize)
                    .unwrap_or(3);
                cx.pick(
                    &format!("Confidence in the answer to {id}"),
                    yardstick_choices(),
                    at,
                    flow(BacklogFlow::AnswerConfidence { id, text: value }),
                );
            }
            BacklogFlow::AnswerConfidence { id, text } => {
                cx.set(
                    id,
                    &[
                        ("answer", &text),
                        ("confidence", &value),
                        ("status", "answered"),
                    ],
                );
            }
            BacklogFlow::AddHypothesis(q) => {
                if value.trim().is_empty() {
                    return cx.error("a hypothesis needs a statement: nothing added");
                }
                let r = cx.store.add_hypothesis(q, &value, None);
                if let Some(added) = cx.report(r, |a| format!("added {}", a.id)) {
                    self.committed_here(cx, Scope::Backlog, added.done);
                    let h = added.id;
                    if let Err(e) = self.open_detail(cx.store, q) {
                        return cx.error(e.to_string());
                    }
                    if let Some(d) = &mut self.detail {
                        d.cursor = d
                            .items
                            .iter()
                            .position(
                                |it| matches!(it, DetailItem::Hypothesis(x) if x.meta.id == h),
                            )
                            .unwrap_or(0);
                    }
                    cx.pick(
                        &format!("Likelihood of {h}"),
                        yardstick_choices(),
                        7,
                        flow(BacklogFlow::NewLikelihood(h)),
                    );
                }
            }
            BacklogFlow::NewLikelihood(h) => {
                cx.set_continuing(h, &[("likelihood", &value)]);
            }
            BacklogFlow::Kind(id) => {
                cx.set(id, &[("kind", &value)]);
            }
            BacklogFlow::Review(id) => {
                cx.set(id, &[("review_by", &value)]);
            }
            BacklogFlow::Move(id) if value == "top" => {
                cx.set(id, &[("parent", "")]);
            }
            BacklogFlow::Move(id) => self.find_new_parent(cx, id),
            BacklogFlow::MoveUnder(id) => {
                cx.set(id, &[("parent", &value)]);
            }
            BacklogFlow::Filter => match QuestionFilter::parse(&value) {
                Ok(f) => {
                    self.filter = f;
                    self.detail = None;
                    if let Err(e) = self.rebuild(cx.store) {
                        return cx.error(e.to_string());
                    }
                    cx.info(format!(
                        "{} shown",
                        crate::model::vocab::counted(
                            self.shown_count(cx.store),
                            "question",
                            "questions"
                        )
                    ));
                }
                Err(e) => cx.error(e),
            },
            BacklogFlow::ExportFormat => match value.parse::<Format>() {
                Ok(format) => {
                    let name = format!("weft-backlog-{}.{}", cx.today, value);
                    cx.prompt(
                        "Export to",
                        "a file path; it is written owner-only",
                        &name,
                        flow(BacklogFlow::ExportPath(format)),
                    );
                }
                Err(e) => cx.error(e.to_string()),
            },
            BacklogFlow::ExportPath(format) => self.export(cx, format, &value),
            BacklogFlow::HypothesisStatus(h) => {
                cx.set(h, &[("status", &value)]);
            }
        }
    }

    fn export(&mut self, cx: &mut Cx, format: Format, path: &str) {
        let path = path.trim();
        if path.is_empty() {
            return cx.error("export needs a file path: nothing written");
        }
        let questions = match self.all_shown(cx.store) {
            Ok(q) => q,
            Err(e) => return cx.error(e.to_string()),
        };
        let meta = BriefingMeta {
            title: "Backlog briefing".into(),
            date: cx.today,
            workspace: cx.store.name(),
            audit: crate::share::audit(cx.store),
        };
        let bytes = match export::render_backlog(cx.store, &questions, format, &meta) {
            Ok(b) => b,
            Err(e) => return cx.error(e.to_string()),
        };
        match export::write_output(std::path::Path::new(path), |w| w.write_all(&bytes)) {
            Ok(()) => {
                let shown = std::fs::canonicalize(path)
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|_| path.to_string());
                cx.info(format!(
                    "exported {} to {shown}",
                    crate::model::vocab::counted(questions.len(), "question", "questions")
                ))
            }
            Err(e) => cx.error(format!("cannot write {path}: {e}")),
        }
    }

    /// Shows a question, or a hypothesis in its question's detail, clearing a filter
    /// that hides it.
    pub(super) fn show_record(&mut self, cx: &mut Cx, id: Id) {
        let q = match id.kind {
            Kind::Hypothesis => match cx.store.get(id) {
                Ok(Some(crate::model::Record::Hypothesis(h))) => h.question,
                Ok(_) => return cx.error(format!("no record {id}")),
                Err(e) => return cx.error(e.to_string()),
            },
            _ => id,
        };
        cx.emit(Event::Focus(Scope::Backlog));
        if !matches!(self.show(cx.store, q), Ok(true)) {
            self.filter = QuestionFilter::default();
            let r = self.rebuild(cx.store);
            if let Err(e) = r.and_then(|()| self.show(cx.store, q)) {
                return cx.error(e.to_string());
            }
            cx.info("filter cleared to show the record");
        }
        if let Err(e) = self.open_detail(cx.store, q) {
            cx.error(e.to_string());
        }
        if let (Some(d), Kind::Hypothesis) = (&mut self.detail, id.kind) {
            if let Some(i) = d
                .items
                .iter()
                .position(|it| matches!(it, DetailItem::Hypothesis(h) if h.meta.id == id))
            {
                d.cursor = i;
            }
        }
    }
}
