//! The finder's search, off the input thread. Each query is a request to the finder's
//! [`Job`]; the worker reads in steps and gives a query up between two steps once a newer
//! one is asked (older ones queued are skipped unread), so typing never waits on a search. A
//! query that extends the one before narrows its matches and reading goes on where it
//! stopped ([`SearchPass::narrow`]). Results stream back: the first screenful as soon as
//! the titles are read, then as long notes are read, then the last; a result for any
//! query but the newest is dropped. In a small workspace the search runs at once on the
//! input thread instead, within a frame.

use super::job::{Ctx, Job};
use crate::model::{Id, Kind};
use crate::store::search::SearchPass;
use crate::store::Store;
use std::sync::{Arc, Mutex};
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

/// What the worker is asked: the results of one query.
struct Query {
    query: String,
    only: Option<Kind>,
}

/// How the finder shows a record: its title (so titles line up whatever the kind),
/// then for a note its grade and when it happened, for a question its status and
/// priority.
pub fn label(r: &crate::model::Record) -> String {
    use crate::model::Record;
    match r {
        Record::Note(n) => {
            let grade = n.grade.map_or("ungraded".to_string(), |g| g.to_string());
            let when = n
                .when
                .as_ref()
                .map_or(String::new(), |w| format!(" · {}", w.human()));
            format!("{} · {grade}{when}", r.title())
        }
        Record::Question(q) => format!("{} · {} P{}", r.title(), q.status, q.priority),
        _ => r.title(),
    }
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
                .map(|r| label(&r))
                .unwrap_or_else(|| pass.hits[i].text.clone());
            (id, title)
        })
        .collect()
}

/// The app's side of the finder's worker.
pub struct FinderSearch {
    job: Job<Query, Found>,
    /// The read handle the next query is to search through: put here by
    /// [`FinderSearch::open`] and taken by the worker, so no query skipped skips it.
    view: Arc<Mutex<Option<Store>>>,
    /// From this many records on, searches run on the worker (tests lower it).
    pub background_from: u64,
    /// Held by the worker while it reads a step; [`FinderSearch::gate`] hands it out to
    /// pause the worker.
    gate: Arc<Mutex<()>>,
    /// The search file being written for the worker to read.
    pub file: super::searchbuild::SearchFileBuild,
}

impl std::fmt::Debug for FinderSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FinderSearch")
            .field("job", &self.job)
            .finish()
    }
}

impl Default for FinderSearch {
    fn default() -> Self {
        FinderSearch::start()
    }
}

impl FinderSearch {
    /// The finder's worker; its thread starts with the first query.
    pub fn start() -> FinderSearch {
        let view = Arc::new(Mutex::new(None));
        let gate = Arc::new(Mutex::new(()));
        let mut worker = Searcher {
            opened: view.clone(),
            gate: gate.clone(),
            view: None,
            pass: None,
        };
        FinderSearch {
            job: Job::new("weft-finder", move |q, cx: &Ctx<Found>| {
                worker.answer(q, cx)
            }),
            view,
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
        self.job.alive() && store.state().total() >= self.background_from
    }

    /// A finder opened on `store`: searches read through `view` from now on, and the
    /// matches of earlier searches (which may have changed since) are forgotten.
    pub fn open(&mut self, view: Store) {
        self.forget();
        *self.view.lock().unwrap_or_else(|e| e.into_inner()) = Some(view);
    }

    /// Asks for the results of `query`; any query asked before is now stale. Returns the
    /// query's generation.
    pub fn request(&mut self, query: &str, only: Option<Kind>) -> u64 {
        let query = Query {
            query: query.to_string(),
            only,
        };
        let _ = self.job.request(query);
        self.job.latest()
    }

    /// No query is wanted any more (the text was cleared, or the finder closed): whatever
    /// is under way is stale.
    pub fn forget(&mut self) {
        self.job.forget();
    }

    /// The newest query's generation.
    pub fn latest(&self) -> u64 {
        self.job.latest()
    }

    /// Whether the newest query's final results are still to come.
    pub fn running(&self) -> bool {
        self.job.pending()
    }

    /// The newest results for the newest query that have arrived, if any; results of
    /// stale queries are dropped.
    pub fn poll(&mut self) -> Option<Found> {
        self.job.poll()
    }

    /// Blocks until the newest query's final results arrive or `limit` passes, and
    /// returns the newest results that came (tests; the interface never waits).
    pub fn wait(&mut self, limit: Duration) -> Option<Found> {
        self.job.wait(limit)
    }
}

/// The worker's side: the read handle it searches through and the pass of the query it
/// answered last, which a longer query narrows.
struct Searcher {
    opened: Arc<Mutex<Option<Store>>>,
    gate: Arc<Mutex<()>>,
    view: Option<Store>,
    pass: Option<SearchPass>,
}

impl Searcher {
    /// Answers `q`: reads a step at a time, reports when it is time, and gives up when
    /// the query goes stale (what it returns then is dropped unread).
    fn answer(&mut self, q: Query, cx: &Ctx<Found>) -> Found {
        let opened = self.opened.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(view) = opened {
            self.view = Some(view);
            self.pass = None;
        }
        let nothing = Found {
            generation: cx.generation(),
            hits: Vec::new(),
            matched: 0,
            done: true,
            error: None,
        };
        let Some(store) = &self.view else {
            return nothing;
        };
        let mut pass = match self.pass.take() {
            Some(p) if p.narrows_to(&q.query) => p.narrow(&q.query),
            _ => SearchPass::preferring_file(&q.query),
        };
        let started = Instant::now();
        let mut reported: Option<Instant> = None;
        loop {
            if cx.stale() {
                // kept: the next query may narrow it
                self.pass = Some(pass);
                return nothing;
            }
            // a pass with nothing left to score or read among the short texts reports
            // at once; otherwise it scores or reads a step first
            let stepped = if reported.is_none() && pass.short_done() {
                Ok(pass.done())
            } else {
                let _step = self.gate.lock().unwrap_or_else(|e| e.into_inner());
                pass.step(store, STEP)
            };
            let done = stepped.as_ref().map_or(true, |done| *done);
            let due = match reported {
                None => pass.short_done() || started.elapsed() >= FIRST_REPORT,
                Some(at) => at.elapsed() >= NEXT_REPORT,
            };
            if !(done || due) {
                continue;
            }
            let found = Found {
                hits: shown(store, &pass, q.only),
                matched: pass.hits.len(),
                done,
                error: stepped.err().map(|e| e.to_string()),
                ..nothing
            };
            if done {
                // a pass that failed is not narrowed later
                if found.error.is_none() {
                    self.pass = Some(pass);
                }
                return found;
            }
            cx.send(found);
            reported = Some(Instant::now());
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
    fn a_finder_opened_again_searches_through_its_new_view_only() {
        let d = tempfile::tempdir().unwrap();
        let mut s = filled(d.path());
        let mut f = FinderSearch::start();
        f.open(s.read_view().unwrap());
        f.request("zebra", None);
        let before = f.wait(Duration::from_secs(30)).expect("results");
        assert_eq!(before.matched, 0);
        let zebra = s
            .add_note(NewNote {
                text: "Zebra crossing".into(),
                ..Default::default()
            })
            .unwrap()
            .id;
        // opened again and asked at once: the new view is taken even when the query
        // before it was forgotten unread
        f.open(s.read_view().unwrap());
        f.request("zebr", None);
        f.request("zebra", None);
        let after = f.wait(Duration::from_secs(30)).expect("results");
        assert_eq!(ids(&after), [zebra.to_string()]);
        f.forget();
        assert!(!f.running());
        assert_eq!(
            f.wait(Duration::from_secs(1)),
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
