//! The drafts of weft's own boxes (prompts and the inline editor, `app::drafts`) kept in
//! the workspace as they are typed, so that a dropped session loses none: one file per
//! box, `drafts/typed-<hash of the box's key>.json` (owner-only, written whole through a
//! temporary file and a rename, never through a link), holding the box's key, title and
//! text.
//!
//! The main thread notes the drafts after every key ([`note`]); they are written once
//! typing pauses ([`IDLE`]) or has gone on for [`AT_MOST`] since the last write
//! ([`due`], [`save`]), so a long text is not rewritten at every key. Leaving on a
//! signal or a hang-up writes what is not yet written ([`save_on_leave`]), from the
//! thread that handles it once the main thread is idle. A workspace that refuses
//! writes keeps no drafts: the mirror is never started there.

use super::drafts::{make_dir, read_own};
use crate::app::drafts::Kept;
use crate::app::overlay::DraftKey;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long typing pauses before the drafts are written.
pub const IDLE: Duration = Duration::from_millis(300);
/// The longest a draft goes unwritten while typing goes on.
pub const AT_MOST: Duration = Duration::from_secs(2);

const PREFIX: &str = "typed-";

/// How long typing pauses before a write, and the longest a draft goes unwritten. Debug
/// builds only: `WEFT_DEBUG_DRAFT_WAIT_MS=N` sets both to N milliseconds, so a test can
/// prove what the way out writes. Release builds have no such switch.
fn waits() -> (Duration, Duration) {
    #[cfg(debug_assertions)]
    {
        static WAIT: std::sync::OnceLock<Option<Duration>> = std::sync::OnceLock::new();
        let set = WAIT.get_or_init(|| {
            std::env::var("WEFT_DEBUG_DRAFT_WAIT_MS")
                .ok()
                .and_then(|v| v.parse().ok())
                .map(Duration::from_millis)
        });
        if let Some(d) = *set {
            return (d, d);
        }
    }
    (IDLE, AT_MOST)
}

/// A draft's file.
#[derive(Debug, Serialize, Deserialize)]
struct DraftFile {
    /// The box the draft belongs to ([`DraftKey`]).
    #[serde(rename = "box")]
    key: String,
    title: String,
    text: String,
    saved: chrono::DateTime<chrono::FixedOffset>,
}

/// The file name of the draft of a box.
fn file_name(key: &DraftKey) -> String {
    let hash = blake3::hash(key.as_str().as_bytes());
    let hex: String = hash.as_bytes()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{PREFIX}{hex}.json")
}

/// The drafts kept in a workspace, by box, and a line for each draft file that cannot be
/// read (left as it is). Links are skipped, never read or removed; a link in place of
/// the drafts directory is refused.
pub fn load(workspace: &Path) -> io::Result<(BTreeMap<DraftKey, Kept>, Vec<String>)> {
    let mut found = BTreeMap::new();
    let mut problems = Vec::new();
    let d = super::drafts::dir(workspace);
    if super::drafts::open_dir(&d)?.is_none() {
        return Ok((found, problems));
    }
    for entry in std::fs::read_dir(&d)? {
        let entry = entry?;
        let name = entry.file_name();
        // a write cut short before its rename: never a whole draft, and never read
        let unfinished = name
            .to_str()
            .is_some_and(|n| n.starts_with(&format!(".{PREFIX}")) && n.ends_with(".tmp"));
        if unfinished && !entry.file_type()?.is_symlink() {
            let _ = std::fs::remove_file(entry.path());
            continue;
        }
        let is_ours = name
            .to_str()
            .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(".json"));
        if !is_ours || entry.file_type()?.is_symlink() {
            continue;
        }
        let path = entry.path();
        let read = read_own(&path).and_then(|bytes| {
            serde_json::from_slice::<DraftFile>(&bytes)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
        });
        match read {
            Ok(f) => {
                let kept = Kept {
                    title: f.title,
                    text: f.text,
                };
                found.insert(DraftKey::from_kept(f.key), kept);
            }
            Err(e) => problems.push(format!(
                "cannot read the draft {}: {e}; it is left as it is",
                path.display()
            )),
        }
    }
    Ok((found, problems))
}

/// The drafts as the workspace holds them, and as the app has them now.
struct Mirror {
    workspace: PathBuf,
    /// What the files hold, by box.
    on_disk: BTreeMap<DraftKey, Kept>,
    /// What there is to keep now.
    wanted: BTreeMap<DraftKey, Kept>,
    /// When the first change not yet written was noted, and the last.
    first: Option<Instant>,
    last: Option<Instant>,
    /// The last failure reported, so that it is said once.
    failed: Option<String>,
}

static MIRROR: Mutex<Option<Mirror>> = Mutex::new(None);

fn mirror() -> std::sync::MutexGuard<'static, Option<Mirror>> {
    MIRROR.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Starts keeping drafts in `workspace`, which holds `loaded`.
pub fn start(workspace: &Path, loaded: &BTreeMap<DraftKey, Kept>) {
    *mirror() = Some(Mirror {
        workspace: workspace.to_path_buf(),
        on_disk: loaded.clone(),
        wanted: loaded.clone(),
        first: None,
        last: None,
        failed: None,
    });
}

/// Notes the drafts as they stand (after a key).
pub fn note(now: BTreeMap<DraftKey, Kept>) {
    let mut guard = mirror();
    let Some(m) = guard.as_mut() else {
        return;
    };
    if m.wanted == now {
        return;
    }
    m.wanted = now;
    if m.wanted == m.on_disk {
        m.first = None;
        m.last = None;
        return;
    }
    let at = Instant::now();
    m.first.get_or_insert(at);
    m.last = Some(at);
}

/// How long until the drafts are due to be written; `None` when all are written.
pub fn due() -> Option<Duration> {
    let guard = mirror();
    let m = guard.as_ref()?;
    let (first, last) = (m.first?, m.last?);
    let (idle, at_most) = waits();
    let at = (last + idle).min(first + at_most);
    Some(at.saturating_duration_since(Instant::now()))
}

/// Writes the drafts that changed and removes the files of those that ended. Returns
/// a failure to report, once.
pub fn save() -> Option<String> {
    let mut guard = mirror();
    let m = guard.as_mut()?;
    m.write()
}

/// [`save`] on the way out of the interface: a failure is returned even when it was
/// said before, since what was typed is now lost.
pub fn save_last() -> Option<String> {
    let mut guard = mirror();
    let m = guard.as_mut()?;
    m.failed = None;
    m.write()
}

/// Writes what is not yet written, on the way out after a signal or a hang-up. Never
/// waits for the lock and never fails: there is nobody to tell.
pub fn save_on_leave() {
    if let Ok(mut guard) = MIRROR.try_lock() {
        if let Some(m) = guard.as_mut() {
            let _ = m.write();
        }
    }
}

impl Mirror {
    fn write(&mut self) -> Option<String> {
        self.first = None;
        self.last = None;
        let result = self.write_all();
        match result {
            Ok(()) => {
                self.failed = None;
                None
            }
            Err(e) => {
                let line = format!(
                    "cannot keep drafts in {}: {e}",
                    super::drafts::dir(&self.workspace).display()
                );
                // tried again at the next change
                (self.failed.replace(line.clone()) != Some(line.clone())).then_some(line)
            }
        }
    }

    fn write_all(&mut self) -> io::Result<()> {
        if self.wanted == self.on_disk {
            return Ok(());
        }
        let d = make_dir(&self.workspace)?;
        let gone: Vec<DraftKey> = self
            .on_disk
            .keys()
            .filter(|k| !self.wanted.contains_key(*k))
            .cloned()
            .collect();
        for key in gone {
            match std::fs::remove_file(d.join(file_name(&key))) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            self.on_disk.remove(&key);
        }
        let changed: Vec<(DraftKey, Kept)> = self
            .wanted
            .iter()
            .filter(|(k, v)| self.on_disk.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (key, kept) in changed {
            let file = DraftFile {
                key: key.as_str().to_string(),
                title: kept.title.clone(),
                text: kept.text.clone(),
                saved: chrono::Local::now().fixed_offset(),
            };
            let bytes = serde_json::to_vec_pretty(&file).map_err(io::Error::other)?;
            crate::fsutil::write_atomic(&d.join(file_name(&key)), &bytes)?;
            self.on_disk.insert(key, kept);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    fn kept(title: &str, text: &str) -> Kept {
        Kept {
            title: title.into(),
            text: text.into(),
        }
    }

    fn mirror_of(ws: &Path) -> Mirror {
        Mirror {
            workspace: ws.to_path_buf(),
            on_disk: BTreeMap::new(),
            wanted: BTreeMap::new(),
            first: None,
            last: None,
            failed: None,
        }
    }

    #[test]
    fn drafts_are_written_owner_only_read_back_and_removed_when_they_end() {
        let ws = tempfile::tempdir().unwrap();
        let key = DraftKey::editor("New note");
        let mut m = mirror_of(ws.path());
        m.wanted
            .insert(key.clone(), kept("New note", "Seen at the yard\nat 21:10"));
        assert_eq!(m.write(), None);
        let path = super::super::drafts::dir(ws.path()).join(file_name(&key));
        assert_eq!(std::fs::metadata(&path).unwrap().mode() & 0o777, 0o600);
        let dir_mode = std::fs::metadata(path.parent().unwrap()).unwrap().mode();
        assert_eq!(dir_mode & 0o777, 0o700);
        let (found, problems) = load(ws.path()).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(found, m.wanted);
        // unchanged drafts are not written again
        let written = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(Duration::from_millis(20));
        m.wanted
            .insert(key.clone(), kept("New note", "Seen at the yard\nat 21:10"));
        assert_eq!(m.write(), None);
        let again = std::fs::metadata(&path).unwrap().modified().unwrap();
        assert_eq!(written, again);
        m.wanted.clear();
        assert_eq!(m.write(), None);
        assert!(!path.exists());
        assert!(load(ws.path()).unwrap().0.is_empty());
    }

    #[test]
    fn no_draft_is_read_or_written_through_a_link_and_a_bad_file_is_left_alone() {
        let ws = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), super::super::drafts::dir(ws.path())).unwrap();
        let mut m = mirror_of(ws.path());
        m.wanted
            .insert(DraftKey::from_kept("k".into()), kept("Edit Q1", "text"));
        let e = m.write().expect("refused");
        assert!(e.contains("is a symlink"), "{e}");
        assert_eq!(m.write(), None, "the same failure is said once");
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
        assert!(load(ws.path()).is_err());
        // inside the directory: a link is skipped, an unreadable file reported and kept
        std::fs::remove_file(super::super::drafts::dir(ws.path())).unwrap();
        let d = make_dir(ws.path()).unwrap();
        let secret = outside.path().join("secret.json");
        std::fs::write(
            &secret,
            r#"{"box":"x","title":"t","text":"secret","saved":"2026-11-30T23:50:00+00:00"}"#,
        )
        .unwrap();
        std::os::unix::fs::symlink(&secret, d.join("typed-0000000000000000.json")).unwrap();
        std::fs::write(d.join("typed-1111111111111111.json"), "{ not json").unwrap();
        // a write cut short before its rename is tidied away
        let cut = d.join(".typed-2222222222222222.json.a1b2c3.tmp");
        std::fs::write(&cut, "{\"box\"").unwrap();
        let (found, problems) = load(ws.path()).unwrap();
        assert!(found.is_empty());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("typed-1111111111111111.json"));
        assert!(d.join("typed-1111111111111111.json").exists());
        assert!(!cut.exists());
        assert!(secret.exists(), "what a link points at is never removed");
    }

    #[test]
    fn writing_waits_for_a_pause_in_typing_but_not_forever() {
        *mirror() = None;
        assert_eq!(due(), None, "no mirror: nothing to write");
        let ws = tempfile::tempdir().unwrap();
        start(ws.path(), &BTreeMap::new());
        assert_eq!(due(), None);
        let key = DraftKey::from_kept("k".into());
        note(BTreeMap::from([(key.clone(), kept("t", "a"))]));
        let wait = due().expect("due");
        assert!(wait <= IDLE, "{wait:?}");
        // back to what the workspace holds: nothing to write
        note(BTreeMap::new());
        assert_eq!(due(), None);
        note(BTreeMap::from([(key.clone(), kept("t", "ab"))]));
        assert_eq!(save(), None);
        assert_eq!(due(), None);
        assert_eq!(load(ws.path()).unwrap().0.len(), 1);
        *mirror() = None;
    }
}
