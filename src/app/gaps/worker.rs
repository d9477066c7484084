//! The gap hunter's worker thread: the pane hands it a read handle on the store, it
//! reads and runs every rule, and the result comes back over a channel. Each request
//! carries a generation number; a result from an older request than the newest is
//! dropped, and requests queued behind a newer one are skipped unread.

use crate::analysis::{self, Suggestion};
use crate::store::GapReader;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// What one run found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GapRun {
    /// Suggestions not dealt with, grouped by rule in registry order, best first.
    pub open: Vec<Suggestion>,
    /// Suggestions dismissed or accepted whose triggers have not changed since.
    pub dealt: Vec<Suggestion>,
    /// Records read.
    pub records: usize,
}

impl GapRun {
    /// Reads the workspace through `reader` and runs every rule.
    pub fn compute(reader: &GapReader) -> Result<GapRun, String> {
        let input = reader.read().map_err(|e| e.to_string())?;
        if reader.stopped() {
            return Err("stopped".into());
        }
        let records = input.entities.len()
            + input.notes.len()
            + input.questions.len()
            + input.hypotheses.len()
            + input.links.len()
            + input.assessments.len()
            + input.expectations.len();
        let (open, dealt) = analysis::partition(&input, &|| reader.stopped()).ok_or("stopped")?;
        Ok(GapRun {
            open,
            dealt,
            records,
        })
    }
}

struct Job {
    generation: u64,
    reader: GapReader,
}

struct Done {
    generation: u64,
    result: Result<GapRun, String>,
}

/// The pane's side of the worker: requests go out, results come back.
pub struct Worker {
    jobs: Option<Sender<Job>>,
    results: Receiver<Done>,
    thread: Option<JoinHandle<()>>,
    /// The newest request's generation; 0 before the first.
    latest: u64,
    /// Whether the newest request's result is still to come.
    pending: bool,
    /// Set when the pane goes away: a read under way gives up.
    stop: Arc<AtomicBool>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("latest", &self.latest)
            .field("pending", &self.pending)
            .finish()
    }
}

impl Default for Worker {
    fn default() -> Self {
        Worker::start()
    }
}

impl Worker {
    /// Starts the thread. It sleeps on its queue until asked for a run.
    pub fn start() -> Worker {
        let (jobs, inbox) = mpsc::channel::<Job>();
        let (outbox, results) = mpsc::channel::<Done>();
        let thread = std::thread::Builder::new()
            .name("weft-gaps".into())
            .spawn(move || {
                while let Ok(mut job) = inbox.recv() {
                    // a newer request already queued makes this one stale: skip to it
                    while let Ok(newer) = inbox.try_recv() {
                        job = newer;
                    }
                    let result = GapRun::compute(&job.reader);
                    // the reader holds the database open: let it go before reporting
                    drop(job.reader);
                    let done = Done {
                        generation: job.generation,
                        result,
                    };
                    if outbox.send(done).is_err() {
                        break;
                    }
                }
            })
            .ok();
        Worker {
            jobs: Some(jobs),
            results,
            thread,
            latest: 0,
            pending: false,
            stop: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Asks for a run on what `reader` reads; any run asked for before is now stale.
    /// Returns the request's generation.
    pub fn request(&mut self, reader: GapReader) -> u64 {
        self.latest += 1;
        self.pending = true;
        let job = Job {
            generation: self.latest,
            reader: reader.stop_when(self.stop.clone()),
        };
        let sent = self.jobs.as_ref().is_some_and(|j| j.send(job).is_ok());
        if !sent {
            // no thread (it could not start): nothing will come back, so say why
            self.pending = false;
        }
        self.latest
    }

    /// Whether a result is still to come for the newest request.
    pub fn pending(&self) -> bool {
        self.pending
    }

    /// Whether the thread is there to run the rules.
    pub fn alive(&self) -> bool {
        self.thread.is_some()
    }

    /// The newest request's result if it has arrived; stale results are dropped.
    pub fn poll(&mut self) -> Option<Result<GapRun, String>> {
        while let Ok(done) = self.results.try_recv() {
            if let Some(r) = self.accept(done) {
                return Some(r);
            }
        }
        None
    }

    /// Blocks until the newest request's result arrives (tests, and callers that must
    /// have it), or `limit` passes. Stale results are dropped on the way.
    pub fn wait(&mut self, limit: Duration) -> Option<Result<GapRun, String>> {
        if !self.pending {
            return None;
        }
        let until = std::time::Instant::now() + limit;
        loop {
            let left = until.saturating_duration_since(std::time::Instant::now());
            match self.results.recv_timeout(left) {
                Ok(done) => {
                    if let Some(r) = self.accept(done) {
                        return Some(r);
                    }
                }
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                    return None
                }
            }
        }
    }

    fn accept(&mut self, done: Done) -> Option<Result<GapRun, String>> {
        if done.generation != self.latest {
            return None;
        }
        self.pending = false;
        Some(done.result)
    }
}

impl Drop for Worker {
    /// Stops a read under way, closes the queue and waits for the thread, so that no
    /// read handle outlives the app and the workspace can be opened again at once.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.jobs = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NewEntity, OpenOptions, Store};

    fn store(dir: &std::path::Path) -> Store {
        let opts = OpenOptions {
            create: true,
            ..OpenOptions::default()
        };
        Store::open(dir, &opts).unwrap()
    }

    fn lonely(s: &mut Store, name: &str) {
        s.add_entity(NewEntity {
            name: name.into(),
            kind: crate::model::EntityKind::Person,
            aliases: vec![],
            attributes: Default::default(),
            tags: vec![],
        })
        .unwrap();
        for i in 0..3 {
            s.add_note(crate::store::NewNote {
                text: format!("[[{name}]] seen {i}"),
                ..Default::default()
            })
            .unwrap();
        }
    }

    #[test]
    fn only_the_newest_request_is_answered() {
        let d = tempfile::tempdir().unwrap();
        let mut s = store(d.path());
        lonely(&mut s, "Owen Barlow");
        let mut w = Worker::start();
        let first = w.request(s.gap_reader());
        lonely(&mut s, "Kyle Renshaw");
        let second = w.request(s.gap_reader());
        assert!(second > first && w.pending());
        let run = w
            .wait(Duration::from_secs(30))
            .expect("a result")
            .expect("no error");
        assert!(!w.pending());
        // the answer is the second request's: it sees both entities
        let keys: Vec<&str> = run.open.iter().map(|x| x.rule).collect();
        assert_eq!(keys.iter().filter(|r| **r == "lonely-mention").count(), 2);
        // whatever the first request left behind is dropped, never shown
        assert_eq!(w.poll(), None);
        assert_eq!(w.wait(Duration::from_millis(10)), None, "nothing pending");
    }

    #[test]
    fn a_stopped_worker_gives_up_the_read() {
        let d = tempfile::tempdir().unwrap();
        let mut s = store(d.path());
        lonely(&mut s, "Owen Barlow");
        let mut w = Worker::start();
        w.stop.store(true, Ordering::Relaxed);
        w.request(s.gap_reader());
        let r = w.wait(Duration::from_secs(30)).expect("an answer");
        assert!(r.is_err_and(|e| e.contains("stopped")));
    }

    #[test]
    fn a_stale_result_is_dropped_and_the_newest_kept() {
        let mut w = Worker::start();
        w.latest = 2;
        w.pending = true;
        let stale = Done {
            generation: 1,
            result: Err("old".into()),
        };
        assert_eq!(w.accept(stale), None);
        assert!(w.pending(), "still waiting for the newest");
        let newest = Done {
            generation: 2,
            result: Ok(GapRun::default()),
        };
        assert_eq!(w.accept(newest), Some(Ok(GapRun::default())));
        assert!(!w.pending());
    }
}
