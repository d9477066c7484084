//! TEMPORARY skeleton of the Timeline pane view; being replaced by the real pane.

use super::Theme;
use crate::app::App;
use ratatui::layout::Rect;
use ratatui::Frame;

pub fn render(_app: &App, _theme: Theme, _frame: &mut Frame, _area: Rect) {}
