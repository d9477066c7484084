//! Reading one keymap file: TOML sections of `key sequence = "command"` entries, checked
//! entry by entry. Every problem is returned with its line; the good entries still count.

use super::key::{display_sequence, parse_sequence, quote, Key};
use super::raw::{Document, Section, Value};
use crate::commands::{Command, Scope};
use crate::model::text::sanitize;
use std::collections::HashMap;
use std::fmt;
use toml::Spanned;

/// The value that unbinds a key sequence.
pub const UNBIND: &str = "none";

/// One problem in a keymap file, with where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as it was named to weft.
    pub file: String,
    /// 1-based; 0 when the problem is the file as a whole (it could not be read).
    pub line: usize,
    /// The entry as written, e.g. `[list] "C-n" = "list.down"`; empty for the whole file.
    pub entry: String,
    pub message: String,
}

impl fmt::Display for Problem {
    /// `{file}:{line}: {entry}: {message}`; the line and the entry are left out when
    /// there are none (an unreadable file is `{file}: {message}`). Everything that echoes
    /// the file (its name, an entry, TOML's own message quoting a key) is sanitised: a
    /// keymap can hold an escape sequence, and problems are printed to a terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&sanitize(&self.file))?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if !self.entry.is_empty() {
            write!(f, ": {}", sanitize(&self.entry))?;
        }
        write!(f, ": {}", sanitize(&self.message))
    }
}

/// What an entry does to its key sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Bind(Command),
    Unbind,
}

/// A checked entry of a keymap file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub scope: Scope,
    pub keys: Vec<Key>,
    pub action: Action,
}

/// Reads a keymap file's text: its good entries in file order, and every problem.
pub(crate) fn parse(file: &str, text: &str) -> (Vec<Entry>, Vec<Problem>) {
    let mut checker = Checker {
        file,
        text,
        problems: Vec::new(),
        exact: HashMap::new(),
        prefixes: HashMap::new(),
    };
    let doc = match toml::from_str::<Document>(text) {
        Ok(doc) => doc,
        Err(e) => {
            checker.syntax_error(&e);
            return (Vec::new(), checker.problems);
        }
    };
    let mut raw = Vec::new();
    for (name, section) in doc.0 {
        let at = name.span().start;
        let name = name.into_inner();
        match (Scope::from_name(&name), section) {
            (Some(scope), Section::Table(items)) => {
                raw.extend(items.into_iter().map(|(k, v)| (scope, k, v)));
            }
            (None, Section::Table(_)) => {
                let msg = format!(
                    "unknown section {}; sections are {}",
                    quote(&name),
                    sections()
                );
                checker.problem(at, format!("[{}]", escape(&name)), msg);
            }
            (Some(_), Section::Other) => {
                let msg = format!("must be a section: write [{name}] with its entries under it");
                checker.problem(at, quote(&name), msg);
            }
            (None, Section::Other) => {
                let msg = format!("not in a section; sections are {}", sections());
                checker.problem(at, quote(&name), msg);
            }
        }
    }
    raw.sort_by_key(|(_, k, _)| k.span().start);
    let entries = raw
        .into_iter()
        .filter_map(|(scope, k, v)| checker.entry(scope, k, v))
        .collect();
    let mut problems = checker.problems;
    problems.sort_by_key(|p| p.line);
    (entries, problems)
}

/// The section names, for messages.
fn sections() -> String {
    Scope::ALL
        .iter()
        .map(|s| s.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `s` with control characters escaped, for text shown outside quotes.
fn escape(s: &str) -> String {
    let q = quote(s);
    q[1..q.len() - 1].to_string()
}

/// Whether bindings of two scopes can be active at once, so a prefix between them would
/// hide a binding: the same scope, or either is one of the layers under every pane.
pub(crate) fn layered(a: Scope, b: Scope) -> bool {
    a == b
        || [a, b]
            .iter()
            .any(|s| matches!(s, Scope::Global | Scope::List | Scope::Record))
}

/// An entry already accepted, as conflict messages name it.
#[derive(Clone)]
struct Seen {
    scope: Scope,
    line: usize,
    keys: String,
    action: Action,
}

struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    problems: Vec<Problem>,
    /// Accepted entries by (scope, normalised key sequence).
    exact: HashMap<(Scope, Vec<Key>), Seen>,
    /// Every proper prefix of an accepted binding, with the first binding that has it.
    prefixes: HashMap<(Scope, Vec<Key>), Seen>,
}

impl Checker<'_> {
    fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    fn problem(&mut self, offset: usize, entry: String, message: String) {
        let line = self.line_of(offset);
        self.problems.push(Problem {
            file: self.file.to_string(),
            line,
            entry,
            message,
        });
    }

    fn syntax_error(&mut self, e: &toml::de::Error) {
        let offset = e.span().map_or(0, |s| s.start);
        let line = self.line_of(offset);
        let source: String = self
            .text
            .lines()
            .nth(line - 1)
            .unwrap_or("")
            .trim()
            .chars()
            .take(60)
            .collect();
        let message: Vec<&str> = e
            .message()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        self.problems.push(Problem {
            file: self.file.to_string(),
            line,
            entry: escape(&source),
            message: format!("TOML syntax: {}", message.join("; ")),
        });
    }

    /// Checks one entry; `Some` when it is good and does not clash with an earlier one.
    fn entry(&mut self, scope: Scope, key: Spanned<String>, value: Value) -> Option<Entry> {
        let at = key.span().start;
        let line = self.line_of(at);
        let key = key.into_inner();
        let shown_value = match &value {
            Value::Str(s) => quote(s),
            Value::Other => "…".to_string(),
        };
        let shown = format!("[{}] {} = {}", scope.name(), quote(&key), shown_value);
        let action = match value {
            Value::Str(s) if s == UNBIND => Ok(Action::Unbind),
            Value::Str(s) => match Command::from_name(&s) {
                Some(cmd) if cmd.info().scope == scope => Ok(Action::Bind(cmd)),
                Some(cmd) => Err(format!(
                    "{cmd} belongs in [{}], not [{}]",
                    cmd.info().scope.name(),
                    scope.name()
                )),
                None => Err(format!("unknown command {}", quote(&s))),
            },
            Value::Other => {
                let msg = format!("expected a command name in quotes, or \"{UNBIND}\"");
                self.problem(at, shown, msg);
                return None;
            }
        };
        // A bad key and a bad command are two problems; report both.
        let keys = parse_sequence(&key).map_err(|e| e.to_string());
        let (keys, action) = match (keys, action) {
            (Ok(keys), Ok(action)) => (keys, action),
            (keys, action) => {
                for msg in [keys.err(), action.err()].into_iter().flatten() {
                    self.problem(at, shown.clone(), msg);
                }
                return None;
            }
        };
        let seen = Seen {
            scope,
            line,
            keys: display_sequence(&keys),
            action,
        };
        if let Some(msg) = self.clash(&keys, &seen) {
            self.problem(at, shown, msg);
            return None;
        }
        if matches!(action, Action::Bind(_)) {
            for n in 1..keys.len() {
                self.prefixes
                    .entry((scope, keys[..n].to_vec()))
                    .or_insert_with(|| seen.clone());
            }
        }
        self.exact.insert((scope, keys.clone()), seen);
        Some(Entry {
            scope,
            keys,
            action,
        })
    }

    /// Why a new entry clashes with an accepted one, if it does: the same sequence in
    /// the same scope, or (for a binding) a prefix either way in a layered scope.
    fn clash(&self, keys: &[Key], new: &Seen) -> Option<String> {
        if let Some(old) = self.exact.get(&(new.scope, keys.to_vec())) {
            let what = match old.action {
                Action::Bind(cmd) => format!("bound to {cmd}"),
                Action::Unbind => format!("set to \"{UNBIND}\""),
            };
            return Some(format!(
                "{} is already {what} on line {}",
                quote(&new.keys),
                old.line
            ));
        }
        if new.action == Action::Unbind {
            return None;
        }
        let place = |old: &Seen| {
            if old.scope == new.scope {
                format!("(line {})", old.line)
            } else {
                format!("in [{}] (line {})", old.scope.name(), old.line)
            }
        };
        for other in Scope::ALL
            .iter()
            .copied()
            .filter(|&s| layered(s, new.scope))
        {
            for n in 1..keys.len() {
                if let Some(old) = self.exact.get(&(other, keys[..n].to_vec())) {
                    if old.action != Action::Unbind {
                        let (short, long) = (quote(&old.keys), quote(&new.keys));
                        return Some(format!("{short} {} is a prefix of {long}", place(old)));
                    }
                }
            }
            if let Some(old) = self.prefixes.get(&(other, keys.to_vec())) {
                let (short, long) = (quote(&new.keys), quote(&old.keys));
                return Some(format!("{short} is a prefix of {long} {}", place(old)));
            }
        }
        None
    }
}

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;
