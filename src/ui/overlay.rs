//! Boxes drawn over the pane: help and which-key (both from the registry and the loaded
//! keymap), prompts, pickers, confirmations, the finder, the palette and the editor.

use super::Theme;
use crate::app::overlay::Overlay;
use crate::app::App;
use crate::commands::REGISTRY;
use crate::model::text::{fit, sanitize};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// A box of at most `w` x `h` cells centred in `area`.
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn boxed<'a>(title: &str, theme: Theme) -> Block<'a> {
    Block::default().borders(Borders::ALL).title(Span::styled(
        format!(" {} ", sanitize(title)),
        theme.title(),
    ))
}

pub fn render(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    if !app.pending.is_empty() && app.overlay.is_none() {
        render_which_key(app, theme, frame, area);
    }
    let Some(ov) = &app.overlay else { return };
    match ov {
        Overlay::Help { scroll } => render_help(app, theme, frame, area, *scroll),
        Overlay::Prompt {
            title, hint, input, ..
        } => {
            let r = centered(area, area.width.saturating_sub(4).min(76), 5);
            frame.render_widget(Clear, r);
            let inner_w = r.width.saturating_sub(2) as usize;
            let text = sanitize(input.text()).into_owned();
            // keep the cursor in view on long input
            let before: String = text.chars().take(input.cursor()).collect();
            let skip = crate::model::text::width(&before).saturating_sub(inner_w.saturating_sub(2));
            let shown: String = text.chars().skip(skip).collect();
            let typed = if input.is_selected() {
                theme.selected()
            } else {
                ratatui::style::Style::default()
            };
            let lines = vec![
                Line::styled(fit(&shown, inner_w), typed),
                Line::styled(fit(&sanitize(hint), inner_w), theme.dim()),
                Line::styled("Enter saves · Esc cancels", theme.dim()),
            ];
            frame.render_widget(Paragraph::new(lines).block(boxed(title, theme)), r);
            let cx = r.x + 1 + (crate::model::text::width(&before) - skip) as u16;
            frame.set_cursor_position((cx.min(r.x + r.width.saturating_sub(2)), r.y + 1));
        }
        Overlay::Pick {
            title,
            choices,
            selected,
            ..
        } => {
            let h = (choices.len() as u16 + 2).min(area.height);
            let r = centered(area, 56, h);
            frame.render_widget(Clear, r);
            let w = r.width.saturating_sub(2) as usize;
            let lines: Vec<Line> = choices
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let text = fit(&format!("{} {:<24} {}", i + 1, c.label, c.hint), w);
                    if i == *selected {
                        Line::styled(text, theme.selected())
                    } else {
                        Line::raw(text)
                    }
                })
                .collect();
            frame.render_widget(Paragraph::new(lines).block(boxed(title, theme)), r);
        }
        Overlay::Confirm { message, .. } => {
            let r = centered(area, area.width.saturating_sub(4).min(70), 5);
            frame.render_widget(Clear, r);
            frame.render_widget(
                Paragraph::new(crate::model::text::sanitize_with(message, true).into_owned())
                    .wrap(Wrap { trim: true })
                    .block(boxed("Confirm", theme)),
                r,
            );
        }
        Overlay::Finder {
            input,
            hits,
            selected,
            purpose,
            ..
        } => {
            use crate::app::overlay::FinderPurpose;
            let title = match purpose {
                FinderPurpose::Jump => "Find".to_string(),
                FinderPurpose::LinkFrom(from) => format!("Link {from} to"),
                FinderPurpose::PathFrom(from) => format!("Shortest path from {from} to"),
            };
            let rows: Vec<String> = hits.iter().map(|(id, t)| format!("{id:<6} {t}")).collect();
            let empty = if input.text().trim().is_empty() {
                "type to search every record"
            } else {
                "no match"
            };
            render_list_box(
                frame,
                theme,
                area,
                &title,
                input.text(),
                &rows,
                *selected,
                empty,
            );
        }
        Overlay::Palette {
            input,
            matches,
            selected,
        } => {
            let rows: Vec<String> = matches
                .iter()
                .map(|c| {
                    let keys = app.keymap.keys_for(*c).join(" / ");
                    format!("{:<24} {:<10} {}", c.name(), keys, c.info().description)
                })
                .collect();
            render_list_box(
                frame,
                theme,
                area,
                "Command",
                input.text(),
                &rows,
                *selected,
                "no command matches",
            );
        }
        Overlay::Editor {
            title, area: text, ..
        } => {
            let r = centered(
                area,
                area.width.saturating_sub(2),
                area.height.saturating_sub(1),
            );
            frame.render_widget(Clear, r);
            let block = boxed(title, theme);
            let inner = block.inner(r);
            frame.render_widget(block, r);
            frame.render_widget(&**text, inner);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn render_list_box(
    frame: &mut Frame,
    theme: Theme,
    area: Rect,
    title: &str,
    query: &str,
    rows: &[String],
    selected: usize,
    empty: &str,
) {
    let r = centered(
        area,
        area.width.saturating_sub(4).min(90),
        area.height.saturating_sub(2),
    );
    frame.render_widget(Clear, r);
    let w = r.width.saturating_sub(2) as usize;
    let visible = r.height.saturating_sub(4) as usize;
    let offset = selected.saturating_sub(visible.saturating_sub(1));
    let mut lines = vec![
        Line::from(vec![
            Span::styled("> ", theme.accent()),
            Span::raw(fit(&sanitize(query), w.saturating_sub(2))),
        ]),
        Line::styled(
            format!(
                "{} results · ↑↓ move · Enter choose · Esc close",
                rows.len()
            ),
            theme.dim(),
        ),
    ];
    if rows.is_empty() {
        lines.push(Line::styled(empty.to_string(), theme.dim()));
    }
    for (i, row) in rows.iter().enumerate().skip(offset).take(visible) {
        let text = fit(&sanitize(row), w);
        lines.push(if i == selected {
            Line::styled(text, theme.selected())
        } else {
            Line::raw(text)
        });
    }
    frame.render_widget(Paragraph::new(lines).block(boxed(title, theme)), r);
    let cx = r.x + 3 + crate::model::text::width(&sanitize(query)).min(w.saturating_sub(3)) as u16;
    frame.set_cursor_position((cx, r.y + 1));
}

/// Every binding that applies in the current pane, generated from the registry and the
/// loaded keymap, grouped by where it applies.
pub fn help_lines(app: &App) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for scope in app.scopes().into_iter().rev() {
        out.push((format!("— {} —", scope.describe()), String::new()));
        for info in REGISTRY.iter().filter(|c| c.scope == scope) {
            let keys = app.keymap.keys_for(info.command);
            let keys = if keys.is_empty() {
                ": palette".to_string()
            } else {
                keys.join(" / ")
            };
            out.push((keys, info.description.to_string()));
        }
    }
    if app.pane == crate::app::Pane::Gaps {
        out.push(("— the gap rules —".into(), String::new()));
        for r in crate::analysis::RULES {
            out.push((r.name.to_string(), r.reasoning.to_string()));
        }
    }
    out
}

fn render_help(app: &App, theme: Theme, frame: &mut Frame, area: Rect, scroll: usize) {
    let r = centered(area, area.width.saturating_sub(4).min(80), area.height);
    frame.render_widget(Clear, r);
    let w = r.width.saturating_sub(2) as usize;
    let lines: Vec<Line> =
        help_lines(app)
            .into_iter()
            .flat_map(|(k, d)| {
                if d.is_empty() {
                    return vec![Line::styled(k, theme.title())];
                }
                // a key wider than its column, or a long description (a gap rule's
                // reasoning), goes on over the next lines
                let k = sanitize(&k).into_owned();
                let mut lines = Vec::new();
                let mut desc = crate::app::notes::wrap(&d, w.saturating_sub(16)).into_iter();
                if crate::model::text::width(&k) >= 16 {
                    lines.push(Line::styled(fit(&k, w), theme.accent()));
                } else if let Some(first) = desc.next() {
                    lines.push(Line::from(vec![
                        Span::styled(format!("{k:<16}"), theme.accent()),
                        Span::raw(fit(&first, w.saturating_sub(16))),
                    ]));
                }
                lines.extend(desc.map(|more| {
                    Line::raw(format!("{:16}{}", "", fit(&more, w.saturating_sub(16))))
                }));
                lines
            })
            .skip(scroll)
            .collect();
    frame.render_widget(
        Paragraph::new(lines).block(boxed("Keys (j/k scroll, Esc closes)", theme)),
        r,
    );
}

fn render_which_key(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let next = app.keymap.continuations(&app.scopes(), &app.pending);
    if next.is_empty() {
        return;
    }
    let h = (next.len() as u16 + 2).min(area.height);
    let w = 48.min(area.width);
    let r = Rect {
        x: area.x + area.width - w,
        y: area.y + area.height - h,
        width: w,
        height: h,
    };
    frame.render_widget(Clear, r);
    let lines: Vec<Line> = next
        .iter()
        .map(|(k, c)| {
            Line::from(vec![
                Span::styled(format!("{k:<6}"), theme.accent()),
                Span::raw(fit(c.info().description, (w as usize).saturating_sub(8))),
            ])
        })
        .collect();
    let keys: Vec<String> = app.pending.iter().map(|k| k.to_string()).collect();
    frame.render_widget(
        Paragraph::new(lines).block(boxed(&keys.join(" "), theme)),
        r,
    );
}
