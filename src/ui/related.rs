//! The linked records of a detail view (an entity's or a note's), drawn the same way
//! everywhere: a heading with a count per section, one line per record, the selected
//! one marked.

use super::Theme;
use crate::app::related::{Related, RelatedList};
use crate::model::text::{display, fit};
use crate::store::Direction;
use ratatui::style::Style;
use ratatui::text::Line;

/// `N3     B2P Mar 2024        Seen at the yard` for a note that mentions the record,
/// `E1     Kyle Renshaw` for anything else.
fn item_text(item: &Related) -> String {
    if item.mention && item.dir == Direction::In {
        let grade = item
            .grade
            .map(|g| g.to_string())
            .unwrap_or_else(|| "---".into());
        let when = item.when.map(|w| w.human()).unwrap_or_default();
        return format!(
            "{:<6} {grade} {} {}",
            item.other,
            fit(&when, 16),
            item.title
        );
    }
    format!("{:<6} {}", item.other, item.title)
}

/// The lines, each with whether it is the selected one. `spaced` puts a blank line
/// before each heading.
pub fn lines(
    list: &RelatedList,
    theme: Theme,
    width: usize,
    spaced: bool,
) -> Vec<(Line<'static>, bool)> {
    let line = |text: String, style: Style| Line::styled(fit(&display(&text), width), style);
    let mut out = Vec::new();
    let mut section = String::new();
    for (i, item) in list.items.iter().enumerate() {
        let name = item.section();
        if name != section {
            let count = list.items.iter().filter(|x| x.section() == name).count();
            let more = if item.mention && list.more_mentions > 0 {
                format!(", {} more not shown", list.more_mentions)
            } else {
                String::new()
            };
            if spaced {
                out.push((Line::raw(""), false));
            }
            out.push((
                line(format!("{name} ({count}{more})"), theme.title()),
                false,
            ));
            section = name;
        }
        let selected = i == list.cursor;
        let marker = if selected { "› " } else { "  " };
        let style = if selected {
            theme.selected()
        } else {
            Style::default()
        };
        out.push((
            line(format!("{marker}{}", item_text(item)), style),
            selected,
        ));
    }
    out
}
