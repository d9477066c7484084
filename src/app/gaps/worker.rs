//! The gap hunter's worker: the pane hands it a read handle on the store, it reads and
//! runs every rule on a [`Job`]'s thread, and the result comes back; the newest request
//! wins.

use crate::analysis::{self, Suggestion};
use crate::app::job::{Ctx, Job};
use crate::store::GapReader;

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

/// The gap hunter's background job: a request is a read handle, its answer the run on
/// what it reads. A read under way gives up once a newer run is asked or the pane goes.
pub type Worker = Job<GapReader, Result<GapRun, String>>;

impl Default for Worker {
    fn default() -> Self {
        Job::new("weft-gaps", |reader: GapReader, cx: &Ctx<_>| {
            GapRun::compute(&reader.stop_when(cx.stale_flag()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NewEntity, OpenOptions, Store};
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;
    use std::time::Duration;

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

    fn sent(w: &mut Worker, reader: GapReader) -> u64 {
        match w.request(reader) {
            Ok(generation) => generation,
            Err(_) => panic!("the worker did not take the request"),
        }
    }

    #[test]
    fn only_the_newest_request_is_answered() {
        let d = tempfile::tempdir().unwrap();
        let mut s = store(d.path());
        lonely(&mut s, "Owen Barlow");
        let mut w = Worker::default();
        let first = sent(&mut w, s.gap_reader());
        lonely(&mut s, "Kyle Renshaw");
        let second = sent(&mut w, s.gap_reader());
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
    fn a_stopped_read_gives_up() {
        let d = tempfile::tempdir().unwrap();
        let mut s = store(d.path());
        lonely(&mut s, "Owen Barlow");
        let stopped = Arc::new(AtomicBool::new(true));
        let r = GapRun::compute(&s.gap_reader().stop_when(stopped));
        assert!(r.is_err_and(|e| e.contains("stopped")));
    }
}
