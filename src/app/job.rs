//! One background job type for every worker of the app: work done on a thread of its own,
//! the newest request winning. Each request is tagged by a generation; a newer request
//! makes the older ones stale, so requests queued behind it are skipped unread, the work
//! under way sees [`Ctx::stale`] and may give up between two steps, and results of a
//! stale generation are dropped when taken. A request is answered by one final result,
//! after any number of early ones ([`Ctx::send`]). The thread starts with the first
//! request and ends when the job is dropped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The work a job does for one request; it may report early through the context and
/// returns the request's final result.
type Work<Req, Res> = Box<dyn FnMut(Req, &Ctx<Res>) -> Res + Send>;

/// A request on its way to the thread.
struct Sent<Req> {
    generation: u64,
    stale: Arc<AtomicBool>,
    request: Req,
}

/// A result on its way back.
struct Update<Res> {
    generation: u64,
    value: Res,
    last: bool,
}

/// What the work knows of the request it does: its generation, whether it is stale, and
/// where early results go.
pub struct Ctx<Res> {
    generation: u64,
    stale: Arc<AtomicBool>,
    out: Sender<Update<Res>>,
}

impl<Res> Ctx<Res> {
    /// The request's generation.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Whether the request is no longer wanted (a newer one was made, it was forgotten or
    /// the job dropped): its result would be dropped, so the work may give up.
    pub fn stale(&self) -> bool {
        self.stale.load(Ordering::Relaxed)
    }

    /// The flag behind [`Ctx::stale`], for a read that takes one to stop by.
    pub fn stale_flag(&self) -> Arc<AtomicBool> {
        self.stale.clone()
    }

    /// Reports an early result; the final one is what the work returns. Nothing is sent
    /// for a stale request.
    pub fn send(&self, early: Res) {
        if !self.stale() {
            let _ = self.out.send(Update {
                generation: self.generation,
                value: early,
                last: false,
            });
        }
    }
}

/// The owner's side of a background job: requests go out, results come back.
pub struct Job<Req, Res> {
    name: &'static str,
    /// The work, until the first request starts the thread with it.
    work: Option<Work<Req, Res>>,
    /// Where the thread reports, until it starts.
    outbox: Option<Sender<Update<Res>>>,
    results: Receiver<Update<Res>>,
    queue: Option<Sender<Sent<Req>>>,
    thread: Option<JoinHandle<()>>,
    /// The newest request's generation; 0 before the first.
    latest: u64,
    /// The newest request's flag, set when it goes stale.
    stale: Arc<AtomicBool>,
    /// Whether the newest request's final result is still to come.
    pending: bool,
    /// Whether dropping the job waits for the thread to end.
    join: bool,
}

impl<Req, Res> std::fmt::Debug for Job<Req, Res> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("name", &self.name)
            .field("latest", &self.latest)
            .field("pending", &self.pending)
            .finish()
    }
}

impl<Req: Send + 'static, Res: Send + 'static> Job<Req, Res> {
    /// A job doing `work` on a thread named `name`, started by the first request.
    pub fn new(
        name: &'static str,
        work: impl FnMut(Req, &Ctx<Res>) -> Res + Send + 'static,
    ) -> Job<Req, Res> {
        let (outbox, results) = mpsc::channel();
        Job {
            name,
            work: Some(Box::new(work)),
            outbox: Some(outbox),
            results,
            queue: None,
            thread: None,
            latest: 0,
            stale: Arc::new(AtomicBool::new(true)),
            pending: false,
            join: true,
        }
    }

    /// The same job, whose drop does not wait for the work under way: for work that
    /// cannot be stopped, whose result nobody takes once the owner is gone.
    pub fn unjoined(mut self) -> Job<Req, Res> {
        self.join = false;
        self
    }

    /// Asks for `request` to be done; every request made before is now stale. Returns
    /// its generation, or the request itself when no thread can take it (the thread
    /// could not start, or the work panicked): the caller may then do it itself.
    pub fn request(&mut self, request: Req) -> Result<u64, Req> {
        self.forget();
        self.latest += 1;
        self.stale = Arc::new(AtomicBool::new(false));
        let sent = Sent {
            generation: self.latest,
            stale: self.stale.clone(),
            request,
        };
        let Some(queue) = self.queue() else {
            return Err(sent.request);
        };
        match queue.send(sent) {
            Ok(()) => {
                self.pending = true;
                Ok(self.latest)
            }
            Err(mpsc::SendError(sent)) => {
                self.queue = None;
                Err(sent.request)
            }
        }
    }

    /// The queue to the thread, which the first call starts.
    fn queue(&mut self) -> Option<&Sender<Sent<Req>>> {
        if let (Some(work), Some(outbox)) = (self.work.take(), self.outbox.take()) {
            let (queue, inbox) = mpsc::channel();
            let spawned = std::thread::Builder::new()
                .name(self.name.into())
                .spawn(move || serve(inbox, outbox, work));
            if let Ok(thread) = spawned {
                self.thread = Some(thread);
                self.queue = Some(queue);
            }
        }
        self.queue.as_ref()
    }

    /// No result is wanted any more: the newest request is stale too.
    pub fn forget(&mut self) {
        self.stale.store(true, Ordering::Relaxed);
        self.pending = false;
    }

    /// The newest request's generation (0 before the first).
    pub fn latest(&self) -> u64 {
        self.latest
    }

    /// Whether the newest request's final result is still to come.
    pub fn pending(&self) -> bool {
        self.pending
    }

    /// Whether requests can be done on the thread: it runs, or is yet to start.
    pub fn alive(&self) -> bool {
        self.work.is_some() || self.queue.is_some()
    }

    /// The newest result for the newest request that has arrived, if any, without
    /// waiting; results of stale requests are dropped.
    pub fn poll(&mut self) -> Option<Res> {
        let mut newest = None;
        loop {
            match self.results.try_recv() {
                Ok(update) => newest = self.accept(update).or(newest),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.gone();
                    break;
                }
            }
        }
        newest
    }

    /// Waits until the newest request's final result arrives or `limit` passes, and
    /// returns the newest result that came for it (tests, and callers that must have
    /// it; the interface never waits). Results of stale requests are dropped.
    pub fn wait(&mut self, limit: Duration) -> Option<Res> {
        let until = Instant::now() + limit;
        let mut newest = None;
        while self.pending {
            let left = until.saturating_duration_since(Instant::now());
            match self.results.recv_timeout(left) {
                Ok(update) => newest = self.accept(update).or(newest),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => self.gone(),
            }
        }
        newest
    }

    fn accept(&mut self, update: Update<Res>) -> Option<Res> {
        if update.generation != self.latest || !self.pending {
            return None;
        }
        if update.last {
            self.pending = false;
        }
        Some(update.value)
    }

    /// The thread ended (its work panicked): nothing more will come.
    fn gone(&mut self) {
        self.pending = false;
        self.queue = None;
    }
}

impl<Req, Res> Drop for Job<Req, Res> {
    /// Makes the work under way stale and closes the queue, so the thread ends; waits for
    /// it (unless [`Job::unjoined`]), so nothing the work holds outlives the owner.
    fn drop(&mut self) {
        self.stale.store(true, Ordering::Relaxed);
        self.queue = None;
        if let Some(thread) = self.thread.take() {
            if self.join {
                let _ = thread.join();
            }
        }
    }
}

/// The thread's loop: take the newest request, skipping the older ones queued before it,
/// do it and report, until the queue closes.
fn serve<Req, Res>(
    inbox: Receiver<Sent<Req>>,
    outbox: Sender<Update<Res>>,
    mut work: Work<Req, Res>,
) {
    while let Ok(mut next) = inbox.recv() {
        while let Ok(newer) = inbox.try_recv() {
            next = newer;
        }
        if next.stale.load(Ordering::Relaxed) {
            continue;
        }
        let ctx = Ctx {
            generation: next.generation,
            stale: next.stale,
            out: outbox.clone(),
        };
        let value = work(next.request, &ctx);
        if ctx.stale() {
            continue;
        }
        let last = Update {
            generation: ctx.generation,
            value,
            last: true,
        };
        if outbox.send(last).is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Generous: waits end as soon as what they wait for comes.
    const WAIT: Duration = Duration::from_secs(30);

    /// What a test's work does for one request.
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Ask {
        /// Answer at once with this number.
        Answer(u32),
        /// Say it started, then wait to be let go, and answer with this number.
        Held(u32),
        /// Say it started, then work until stale.
        UntilStale,
        /// Send early results 1 and 2, say so, wait to be let go, then answer 3.
        Stream,
        Panic,
    }

    /// A job whose work is steered by the test. `release` is dropped before `job`, so a
    /// test failing while the work waits to be let go ends instead of hanging.
    struct Probe {
        release: Sender<()>,
        job: Job<Ask, u32>,
        /// Every request the work read, in order.
        read: Arc<Mutex<Vec<Ask>>>,
        started: Receiver<Ask>,
        gave_up: Receiver<u64>,
        /// Says when the work is dropped, that is when the thread ends.
        ended: Receiver<()>,
    }

    struct OnDrop(Sender<()>);

    impl Drop for OnDrop {
        fn drop(&mut self) {
            let _ = self.0.send(());
        }
    }

    fn probe() -> Probe {
        let read = Arc::new(Mutex::new(Vec::new()));
        let seen = read.clone();
        let (started_tx, started) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let (gave_up_tx, gave_up) = mpsc::channel();
        let (ended_tx, ended) = mpsc::channel();
        let on_drop = OnDrop(ended_tx);
        let job = Job::new("weft-test-job", move |ask: Ask, cx: &Ctx<u32>| {
            let _ = &on_drop;
            seen.lock().unwrap().push(ask);
            match ask {
                Ask::Answer(n) => n,
                Ask::Held(n) => {
                    started_tx.send(ask).unwrap();
                    let _ = released.recv();
                    n
                }
                Ask::UntilStale => {
                    started_tx.send(ask).unwrap();
                    // (or until the test is gone, so that a failing test ends)
                    while !cx.stale() && released.try_recv() == Err(TryRecvError::Empty) {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    let _ = gave_up_tx.send(cx.generation());
                    0
                }
                Ask::Stream => {
                    cx.send(1);
                    cx.send(2);
                    started_tx.send(ask).unwrap();
                    let _ = released.recv();
                    3
                }
                Ask::Panic => panic!("deliberate panic in a test job"),
            }
        });
        Probe {
            release,
            job,
            read,
            started,
            gave_up,
            ended,
        }
    }

    fn sent(job: &mut Job<Ask, u32>, ask: Ask) -> u64 {
        match job.request(ask) {
            Ok(generation) => generation,
            Err(a) => panic!("{a:?} was not taken"),
        }
    }

    #[test]
    fn the_newest_request_wins_and_those_queued_behind_it_are_skipped_unread() {
        let mut p = probe();
        let first = sent(&mut p.job, Ask::Held(1));
        assert_eq!(p.started.recv_timeout(WAIT), Ok(Ask::Held(1)));
        let second = sent(&mut p.job, Ask::Answer(2));
        sent(&mut p.job, Ask::Answer(3));
        let newest = sent(&mut p.job, Ask::Answer(4));
        assert!(first < second && second < newest && p.job.latest() == newest);
        p.release.send(()).unwrap();
        assert_eq!(p.job.wait(WAIT), Some(4));
        assert!(!p.job.pending());
        let read = p.read.lock().unwrap().clone();
        assert_eq!(read, [Ask::Held(1), Ask::Answer(4)], "2 and 3 were skipped");
        assert_eq!(p.job.poll(), None, "the first request's answer is dropped");
    }

    #[test]
    fn results_of_a_stale_request_are_dropped_when_taken() {
        let mut p = probe();
        sent(&mut p.job, Ask::Stream);
        // its early results are on their way back before the request goes stale
        assert_eq!(p.started.recv_timeout(WAIT), Ok(Ask::Stream));
        sent(&mut p.job, Ask::Answer(7));
        assert_eq!(p.job.poll(), None, "no early result of the stale request");
        assert!(p.job.pending());
        p.release.send(()).unwrap();
        assert_eq!(p.job.wait(WAIT), Some(7));
    }

    #[test]
    fn a_forgotten_request_is_never_answered() {
        let mut p = probe();
        sent(&mut p.job, Ask::Held(1));
        assert_eq!(p.started.recv_timeout(WAIT), Ok(Ask::Held(1)));
        p.job.forget();
        assert!(!p.job.pending());
        p.release.send(()).unwrap();
        // the next request's answer comes after whatever the forgotten one sent
        sent(&mut p.job, Ask::Answer(2));
        assert_eq!(p.job.wait(WAIT), Some(2));
        assert_eq!(p.job.wait(WAIT), None, "nothing pending");
    }

    #[test]
    fn the_work_sees_its_request_go_stale_and_gives_up() {
        let mut p = probe();
        let long = sent(&mut p.job, Ask::UntilStale);
        assert_eq!(p.started.recv_timeout(WAIT), Ok(Ask::UntilStale));
        sent(&mut p.job, Ask::Answer(5));
        assert_eq!(p.gave_up.recv_timeout(WAIT), Ok(long));
        assert_eq!(p.job.wait(WAIT), Some(5));
    }

    #[test]
    fn early_results_stream_before_the_final_one() {
        let mut p = probe();
        sent(&mut p.job, Ask::Stream);
        assert_eq!(p.started.recv_timeout(WAIT), Ok(Ask::Stream));
        assert_eq!(p.job.poll(), Some(2), "the newest early result");
        assert!(p.job.pending(), "the final result is still to come");
        p.release.send(()).unwrap();
        assert_eq!(p.job.wait(WAIT), Some(3));
        assert!(!p.job.pending());
    }

    /// Drops `job` on another thread; whether the drop returned within the limit.
    fn dropped(job: Job<Ask, u32>) -> bool {
        let (done, finished) = mpsc::channel();
        std::thread::spawn(move || {
            drop(job);
            let _ = done.send(());
        });
        finished.recv_timeout(WAIT).is_ok()
    }

    #[test]
    fn dropping_the_job_stops_the_work_and_ends_the_thread() {
        let mut p = probe();
        sent(&mut p.job, Ask::UntilStale);
        assert_eq!(p.started.recv_timeout(WAIT), Ok(Ask::UntilStale));
        assert!(
            dropped(p.job),
            "the drop waits only for the work to give up"
        );
        assert!(p.gave_up.try_recv().is_ok(), "the work gave up first");
        assert_eq!(
            p.ended.try_recv(),
            Ok(()),
            "the thread ended before the drop returned"
        );
    }

    #[test]
    fn an_idle_job_ends_its_thread_when_dropped_and_starts_none_unasked() {
        let mut p = probe();
        sent(&mut p.job, Ask::Answer(1));
        assert_eq!(p.job.wait(WAIT), Some(1));
        assert!(dropped(p.job));
        assert_eq!(p.ended.try_recv(), Ok(()));
        let never = probe();
        assert!(never.job.thread.is_none() && never.job.alive());
    }

    #[test]
    fn a_job_whose_work_panicked_hands_requests_back() {
        let mut p = probe();
        sent(&mut p.job, Ask::Panic);
        assert_eq!(p.job.wait(WAIT), None);
        assert!(!p.job.pending() && !p.job.alive());
        assert_eq!(p.job.request(Ask::Answer(1)), Err(Ask::Answer(1)));
        assert!(!p.job.pending());
    }
}
