//! The Timeline's commands and the flows its prompts finish: moving, zoom, the jump to a
//! date, the axis, the filter, and turning a quiet stretch into a question.

use super::rows::{Focus, Row};
use super::TimelineFlow;
use crate::app::overlay::Flow;
use crate::app::App;
use crate::app::PaneView;
use crate::commands::Command;
use crate::model::{Id, When};
use crate::store::{Result, TimeAxis};

impl App {
    /// Counts the strip again if the view moved off it (after every Timeline command).
    pub(in crate::app) fn settle_timeline(&mut self) {
        self.timeline.width = (self.size.0 as usize).max(1);
        if let Err(e) = self.timeline.sync_strip(&self.store) {
            self.error(e.to_string());
        }
    }

    pub(super) fn timeline_result(&mut self, r: Result<()>) {
        if let Err(e) = r {
            self.error(e.to_string());
        }
    }

    pub(in crate::app) fn apply_timeline(&mut self, cmd: Command) {
        let r = match cmd {
            Command::ZoomOut | Command::ZoomIn => {
                let zoom = self.timeline.zoom;
                let next = if cmd == Command::ZoomOut {
                    zoom.wider()
                } else {
                    zoom.narrower()
                };
                match next {
                    Some(z) => {
                        self.timeline.set_zoom(z);
                        self.info(format!("density by {}", z.name()));
                    }
                    None => self.info(format!("already by {}", zoom.name())),
                }
                Ok(())
            }
            Command::TimeAxis => {
                let axis = match self.timeline.axis {
                    TimeAxis::Occurred => TimeAxis::Recorded,
                    TimeAxis::Recorded => TimeAxis::Occurred,
                };
                let r = self.timeline.set_axis(&self.store, axis);
                self.info(match axis {
                    TimeAxis::Recorded => {
                        "recorded time: when each item was entered, and how long after it happened"
                    }
                    TimeAxis::Occurred => "occurred time: when each item happened",
                });
                r
            }
            Command::JumpDate => {
                self.prompt(
                    "Jump to a date",
                    "2024, 2024-03, 2024-03-04, 2024-03-04 14:30, ~2024-03 or A..B",
                    "",
                    Flow::Timeline(TimelineFlow::Jump),
                );
                Ok(())
            }
            Command::TimelineFilter => {
                let current = match &self.timeline.focus {
                    Some(Focus::Entity(id) | Focus::Question(id)) => id.to_string(),
                    Some(Focus::Tag(tag)) => format!("#{tag}"),
                    None => String::new(),
                };
                self.prompt(
                    "Filter the timeline",
                    "an entity (E12 or a name), a question (Q3) or #tag; empty shows all",
                    &current,
                    Flow::Timeline(TimelineFlow::Filter),
                );
                Ok(())
            }
            Command::AskGap => {
                self.ask_about_quiet_stretch();
                Ok(())
            }
            Command::Back => {
                if self.timeline.focus.is_some() {
                    let r = self.timeline.set_focus(&self.store, None);
                    self.info("filter cleared");
                    r
                } else {
                    Ok(())
                }
            }
            Command::Open => {
                match self.timeline.selected_row() {
                    Some(Row::Item(it)) => {
                        let id = it.id;
                        self.jump_to(id);
                    }
                    Some(Row::Quiet(_)) => {
                        self.info("a turns this quiet stretch into a question for the backlog")
                    }
                    None => {}
                }
                Ok(())
            }
            other => {
                self.info(format!(
                    "{} does not apply in the {} pane",
                    other.name(),
                    self.pane.title()
                ));
                Ok(())
            }
        };
        self.timeline_result(r);
        self.settle_timeline();
    }

    pub(in crate::app) fn finish_timeline(&mut self, flow: TimelineFlow, value: String) {
        match flow {
            TimelineFlow::Jump => match value.trim().parse::<When>() {
                Ok(w) => {
                    let r = self.timeline.jump(&self.store, w.start_instant());
                    match r {
                        Ok(true) => self.info(format!("from {}", w.human())),
                        Ok(false) => {
                            self.info(format!("nothing at or after {}: the last shown", w.human()))
                        }
                        Err(e) => self.error(e.to_string()),
                    }
                }
                Err(e) => self.error(e.to_string()),
            },
            TimelineFlow::Filter => self.filter_timeline(value.trim()),
            TimelineFlow::PickEntity => match value.parse::<Id>() {
                Ok(id) => self.focus_timeline(Focus::Entity(id)),
                Err(e) => self.error(e.to_string()),
            },
        }
        self.settle_timeline();
    }

    /// `a` on a quiet stretch: the same question `Q` proposes there, for the analyst to
    /// edit; elsewhere, how to find one.
    fn ask_about_quiet_stretch(&mut self) {
        if let Some((title, draft)) = self.timeline.proposed_question() {
            return self.open_ask(title, draft);
        }
        let t = &self.timeline;
        let how = match (&t.focus, t.quiet_count()) {
            (Some(Focus::Entity(_)), 0) => format!(
                "this timeline has no quiet stretch over {} days",
                t.quiet_days
            ),
            (Some(Focus::Entity(_)), _) => "select a \"no reporting\" row".to_string(),
            _ => "filter by an entity (f), then select a \"no reporting\" row".to_string(),
        };
        self.info(format!("a turns a quiet stretch into a question: {how}"))
    }
}
