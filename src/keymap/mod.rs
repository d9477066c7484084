//! Keymaps: named commands bound to key sequences per scope. The defaults come from
//! `keymaps/default.toml` (embedded), a user file is laid over them, and a key press is
//! resolved against the scopes active at the moment.
//!
//! Resolution is a pure function of the keymap, the active scopes and the keys pressed
//! so far; there are no timers, so a chord waits for its next key as long as it takes.

mod file;
mod key;
mod raw;

pub use file::{Problem, UNBIND};
pub use key::{display_sequence, from_event, is_key_char, parse_sequence, Key, KeyCode, KeyError};

use crate::commands::{Command, Scope, REGISTRY};
use file::{layered, Action};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// The default keymap's text, the single source of the default keys.
pub const DEFAULT_TOML: &str = include_str!("../../keymaps/default.toml");

/// The name problems in the default keymap are reported under.
pub const DEFAULT_FILE: &str = "keymaps/default.toml";

/// Commands the default keymap leaves to the `:` palette. Empty: every command in the
/// registry has a default key. A command added to the registry without one must be
/// listed here with the reason, or the keymap tests fail.
pub const DELIBERATELY_UNBOUND: &[Command] = &[];

/// Default keys a pane's scope deliberately takes over from a layer under every pane,
/// with the reason. `d` in Gaps: a row there is a suggestion, so `d` dismisses it;
/// deleting one of its trigger records from there would be a surprise (the palette's
/// `record.delete` still does it).
pub const DELIBERATE_SHADOWS: &[(Scope, &str)] = &[(Scope::Gaps, "d")];

/// What a key press means, given the keys pressed before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// The keys name this command; run it and clear the pending keys.
    Run(Command),
    /// The keys begin a chord; keep them and wait for the next key.
    Pending,
    /// The keys mean nothing here; clear them.
    Unbound,
}

/// One key sequence bound to a command.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Binding {
    keys: Vec<Key>,
    command: Command,
}

/// Key sequences bound to commands, per scope, each scope in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    scopes: BTreeMap<Scope, Vec<Binding>>,
}

impl Default for Keymap {
    /// The default keymap, as [`Keymap::default_keymap`].
    fn default() -> Keymap {
        Keymap::default_keymap()
    }
}

impl Keymap {
    /// A keymap with no bindings.
    pub fn empty() -> Keymap {
        Keymap {
            scopes: BTreeMap::new(),
        }
    }

    /// The default keymap. The shipped file loads with no problems (a test sees to it);
    /// if it ever had any, the entries that did load are still returned.
    pub fn default_keymap() -> Keymap {
        let mut keymap = Keymap::empty();
        let _ = keymap.overlay(DEFAULT_FILE, DEFAULT_TOML);
        keymap
    }

    /// The defaults with the user's keymap laid over them: `user` when given (from
    /// `--keymap`), else `$XDG_CONFIG_HOME/weft/keymap.toml` if it exists. Problems never
    /// stop loading: bad entries are skipped and returned, to be shown to the user.
    pub fn load(user: Option<&Path>) -> (Keymap, Vec<Problem>) {
        let path = match user {
            Some(p) => Some(p.to_path_buf()),
            None => user_keymap_path().filter(|p| p.exists()),
        };
        let mut keymap = Keymap::empty();
        let mut problems = keymap.overlay(DEFAULT_FILE, DEFAULT_TOML);
        if let Some(path) = path {
            match std::fs::read_to_string(&path) {
                Ok(text) => problems.extend(keymap.overlay(&path.display().to_string(), &text)),
                Err(e) => problems.push(unreadable(&path, &e)),
            }
        }
        (keymap, problems)
    }

    /// Lays a keymap file's text over this keymap and returns its problems. Each good
    /// entry replaces the binding of its (scope, key sequence), or removes it when the
    /// value is "none"; bindings that would be a prefix of a new one, or have it as a
    /// prefix, in a scope active at the same time, are removed so the new one can work.
    pub fn overlay(&mut self, file: &str, text: &str) -> Vec<Problem> {
        let (entries, problems) = file::parse(file, text);
        for entry in entries {
            match entry.action {
                Action::Unbind => {
                    if let Some(list) = self.scopes.get_mut(&entry.scope) {
                        list.retain(|b| b.keys != entry.keys);
                    }
                }
                Action::Bind(command) => self.bind(entry.scope, entry.keys, command),
            }
        }
        problems
    }

    /// Binds `keys` in `scope`, replacing the binding of the same sequence in place and
    /// removing the bindings it would clash with as a prefix.
    fn bind(&mut self, scope: Scope, keys: Vec<Key>, command: Command) {
        let clashes = |b: &Binding| {
            b.keys != keys && (b.keys.starts_with(&keys) || keys.starts_with(&b.keys))
        };
        for (&other, list) in self.scopes.iter_mut() {
            if layered(scope, other) {
                list.retain(|b| !clashes(b));
            }
        }
        let list = self.scopes.entry(scope).or_default();
        match list.iter_mut().find(|b| b.keys == keys) {
            Some(b) => b.command = command,
            None => list.push(Binding { keys, command }),
        }
    }

    /// What `pending` (the keys pressed so far, the last one included) means in the
    /// given scopes, most specific first (e.g. `[Backlog, Record, List, Global]`): the
    /// first scope with an exact binding wins; else `Pending` if the keys begin a
    /// longer binding in any of them.
    pub fn resolve(&self, scopes: &[Scope], pending: &[Key]) -> Resolution {
        if pending.is_empty() {
            return Resolution::Unbound;
        }
        let lists = || scopes.iter().filter_map(|s| self.scopes.get(s));
        if let Some(b) = lists().flatten().find(|b| b.keys == pending) {
            return Resolution::Run(b.command);
        }
        if lists()
            .flatten()
            .any(|b| b.keys.len() > pending.len() && b.keys.starts_with(pending))
        {
            return Resolution::Pending;
        }
        Resolution::Unbound
    }

    /// The ways a pending chord can go on, for a which-key hint: the rest of each
    /// binding that begins with `pending`, as its display string, with its command.
    /// Scopes are searched most specific first; a continuation already offered by a
    /// more specific scope hides the same one further down.
    pub fn continuations(&self, scopes: &[Scope], pending: &[Key]) -> Vec<(String, Command)> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for b in scopes.iter().filter_map(|s| self.scopes.get(s)).flatten() {
            if b.keys.len() > pending.len() && b.keys.starts_with(pending) {
                let rest = &b.keys[pending.len()..];
                if seen.insert(rest.to_vec()) {
                    out.push((display_sequence(rest), b.command));
                }
            }
        }
        out
    }

    /// Every key sequence bound to `cmd`, as display strings, in file order.
    pub fn keys_for(&self, cmd: Command) -> Vec<String> {
        self.scopes
            .values()
            .flatten()
            .filter(|b| b.command == cmd)
            .map(|b| display_sequence(&b.keys))
            .collect()
    }

    /// The bindings of one scope, in file order.
    pub fn bindings(&self, scope: Scope) -> Vec<(String, Command)> {
        self.scopes
            .get(&scope)
            .into_iter()
            .flatten()
            .map(|b| (display_sequence(&b.keys), b.command))
            .collect()
    }

    /// The README's key table: one row per command in registry order, with where it
    /// applies, its keys (or "(palette only)") and its description.
    pub fn markdown_table(&self) -> String {
        let mut out =
            String::from("| where | keys | command | what it does |\n| --- | --- | --- | --- |\n");
        for info in REGISTRY {
            let keys = self.keys_for(info.command);
            let keys = if keys.is_empty() {
                "(palette only)".to_string()
            } else {
                keys.iter()
                    .map(|k| code_span(k))
                    .collect::<Vec<_>>()
                    .join(" / ")
            };
            out.push_str(&format!(
                "| {} | {} | `{}` | {} |\n",
                info.scope.describe(),
                keys,
                info.name,
                info.description.replace('|', "\\|")
            ));
        }
        out
    }
}

/// A key sequence as Markdown code inside a table cell.
fn code_span(keys: &str) -> String {
    let keys = keys.replace('|', "\\|");
    if keys.contains('`') {
        format!("`` {keys} ``")
    } else {
        format!("`{keys}`")
    }
}

/// Where the user's keymap lives: `$XDG_CONFIG_HOME/weft/keymap.toml` on Linux (the
/// platform's config directory elsewhere); `None` when there is no home directory.
pub fn user_keymap_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "weft").map(|d| d.config_dir().join("keymap.toml"))
}

/// The problems of a keymap file on its own terms, read as an overlay on the defaults:
/// replacing a default binding is not a problem, a clash within the file is.
pub fn check_file(path: &Path) -> Vec<Problem> {
    match std::fs::read_to_string(path) {
        Ok(text) => check_str(&path.display().to_string(), &text),
        Err(e) => vec![unreadable(path, &e)],
    }
}

/// The problems of a keymap file's text, as [`check_file`] finds them.
pub fn check_str(file: &str, text: &str) -> Vec<Problem> {
    file::parse(file, text).1
}

fn unreadable(path: &Path, e: &std::io::Error) -> Problem {
    Problem {
        file: path.display().to_string(),
        line: 0,
        entry: String::new(),
        message: format!("cannot read it: {e}"),
    }
}

#[cfg(test)]
mod tests;
