//! The Backlog pane: the status and SEES header (from the store's counters), the
//! window of the question tree on screen, and the detail view.

use super::Theme;
use crate::app::backlog::DetailItem;
use crate::app::App;
use crate::model::text::{display, display_lines, fit, width as width_of};
use crate::model::{Sees, Status};
use crate::store::Direction;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let header = Rect { height: 1, ..area };
    let body = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    frame.render_widget(header_line(app, theme, header.width as usize), header);
    if app.backlog.detail.is_some() {
        render_detail(app, theme, frame, body);
    } else {
        render_list(app, theme, frame, body);
    }
}

/// Counts by status, then the SEES mix: a backlog that is all situation is collation.
/// On a narrow screen the statuses no question has are left out, then the line is cut.
fn header_line(app: &App, theme: Theme, w: usize) -> Line<'static> {
    let st = app.counts();
    let total = st.count(crate::model::Kind::Question) as usize;
    let build = |compact: bool| {
        let mut spans = Vec::new();
        for s in Status::ALL {
            let n = st.status_count(*s);
            if compact && n == 0 {
                continue;
            }
            spans.push(Span::styled(
                format!("{} {n} ", s.as_str()),
                theme.status_style(*s),
            ));
        }
        spans.push(Span::styled("│ SEES ", theme.dim()));
        for k in Sees::ALL {
            spans.push(Span::raw(format!("{}{} ", k.letter(), st.sees_count(*k))));
        }
        if app.backlog.is_filtered() && app.backlog.rows.len() != total {
            spans.push(Span::styled(
                format!("│ showing {}", app.backlog.rows.len()),
                theme.warn(),
            ));
        }
        spans
    };
    let mut spans = build(false);
    if super::spans_width(&spans) > w {
        spans = build(true);
    }
    Line::from(super::fit_spans(spans, w))
}

fn render_list(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let b = &app.backlog;
    if b.rows.is_empty() {
        let msg = if app.counts().count(crate::model::Kind::Question) == 0 {
            "No questions yet. Press a to add the first: what do you need to know?"
        } else {
            "No question matches the filter. f changes it, Esc clears it."
        };
        frame.render_widget(Paragraph::new(msg).style(theme.dim()), area);
        return;
    }
    let width = area.width as usize;
    let mut lines = Vec::with_capacity(area.height as usize);
    for (i, row) in b
        .rows
        .iter()
        .enumerate()
        .skip(b.cursor.offset)
        .take(area.height as usize)
    {
        let Some(q) = b.questions.get(&row.id) else {
            continue;
        };
        let selected = i == b.cursor.selected;
        let indent = if row.depth == 0 {
            String::new()
        } else {
            format!("{}└ ", "  ".repeat(row.depth.saturating_sub(1).min(8)))
        };
        let overdue = q.status.is_live() && q.review_by.is_some_and(|d| d < app.today);
        let mut spans = vec![
            Span::raw(format!("{}{:<5} ", indent, q.meta.id)),
            Span::styled(
                format!("{:<8} ", q.status.as_str()),
                theme.status_style(q.status),
            ),
            Span::raw(format!("P{} {} ", q.priority, q.kind.letter())),
            Span::styled(if overdue { "! " } else { "" }, theme.error()),
        ];
        let used = super::spans_width(&spans);
        let mut title = display(&q.title).into_owned();
        for t in &q.meta.tags {
            title.push_str(&format!("  #{}", display(t)));
        }
        spans.push(Span::raw(fit(&title, width.saturating_sub(used))));
        let mut line = Line::from(spans);
        if selected {
            line = line.style(theme.selected());
        }
        lines.push(line);
    }
    // a short list (a filter on) leaves lines free: the selected question in full there,
    // so a title cut on its row is read whole without opening it
    let free = (area.height as usize).saturating_sub(lines.len());
    if free >= 4 {
        if let Some(q) = b.selected_question() {
            let head = format!("── {} ", q.meta.id);
            let rule = "─".repeat(width.saturating_sub(width_of(&head)));
            lines.push(Line::styled(format!("{head}{rule}"), theme.dim()));
            lines.extend(preview(app, q, theme, width, free - 1));
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The selected question in at most `rows` lines: its whole title, its facts, and its
/// detail text, wrapped; Enter opens the rest.
fn preview(
    app: &App,
    q: &crate::model::Question,
    theme: Theme,
    width: usize,
    rows: usize,
) -> Vec<Line<'static>> {
    let wrap = |s: &str| crate::model::text::wrap(&display(s), width.max(1));
    let mut out: Vec<Line<'static>> = Vec::new();
    for l in wrap(&q.title) {
        out.push(Line::styled(l, theme.title()));
    }
    let mut facts = format!("{} · priority {} · {}", q.status, q.priority, q.kind);
    if let Some(r) = q.review_by {
        facts.push_str(&format!(" · review by {r}"));
        if q.status.is_live() && r < app.today {
            facts.push_str(" (overdue)");
        }
    }
    if let Some(p) = q.parent {
        facts.push_str(&format!(" · under {p}"));
    }
    for l in wrap(&facts) {
        out.push(Line::styled(l, theme.dim()));
    }
    for para in display_lines(&q.detail).lines() {
        for l in wrap(para) {
            out.push(Line::raw(l));
        }
    }
    if out.len() > rows {
        out.truncate(rows);
        if let Some(last) = out.last_mut() {
            *last = Line::styled(fit("… Enter opens it in full", width), theme.dim());
        }
    } else if out.len() < rows {
        out.push(Line::styled(
            fit("Enter opens it: hypotheses, sub-questions, links", width),
            theme.dim(),
        ));
    }
    out
}

fn render_detail(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(d) = &app.backlog.detail else { return };
    let Some(q) = app.backlog.question(&d.id) else {
        return;
    };
    let mut lines: Vec<Line> = Vec::new();
    lines.push(Line::from(vec![
        Span::styled(format!("{}  ", q.meta.id), theme.accent()),
        Span::styled(display(&q.title).into_owned(), theme.title()),
    ]));
    let mut facts = format!("{} · priority {} · {}", q.status, q.priority, q.kind);
    if let Some(r) = q.review_by {
        facts.push_str(&format!(" · review by {r}"));
        if q.status.is_live() && r < app.today {
            facts.push_str(" (overdue)");
        }
    }
    for t in &q.meta.tags {
        facts.push_str(&format!(" · #{t}"));
    }
    lines.push(Line::styled(display(&facts).into_owned(), theme.dim()));
    if let Some(p) = q.parent {
        let title = app
            .backlog
            .question(&p)
            .map(|x| x.title.as_str())
            .unwrap_or("");
        lines.push(Line::styled(
            display(&format!("under {p} {title}")).into_owned(),
            theme.dim(),
        ));
    }
    if !q.detail.trim().is_empty() {
        lines.push(Line::raw(""));
        for l in display_lines(&q.detail).lines() {
            lines.push(Line::raw(l.to_string()));
        }
    }
    if let Some(a) = &q.answer {
        lines.push(Line::raw(""));
        let conf = a
            .confidence
            .map(|c| format!(" ({}, {})", c, c.range()))
            .unwrap_or_default();
        lines.push(Line::styled(format!("Answer{conf}:"), theme.good()));
        for l in display_lines(&a.text).lines() {
            lines.push(Line::raw(l.to_string()));
        }
    }
    let mut cursor_line = 0;
    let mut card_end = 0;
    let mut section = "";
    for (i, item) in d.items.iter().enumerate() {
        let (name, text, style) = match item {
            DetailItem::Hypothesis(h) => {
                let like = h
                    .likelihood
                    .map(|y| format!("{} {}", y, y.range()))
                    .unwrap_or_else(|| "unassessed".into());
                (
                    "Hypotheses",
                    format!("{} [{}] {}  {}", h.meta.id, h.status, like, h.statement),
                    Style::default(),
                )
            }
            DetailItem::SubQuestion(id) => {
                let (title, status) = app
                    .backlog
                    .question(id)
                    .map(|x| (x.title.clone(), x.status.to_string()))
                    .unwrap_or_default();
                (
                    "Sub-questions",
                    format!("{id} {status}  {title}"),
                    Style::default(),
                )
            }
            DetailItem::Linked {
                label,
                dir,
                other,
                title,
                ..
            } => {
                let arrow = match dir {
                    Direction::Out => format!("-{label}->"),
                    Direction::In => format!("<-{label}-"),
                };
                (
                    "Linked",
                    format!("{arrow} {other} {title}"),
                    Style::default(),
                )
            }
        };
        if name != section {
            section = name;
            lines.push(Line::raw(""));
            let count = d
                .items
                .iter()
                .filter(|it| {
                    matches!(
                        (it, name),
                        (DetailItem::Hypothesis(_), "Hypotheses")
                            | (DetailItem::SubQuestion(_), "Sub-questions")
                            | (DetailItem::Linked { .. }, "Linked")
                    )
                })
                .count();
            lines.push(Line::styled(format!("{name} ({count})"), theme.title()));
        }
        let selected = i == d.cursor;
        if selected {
            cursor_line = lines.len();
        }
        let marker = if selected { "› " } else { "  " };
        let text = fit(&display(&format!("{marker}{text}")), area.width as usize);
        let style = if selected { theme.selected() } else { style };
        lines.push(Line::styled(text, style));
        // a hypothesis opened in full: its card under its line, every word of it
        if let (DetailItem::Hypothesis(h), Some((open, card))) = (item, &d.expanded) {
            if h.meta.id == *open {
                let w = (area.width as usize).saturating_sub(4).max(1);
                for (n, l) in card.iter().enumerate() {
                    let style = if n == 0 {
                        theme.title()
                    } else {
                        Style::default()
                    };
                    for part in crate::model::text::wrap(&display(l), w) {
                        lines.push(Line::styled(format!("    {part}"), style));
                    }
                }
                card_end = lines.len();
            }
        }
    }
    if d.items.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "No hypotheses or links yet: h adds a hypothesis, A a sub-question, l a link.",
            theme.dim(),
        ));
    }
    let h = area.height as usize;
    // the selected line in view, and as much of an open card under it as fits
    let scroll = (cursor_line + 2)
        .max(card_end)
        .saturating_sub(h)
        .min(cursor_line);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll.min(u16::MAX as usize) as u16, 0)),
        area,
    );
}
