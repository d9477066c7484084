//! What other members did, read and merged: their journal files past where this member
//! last read each, a chunk of operations at a time in merge order, each chunk merged
//! over the records the store (or a rebuild) gives, and the store's answers the merge
//! asks for. A sync commits each chunk ([`super::sync`]); a newcomer's rebuild applies
//! them all at once ([`super::fold`]).

use super::line;
use super::merge::{Op, Reads};
use super::state::SyncState;
use super::sync::{refusal, Report, Tick};
use super::{members, name_of};
use crate::model::{Id, Kind, Record};
use crate::store::shared::{Applied, Origin};
use crate::store::Store;
use std::path::Path;

/// Other members' journal files, from where a sync last read each, read as streams
/// merged a chunk at a time in stamp order (a writer's clock only grows), so a million
/// new lines take the memory of one chunk. [`Incoming::open`] says when each line is
/// checked.
pub(super) struct Incoming {
    streams: Vec<(line::Lines, line::Read, String)>,
    names: std::collections::BTreeMap<String, super::Listed>,
    /// The new operations, all files together.
    pub total: u64,
    /// The members with new operations.
    pub members: usize,
}

impl Incoming {
    /// The journal files in `repo` but member `me`'s own, read past where `st` says.
    /// With `check`, every new line is checked before any is handed out, and `total` is
    /// exact; without, the lines are only counted, and each is checked as it is read
    /// (for a caller that can drop everything taken in when one is refused).
    pub(super) fn open(
        repo: &Path,
        me: Option<&str>,
        st: &SyncState,
        check: bool,
        tick: Tick,
    ) -> Result<Incoming, String> {
        let names = members(repo).unwrap_or_default();
        let dir = repo.join(line::JOURNAL_DIR);
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .flatten()
            .filter_map(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n.strip_suffix(".jsonl").map(str::to_string)
            })
            .filter(|w| super::is_writer(w) && Some(w.as_str()) != me)
            .collect();
        files.sort();
        tick(if check { "checking" } else { "counting" }, 0, 0);
        let mut total = 0u64;
        for w in &files {
            let from = st.files.get(w).cloned().unwrap_or_default();
            let refuse = |r| refusal(w, name_of(&names, w), r);
            let path = line::path_of(repo, w);
            if !check {
                total += line::count_after(&path, &from).map_err(refuse)?;
                continue;
            }
            let mut lines = line::Lines::open(&path, w, &from).map_err(refuse)?;
            while lines.next_read().map_err(refuse)?.is_some() {
                total += 1;
            }
        }
        let mut streams = Vec::new();
        for w in &files {
            let from = st.files.get(w).cloned().unwrap_or_default();
            let refuse = |r| refusal(w, name_of(&names, w), r);
            let mut lines = line::Lines::open(&line::path_of(repo, w), w, &from).map_err(refuse)?;
            if let Some(first) = lines.next_read().map_err(refuse)? {
                streams.push((lines, first, w.clone()));
            }
        }
        let members = streams.len();
        Ok(Incoming {
            streams,
            names,
            total,
            members,
        })
    }

    /// The next operations in merge order, at most `size`; none when all are read.
    pub(super) fn chunk(&mut self, size: usize) -> Result<Vec<line::Read>, String> {
        let mut chunk: Vec<line::Read> = Vec::with_capacity(size.min(self.total as usize));
        while chunk.len() < size && !self.streams.is_empty() {
            let (i, _) = self
                .streams
                .iter()
                .enumerate()
                .min_by(|a, b| a.1 .1.op.order().cmp(&b.1 .1.op.order()))
                .expect("streams is not empty");
            let (lines, _, w) = &mut self.streams[i];
            let following = lines
                .next_read()
                .map_err(|r| refusal(w, name_of(&self.names, w), r))?;
            match following {
                Some(r) => chunk.push(std::mem::replace(&mut self.streams[i].1, r)),
                None => chunk.push(self.streams.swap_remove(i).1),
            }
        }
        Ok(chunk)
    }
}

/// The operations of [`Incoming`] a chunk at a time, read and checked on a thread of
/// their own while the caller merges and applies the chunk before.
pub(super) struct Chunks {
    receive: Option<std::sync::mpsc::Receiver<Result<Vec<line::Read>, String>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Incoming {
    /// Reads on a thread of its own, `size` operations at a time ([`Incoming::chunk`]).
    pub(super) fn chunks(mut self, size: usize) -> Chunks {
        // one chunk merged, one read ahead, one waiting
        let (send, receive) = std::sync::mpsc::sync_channel(1);
        let thread = std::thread::spawn(move || loop {
            let chunk = self.chunk(size);
            let last = chunk.as_ref().map_or(true, Vec::is_empty);
            if send.send(chunk).is_err() || last {
                return;
            }
        });
        Chunks {
            receive: Some(receive),
            thread: Some(thread),
        }
    }
}

impl Chunks {
    /// The next chunk; empty when everything is read.
    pub(super) fn next(&mut self) -> Result<Vec<line::Read>, String> {
        match self.receive.as_ref().map(|r| r.recv()) {
            Some(Ok(chunk)) => chunk,
            _ => Err("sync: the thread reading the journal files stopped".to_string()),
        }
    }
}

impl Drop for Chunks {
    /// A caller that stops early lets the thread go (its next chunk has nowhere to go)
    /// and waits for it, so no file stays open behind it.
    fn drop(&mut self) {
        drop(self.receive.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Merges `chunk` into the state `next` over the records `reads` gives: the files'
/// readings move past it, conflicts are counted (and kept for `me` to open a question
/// about, when its change stands). Returns the operations and the changes for the
/// store to apply.
pub(super) fn merge_chunk(
    next: &mut SyncState,
    chunk: Vec<line::Read>,
    reads: Reads<'_>,
    me: Option<&str>,
    report: &mut Report,
) -> Result<Vec<Applied>, String> {
    for r in &chunk {
        next.files.insert(r.op.w.clone(), r.after.clone());
    }
    let ops: Vec<Op> = chunk.into_iter().map(|r| r.op).collect();
    let outcome = next.merge.merge(&ops, reads);
    for c in outcome.conflicts {
        report.conflicts += 1;
        if Some(c.owner()) == me {
            next.pending.push(c);
        }
    }
    report.dropped += outcome.dropped;
    report.took += ops.len() as u64;
    let mut steps = Vec::with_capacity(outcome.steps.len());
    for s in outcome.steps {
        let op = &ops[s.op];
        let after = match s.after {
            Some(v) => Some(Record::from_json(s.id.kind, v).map_err(|e| {
                format!(
                    "sync refused: journal/{}.jsonl line {}: {} does not read: {e}; nothing was taken in",
                    op.w,
                    op.n + 1,
                    s.id
                )
            })?),
            None => None,
        };
        steps.push(Applied {
            id: s.id,
            after,
            user: op.user.clone(),
            time: op.time,
            op: op.op.clone(),
            from: Origin {
                w: op.w.clone(),
                n: op.n,
            },
        });
    }
    Ok(steps)
}

/// The record that holds the place a new record of `kind` (as JSON) would take.
pub(super) fn occupant(store: &Store, kind: Kind, v: &serde_json::Value) -> Option<Id> {
    let id = |field: &str| v.get(field)?.as_str()?.parse::<Id>().ok();
    match kind {
        Kind::Assessment => store.assessment(id("hypothesis")?, id("note")?).ok()?,
        Kind::Dismissal => {
            let key = v.get("key")?.as_str()?;
            store.dismissal(key).ok()?.map(|d| d.meta.id)
        }
        _ => None,
    }
}

/// The records that refer to `id` and cannot stand without it.
pub(super) fn referrers(store: &Store, id: Id) -> Vec<Id> {
    let mut out: Vec<Id> = store
        .adjacent(id)
        .unwrap_or_default()
        .into_iter()
        .map(|(link, _, _)| link)
        .collect();
    let more = match id.kind {
        Kind::Question => [store.children(Some(id)), store.hypotheses_of(id)]
            .into_iter()
            .flat_map(|r| r.unwrap_or_default())
            .collect(),
        Kind::Hypothesis => [
            store.assessments_of_hypothesis(id),
            store.expectations_of(id),
        ]
        .into_iter()
        .flat_map(|r| r.unwrap_or_default())
        .collect(),
        Kind::Note => [
            store.links_citing(id),
            store.assessments_of_note(id),
            store.expectations_found_by(id),
        ]
        .into_iter()
        .flat_map(|r| r.unwrap_or_default())
        .collect(),
        _ => Vec::new(),
    };
    out.extend(more);
    out.sort();
    out.dedup();
    out
}
