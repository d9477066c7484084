//! The Timeline's commands and the flows its prompts finish: moving, zoom, the jump to a
//! date, the axis, the filter, and turning a quiet stretch into a question.

use super::rows::{Focus, Row};
use super::{flow, TimelineFlow, TimelineState};
use crate::app::ask;
use crate::app::cx::{Cx, Event};
use crate::app::pane::PaneView;
use crate::commands::Command;
use crate::model::{Id, When};
use crate::store::{Result, TimeAxis};

impl TimelineState {
    /// Counts the strip again if the view moved off it (after every Timeline command).
    pub(in crate::app) fn settle_timeline(&mut self, cx: &mut Cx) {
        self.width = (cx.size.0 as usize).max(1);
        if let Err(e) = self.sync_strip(cx.store) {
            cx.error(e.to_string());
        }
    }

    pub(super) fn timeline_result(&mut self, cx: &mut Cx, r: Result<()>) {
        if let Err(e) = r {
            cx.error(e.to_string());
        }
    }

    pub(in crate::app) fn apply_timeline(&mut self, cx: &mut Cx, cmd: Command) {
        let r = match cmd {
            Command::ZoomOut | Command::ZoomIn => {
                let zoom = self.zoom;
                let next = if cmd == Command::ZoomOut {
                    zoom.wider()
                } else {
                    zoom.narrower()
                };
                match next {
                    Some(z) => {
                        self.set_zoom(z);
                        cx.info(format!("density by {}", z.name()));
                    }
                    None => cx.info(format!("already by {}", zoom.name())),
                }
                Ok(())
            }
            Command::TimeAxis => {
                let axis = match self.axis {
                    TimeAxis::Occurred => TimeAxis::Recorded,
                    TimeAxis::Recorded => TimeAxis::Occurred,
                };
                let r = self.set_axis(cx.store, axis);
                cx.info(match axis {
                    TimeAxis::Recorded => {
                        "recorded time: when each item was entered, and how long after it happened"
                    }
                    TimeAxis::Occurred => "occurred time: when each item happened",
                });
                r
            }
            Command::JumpDate => {
                cx.prompt(
                    "Jump to a date",
                    "2024, 2024-03, 2024-03-04, 2024-03-04 14:30, ~2024-03 or A..B",
                    "",
                    flow(TimelineFlow::Jump),
                );
                Ok(())
            }
            Command::TimelineFilter => {
                let current = match &self.focus {
                    Some(Focus::Entity(id) | Focus::Question(id)) => id.to_string(),
                    Some(Focus::Tag(tag)) => format!("#{tag}"),
                    None => String::new(),
                };
                cx.prompt(
                    "Filter the timeline",
                    "an entity (E12 or a name), a question (Q3) or #tag; empty shows all",
                    &current,
                    flow(TimelineFlow::Filter),
                );
                Ok(())
            }
            Command::AskGap => {
                self.ask_about_quiet_stretch(cx);
                Ok(())
            }
            Command::Back => {
                if self.focus.is_some() {
                    let r = self.set_focus(cx.store, None);
                    cx.info("filter cleared");
                    r
                } else {
                    Ok(())
                }
            }
            Command::Open => {
                match self.selected_row() {
                    Some(Row::Item(it)) => {
                        let id = it.id;
                        cx.emit(Event::Show(id));
                    }
                    Some(Row::Quiet(_)) => {
                        cx.info("a turns this quiet stretch into a question for the backlog")
                    }
                    None => {}
                }
                Ok(())
            }
            other => {
                cx.info(format!(
                    "{} does not apply in the {} pane",
                    other.name(),
                    "Timeline"
                ));
                Ok(())
            }
        };
        self.timeline_result(cx, r);
        self.settle_timeline(cx);
    }

    pub(in crate::app) fn finish_timeline(
        &mut self,
        cx: &mut Cx,
        flow: TimelineFlow,
        value: String,
    ) {
        match flow {
            TimelineFlow::Jump => match value.trim().parse::<When>() {
                Ok(w) => {
                    let r = self.jump(cx.store, w.start_instant());
                    match r {
                        Ok(true) => cx.info(format!("from {}", w.human())),
                        Ok(false) => {
                            cx.info(format!("nothing at or after {}: the last shown", w.human()))
                        }
                        Err(e) => cx.error(e.to_string()),
                    }
                }
                Err(e) => cx.error(e.to_string()),
            },
            TimelineFlow::Filter => self.filter_timeline(cx, value.trim()),
            TimelineFlow::PickEntity => match value.parse::<Id>() {
                Ok(id) => self.focus_timeline(cx, Focus::Entity(id)),
                Err(e) => cx.error(e.to_string()),
            },
        }
        self.settle_timeline(cx);
    }

    /// `a` on a quiet stretch: the same question `Q` proposes there, for the analyst to
    /// edit; elsewhere, how to find one.
    fn ask_about_quiet_stretch(&mut self, cx: &mut Cx) {
        if let Some((title, draft)) = self.proposed_question() {
            return ask::open_ask(cx, title, draft);
        }
        let t = self;
        let how = match (&t.focus, t.quiet_count()) {
            (Some(Focus::Entity(_)), 0) => format!(
                "this timeline has no quiet stretch over {} days",
                t.quiet_days
            ),
            (Some(Focus::Entity(_)), _) => "select a \"no reporting\" row".to_string(),
            _ => "filter by an entity (f), then select a \"no reporting\" row".to_string(),
        };
        cx.info(format!("a turns a quiet stretch into a question: {how}"))
    }
}
