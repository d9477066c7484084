//! Rendering: reads the app's state and draws a frame; never changes data. One file per
//! pane plus the shared widgets.

mod backlog;
mod entities;
mod gaps;
mod links;
mod notes;
mod overlay;
mod related;
pub mod theme;
mod timeline;

use crate::app::{App, Pane};
use crate::model::text::{fit, sanitize};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
pub use theme::Theme;

/// The smallest terminal weft draws into.
pub const MIN_SIZE: (u16, u16) = (60, 12);

/// Draws the whole screen.
pub fn render(app: &App, theme: Theme, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let msg = format!(
            "terminal too small: {}x{}; weft needs at least {}x{}",
            area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
        );
        frame.render_widget(
            Paragraph::new(msg).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let [tabs, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_tabs(app, theme, frame, tabs);
    render_pane(app, theme, frame, body);
    render_status(app, theme, frame, status);
    overlay::render(app, theme, frame, body);
}

/// Declares `render_pane`: each pane is drawn by the `render` function of the module
/// named like its state field (`ui/backlog.rs` for `App::backlog`), from the list in
/// `app::for_each_pane!`.
macro_rules! pane_renderers {
    ({} $($var:ident $field:ident: $state:ty, $title:literal;)*) => {
        fn render_pane(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
            match app.pane {
                $(Pane::$var => $field::render(app, theme, frame, area)),*
            }
        }
    };
}
crate::app::for_each_pane!(pane_renderers);

fn render_tabs(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    for (i, p) in Pane::ALL.iter().enumerate() {
        let style = if *p == app.pane {
            theme.tab_active()
        } else {
            theme.bar()
        };
        spans.push(Span::styled(format!(" {} {} ", i + 1, p.title()), style));
        spans.push(Span::styled(" ", theme.bar()));
    }
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let right = format!("weft · {} ", sanitize(&app.workspace_name()));
    let gap = (area.width as usize).saturating_sub(used + crate::model::text::width(&right));
    spans.push(Span::styled(" ".repeat(gap), theme.bar()));
    spans.push(Span::styled(
        fit(&right, (area.width as usize).saturating_sub(used)),
        theme.bar(),
    ));
    frame.render_widget(Line::from(spans), area);
}

fn render_status(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut spans = vec![Span::styled(
        format!(" {} ", app.pane.title()),
        theme.tab_active(),
    )];
    let filter = app.filter_description();
    if !filter.is_empty() {
        spans.push(Span::styled(
            format!(" filter: {} ", sanitize(&filter)),
            theme.warn(),
        ));
    }
    if !app.pending.is_empty() {
        let keys: Vec<String> = app.pending.iter().map(|k| k.to_string()).collect();
        spans.push(Span::styled(
            format!(" {} … ", keys.join(" ")),
            theme.accent(),
        ));
    }
    match &app.message {
        Some(m) => {
            let style = if m.error {
                theme.error()
            } else {
                ratatui::style::Style::default()
            };
            spans.push(Span::styled(format!(" {}", sanitize(&m.text)), style));
        }
        None => spans.push(Span::styled(
            " ? help  / find  : commands  q quit",
            theme.dim(),
        )),
    }
    frame.render_widget(Line::from(spans), area);
}
