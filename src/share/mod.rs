//! Several analysts on one enquiry: each member's journal is exchanged over git, merged
//! the same way everywhere, and conflicts become questions.
//!
//! A shared enquiry is a git repository holding:
//!
//! - `weft-share.toml`: the format and how many seats it has;
//! - `base/workspace.json`: the workspace as it was shared (`weft export workspace`), from
//!   which a member who joins starts;
//! - `members/<writer>.toml`: each member's name and seat;
//! - `journal/<writer>.jsonl`: each member's operations since, one per line, appended
//!   only by that member ([`line`]).
//!
//! The repository is checked out inside the workspace, in `shared/`; the workspace's
//! `share.toml` ([`crate::store::shared::Member`]) says who this member is, and
//! `share-state.json` ([`state`]) how far it has sent and taken in. `weft sync`
//! ([`sync::sync`]) sends this member's new journal entries, fetches, merges everyone
//! else's ([`merge`]) and pushes; [`git`] runs the `git` command-line tool.

pub mod fold;
pub mod git;
mod incoming;
pub mod line;
pub mod merge;
pub mod state;
pub mod sync;

use std::path::{Path, PathBuf};

/// The shared repository's folder inside a member's workspace.
pub const REPO_DIR: &str = "shared";
/// The enquiry's settings file in the repository.
pub const SETTINGS_FILE: &str = "weft-share.toml";
/// The base a joining member starts from, in the repository.
pub const BASE_FILE: &str = "base/workspace.json";
/// The members' folder in the repository.
pub const MEMBERS_DIR: &str = "members";

/// The repository of the workspace `ws`.
pub fn repo_of(ws: &Path) -> PathBuf {
    ws.join(REPO_DIR)
}

/// The enquiry's settings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Settings {
    /// The repository layout's version.
    pub format: u32,
    pub seats: u64,
}

impl Settings {
    pub const FORMAT: u32 = 1;

    pub fn current() -> Settings {
        Settings {
            format: Settings::FORMAT,
            seats: crate::store::shared::SEATS,
        }
    }

    /// The settings of the repository `repo`, refused when this weft does not know them.
    pub fn read(repo: &Path) -> Result<Settings, String> {
        let p = repo.join(SETTINGS_FILE);
        let text = std::fs::read_to_string(&p)
            .map_err(|e| format!("{} is not a weft shared enquiry: {e}", p.display()))?;
        let s: Settings = toml::from_str(&text)
            .map_err(|e| format!("{}: {}", p.display(), e.message().trim_end()))?;
        if s.format != Settings::FORMAT || s.seats != crate::store::shared::SEATS {
            return Err(format!(
                "{}: format {} with {} seats is not one this weft reads (format {}, {} seats): update weft",
                p.display(),
                s.format,
                s.seats,
                Settings::FORMAT,
                crate::store::shared::SEATS
            ));
        }
        Ok(s)
    }
}

/// A member as the repository lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Listed {
    pub name: String,
    pub seat: u64,
}

/// The name writer `w` goes by among `listed` ([`members`]), for messages.
pub(crate) fn name_of<'a>(
    listed: &'a std::collections::BTreeMap<String, Listed>,
    w: &str,
) -> &'a str {
    listed
        .get(w)
        .map_or("an unknown member", |l| l.name.as_str())
}

/// Every member the repository `repo` lists, by writer id.
pub fn members(repo: &Path) -> Result<std::collections::BTreeMap<String, Listed>, String> {
    let dir = repo.join(MEMBERS_DIR);
    let mut out = std::collections::BTreeMap::new();
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(w) = name.strip_suffix(".toml") else {
            continue;
        };
        if !is_writer(w) || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let text = std::fs::read_to_string(entry.path())
            .map_err(|e| format!("{}: {e}", entry.path().display()))?;
        let listed: Listed = toml::from_str(&text)
            .map_err(|e| format!("{}: {}", entry.path().display(), e.message().trim_end()))?;
        out.insert(w.to_string(), listed);
    }
    Ok(out)
}

/// Whether `w` is a writer id: 8 lowercase hex digits.
pub fn is_writer(w: &str) -> bool {
    w.len() == 8 && w.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Each analyst whose changes the journal of `store` records, with how many, by name:
/// the briefing's audit section. In a shared enquiry the changes since sharing are
/// counted from the members' journals (every member counts the same), and the ones
/// before from the journal the enquiry started with. Empty when the journal cannot be
/// read.
pub fn audit(store: &crate::store::Store) -> Vec<(String, u64)> {
    let mut counts: std::collections::BTreeMap<String, u64> = Default::default();
    let shared = store.member().and_then(|m| {
        let st = state::SyncState::read(store.path()).ok()?;
        let names = members(&repo_of(store.path())).ok()?;
        Some((m.clone(), st, names))
    });
    let before = shared.as_ref().map_or(u64::MAX, |(_, st, _)| st.base);
    for e in store.journal_heads() {
        let Ok(e) = e else {
            return Vec::new();
        };
        if e.seq >= before {
            break;
        }
        *counts.entry(e.user).or_default() += 1;
    }
    if let Some((m, st, names)) = shared {
        for (w, n) in &st.merge.seen {
            let name = match names.get(w) {
                Some(l) => l.name.clone(),
                None if *w == m.writer => m.name.clone(),
                None => w.clone(),
            };
            *counts.entry(name).or_default() += n;
        }
    }
    counts.into_iter().filter(|(_, n)| *n > 0).collect()
}
