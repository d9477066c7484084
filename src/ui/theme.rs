//! Styles in the 16 ANSI colours, or none at all when `NO_COLOR` is set (modifiers such
//! as bold and reverse still mark the selection).

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to anything non-empty.
    pub fn from_env() -> Theme {
        Theme::from_no_color(std::env::var_os("NO_COLOR").as_deref())
    }

    /// The theme for a given value of `NO_COLOR` (unset or empty: colour).
    pub fn from_no_color(value: Option<&std::ffi::OsStr>) -> Theme {
        Theme {
            color: value.is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }

    pub fn selected(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    pub fn title(self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    pub fn dim(self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }

    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn accent(self) -> Style {
        self.fg(Color::Cyan)
    }

    pub fn warn(self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn good(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn bar(self) -> Style {
        if self.color {
            Style::default().bg(Color::Blue).fg(Color::White)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn tab_active(self) -> Style {
        if self.color {
            Style::default()
                .bg(Color::Cyan)
                .fg(Color::Black)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    pub fn status_style(self, s: crate::model::Status) -> Style {
        use crate::model::Status::*;
        match s {
            Open => self.fg(Color::Yellow),
            Active => self.fg(Color::Cyan),
            Answered => self.fg(Color::Green),
            Parked => self.dim(),
            Dropped => self.dim(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    #[test]
    fn no_color_means_no_colour_at_all() {
        assert!(Theme::from_no_color(None).color);
        assert!(Theme::from_no_color(Some("".as_ref())).color);
        let t = Theme::from_no_color(Some("1".as_ref()));
        assert!(!t.color);
        let mut styles = vec![
            t.selected(),
            t.title(),
            t.dim(),
            t.error(),
            t.accent(),
            t.warn(),
            t.good(),
            t.bar(),
            t.tab_active(),
        ];
        styles.extend(Status::ALL.iter().map(|s| t.status_style(*s)));
        for st in styles {
            assert_eq!((st.fg, st.bg), (None, None), "{st:?}");
        }
        // with colour, only the 16 ANSI colours are used
        let c = Theme::from_no_color(None);
        for st in [
            c.error(),
            c.accent(),
            c.warn(),
            c.good(),
            c.bar(),
            c.tab_active(),
            c.dim(),
        ] {
            for col in [st.fg, st.bg].into_iter().flatten() {
                assert!(
                    !matches!(col, Color::Rgb(..) | Color::Indexed(_)),
                    "{col:?}"
                );
            }
        }
    }
}
