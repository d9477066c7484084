//! Rendering: reads the app's state and draws a frame; never changes data. One file per
//! pane plus the shared widgets.

mod backlog;
mod entities;
mod gaps;
mod hypotheses;
mod links;
mod notes;
mod overlay;
mod plan;
mod related;
pub mod theme;
mod timeline;

use crate::app::{App, Pane};
use crate::model::text::{display, fit, width};
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
    let rest = render_status(app, theme, frame, status);
    render_message_rest(app, theme, frame, body, &rest);
    overlay::render(app, theme, frame, body);
    settle(frame.buffer_mut());
}

/// The last pass over a frame: a cell whose text terminals would draw at another width
/// than the buffer gave it (drawn by a widget that measures on its own, such as the
/// inline editor) gets its display form, cut to the cells it was given, so the terminal
/// and the buffer agree on where everything after it goes.
fn settle(buf: &mut ratatui::buffer::Buffer) {
    use unicode_width::UnicodeWidthStr;
    for cell in buf.content.iter_mut() {
        let sym = cell.symbol();
        if (sym.len() == 1 && !sym.as_bytes()[0].is_ascii_control()) || display(sym) == sym {
            continue;
        }
        let settled = crate::model::text::settle_cell(sym, sym.width().max(1));
        cell.set_symbol(&settled);
    }
}

/// Declares `render_pane`: each pane is drawn by the `render` function of the module
/// named like its state field (`ui/backlog.rs` for `App::backlog`), from the
/// registration in `panes.rs`.
macro_rules! pane_renderers {
    ({} $($var:ident $field:ident, $title:literal, $desc:literal;)*) => {
        fn render_pane(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
            match app.pane {
                $(Pane::$var => $field::render(app, theme, frame, area)),*
            }
        }
    };
}
crate::panes::for_each_pane!(pane_renderers);

fn render_tabs(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let w = area.width as usize;
    // 2: ` 1 Backlog `, 1: `1 Backlog`, 0: ` 1 ` (the current pane keeps its title)
    let tab = |i: usize, p: &Pane, level: u8| match level {
        2 => format!(" {} {} ", i + 1, p.title()),
        1 => format!("{} {}", i + 1, p.title()),
        _ => format!(" {} ", i + 1),
    };
    let needs = |level: u8| {
        Pane::ALL
            .iter()
            .enumerate()
            .map(|(i, p)| width(&tab(i, p, level)) + 1)
            .sum::<usize>()
    };
    // every title padded when they fit, else every title tight, else only the current
    // pane's, the others by number
    let level = if needs(2) <= w {
        2
    } else if needs(1) <= w {
        1
    } else {
        0
    };
    let mut spans = Vec::new();
    for (i, p) in Pane::ALL.iter().enumerate() {
        let (style, shown) = if *p == app.pane {
            (theme.tab_active(), tab(i, p, level.max(1)))
        } else {
            (theme.bar(), tab(i, p, level))
        };
        spans.push(Span::styled(shown, style));
        spans.push(Span::styled(" ", theme.bar()));
    }
    let used = spans_width(&spans);
    // the workspace name is the first thing dropped, whole: a cut name misleads
    let right = format!("weft · {} ", display(app.workspace_name()));
    let room = w.saturating_sub(used);
    let right = if width(&right) <= room {
        right
    } else {
        String::new()
    };
    spans.push(Span::styled(
        " ".repeat(room.saturating_sub(width(&right))),
        theme.bar(),
    ));
    spans.push(Span::styled(right, theme.bar()));
    frame.render_widget(Line::from(spans), area);
}

/// The help hint's parts, most useful first: as many as fit are shown, never a part cut.
const HINTS: [&str; 4] = ["? help", "/ find", ": commands", "q quit"];

/// The status line: the pane, `read-only` when the workspace refuses changes, then the
/// filter, keys pressed so far and the message (or the help hint). The message is cut
/// (with `…`) before anything overlaps; a long filter is cut to leave the message room,
/// down to half the line.
/// The most lines a message takes above the status line when it does not fit on it.
const MESSAGE_LINES: usize = 3;

/// The status line. Returns the lines of a message too long for it, which
/// [`render_message_rest`] draws above it: every word of a message is shown.
fn render_status(app: &App, theme: Theme, frame: &mut Frame, area: Rect) -> Vec<String> {
    let w = area.width as usize;
    let title = format!(" {} ", app.pane.title());
    let mut left = w.saturating_sub(width(&title));
    let read_only = if app.read_only() {
        let label = " read-only ";
        fit(label, width(label).min(left))
    } else {
        String::new()
    };
    left -= width(&read_only);
    let pending = if app.pending.is_empty() {
        String::new()
    } else {
        let keys: Vec<String> = app.pending.iter().map(|k| k.to_string()).collect();
        let p = format!(" {} … ", keys.join(" "));
        let p = fit(&p, width(&p).min(left));
        left -= width(&p);
        p
    };
    let message_w = app
        .message
        .as_ref()
        .map_or(width(HINTS[0]) + 1, |m| width(&m.text) + 1);
    let filter = app.filter_description();
    let filter = if filter.is_empty() {
        String::new()
    } else {
        // whole when the message fits beside it, else cut to leave the message room
        let f = format!(" filter: {filter} ");
        let room = left.saturating_sub(message_w).max(w / 2);
        let f = fit(&f, width(&f).min(room).min(left));
        left -= width(&f);
        f
    };
    let mut spans = vec![Span::styled(title, theme.tab_active())];
    if !read_only.is_empty() {
        spans.push(Span::styled(read_only, theme.warn()));
    }
    if !filter.is_empty() {
        spans.push(Span::styled(filter, theme.warn()));
    }
    if !pending.is_empty() {
        spans.push(Span::styled(pending, theme.accent()));
    }
    match &app.message {
        Some(m) => {
            let style = if m.error {
                theme.error()
            } else {
                ratatui::style::Style::default()
            };
            let text = format!(" {}", display(&m.text));
            if width(&text) <= left {
                spans.push(Span::styled(text, style));
            } else {
                // the message in full just above the status line, which keeps its start
                let lines = crate::model::text::wrap(text.trim_start(), w.saturating_sub(1).max(1));
                spans.push(Span::styled(fit(&text, left), style));
                frame.render_widget(Line::from(spans), area);
                return lines;
            }
        }
        None => {
            let mut hint = String::new();
            for h in HINTS {
                let sep = if hint.is_empty() { " " } else { "  " };
                if width(&hint) + sep.len() + width(h) > left {
                    break;
                }
                hint.push_str(sep);
                hint.push_str(h);
            }
            spans.push(Span::styled(hint, theme.dim()));
        }
    }
    frame.render_widget(Line::from(spans), area);
    Vec::new()
}

/// A message too long for the status line, whole, over the bottom lines of the pane
/// (at most [`MESSAGE_LINES`]; the last one ends with `…` if even that is too little).
fn render_message_rest(app: &App, theme: Theme, frame: &mut Frame, body: Rect, lines: &[String]) {
    if lines.is_empty() || body.height < 4 {
        return;
    }
    let n = lines.len().min(MESSAGE_LINES).min(body.height as usize / 2);
    let area = Rect {
        y: body.y + body.height - n as u16,
        height: n as u16,
        ..body
    };
    let style = match &app.message {
        Some(m) if m.error => theme.error(),
        _ => theme.selected(),
    };
    let w = area.width as usize;
    let mut shown: Vec<Line> = lines[..n]
        .iter()
        .map(|l| Line::styled(fit(&format!(" {l}"), w), style))
        .collect();
    if lines.len() > n {
        if let Some(last) = shown.last_mut() {
            let text = format!(" {}", lines[n - 1]);
            *last = Line::styled(fit(&format!("{text} …"), w), style);
        }
    }
    frame.render_widget(ratatui::widgets::Clear, area);
    frame.render_widget(Paragraph::new(shown).style(style), area);
}

/// A title for a block's border: ratatui lays a title out by its whole-string width,
/// which counts an Arabic lam-alef pair as one cell, and then draws it cluster by
/// cluster in two, so the title's last cell (its closing space) is cut. Padded by the
/// difference, every cell of the title is drawn, the closing space included.
pub(crate) fn padded_title(s: &str) -> String {
    let laid_out = Span::raw(s).width();
    let drawn = width(s);
    let mut out = s.to_string();
    out.push_str(&" ".repeat(drawn.saturating_sub(laid_out)));
    out
}

/// Cells taken by spans as the terminal draws them (`Span::width` counts an Arabic
/// lam-alef pair as one cell; the buffer and terminals draw two).
pub(crate) fn spans_width(spans: &[Span]) -> usize {
    spans.iter().map(|s| width(&s.content)).sum()
}

/// Spans cut to `cells` cells: those past the edge are dropped and the one the edge
/// falls in ends with `…`, so a line never runs off the screen mid-character.
pub(crate) fn fit_spans(spans: Vec<Span<'static>>, cells: usize) -> Vec<Span<'static>> {
    let mut out = Vec::with_capacity(spans.len());
    let mut left = cells;
    for s in spans {
        let w = width(&s.content);
        if w <= left {
            left -= w;
            out.push(s);
            continue;
        }
        if left > 0 {
            let cut = crate::model::text::truncate(&s.content, left).into_owned();
            out.push(Span::styled(display(&cut).into_owned(), s.style));
        }
        break;
    }
    out
}
