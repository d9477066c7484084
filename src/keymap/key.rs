//! One key press as keymaps name it: parsing key strings ("ctrl-n", "G", "o p"), their
//! one canonical spelling, and the translation from terminal key events.

use crate::model::text::is_unsafe;
use ratatui::crossterm::event::{
    KeyCode as TermCode, KeyEvent, KeyEventKind, KeyModifiers as TermMods,
};
use std::fmt;
use std::str::FromStr;

/// The key itself, without modifiers. Shift is folded into a character's case ("G"),
/// and shift-tab is [`KeyCode::BackTab`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCode {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

/// A key with the ctrl and alt modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

/// Why a key string could not be read. Each message quotes the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("empty key; write a character or a key name such as \"enter\"")]
    Empty,
    #[error("unknown key {}; {ACCEPTED}", quote(.0))]
    Unknown(String),
    #[error("unknown key {}: a modifier needs a key after it, as in \"ctrl-n\"", quote(.0))]
    NoKey(String),
    #[error("unknown key {}; shift- only goes with tab: write the shifted character itself (\"G\", \"?\")", quote(.0))]
    Shift(String),
}

/// What a key string may be, for error messages.
const ACCEPTED: &str = "a key is one character, or one of enter, esc, tab, shift-tab, \
space, backspace, delete, insert, up, down, left, right, home, end, pageup, pagedown, \
f1-f12, with ctrl- or alt- before it if wanted";

/// Key names, matched case-insensitively. The first spelling of each key is the one
/// [`Key`]'s `Display` writes (space and shift-tab are written in `Display` itself).
const NAMES: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("ret", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("space", KeyCode::Char(' ')),
    ("spc", KeyCode::Char(' ')),
    ("backspace", KeyCode::Backspace),
    ("bs", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("ins", KeyCode::Insert),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pgup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("pgdn", KeyCode::PageDown),
];

#[derive(Clone, Copy)]
enum Modifier {
    Ctrl,
    Alt,
    Shift,
}

/// Modifier prefixes, matched case-insensitively.
const MODIFIERS: &[(&str, Modifier)] = &[
    ("ctrl-", Modifier::Ctrl),
    ("c-", Modifier::Ctrl),
    ("alt-", Modifier::Alt),
    ("m-", Modifier::Alt),
    ("shift-", Modifier::Shift),
    ("s-", Modifier::Shift),
];

impl Key {
    /// A key without modifiers.
    pub const fn new(code: KeyCode) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }

    /// A character key without modifiers.
    pub const fn char(c: char) -> Key {
        Key::new(KeyCode::Char(c))
    }

    /// The same key with ctrl held.
    pub const fn with_ctrl(self) -> Key {
        Key { ctrl: true, ..self }
    }

    /// The same key with alt held.
    pub const fn with_alt(self) -> Key {
        Key { alt: true, ..self }
    }

    /// The key a terminal event stands for; see [`from_event`].
    pub fn from_event(ev: &KeyEvent) -> Option<Key> {
        from_event(ev)
    }
}

/// Whether a character can be a key of its own: not a control or invisible formatting
/// character (a key must show in help), and no whitespace but the space (which
/// separates the keys of a chord).
pub fn is_key_char(c: char) -> bool {
    !is_unsafe(c) && (c == ' ' || !c.is_whitespace())
}

/// `s` in double quotes, with quotes, backslashes, control and invisible formatting
/// characters escaped, so that text from a keymap file can never reach the terminal raw.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if is_unsafe(c) => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Strips one modifier prefix from `s` if something follows it.
fn strip_modifier(s: &str) -> Option<(Modifier, &str)> {
    MODIFIERS.iter().find_map(|&(prefix, m)| {
        let head = s.get(..prefix.len())?;
        let rest = s.get(prefix.len()..)?;
        (head.eq_ignore_ascii_case(prefix) && !rest.is_empty()).then_some((m, rest))
    })
}

/// The key code a string without modifiers names, if any.
fn base_code(s: &str) -> Option<KeyCode> {
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return is_key_char(c).then_some(KeyCode::Char(c));
    }
    if let Some(&(_, code)) = NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(s)) {
        return Some(code);
    }
    let digits = s.strip_prefix(['f', 'F'])?;
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match digits.parse::<u8>() {
        Ok(n @ 1..=12) => Some(KeyCode::F(n)),
        _ => None,
    }
}

impl FromStr for Key {
    type Err = KeyError;

    /// Reads one key: "j", "G", "?", "ctrl-n", "C-n", "alt-x", "M-x", "shift-tab",
    /// "enter", "space", "pageup", "f5", … Names and modifiers ignore case; a single
    /// character is taken as written.
    fn from_str(s: &str) -> Result<Key, KeyError> {
        if s.is_empty() {
            return Err(KeyError::Empty);
        }
        let (mut ctrl, mut alt, mut shift) = (false, false, false);
        let mut rest = s;
        while rest.chars().nth(1).is_some() {
            let Some((m, after)) = strip_modifier(rest) else {
                break;
            };
            match m {
                Modifier::Ctrl => ctrl = true,
                Modifier::Alt => alt = true,
                Modifier::Shift => shift = true,
            }
            rest = after;
        }
        if MODIFIERS.iter().any(|(m, _)| m.eq_ignore_ascii_case(rest)) {
            return Err(KeyError::NoKey(s.to_string()));
        }
        let code = base_code(rest).ok_or_else(|| KeyError::Unknown(s.to_string()))?;
        let code = match (shift, code) {
            (false, code) => code,
            (true, KeyCode::Tab | KeyCode::BackTab) => KeyCode::BackTab,
            (true, _) => return Err(KeyError::Shift(s.to_string())),
        };
        Ok(Key { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    /// The canonical spelling: "ctrl-" then "alt-", then the key ("j", "G", "space",
    /// "shift-tab", "enter", "pageup", "f5").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::F(n) => write!(f, "f{n}"),
            code => {
                let name = NAMES
                    .iter()
                    .find(|(_, c)| *c == code)
                    .map_or("?", |(n, _)| n);
                f.write_str(name)
            }
        }
    }
}

/// Reads a key sequence: keys separated by spaces, e.g. "o p" or "ctrl-x ctrl-c".
pub fn parse_sequence(s: &str) -> Result<Vec<Key>, KeyError> {
    let keys = s
        .split_whitespace()
        .map(Key::from_str)
        .collect::<Result<Vec<_>, _>>()?;
    if keys.is_empty() {
        return Err(KeyError::Empty);
    }
    Ok(keys)
}

/// The canonical spelling of a key sequence: its keys separated by single spaces.
pub fn display_sequence(keys: &[Key]) -> String {
    keys.iter()
        .map(Key::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The key a terminal event stands for. Only presses and repeats count (a release is
/// `None`); keys weft never binds (caps lock, media keys, super or hyper held) are `None`.
/// Shift with a character gives the character as the terminal sent it; shift with tab
/// is [`KeyCode::BackTab`].
pub fn from_event(ev: &KeyEvent) -> Option<Key> {
    if !matches!(ev.kind, KeyEventKind::Press | KeyEventKind::Repeat) {
        return None;
    }
    let mods = ev.modifiers;
    if mods.intersects(TermMods::SUPER | TermMods::HYPER) {
        return None;
    }
    let code = match ev.code {
        TermCode::Char(c) => KeyCode::Char(c),
        TermCode::Tab if mods.contains(TermMods::SHIFT) => KeyCode::BackTab,
        TermCode::Tab => KeyCode::Tab,
        TermCode::BackTab => KeyCode::BackTab,
        TermCode::Enter => KeyCode::Enter,
        TermCode::Esc => KeyCode::Esc,
        TermCode::Backspace => KeyCode::Backspace,
        TermCode::Delete => KeyCode::Delete,
        TermCode::Insert => KeyCode::Insert,
        TermCode::Up => KeyCode::Up,
        TermCode::Down => KeyCode::Down,
        TermCode::Left => KeyCode::Left,
        TermCode::Right => KeyCode::Right,
        TermCode::Home => KeyCode::Home,
        TermCode::End => KeyCode::End,
        TermCode::PageUp => KeyCode::PageUp,
        TermCode::PageDown => KeyCode::PageDown,
        TermCode::F(n) => KeyCode::F(n),
        _ => return None,
    };
    Some(Key {
        code,
        ctrl: mods.contains(TermMods::CONTROL),
        alt: mods.intersects(TermMods::ALT | TermMods::META),
    })
}

#[cfg(test)]
#[path = "key_tests.rs"]
mod tests;
