//! Boxes drawn over the pane: help and which-key (both from the registry and the loaded
//! keymap), prompts, pickers, confirmations, the finder, the palette and the editor.

use super::Theme;
use crate::app::overlay::Overlay;
use crate::app::App;
use crate::model::text::{display, display_lines, fit, pad, skip_cells, width, wrap};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
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

/// Clears `r` for a box, and any wide character just left of it that would reach into
/// the box's left edge (a terminal draws it over the border).
fn clear(frame: &mut Frame, r: Rect) {
    frame.render_widget(Clear, r);
    if r.x == 0 {
        return;
    }
    let buf = frame.buffer_mut();
    for y in r.top()..r.bottom() {
        if let Some(cell) = buf.cell_mut((r.x - 1, y)) {
            if width(cell.symbol()) > 1 {
                cell.set_symbol(" ");
            }
        }
    }
}

/// A prompt's keys, saying what Esc does with what was typed: a draft offered back says
/// so and how to clear it.
fn prompt_keys(input: &crate::app::input::LineInput) -> &'static str {
    if input.is_draft() {
        "your draft from before · ctrl-u clears it · Enter saves · Esc keeps it"
    } else if input.typed().is_some() {
        "Enter saves · Esc keeps what you typed as a draft"
    } else {
        "Enter saves · Esc cancels"
    }
}

fn boxed<'a>(title: &str, theme: Theme) -> Block<'a> {
    Block::default().borders(Borders::ALL).title(Span::styled(
        super::padded_title(&format!(" {} ", display(title))),
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
            clear(frame, r);
            let inner_w = r.width.saturating_sub(2) as usize;
            // keep the cursor in view on long input, scrolling whole characters
            let before: String = input.text().chars().take(input.cursor()).collect();
            let before_w = width(&before);
            let (shown, skipped) = skip_cells(
                input.text(),
                before_w.saturating_sub(inner_w.saturating_sub(2)),
            );
            let typed = if input.is_selected() {
                theme.selected()
            } else {
                ratatui::style::Style::default()
            };
            let lines = vec![
                Line::styled(fit(&shown, inner_w), typed),
                Line::styled(fit(&display(hint), inner_w), theme.dim()),
                Line::styled(fit(prompt_keys(input), inner_w), theme.dim()),
            ];
            frame.render_widget(Paragraph::new(lines).block(boxed(title, theme)), r);
            let cx = r.x + 1 + before_w.saturating_sub(skipped) as u16;
            frame.set_cursor_position((cx.min(r.x + r.width.saturating_sub(2)), r.y + 1));
        }
        Overlay::Pick {
            title,
            choices,
            selected,
            ..
        } => {
            // a choice with a detail (a reason) says it in full under the list, wrapped
            let detailed = choices.iter().any(|c| !c.detail.is_empty());
            let box_w = if detailed { 76 } else { 56 };
            let inner = (box_w.min(area.width) as usize).saturating_sub(2);
            let detail = match choices.get(*selected) {
                Some(c) if detailed => wrap(&display_lines(&c.detail), inner),
                _ => Vec::new(),
            };
            // the detail takes at most four lines and never the whole box
            let detail_h = detail.len().min(4);
            let extra = if detailed { detail_h as u16 + 1 } else { 0 };
            let h = (choices.len() as u16 + 2 + extra).min(area.height);
            let r = centered(area, box_w, h);
            clear(frame, r);
            let w = r.width.saturating_sub(2) as usize;
            // on a short screen the options scroll to keep the selected one in view
            let visible = (r.height.saturating_sub(extra) as usize)
                .saturating_sub(2)
                .max(1);
            let offset = selected.saturating_sub(visible - 1);
            // numbers right-aligned so ten or more options keep their columns
            let digits = choices.len().to_string().len();
            // labels in one column, as wide as the widest; a long label is cut only to
            // leave a hint some room
            let label_w = choices.iter().map(|c| width(&c.label)).max().unwrap_or(0);
            let hint_w = choices.iter().map(|c| width(&c.hint)).max().unwrap_or(0);
            let label_w = label_w.min(w.saturating_sub(digits + 2 + hint_w.min(12)));
            let lines: Vec<Line> = choices
                .iter()
                .enumerate()
                .skip(offset)
                .take(visible)
                .map(|(i, c)| {
                    let n = format!("{:>digits$}", i + 1);
                    let text = fit(&format!("{n} {} {}", fit(&c.label, label_w), c.hint), w);
                    if i == *selected {
                        Line::styled(text, theme.selected())
                    } else {
                        Line::raw(text)
                    }
                })
                .collect();
            let mut lines = lines;
            if detailed {
                lines.push(Line::styled("─".repeat(w), theme.dim()));
                for l in detail.into_iter().take(detail_h) {
                    lines.push(Line::raw(l));
                }
            }
            let mut block = boxed(title, theme);
            if visible < choices.len() {
                let last = (offset + visible).min(choices.len());
                block = block.title_bottom(
                    Line::styled(
                        format!(" {}-{last} of {} ", offset + 1, choices.len()),
                        theme.dim(),
                    )
                    .right_aligned(),
                );
            }
            frame.render_widget(Paragraph::new(lines).block(block), r);
        }
        Overlay::Confirm { message, .. } => {
            // as tall as the message needs, so every line of it shows
            let w = area.width.saturating_sub(4).min(70);
            let lines = wrap(&display_lines(message), w.saturating_sub(2) as usize);
            let r = centered(area, w, lines.len() as u16 + 2);
            clear(frame, r);
            let lines: Vec<Line> = lines.into_iter().map(Line::raw).collect();
            frame.render_widget(Paragraph::new(lines).block(boxed("Confirm", theme)), r);
        }
        Overlay::Finder {
            input,
            hits,
            selected,
            purpose,
            searching,
        } => {
            let mut title = purpose.title();
            // the worker's results for this text are still coming in
            let searching = *searching && app.finder.running();
            if searching {
                title.push_str(" · searching…");
            }
            let rows: Vec<String> = hits.iter().map(|(id, t)| format!("{id:<6} {t}")).collect();
            let empty = if input.text().trim().is_empty() {
                "type to search every record"
            } else if searching {
                "searching…"
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
                    format!(
                        "{:<24} {} {}",
                        c.name(),
                        pad(&keys, 10),
                        c.info().description
                    )
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
            clear(frame, r);
            let block = editor_block(title, r.width, theme);
            let inner = block.inner(r);
            frame.render_widget(block, r);
            frame.render_widget(&**text, inner);
        }
    }
}

/// The editor's box: what is edited on the top edge, cut to fit, and the keys that save
/// and cancel (the title's closing parenthesis) on the bottom edge, so they show at any
/// width.
fn editor_block<'a>(title: &str, box_w: u16, theme: Theme) -> Block<'a> {
    let (name, keys) = match title.strip_suffix(')').and_then(|t| t.rsplit_once("  (")) {
        Some((name, keys)) => (name, Some(keys.replace(", ", " · "))),
        None => (title, None),
    };
    let room = (box_w as usize).saturating_sub(4);
    let block = Block::default().borders(Borders::ALL).title(Span::styled(
        super::padded_title(&format!(
            " {} ",
            fit(name.trim(), room.saturating_sub(2)).trim_end()
        )),
        theme.title(),
    ));
    match keys {
        Some(k) => block.title_bottom(
            Line::styled(
                format!(" {} ", fit(&k, room.saturating_sub(2)).trim_end()),
                theme.dim(),
            )
            .right_aligned(),
        ),
        None => block,
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
    clear(frame, r);
    let w = r.width.saturating_sub(2) as usize;
    let visible = r.height.saturating_sub(4) as usize;
    let offset = selected.saturating_sub(visible.saturating_sub(1));
    let mut lines = vec![
        Line::from(vec![
            Span::styled("> ", theme.accent()),
            Span::raw(fit(&display(query), w.saturating_sub(2))),
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
        let text = fit(&display(row), w);
        lines.push(if i == selected {
            Line::styled(text, theme.selected())
        } else {
            Line::raw(text)
        });
    }
    frame.render_widget(Paragraph::new(lines).block(boxed(title, theme)), r);
    let cx = r.x + 3 + width(&display(query)).min(w.saturating_sub(3)) as u16;
    frame.set_cursor_position((cx, r.y + 1));
}

fn render_help(app: &App, theme: Theme, frame: &mut Frame, area: Rect, scroll: usize) {
    let r = centered(area, area.width.saturating_sub(4).min(80), area.height);
    clear(frame, r);
    let w = r.width.saturating_sub(2) as usize;
    let key_w = crate::app::help::KEY_COLUMN;
    let lines: Vec<Line> = app
        .help_lines(w)
        .into_iter()
        .skip(scroll)
        .map(|(k, d)| {
            if d.is_empty() {
                Line::styled(k, theme.title())
            } else if width(&k) >= key_w {
                Line::styled(fit(&k, w), theme.accent())
            } else {
                Line::from(vec![
                    Span::styled(pad(&k, key_w), theme.accent()),
                    Span::raw(fit(&d, w.saturating_sub(key_w))),
                ])
            }
        })
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
    clear(frame, r);
    let lines: Vec<Line> = next
        .iter()
        .map(|(k, c)| {
            Line::from(vec![
                Span::styled(pad(&k.to_string(), 6), theme.accent()),
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
