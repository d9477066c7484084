//! Sharing a workspace, joining an enquiry and `weft sync`: the files and the git steps
//! around the merge. Each step can be killed at any point: the next `sync` finishes or
//! redoes it, and nothing sent or taken in is lost (see [`super::state`]).

use super::git::Git;
use super::incoming::{merge_chunk, occupant, referrers, Incoming};
use super::line::{self, Reading};
use super::merge::{Conflict, Op, Reads};
use super::state::SyncState;
use super::{members, repo_of, Listed, Settings, BASE_FILE, MEMBERS_DIR, SETTINGS_FILE};
use crate::model::{Id, Kind, Record, Sees};
use crate::store::log::frame::{new_writer, Chain};
use crate::store::shared::{Member, SEATS};
use crate::store::{NewQuestion, Store};
use std::collections::BTreeSet;
use std::path::Path;

/// How many operations one commit applies.
pub(super) const CHUNK: usize = 4096;
/// How many times a sync fetches again when someone pushed first.
const ATTEMPTS: usize = 8;
/// The tag of the questions conflicts open.
pub const CONFLICT_TAG: &str = "conflict";

/// How many operations one commit applies: [`CHUNK`], or for a test that wants many
/// commits from a few operations, `WEFT_SYNC_CHUNK`.
pub(super) fn chunk_size() -> usize {
    std::env::var("WEFT_SYNC_CHUNK")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(CHUNK)
}

/// Where a long sync stands, for a progress display: the stage ("taking in"), and how
/// many of how many of its operations are done (0 of 0: not counted).
pub type Tick<'a> = &'a mut dyn FnMut(&str, u64, u64);

/// A fault test's stop: with `WEFT_SYNC_FAULT` set to `phase`, the process ends here
/// at once, as `kill -9` would end it (no destructor runs, nothing is flushed).
fn fault(phase: &str) {
    if std::env::var_os("WEFT_SYNC_FAULT").is_some_and(|p| p == phase) {
        std::process::abort();
    }
}

/// What a sync did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Journal entries of this member's sent.
    pub sent: u64,
    /// Other members' operations taken in.
    pub took: u64,
    /// Members whose operations were taken in.
    pub members: usize,
    /// Conflicts met (each opens one question, by the member whose change stands).
    pub conflicts: usize,
    /// Questions this member opened for conflicts.
    pub opened: Vec<Id>,
    /// Changes of records removed meanwhile, set aside.
    pub dropped: usize,
    /// Whether the workspace was rebuilt with what was taken in ([`super::fold`]).
    pub rebuilt: bool,
}

impl Report {
    /// Adds what a later step of the same sync did.
    pub fn absorb(&mut self, later: Report) {
        self.sent += later.sent;
        self.took += later.took;
        self.members = self.members.max(later.members);
        self.conflicts += later.conflicts;
        self.opened.extend(later.opened);
        self.dropped += later.dropped;
        self.rebuilt |= later.rebuilt;
    }
}

/// Checks a member's name: one line of visible characters.
pub fn check_member_name(name: &str) -> Result<(), String> {
    let t = name.trim();
    if t.is_empty() || t.chars().count() > 80 || t != name {
        return Err(format!(
            "--as {name:?}: give a name of 1 to 80 characters without surrounding spaces"
        ));
    }
    if let Some(why) = crate::model::text::name_fault(t, true) {
        return Err(format!("--as {name:?}: {why}"));
    }
    Ok(())
}

fn write_file(path: &Path, text: &[u8]) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        make_dir(dir)?;
    }
    crate::fsutil::write_atomic(path, text)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn make_dir(dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| format!("cannot make {}: {e}", dir.display()))
}

fn member_file(repo: &Path, w: &str, listed: &Listed) -> Result<(), String> {
    let text = toml::to_string(listed).map_err(|e| e.to_string())?;
    write_file(
        &repo.join(MEMBERS_DIR).join(format!("{w}.toml")),
        text.as_bytes(),
    )
}

/// Turns the workspace of `store` into a shared enquiry whose repository is `remote` (an
/// empty git repository), this analyst its first member, named `name`.
pub fn init(store: &mut Store, remote: &str, name: &str, tick: Tick) -> Result<Report, String> {
    check_member_name(name)?;
    let ws = store.path().to_path_buf();
    if let Some(m) = store.member() {
        return Err(format!(
            "{} is already shared through {}: run weft sync",
            ws.display(),
            m.remote
        ));
    }
    let repo = repo_of(&ws);
    if repo.exists() {
        return Err(format!(
            "{} exists: move it aside before sharing this workspace",
            repo.display()
        ));
    }
    if !Git::at(&ws)
        .remote_is_empty(remote)
        .map_err(|e| e.to_string())?
    {
        return Err(format!(
            "{remote} already holds a shared enquiry: join it with weft share clone {remote} DIR --as NAME"
        ));
    }
    let staging = ws.join(".shared.new");
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| format!("{}: {e}", staging.display()))?;
    }
    make_dir(&staging)?;
    let git = Git::at(&staging);
    git.init().map_err(|e| e.to_string())?;
    let writer = new_writer();
    let settings = toml::to_string(&Settings::current()).map_err(|e| e.to_string())?;
    write_file(&staging.join(SETTINGS_FILE), settings.as_bytes())?;
    write_file(
        &staging.join(".gitattributes"),
        b"journal/*.jsonl merge=union -text\n",
    )?;
    member_file(
        &staging,
        &writer,
        &Listed {
            name: name.to_string(),
            seat: 0,
        },
    )?;
    write_file(&line::path_of(&staging, &writer), b"")?;
    let base = staging.join(BASE_FILE);
    make_dir(base.parent().unwrap_or(&staging))?;
    tick("writing the base", 0, 0);
    crate::fsutil::write_atomic_with(&base, |w| {
        crate::export::workspace::write_workspace(store, w).map(drop)
    })
    .map_err(|e| format!("cannot write {}: {e}", base.display()))?;
    git.commit(&["."], &format!("weft: {name} shares the enquiry"))
        .map_err(|e| e.to_string())?;
    git.run(
        "cannot name the remote",
        &["remote", "add", "origin", "--", remote],
    )
    .map_err(|e| e.to_string())?;
    std::fs::rename(&staging, &repo).map_err(|e| format!("{}: {e}", repo.display()))?;
    let member = Member {
        writer,
        seat: 0,
        name: name.to_string(),
        remote: remote.to_string(),
    };
    let state = SyncState {
        processed: store.state().seq,
        base: store.state().seq,
        seen_commit: head(&Git::at(&repo)),
        ..SyncState::default()
    };
    state.save(&ws)?;
    member.write(&ws).map_err(|e| e.to_string())?;
    store.set_member(member);
    // the first push; a remote out of reach now gets it at the first sync
    sync(store, tick)
}

/// Clones the enquiry at `remote` into `staging` and checks it is one.
pub fn fetch_enquiry(remote: &str, staging: &Path) -> Result<(), String> {
    Git::at(staging)
        .clone_from(remote)
        .map_err(|e| e.to_string())?;
    Settings::read(staging)?;
    if !staging.join(BASE_FILE).is_file() {
        return Err(format!(
            "{remote} holds no {BASE_FILE}: it is not a weft shared enquiry"
        ));
    }
    Ok(())
}

/// The base a joining member imports, in a repository cloned by [`fetch_enquiry`].
pub fn base_of(staging: &Path) -> std::path::PathBuf {
    staging.join(BASE_FILE)
}

/// Makes the workspace of `store` (just imported from the base in `staging`) a member
/// of the enquiry at `remote`, named `name`: takes the first free seat, says so on the
/// remote, and takes in everyone's operations, or those after what `taken` (the state
/// [`super::fold::fold_in`] left) says were taken in already.
pub fn join(
    store: &mut Store,
    staging: &Path,
    remote: &str,
    name: &str,
    taken: Option<SyncState>,
    tick: Tick,
) -> Result<Report, String> {
    check_member_name(name)?;
    let ws = store.path().to_path_buf();
    let repo = repo_of(&ws);
    std::fs::rename(staging, &repo).map_err(|e| format!("{}: {e}", repo.display()))?;
    let git = Git::at(&repo);
    let writer = new_writer();
    let mut seat = None;
    for _ in 0..ATTEMPTS {
        let listed = members(&repo)?;
        let taken: BTreeSet<u64> = listed
            .iter()
            .filter(|(w, _)| **w != writer)
            .map(|(_, l)| l.seat)
            .collect();
        let mine = listed.get(&writer).map(|l| l.seat);
        let s = match mine.filter(|s| !taken.contains(s)) {
            Some(s) => s,
            None => (1..SEATS).find(|s| !taken.contains(s)).ok_or_else(|| {
                format!("all {SEATS} seats of {remote} are taken: no one else can join it")
            })?,
        };
        member_file(
            &repo,
            &writer,
            &Listed {
                name: name.to_string(),
                seat: s,
            },
        )?;
        let own = line::path_of(&repo, &writer);
        if !own.exists() {
            write_file(&own, b"")?;
        }
        // only what joining wrote: `git add .` would read every journal file again
        // where the clone wrote it in the same second as its index (6.7 s for a
        // 570 MB one)
        let listed = format!("{MEMBERS_DIR}/{writer}.toml");
        let journal = format!("{}/{writer}.jsonl", line::JOURNAL_DIR);
        git.commit(
            &[&listed, &journal],
            &format!("weft: {name} joins (seat {s})"),
        )
        .map_err(|e| e.to_string())?;
        if git.push(remote).map_err(|e| e.to_string())? {
            seat = Some(s);
            break;
        }
        git.fetch(remote).map_err(|e| e.to_string())?;
        git.rebase().map_err(|e| e.to_string())?;
    }
    let seat = seat.ok_or_else(|| format!("{remote} kept moving while joining: try again"))?;
    let member = Member {
        writer,
        seat,
        name: name.to_string(),
        remote: remote.to_string(),
    };
    let state = SyncState {
        processed: store.state().seq,
        ..taken.unwrap_or(SyncState {
            base: store.state().seq,
            ..SyncState::default()
        })
    };
    state.save(&ws)?;
    member.write(&ws).map_err(|e| e.to_string())?;
    store.set_member(member);
    sync(store, tick)
}

/// The commit `HEAD` names, when there is one.
pub(super) fn head(git: &Git) -> Option<String> {
    git.run("head", &["rev-parse", "-q", "--verify", "HEAD"])
        .ok()
        .map(|s| s.trim().to_string())
}

/// `weft sync`: sends this member's new changes, takes in everyone else's and pushes.
pub fn sync(store: &mut Store, tick: Tick) -> Result<Report, String> {
    let ws = store.path().to_path_buf();
    let m = store.member().cloned().ok_or_else(|| {
        format!(
            "{} is not part of a shared enquiry: share it with weft share init REMOTE --as NAME, or join one with weft share clone REMOTE DIR --as NAME",
            ws.display()
        )
    })?;
    let repo = repo_of(&ws);
    Settings::read(&repo)?;
    let git = Git::at(&repo);
    git.tidy().map_err(|e| e.to_string())?;
    // the base was imported when this member joined (or shared): it is not read again
    git.set_aside(BASE_FILE).map_err(|e| e.to_string())?;
    let mut st = SyncState::load(store)?;
    let own_path = line::path_of(&repo, &m.writer);
    let (late, at, mut chain) = line::own_file(&own_path, &m.writer, &st.own)
        .map_err(|r| refusal(&m.writer, &m.name, r))?;
    for op in &late {
        st.merge.own(op);
        st.processed = st.processed.max(op.seq + 1);
    }
    st.own = at;
    let mut report = Report::default();
    open_conflicts(store, &mut st, &mut report)?;
    tick("sending", 0, 0);
    report.sent += send(store, &mut st, &own_path, &mut chain)?;
    st.save(&ws)?;
    commit_own(&git, &m)?;
    fault("committed");
    let kept = |e: &dyn std::fmt::Display| {
        format!(
            "sync: {e}; nothing is lost: this workspace's changes are kept in {} and go at the next sync",
            repo.display()
        )
    };
    let mut pushed = false;
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            // another member is pushing: give them a moment, longer each time, and a
            // different moment for each member so two do not keep meeting
            let jitter = m.seat * 7 + u64::from(std::process::id() % 13);
            std::thread::sleep(std::time::Duration::from_millis(
                40 * attempt as u64 + jitter,
            ));
        }
        tick("fetching", 0, 0);
        let upstream = fetch(&git, &m.remote).map_err(|e| kept(&e))?;
        fault("fetched");
        if let Some(upstream) = &upstream {
            check_untouched(&git, &st, upstream, &repo)?;
            git.rebase().map_err(|e| kept(&e))?;
        }
        take_in(store, &mut st, &repo, &m, &mut report, tick)?;
        st.seen_commit = upstream.or(st.seen_commit.take());
        open_conflicts(store, &mut st, &mut report)?;
        report.sent += send(store, &mut st, &own_path, &mut chain)?;
        st.save(&ws)?;
        commit_own(&git, &m)?;
        tick("pushing", 0, 0);
        if git.push(&m.remote).map_err(|e| kept(&e))? {
            fault("pushed");
            pushed = true;
            break;
        }
    }
    if !pushed {
        return Err(kept(&format!(
            "{} kept moving ({ATTEMPTS} tries)",
            m.remote
        )));
    }
    Ok(report)
}

/// Fetches the remote's branch; the commit it names, or `None` for a remote that has none
/// yet (an enquiry whose first push did not happen).
fn fetch(git: &Git, remote: &str) -> Result<Option<String>, super::git::GitError> {
    match git.fetch(remote) {
        Ok(()) => {}
        Err(e) if e.said.contains("couldn't find remote ref") => return Ok(None),
        Err(e) => return Err(e),
    }
    Ok(git
        .run("upstream", &["rev-parse", "-q", "--verify", "origin/main"])
        .ok()
        .map(|s| s.trim().to_string()))
}

/// Refuses journal files changed (not only appended to) since the remote commit the
/// last sync took in: a member's journal is append-only.
fn check_untouched(git: &Git, st: &SyncState, upstream: &str, repo: &Path) -> Result<(), String> {
    let Some(old) = &st.seen_commit else {
        return Ok(());
    };
    if old == upstream {
        return Ok(());
    }
    let out = git
        .run(
            "cannot compare the journals with the last sync",
            &["diff", "--numstat", old, upstream, "--", line::JOURNAL_DIR],
        )
        .map_err(|e| format!("sync: {e}"))?;
    let names = members(repo).unwrap_or_default();
    for l in out.lines() {
        let mut parts = l.split('\t');
        let (_, removed, path) = (parts.next(), parts.next(), parts.next());
        let (Some(removed), Some(path)) = (removed, path) else {
            continue;
        };
        if removed == "0" {
            continue;
        }
        let blob = |rev: &str| git.blob(rev, path).map_err(|e| format!("sync: {e}"));
        // "-": past git's size for a text diff (512 MB): whether it only grew is told
        // from the bytes of the two (a file new since has nothing to keep)
        if removed == "-" {
            let was = format!("{old}:{path}");
            if !git.ok(&["cat-file", "-e", &was]) {
                continue;
            }
            let mut before = blob(old)?;
            let grew = line::grew_from(&mut before, blob(upstream)?)
                .map_err(|e| format!("sync: cannot compare {path} with the last sync: {e}"))?;
            // read to its end: only a whole file is a prefix (git cut short is no proof)
            if grew {
                before.finished().map_err(|e| format!("sync: {e}"))?;
                continue;
            }
        }
        let w = path
            .strip_prefix("journal/")
            .and_then(|p| p.strip_suffix(".jsonl"))
            .unwrap_or(path);
        let name = super::name_of(&names, w);
        // what the remote now holds, not the work tree (not yet laid over it)
        let fault = line::first_altered(blob(upstream)?, w);
        // what the remote holds is what is refused, whatever the work tree holds
        return Err(refusal(w, name, fault));
    }
    Ok(())
}

/// The one line refusing writer `w`'s journal file.
pub(super) fn refusal(w: &str, name: &str, r: line::Refused) -> String {
    let at = r.line.map(|n| format!(" line {n}")).unwrap_or_default();
    format!(
        "sync refused: journal/{w}.jsonl ({name}){at} {}; nothing was taken in",
        r.why
    )
}

fn commit_own(git: &Git, m: &Member) -> Result<(), String> {
    let own = format!("{}/{}.jsonl", line::JOURNAL_DIR, m.writer);
    git.commit(&[&own], &format!("weft: {}'s changes", m.name))
        .map(drop)
        .map_err(|e| e.to_string())
}

/// Appends this member's journal entries not yet sent to its journal file, synced.
fn send(store: &Store, st: &mut SyncState, own: &Path, chain: &mut Chain) -> Result<u64, String> {
    let me = chain.writer.clone();
    let mut buf = Vec::new();
    let mut sent = 0;
    let flush = |buf: &mut Vec<u8>, st: &mut SyncState, chain: &Chain| -> Result<(), String> {
        if buf.is_empty() {
            return Ok(());
        }
        line::append_own(own, buf).map_err(|e| format!("cannot write {}: {e}", own.display()))?;
        fault("sent");
        st.own = Reading {
            n: chain.n,
            offset: st.own.offset + buf.len() as u64,
            prev: chain.prev,
            // the last line sent took the clock it now shows
            lamport: st.merge.clock,
        };
        buf.clear();
        Ok(())
    };
    for e in store.entries_from(st.processed) {
        let e = e.map_err(|e| e.to_string())?;
        st.processed = e.seq + 1;
        if e.from.is_some() {
            continue;
        }
        let (lamport, seen) = st.merge.next_own();
        let op = Op {
            w: me.clone(),
            n: chain.n,
            lamport,
            seen,
            seq: e.seq,
            time: e.time,
            user: e.user,
            op: e.op,
            id: e.id,
            before: e.before,
            after: e.after,
        };
        line::encode(&op, chain, &mut buf);
        st.merge.own(&op);
        sent += 1;
        if buf.len() > 8 << 20 {
            flush(&mut buf, st, chain)?;
        }
    }
    flush(&mut buf, st, chain)?;
    st.processed = st.processed.max(store.state().seq);
    Ok(sent)
}

/// Takes in every other member's new operations, in merge order, a commit per
/// [`chunk_size`].
fn take_in(
    store: &mut Store,
    st: &mut SyncState,
    repo: &Path,
    m: &Member,
    report: &mut Report,
    tick: Tick,
) -> Result<(), String> {
    let incoming = Incoming::open(repo, Some(&m.writer), st, true, tick)?;
    report.members = report.members.max(incoming.members);
    let (total, mut done) = (incoming.total, 0u64);
    tick("taking in", done, total);
    let mut chunks = incoming.chunks(chunk_size());
    let ws = store.path().to_path_buf();
    loop {
        let chunk = chunks.next()?;
        if chunk.is_empty() {
            break;
        }
        done += chunk.len() as u64;
        let mut next = st.clone();
        let steps = {
            let view: &Store = store;
            let mut current = |id: Id| view.get(id).ok().flatten().map(|r| r.to_json());
            let mut exists = |id: Id| view.contains(id).unwrap_or(false);
            let mut refer = |id: Id| referrers(view, id);
            let mut occupant = |kind: Kind, v: &serde_json::Value| occupant(view, kind, v);
            let reads = Reads {
                current: &mut current,
                exists: &mut exists,
                referrers: &mut refer,
                occupant: &mut occupant,
            };
            merge_chunk(&mut next, chunk, reads, Some(&m.writer), report)?
        };
        let at = store.state().seq;
        next.save_aside(&ws, at)?;
        fault("aside");
        store
            .commit_applied(steps)
            .map_err(|e| format!("sync: {e}"))?;
        fault("applied");
        next.processed = store.state().seq;
        next.settle(&ws)?;
        *st = next;
        tick("taking in", done, total);
    }
    Ok(())
}

/// Opens a question for each conflict this member is to open one for (the ones whose
/// change stands are its own), unless one is open already: its own operations, sent
/// like any other.
fn open_conflicts(
    store: &mut Store,
    st: &mut SyncState,
    report: &mut Report,
) -> Result<(), String> {
    if st.pending.is_empty() {
        return Ok(());
    }
    let mut known: BTreeSet<String> = BTreeSet::new();
    for q in store.tagged(CONFLICT_TAG).map_err(|e| e.to_string())? {
        if let Ok(Some(Record::Question(q))) = store.get(q) {
            if let Some(k) = q
                .detail
                .lines()
                .last()
                .and_then(|l| l.strip_prefix("conflict "))
            {
                known.insert(k.to_string());
            }
        }
    }
    let mut seen_removed: BTreeSet<(Id, String, u64)> = BTreeSet::new();
    for c in std::mem::take(&mut st.pending) {
        if !known.insert(c.key()) {
            continue;
        }
        if let Conflict::Removed { id, removed_by, .. } = &c {
            // one question for every change set aside of one removal
            if !seen_removed.insert((*id, removed_by.w.clone(), removed_by.n)) {
                continue;
            }
        }
        let about: Vec<Id> = match store.get(c.id()) {
            Ok(Some(_)) => vec![c.id()],
            _ => Vec::new(),
        };
        let q = NewQuestion {
            detail: c.detail(),
            priority: 1,
            kind: Sees::Situation,
            tags: vec![CONFLICT_TAG.to_string()],
            ..NewQuestion::new(&c.title())
        };
        let added = store
            .add_question_about(q, &about)
            .map_err(|e| format!("sync: cannot open the conflict question: {e}"))?;
        report.opened.push(added.id);
        fault("opened");
    }
    st.save(store.path())?;
    Ok(())
}
