//! The Entities pane: a header with the counts by kind, the list (grouped by kind, one
//! kind, or ranked by the fuzzy filter) and the detail view of one entity.

use super::Theme;
use crate::app::entities::Row;
use crate::app::App;
use crate::model::text::{display, fit};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let header = Rect { height: 1, ..area };
    let body = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    frame.render_widget(header_line(app, theme, area.width as usize), header);
    if app.entities.detail.is_some() {
        render_detail(app, theme, frame, body);
    } else {
        render_list(app, theme, frame, body);
    }
}

fn header_line(app: &App, theme: Theme, width: usize) -> Line<'static> {
    let e = &app.entities;
    let total = e.total();
    let mut text = format!("{total} entities");
    for (k, n) in e.counts() {
        if *n > 0 {
            text.push_str(&format!(" · {k} {n}"));
        }
    }
    if e.is_filtered() {
        let shown = format!("showing {} │ ", e.selectable.len());
        let rest = fit(
            &text,
            width.saturating_sub(crate::model::text::width(&shown)),
        );
        return Line::from(vec![
            Span::styled(shown, theme.warn()),
            Span::styled(rest, theme.dim()),
        ]);
    }
    Line::styled(fit(&text, width), theme.dim())
}

fn render_list(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let e = &app.entities;
    if e.rows.is_empty() {
        let msg = if e.total() == 0 {
            "No entities yet. Press a to add a person, group, place, phone or vehicle."
        } else {
            "No entity matches the filter. f or K changes it, Esc clears it."
        };
        frame.render_widget(Paragraph::new(msg).style(theme.dim()), area);
        return;
    }
    let width = area.width as usize;
    let grouped = !e.is_filtered();
    let selected_row = e.selected_id().map(|_| e.cursor.selected);
    let mut lines = Vec::with_capacity(area.height as usize);
    for (i, row) in e
        .rows
        .iter()
        .enumerate()
        .skip(e.cursor.offset)
        .take(area.height as usize)
    {
        match row {
            Row::Group { kind, count } => {
                lines.push(Line::styled(
                    fit(&format!("{kind} ({count})"), width),
                    theme.title(),
                ));
            }
            Row::Entity(id) => {
                let Some(s) = e.entities.get(id) else {
                    continue;
                };
                let lead = if grouped {
                    format!("  {:<6} ", s.id)
                } else {
                    format!("{:<6} {:<13}", s.id, s.kind.as_str())
                };
                let mut name = display(&s.name).into_owned();
                if !s.aliases.is_empty() {
                    name.push_str(&format!("  aka {}", display(&s.aliases.join(", "))));
                }
                let used = crate::model::text::width(&lead);
                let text = format!("{lead}{}", fit(&name, width.saturating_sub(used)));
                lines.push(if Some(i) == selected_row {
                    Line::styled(text, theme.selected())
                } else {
                    Line::raw(text)
                });
            }
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn render_detail(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(d) = &app.entities.detail else {
        return;
    };
    let width = area.width as usize;
    let e = &d.entity;
    let line = |text: String, style: Style| Line::styled(fit(&display(&text), width), style);
    let mut lines: Vec<Line> = vec![Line::from(vec![
        Span::styled(format!("{}  ", e.meta.id), theme.accent()),
        Span::styled(
            fit(&display(&e.name), width.saturating_sub(8)),
            theme.title(),
        ),
    ])];
    let mut facts = e.kind.to_string();
    if !e.aliases.is_empty() {
        facts.push_str(&format!(" · aka {}", e.aliases.join(", ")));
    }
    for t in &e.meta.tags {
        facts.push_str(&format!(" · #{t}"));
    }
    lines.push(line(facts, theme.dim()));
    if !e.attributes.is_empty() {
        let key_w = e
            .attributes
            .keys()
            .map(|k| crate::model::text::width(&display(k)))
            .max()
            .unwrap_or(0)
            .min(20);
        for (k, v) in &e.attributes {
            lines.push(Line::from(vec![
                Span::styled(format!("  {} ", fit(&display(k), key_w)), theme.dim()),
                Span::raw(fit(&display(v), width.saturating_sub(key_w + 3))),
            ]));
        }
    }
    let mut cursor_line = 0;
    for (l, selected) in super::related::lines(&d.related, theme, width, true) {
        if selected {
            cursor_line = lines.len();
        }
        lines.push(l);
    }
    if d.related.more_links > 0 {
        lines.push(line(
            format!(
                "{} more links not shown: see the Links pane (L)",
                d.related.more_links
            ),
            theme.dim(),
        ));
    }
    lines.push(Line::raw(""));
    if d.related.items.is_empty() {
        lines.push(line(
            "No notes mention it and nothing links to it yet: l links it, [[name]] in a note mentions it."
                .into(),
            theme.dim(),
        ));
    } else {
        lines.push(line(
            "Enter opens the selected record · Esc back to the list".into(),
            theme.dim(),
        ));
    }
    let h = area.height as usize;
    let scroll = (cursor_line + 2).saturating_sub(h);
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(h).collect();
    frame.render_widget(Paragraph::new(shown), area);
}
