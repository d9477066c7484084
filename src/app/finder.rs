//! The finder's search, off the input thread. Each query goes to a worker thread with a
//! generation number; the worker reads in steps, and between two steps takes the newest
//! query waiting (older ones are skipped unread), so typing never waits on a search. A
//! query that extends the one before narrows its matches and reading goes on where it
//! stopped ([`SearchPass::narrow`]). Results stream back: the first screenful as soon as
//! the titles are read, then as long notes are read, then the last; a result for any
//! query but the newest is dropped. In a small workspace the search runs at once on the
//! input thread instead, within a frame.

use crate::model::{Id, Kind};
use crate::store::search::SearchPass;
use crate::store::Store;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Below this many records a search reads within a frame and runs at once; from it on,
/// on the worker thread.
pub const BACKGROUND_RECORDS: u64 = 20_000;

/// The most results the finder shows.
pub const SHOWN: usize = 200;

/// Records read between two looks for a newer query.
const STEP: usize = 4_096;

/// How long the worker reads before it shows what it has, the first time and then.
const FIRST_REPORT: Duration = Duration::from_millis(30);
const NEXT_REPORT: Duration = Duration::from_millis(120);

/// Results for one query: the best matches so far with their titles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub generation: u64,
    pub hits: Vec<(Id, String)>,
    /// Matches so far (more than `hits` holds when there are many).
    pub matched: usize,
    /// Whether every record was read: these are the final results.
    pub done: bool,
    /// A read that failed: the one line to show.
    pub error: Option<String>,
}

enum Job {
    /// Search through this read handle from now on, forgetting earlier matches.
    Open(Box<Store>),
    Query {
        generation: u64,
        query: String,
        only: Option<Kind>,
    },
}

/// The best matches of `pass` for the finder (only records of `only`, when given), with
/// the titles they are shown with. The pass's matches are left as they are.
pub fn shown(store: &Store, pass: &SearchPass, only: Option<Kind>) -> Vec<(Id, String)> {
    let mut best: Vec<(i64, Id, usize)> = pass
        .hits
        .iter()
        .enumerate()
        .filter(|(_, h)| only.is_none_or(|k| h.id.kind == k))
        .map(|(i, h)| (h.score, h.id, i))
        .collect();
    let order = |a: &(i64, Id, usize), b: &(i64, Id, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    if best.len() > SHOWN {
        best.select_nth_unstable_by(SHOWN - 1, order);
        best.truncate(SHOWN);
    }
    best.sort_by(order);
    best.into_iter()
        .map(|(_, id, i)| {
            let title = store
                .get(id)
                .ok()
                .flatten()
                .map(|r| r.title())
                .unwrap_or_else(|| pass.hits[i].text.clone());
            (id, title)
        })
        .collect()
}

/// The app's side of the finder's worker.
pub struct FinderSearch {
    jobs: Option<Sender<Job>>,
    results: Receiver<Found>,
    thread: Option<JoinHandle<()>>,
    /// The newest query's generation, shared with the worker so it drops a stale pass
    /// between two steps.
    latest: Arc<AtomicU64>,
    /// Whether the newest query's final result is still to come.
    running: bool,
    /// From this many records on, searches run on the worker (tests lower it).
    pub background_from: u64,
    /// Held by the worker while it reads a step; [`FinderSearch::hold`] holds it to
    /// pause the worker.
    gate: Arc<Mutex<()>>,
    /// The search file being written for the worker to read.
    pub file: super::searchbuild::SearchFileBuild,
}

impl std::fmt::Debug for FinderSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FinderSearch")
            .field("latest", &self.latest.load(Ordering::Relaxed))
            .field("running", &self.running)
            .finish()
    }
}

impl Default for FinderSearch {
    fn default() -> Self {
        FinderSearch::start()
    }
}

impl FinderSearch {
    /// Starts the worker; it sleeps until a finder opens.
    pub fn start() -> FinderSearch {
        let (jobs, inbox) = mpsc::channel::<Job>();
        let (outbox, results) = mpsc::channel::<Found>();
        let latest = Arc::new(AtomicU64::new(0));
        let seen = latest.clone();
        let gate = Arc::new(Mutex::new(()));
        let held = gate.clone();
        let thread = std::thread::Builder::new()
            .name("weft-finder".into())
            .spawn(move || work(inbox, outbox, seen, held))
            .ok();
        FinderSearch {
            jobs: Some(jobs),
            results,
            thread,
            latest,
            running: false,
            background_from: BACKGROUND_RECORDS,
            gate,
            file: Default::default(),
        }
    }

    /// The lock the worker takes for each step it reads: holding it pauses the worker,
    /// which is what a slow read looks like to the input thread (tests).
    pub fn gate(&self) -> Arc<Mutex<()>> {
        self.gate.clone()
    }

    /// Whether searches of `store` run on the worker: a workspace of
    /// [`FinderSearch::background_from`] records or more, with the worker running.
    pub fn in_background(&self, store: &Store) -> bool {
        self.thread.is_some() && store.state().total() >= self.background_from
    }

    /// A finder opened on `store`: searches read through `view` from now on, and the
    /// matches of earlier searches (which may have changed since) are forgotten.
    pub fn open(&mut self, view: Store) {
        self.forget();
        if let Some(j) = &self.jobs {
            let _ = j.send(Job::Open(Box::new(view)));
        }
    }

    /// Asks for the results of `query`; any query asked before is now stale. Returns the
    /// query's generation.
    pub fn request(&mut self, query: &str, only: Option<Kind>) -> u64 {
        let generation = self.latest.fetch_add(1, Ordering::Relaxed) + 1;
        let job = Job::Query {
            generation,
            query: query.to_string(),
            only,
        };
        self.running = self.jobs.as_ref().is_some_and(|j| j.send(job).is_ok());
        generation
    }

    /// No query is wanted any more (the text was cleared, or the finder closed): whatever
    /// is under way is stale.
    pub fn forget(&mut self) {
        self.latest.fetch_add(1, Ordering::Relaxed);
        self.running = false;
    }

    /// The newest query's generation.
    pub fn latest(&self) -> u64 {
        self.latest.load(Ordering::Relaxed)
    }

    /// Whether the newest query's final results are still to come.
    pub fn running(&self) -> bool {
        self.running
    }

    /// The newest results for the newest query that have arrived, if any; results of
    /// stale queries are dropped.
    pub fn poll(&mut self) -> Option<Found> {
        let mut newest = None;
        while let Ok(found) = self.results.try_recv() {
            if let Some(f) = self.accept(found) {
                newest = Some(f);
            }
        }
        newest
    }

    /// Blocks until the newest query's final results arrive or `limit` passes, and
    /// returns the newest results that came (tests; the interface never waits).
    pub fn wait(&mut self, limit: Duration) -> Option<Found> {
        let until = Instant::now() + limit;
        let mut newest = None;
        while self.running {
            let left = until.saturating_duration_since(Instant::now());
            match self.results.recv_timeout(left) {
                Ok(found) => {
                    if let Some(f) = self.accept(found) {
                        newest = Some(f);
                    }
                }
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        newest
    }

    fn accept(&mut self, found: Found) -> Option<Found> {
        if found.generation != self.latest() || !self.running {
            return None;
        }
        if found.done {
            self.running = false;
        }
        Some(found)
    }
}

impl Drop for FinderSearch {
    /// Makes any pass under way stale, closes the queue and waits for the worker, so no
    /// read handle outlives the app.
    fn drop(&mut self) {
        self.forget();
        self.jobs = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The query a worker is answering.
struct Current {
    generation: u64,
    only: Option<Kind>,
    started: Instant,
    reported: Option<Instant>,
}

/// The worker's loop: take the newest job, read a step, report when it is time.
fn work(inbox: Receiver<Job>, outbox: Sender<Found>, latest: Arc<AtomicU64>, gate: Arc<Mutex<()>>) {
    let mut view: Option<Box<Store>> = None;
    let mut pass: Option<SearchPass> = None;
    let mut current: Option<Current> = None;
    loop {
        let stale = current
            .as_ref()
            .is_some_and(|c| c.generation != latest.load(Ordering::Relaxed));
        if stale {
            current = None;
        }
        // block for a job when idle; between two steps only look
        let job = if current.is_none() {
            match inbox.recv() {
                Ok(j) => Some(j),
                Err(_) => break,
            }
        } else {
            match inbox.try_recv() {
                Ok(j) => Some(j),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => break,
            }
        };
        if let Some(job) = job {
            match job {
                Job::Open(v) => {
                    view = Some(v);
                    pass = None;
                    current = None;
                }
                Job::Query {
                    generation,
                    query,
                    only,
                } => {
                    pass = Some(match pass.take() {
                        Some(p) if p.narrows_to(&query) => p.narrow(&query),
                        _ => SearchPass::preferring_file(&query),
                    });
                    current = Some(Current {
                        generation,
                        only,
                        started: Instant::now(),
                        reported: None,
                    });
                }
            }
            // take every job waiting before reading on
            continue;
        }
        let (Some(store), Some(p), Some(cur)) = (view.as_deref(), pass.as_mut(), current.as_mut())
        else {
            current = None;
            continue;
        };
        // a pass with nothing left to score or read among the short texts reports at once;
        // otherwise it scores or reads a step first
        let stepped = if cur.reported.is_none() && p.short_done() {
            Ok(p.done())
        } else {
            let _step = gate.lock().unwrap_or_else(|e| e.into_inner());
            p.step(store, STEP)
        };
        let done = match &stepped {
            Ok(done) => *done,
            Err(_) => true,
        };
        let due = match cur.reported {
            None => p.short_done() || cur.started.elapsed() >= FIRST_REPORT,
            Some(at) => at.elapsed() >= NEXT_REPORT,
        };
        if !(done || due) {
            continue;
        }
        let found = Found {
            generation: cur.generation,
            hits: shown(store, p, cur.only),
            matched: p.hits.len(),
            done,
            error: stepped.err().map(|e| e.to_string()),
        };
        cur.reported = Some(Instant::now());
        if found.error.is_some() {
            // a pass that failed is not narrowed later
            pass = None;
        }
        if done {
            current = None;
        }
        if outbox.send(found).is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NewEntity, NewNote, OpenOptions};

    fn store(dir: &std::path::Path) -> Store {
        let opts = OpenOptions {
            create: true,
            ..OpenOptions::default()
        };
        Store::open(dir, &opts).unwrap()
    }

    fn filled(dir: &std::path::Path) -> Store {
        let mut s = store(dir);
        for name in ["Kyle Renshaw", "Owen Barlow", "Rena Shaw"] {
            s.add_entity(NewEntity {
                name: name.into(),
                kind: crate::model::EntityKind::Person,
                aliases: vec![],
                attributes: Default::default(),
                tags: vec![],
            })
            .unwrap();
        }
        for i in 0..50 {
            s.add_note(NewNote {
                text: format!("Report {i}\nseen near the harbour with a courier"),
                ..Default::default()
            })
            .unwrap();
        }
        s
    }

    fn ids(found: &Found) -> Vec<String> {
        found.hits.iter().map(|(id, _)| id.to_string()).collect()
    }

    #[test]
    fn the_newest_query_is_answered_and_stale_results_are_dropped() {
        let d = tempfile::tempdir().unwrap();
        let s = filled(d.path());
        let mut f = FinderSearch::start();
        f.open(s.read_view().unwrap());
        let first = f.request("harbour", None);
        let second = f.request("renshaw", None);
        assert!(second > first && f.running());
        let found = f.wait(Duration::from_secs(30)).expect("results");
        assert_eq!(found.generation, second);
        assert!(found.done && !f.running());
        // Kyle Renshaw, then Rena Shaw: no note of the first query's
        assert_eq!(ids(&found), ["E1", "E3"], "only the newest query's matches");
        assert_eq!(f.poll(), None, "nothing of the first query is shown");
    }

    #[test]
    fn a_result_for_an_older_generation_is_never_accepted() {
        let mut f = FinderSearch::start();
        f.request("a", None);
        let newest = f.request("ab", None);
        let stale = Found {
            generation: newest - 1,
            hits: vec![],
            matched: 0,
            done: true,
            error: None,
        };
        assert_eq!(f.accept(stale), None);
        assert!(f.running(), "still waiting for the newest");
        f.forget();
        let after_forget = Found {
            generation: newest,
            hits: vec![],
            matched: 0,
            done: true,
            error: None,
        };
        assert_eq!(
            f.accept(after_forget),
            None,
            "a cleared query takes nothing"
        );
    }

    #[test]
    fn a_longer_query_narrows_to_what_a_fresh_search_finds() {
        let d = tempfile::tempdir().unwrap();
        let s = filled(d.path());
        let mut f = FinderSearch::start();
        f.open(s.read_view().unwrap());
        for q in ["r", "re", "ren", "rens"] {
            f.request(q, None);
        }
        let narrowed = f.wait(Duration::from_secs(30)).expect("results");
        let mut fresh = SearchPass::new("rens");
        fresh.finish(&s).unwrap();
        assert_eq!(narrowed.hits, shown(&s, &fresh, None));
        assert_eq!(ids(&narrowed)[0], "E1");
        // the body is read again when narrowing: "courier" is only in the notes' bodies
        f.request("c", None);
        f.request("courier", None);
        let body = f.wait(Duration::from_secs(30)).expect("results");
        assert_eq!(body.matched, 50);
    }

    #[test]
    fn only_the_kind_asked_for_is_shown() {
        let d = tempfile::tempdir().unwrap();
        let s = filled(d.path());
        let mut pass = SearchPass::new("re");
        pass.finish(&s).unwrap();
        let all = shown(&s, &pass, None);
        assert!(all.iter().any(|(id, _)| id.kind == Kind::Note));
        let entities = shown(&s, &pass, Some(Kind::Entity));
        assert!(!entities.is_empty());
        assert!(entities.iter().all(|(id, _)| id.kind == Kind::Entity));
    }
}
