//! What a member's workspace knows of its shared enquiry between syncs
//! (`share-state.json`, owner-only, written whole): how far it has read every journal
//! file, how far its own journal has been sent, and the merge's heads.
//!
//! Applying other members' operations is one commit to the store; the state after it
//! is first written aside (`share-state.json.next`, naming the journal sequence the
//! commit starts at), then the commit, then the state put in place. A sync killed
//! between the two is finished at the next one: the state aside is taken when the
//! store's operation at that sequence is one taken in from other members (the commit
//! happened), and dropped when it is not (the analyst's own changes since are never
//! taken in).

use super::line::Reading;
use super::merge::{Conflict, Merge};
use crate::fsutil::write_atomic;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The state file in the workspace.
pub const STATE_FILE: &str = "share-state.json";
/// The state written aside while a merge's commit is made.
pub const NEXT_FILE: &str = "share-state.json.next";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncState {
    /// The local journal sequence up to which every entry has been sent or came from
    /// another member.
    pub processed: u64,
    /// How far this member's own journal file has been taken in.
    pub own: Reading,
    /// How far each other member's journal file has been applied.
    pub files: BTreeMap<String, Reading>,
    pub merge: Merge,
    /// Conflicts this member is to open questions for.
    pub pending: Vec<Conflict>,
    /// The remote commit the last sync took in: journal files are checked to have only
    /// grown since.
    #[serde(default)]
    pub seen_commit: Option<String>,
    /// The journal sequence the enquiry was shared or joined at: the entries before it
    /// are the history every member starts from.
    #[serde(default)]
    pub base: u64,
}

/// A state written aside for the commit starting at journal sequence `at`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Aside {
    at: u64,
    state: SyncState,
}

fn path(ws: &Path, name: &str) -> PathBuf {
    ws.join(name)
}

impl SyncState {
    /// The state of the workspace `store`, an interrupted merge finished or dropped.
    pub fn load(store: &Store) -> Result<SyncState, String> {
        let ws = store.path();
        let aside = path(ws, NEXT_FILE);
        if let Some(bytes) = read_own(&aside)? {
            let a: Aside = serde_json::from_slice(&bytes)
                .map_err(|e| format!("{} does not read: {e}", aside.display()))?;
            // the commit is in when the operation at `a.at` is one taken in (changes
            // this member made since start later, and never carry an origin)
            let mut end = a.at;
            for e in store.entries_from(a.at) {
                let e = e.map_err(|e| e.to_string())?;
                if e.group != a.at || e.from.is_none() {
                    break;
                }
                end = e.seq + 1;
            }
            if end > a.at {
                let mut s = a.state;
                s.processed = end;
                s.save(ws)?;
            }
            std::fs::remove_file(&aside).map_err(|e| format!("{}: {e}", aside.display()))?;
        }
        let main = path(ws, STATE_FILE);
        match read_own(&main)? {
            Some(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| format!("{} does not read: {e}", main.display())),
            None => Ok(SyncState::default()),
        }
    }

    /// The state as saved, without finishing an interrupted merge (for reading only).
    pub fn read(ws: &Path) -> Result<SyncState, String> {
        let main = path(ws, STATE_FILE);
        match read_own(&main)? {
            Some(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| format!("{} does not read: {e}", main.display())),
            None => Ok(SyncState::default()),
        }
    }

    pub fn save(&self, ws: &Path) -> Result<(), String> {
        let main = path(ws, STATE_FILE);
        let bytes = serde_json::to_vec(self).map_err(|e| e.to_string())?;
        write_atomic(&main, &bytes).map_err(|e| format!("cannot write {}: {e}", main.display()))
    }

    /// Writes this state aside for the commit that starts at journal sequence `at`.
    pub fn save_aside(&self, ws: &Path, at: u64) -> Result<(), String> {
        let p = path(ws, NEXT_FILE);
        let bytes = serde_json::to_vec(&Aside {
            at,
            state: self.clone(),
        })
        .map_err(|e| e.to_string())?;
        write_atomic(&p, &bytes).map_err(|e| format!("cannot write {}: {e}", p.display()))
    }

    /// Puts the state aside in place after its commit.
    pub fn settle(&self, ws: &Path) -> Result<(), String> {
        self.save(ws)?;
        let p = path(ws, NEXT_FILE);
        match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(format!("{}: {e}", p.display()))
            }
            _ => Ok(()),
        }
    }
}

/// A file of the workspace, read without following a symlink; `None` when missing.
fn read_own(p: &Path) -> Result<Option<Vec<u8>>, String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(p);
    match file {
        Ok(mut f) => {
            let mut out = Vec::new();
            f.read_to_end(&mut out)
                .map_err(|e| format!("{}: {e}", p.display()))?;
            Ok(Some(out))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", p.display())),
    }
}
