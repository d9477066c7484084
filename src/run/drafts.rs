//! Drafts: text being edited in `$EDITOR` lives in the workspace's `drafts/` directory
//! (0700, files 0600), not in /tmp, so that a session that drops while the editor is
//! open loses nothing. A draft is two files with one name: `NAME.md`, the text the
//! editor edits, and `NAME.json`, what it is for, when the edit began and the text it
//! started from. The draft is deleted once its text is saved; one that is left is
//! offered back the next time the interface opens.

use crate::app::backlog::{flow as backlog_flow, BacklogFlow};
use crate::app::notes::{flow as notes_flow, NotesFlow};
use crate::app::overlay::Flow;
use crate::model::Id;
use serde::{Deserialize, Serialize};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The directory of drafts inside a workspace.
pub fn dir(workspace: &Path) -> PathBuf {
    workspace.join("drafts")
}

/// What a draft's text is for: enough to finish the edit in a later session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Target {
    /// A question's or hypothesis's detail.
    Detail { id: String },
    /// An existing note's text.
    NoteText { id: String },
    /// The text of a note not yet added.
    NewNote,
    /// An edit this version cannot finish later; only described.
    Other { what: String },
}

impl Target {
    /// The target of an edit that finishes `flow`.
    pub fn of(flow: &Flow) -> Target {
        match flow {
            Flow::Pane(step) if step.value::<BacklogFlow>().is_some() => {
                match step.value::<BacklogFlow>() {
                    Some(BacklogFlow::EditDetail(id)) => Target::Detail { id: id.to_string() },
                    _ => Target::Other {
                        what: format!("{flow:?}"),
                    },
                }
            }
            Flow::Pane(step) if step.value::<NotesFlow>().is_some() => {
                match step.value::<NotesFlow>() {
                    Some(NotesFlow::Text(id)) => Target::NoteText { id: id.to_string() },
                    Some(NotesFlow::AddText) => Target::NewNote,
                    _ => Target::Other {
                        what: format!("{flow:?}"),
                    },
                }
            }
            other => Target::Other {
                what: format!("{other:?}"),
            },
        }
    }

    /// The flow that finishes the edit, when this version knows how.
    pub fn flow(&self) -> Option<Flow> {
        let id = |s: &str| s.parse::<Id>().ok();
        match self {
            Target::Detail { id: s } => id(s).map(|i| backlog_flow(BacklogFlow::EditDetail(i))),
            Target::NoteText { id: s } => id(s).map(|i| notes_flow(NotesFlow::Text(i))),
            Target::NewNote => Some(notes_flow(NotesFlow::AddText)),
            Target::Other { .. } => None,
        }
    }

    /// How the status line names it: "the detail of Q1".
    pub fn describe(&self) -> String {
        match self {
            Target::Detail { id } => format!("the detail of {id}"),
            Target::NoteText { id } => format!("the text of {id}"),
            Target::NewNote => "a new note".into(),
            Target::Other { .. } => "an edit this version cannot finish".into(),
        }
    }
}

/// The sidecar: what the text is for, when the edit began, and what it began from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    #[serde(rename = "for")]
    pub target: Target,
    pub started: chrono::DateTime<chrono::FixedOffset>,
    /// The text before the edit: a draft still equal to it holds nothing new.
    pub base: String,
}

/// One draft on disk.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// The file the editor edits.
    pub path: PathBuf,
    pub meta: Meta,
}

/// The text that matters: trailing white space is not kept by any edit.
fn same(a: &str, b: &str) -> bool {
    a.trim_end() == b.trim_end()
}

fn owner_only_file(path: &Path) -> io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = owner_only_file(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// `O_NOFOLLOW`: a draft is never read or written through a symlink.
const NOFOLLOW: i32 = rustix::fs::OFlags::NOFOLLOW.bits() as i32;

/// The refusal of a symlink at `path`, inside the workspace.
fn link_refused(path: &Path) -> io::Error {
    io::Error::other(format!(
        "{} is a symlink; weft never follows a link out of a workspace",
        path.display()
    ))
}

/// The drafts directory as it is, never through a link: `None` when there is none.
pub(super) fn open_dir(d: &Path) -> io::Result<Option<std::fs::File>> {
    let flags = rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::NOFOLLOW;
    match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(d)
    {
        Ok(f) => Ok(Some(f)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(_) if std::fs::symlink_metadata(d).is_ok_and(|m| m.is_symlink()) => {
            Err(link_refused(d))
        }
        Err(e) => Err(e),
    }
}

/// Makes the drafts directory (0700), or tightens it if it exists: through its
/// descriptor, and never through a link.
pub(super) fn make_dir(workspace: &Path) -> io::Result<PathBuf> {
    let d = dir(workspace);
    match std::fs::DirBuilder::new().mode(0o700).create(&d) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let f = open_dir(&d)?.ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))?;
            if f.metadata()?.permissions().mode() & 0o777 != 0o700 {
                rustix::fs::fchmod(&f, rustix::fs::Mode::from_raw_mode(0o700))?;
            }
        }
        Err(e) => return Err(e),
    }
    Ok(d)
}

/// A draft's file read whole, never through a link.
pub(super) fn read_own(path: &Path) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(NOFOLLOW)
        .open(path)?;
    let mut out = Vec::new();
    f.read_to_end(&mut out)?;
    Ok(out)
}

impl Draft {
    /// Starts a draft for `target` whose text is `text` and whose base, the value as
    /// it stands, is `base` (`text` differs when it is a draft typed earlier): the
    /// sidecar is written first, so a text file never exists without it.
    pub fn create(workspace: &Path, target: Target, base: &str, text: &str) -> io::Result<Draft> {
        let d = make_dir(workspace)?;
        let started = chrono::Local::now().fixed_offset();
        let meta = Meta {
            target,
            started,
            base: base.to_string(),
        };
        let json = serde_json::to_vec_pretty(&meta).map_err(io::Error::other)?;
        let stem = format!(
            "draft-{}-{}",
            started.format("%Y%m%d-%H%M%S"),
            std::process::id()
        );
        for n in 0..100u32 {
            let name = if n == 0 {
                stem.clone()
            } else {
                format!("{stem}-{n}")
            };
            let sidecar = d.join(format!("{name}.json"));
            match write_new(&sidecar, &json) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
            let path = d.join(format!("{name}.md"));
            if let Err(e) = write_new(&path, text.as_bytes()) {
                let _ = std::fs::remove_file(&sidecar);
                return Err(e);
            }
            return Ok(Draft { path, meta });
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "too many drafts started in one second",
        ))
    }

    fn sidecar(&self) -> PathBuf {
        self.path.with_extension("json")
    }

    /// The draft's text as the editor left it.
    pub fn text(&self) -> io::Result<String> {
        String::from_utf8(read_own(&self.path)?)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    /// Whether `text` holds something the draft did not start with.
    pub fn is_new(&self, text: &str) -> bool {
        !same(text, &self.meta.base)
    }

    /// Deletes the draft (the text first: a sidecar alone is tidied away later).
    pub fn discard(&self) -> io::Result<()> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        match std::fs::remove_file(self.sidecar()) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// "for the detail of Q1, from Nov 30 23:50".
    pub fn describe(&self) -> String {
        format!(
            "for {}, from {}",
            self.meta.target.describe(),
            self.meta.started.format("%b %d %H:%M")
        )
    }
}

/// The drafts left in a workspace by earlier sessions, oldest first. Drafts that hold
/// nothing new (the editor never saved) are deleted, and so is a sidecar whose text is
/// gone. A sidecar that cannot be read is kept and its draft offered as one this
/// version cannot finish. A missing directory means no drafts; a link in place of the
/// directory is refused, and a link in it is left alone (never read, never deleted).
pub fn left(workspace: &Path) -> io::Result<Vec<Draft>> {
    let d = dir(workspace);
    if open_dir(&d)?.is_none() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(&d)?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry?;
        if entry.file_type()?.is_symlink() {
            continue;
        }
        let sidecar = entry.path();
        let is_draft = sidecar
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("draft-") && n.ends_with(".json"));
        if !is_draft {
            continue;
        }
        let path = sidecar.with_extension("md");
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink()) {
            continue;
        }
        let text = match read_own(&path).map(|b| String::from_utf8_lossy(&b).into_owned()) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let _ = std::fs::remove_file(&sidecar);
                continue;
            }
            Err(e) => return Err(e),
        };
        let meta = read_own(&sidecar)
            .ok()
            .and_then(|b| serde_json::from_slice::<Meta>(&b).ok())
            .unwrap_or_else(|| Meta {
                target: Target::Other {
                    what: format!("unreadable {}", sidecar.display()),
                },
                started: modified(&path),
                base: String::new(),
            });
        let draft = Draft { path, meta };
        if draft.is_new(&text) {
            found.push(draft);
        } else {
            let _ = draft.discard();
        }
    }
    found.sort_by(|a, b| (a.meta.started, &a.path).cmp(&(b.meta.started, &b.path)));
    Ok(found)
}

fn modified(path: &Path) -> chrono::DateTime<chrono::FixedOffset> {
    let t = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map(chrono::DateTime::<chrono::Local>::from)
        .unwrap_or_else(|_| chrono::Local::now());
    t.fixed_offset()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;
    use std::os::unix::fs::MetadataExt;

    fn id(s: &str) -> Id {
        s.parse().unwrap()
    }

    #[test]
    fn every_flow_that_goes_to_the_editor_can_be_finished_later() {
        let n5 = id("N5");
        assert_eq!(n5.kind, Kind::Note);
        for (flow, back) in [
            (
                backlog_flow(BacklogFlow::EditDetail(id("Q1"))),
                backlog_flow(BacklogFlow::EditDetail(id("Q1"))),
            ),
            (
                notes_flow(NotesFlow::AddText),
                notes_flow(NotesFlow::AddText),
            ),
            (
                notes_flow(NotesFlow::Text(n5)),
                notes_flow(NotesFlow::Text(n5)),
            ),
        ] {
            let t = Target::of(&flow);
            let json = serde_json::to_string(&t).unwrap();
            let again: Target = serde_json::from_str(&json).unwrap();
            assert_eq!(again.flow(), Some(back), "{json}");
        }
        let other = Target::of(&backlog_flow(BacklogFlow::Filter));
        assert_eq!(other.flow(), None);
        assert_eq!(Target::Detail { id: "bad".into() }.flow(), None);
    }

    #[test]
    fn a_draft_is_owner_only_inside_the_workspace_and_found_again() {
        let ws = tempfile::tempdir().unwrap();
        let d = Draft::create(
            ws.path(),
            Target::Detail { id: "Q1".into() },
            "old detail",
            "old detail",
        )
        .unwrap();
        assert!(d.path.starts_with(ws.path().join("drafts")));
        let mode = |p: &Path| std::fs::metadata(p).unwrap().mode() & 0o777;
        assert_eq!(mode(&ws.path().join("drafts")), 0o700);
        assert_eq!(mode(&d.path), 0o600);
        assert_eq!(mode(&d.path.with_extension("json")), 0o600);
        assert_eq!(d.text().unwrap(), "old detail");
        // the editor never saved: nothing to offer, and the files are tidied away
        assert!(left(ws.path()).unwrap().is_empty());
        assert!(!d.path.exists());

        let d = Draft::create(ws.path(), Target::NewNote, "", "").unwrap();
        std::fs::write(&d.path, "Typed before the line dropped\n").unwrap();
        let found = left(ws.path()).unwrap();
        assert_eq!(found, vec![d.clone()]);
        assert!(
            found[0].describe().contains("for a new note"),
            "{}",
            found[0].describe()
        );
        found[0].discard().unwrap();
        assert!(left(ws.path()).unwrap().is_empty());
        assert_eq!(std::fs::read_dir(dir(ws.path())).unwrap().count(), 0);
    }

    #[test]
    fn drafts_of_one_second_do_not_collide_and_come_oldest_first() {
        let ws = tempfile::tempdir().unwrap();
        let a = Draft::create(ws.path(), Target::NewNote, "", "").unwrap();
        let b = Draft::create(ws.path(), Target::NewNote, "", "").unwrap();
        assert_ne!(a.path, b.path);
        std::fs::write(&a.path, "first").unwrap();
        std::fs::write(&b.path, "second").unwrap();
        let found = left(ws.path()).unwrap();
        assert_eq!(found.len(), 2);
        assert!(found[0].meta.started <= found[1].meta.started);
    }

    #[test]
    fn a_draft_with_an_unreadable_sidecar_is_kept_and_offered() {
        let ws = tempfile::tempdir().unwrap();
        let d = Draft::create(ws.path(), Target::NewNote, "", "").unwrap();
        std::fs::write(&d.path, "text").unwrap();
        std::fs::write(d.path.with_extension("json"), "{ not json").unwrap();
        let found = left(ws.path()).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].meta.target.flow(), None);
        assert_eq!(found[0].text().unwrap(), "text");
        // a sidecar alone is tidied away; other files are left alone
        std::fs::remove_file(&d.path).unwrap();
        std::fs::write(dir(ws.path()).join("notes.txt"), "mine").unwrap();
        assert!(left(ws.path()).unwrap().is_empty());
        assert!(!d.path.with_extension("json").exists());
        assert!(dir(ws.path()).join("notes.txt").exists());
    }

    #[test]
    fn no_draft_is_read_written_or_deleted_through_a_link() {
        let ws = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().mode() & 0o777;
        // a link in place of the directory: refused, and what it points at untouched
        std::fs::set_permissions(outside.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(outside.path().join("draft-1.json"), "{}").unwrap();
        std::os::unix::fs::symlink(outside.path(), dir(ws.path())).unwrap();
        let e = left(ws.path()).unwrap_err().to_string();
        assert!(e.contains("is a symlink"), "{e}");
        let e = Draft::create(ws.path(), Target::NewNote, "", "")
            .unwrap_err()
            .to_string();
        assert!(e.contains("is a symlink"), "{e}");
        assert_eq!(mode(outside.path()), 0o755);
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
        // links inside it: neither offered nor deleted
        std::fs::remove_file(dir(ws.path())).unwrap();
        let d = Draft::create(ws.path(), Target::NewNote, "", "").unwrap();
        std::fs::remove_file(&d.path).unwrap();
        let secret = outside.path().join("secret");
        std::fs::write(&secret, "not a draft").unwrap();
        std::os::unix::fs::symlink(&secret, &d.path).unwrap();
        let linked_json = dir(ws.path()).join("draft-x.json");
        std::os::unix::fs::symlink(outside.path().join("draft-1.json"), &linked_json).unwrap();
        assert!(left(ws.path()).unwrap().is_empty());
        assert!(std::fs::symlink_metadata(&d.path).is_ok());
        assert!(std::fs::symlink_metadata(&linked_json).is_ok());
        assert_eq!(std::fs::read_to_string(&secret).unwrap(), "not a draft");
        assert!(
            d.text().is_err(),
            "a draft's text is not read through a link"
        );
    }

    #[test]
    fn an_existing_drafts_directory_is_tightened() {
        let ws = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir(ws.path())).unwrap();
        std::fs::set_permissions(dir(ws.path()), std::fs::Permissions::from_mode(0o755)).unwrap();
        Draft::create(ws.path(), Target::NewNote, "", "").unwrap();
        let mode = std::fs::metadata(dir(ws.path())).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }
}
