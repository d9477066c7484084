//! What the rules share, derived once per run from the input: where each record is, who
//! links to whom, which notes bear on each record, which questions each record serves.
//!
//! At a million records the maps of a first version (a hash map per kind, a vector of
//! link ends per record) cost more than the records themselves. Ids are numbered densely
//! per kind, so every lookup here is an array indexed by the id's number, and every
//! "records of a record" relation is one flat array of positions cut into runs.

use crate::model::{Consistency, Id, Kind, Sees, Status};
use crate::store::{
    EntityFacts, ExpectationFacts, GapInput, HypothesisFacts, LinkFacts, NoteFacts, QuestionFacts,
};

const KINDS: usize = Kind::ALL.len();
/// No record at this number.
const NONE: u32 = u32::MAX;

/// For each kind, the position in its input vector of the record with each number.
struct Positions([Vec<u32>; KINDS]);

impl Positions {
    fn get(&self, id: Id) -> Option<usize> {
        let p = *self.0[id.kind as usize].get(usize::try_from(id.num).ok()?)?;
        (p != NONE).then_some(p as usize)
    }
}

/// Items grouped by the record they belong to: for each kind, where the run of each
/// number's items starts in `items` (the run ends where the next number's starts).
struct Groups {
    starts: [Vec<u32>; KINDS],
    items: Vec<u32>,
}

impl Groups {
    /// Groups the items `each` hands out as (owner, item) pairs; `each` is called three
    /// times (to size, to count, to fill) and must hand out the same pairs each time.
    /// Items keep the order they were handed out in; only the kinds and numbers that own
    /// items get room.
    fn build(each: impl Fn(&mut dyn FnMut(Id, u32))) -> Groups {
        let mut sizes = [0usize; KINDS];
        each(&mut |owner, _| {
            let k = owner.kind as usize;
            let n = usize::try_from(owner.num).map_or(0, |n| n.saturating_add(1));
            sizes[k] = sizes[k].max(n);
        });
        let mut starts: [Vec<u32>; KINDS] = Default::default();
        for (k, s) in starts.iter_mut().enumerate() {
            if sizes[k] > 0 {
                *s = vec![0; sizes[k] + 1];
            }
        }
        each(&mut |owner, _| {
            if let Some(c) = slot(&starts, owner) {
                starts[owner.kind as usize][c + 1] += 1;
            }
        });
        let mut total = 0u32;
        for s in &mut starts {
            for c in s.iter_mut() {
                total += *c;
                *c = total;
            }
        }
        // each run's start, moved on as it is filled
        let mut next: [Vec<u32>; KINDS] = Default::default();
        for (k, s) in starts.iter().enumerate() {
            if !s.is_empty() {
                next[k] = s[..s.len() - 1].to_vec();
            }
        }
        let mut items = vec![0u32; total as usize];
        each(&mut |owner, item| {
            if let Some(c) = slot(&starts, owner) {
                let at = &mut next[owner.kind as usize][c];
                items[*at as usize] = item;
                *at += 1;
            }
        });
        Groups { starts, items }
    }

    fn get(&self, id: Id) -> &[u32] {
        match slot(&self.starts, id) {
            Some(c) => {
                let s = &self.starts[id.kind as usize];
                &self.items[s[c] as usize..s[c + 1] as usize]
            }
            None => &[],
        }
    }

    /// Sorts each run and drops its repeats.
    fn dedup(self) -> Groups {
        let mut starts: [Vec<u32>; KINDS] = Default::default();
        let mut items = Vec::with_capacity(self.items.len());
        for (k, s) in self.starts.iter().enumerate() {
            if s.is_empty() {
                continue;
            }
            let mut out = Vec::with_capacity(s.len());
            out.push(items.len() as u32);
            for w in s.windows(2) {
                let mut run = self.items[w[0] as usize..w[1] as usize].to_vec();
                run.sort_unstable();
                run.dedup();
                items.extend_from_slice(&run);
                out.push(items.len() as u32);
            }
            starts[k] = out;
        }
        items.shrink_to_fit();
        Groups { starts, items }
    }
}

/// The run index of `id` in `starts`, when its number is in range.
fn slot(starts: &[Vec<u32>; KINDS], id: Id) -> Option<usize> {
    let c = usize::try_from(id.num).ok()?;
    (c + 1 < starts[id.kind as usize].len()).then_some(c)
}

/// The input with its links indexed by end.
pub struct Facts<'a> {
    pub input: &'a GapInput,
    at: Positions,
    /// The links touching each record (a link between a record and itself once).
    ends: Groups,
    /// The positions of the distinct notes linked to each record, in id order.
    notes_by: Groups,
    /// The hypotheses of each question, in id order.
    hypotheses_of: Groups,
    /// The matrix cells of each hypothesis, and the hypotheses each note is assessed
    /// against (positions in `input.assessments`).
    cells: Groups,
    assessed: Groups,
    /// The expectations of each hypothesis.
    expected: Groups,
}

/// Where each record of `rows` (all of `kind`) is, by number.
fn fill<T>(at: &mut [Vec<u32>; KINDS], kind: Kind, rows: &[T], id: impl Fn(&T) -> Id) {
    let k = kind as usize;
    let n = rows
        .iter()
        .map(|r| usize::try_from(id(r).num).unwrap_or(0))
        .max()
        .map_or(0, |m| m + 1);
    at[k] = vec![NONE; n];
    for (i, r) in rows.iter().enumerate() {
        if let Ok(num) = usize::try_from(id(r).num) {
            at[k][num] = i as u32;
        }
    }
}

impl<'a> Facts<'a> {
    pub fn new(input: &'a GapInput) -> Self {
        let mut at: [Vec<u32>; KINDS] = Default::default();
        fill(&mut at, Kind::Entity, &input.entities, |e| e.id);
        fill(&mut at, Kind::Note, &input.notes, |n| n.id);
        fill(&mut at, Kind::Question, &input.questions, |q| q.id);
        fill(&mut at, Kind::Hypothesis, &input.hypotheses, |h| h.id);
        fill(&mut at, Kind::Link, &input.links, |l| l.id());
        fill(&mut at, Kind::Expectation, &input.expectations, |x| x.id);
        let at = Positions(at);
        let links = &input.links;
        let ends = Groups::build(|put| {
            for (i, l) in links.iter().enumerate() {
                let (from, to) = (l.from(), l.to());
                put(from, i as u32);
                if to != from {
                    put(to, i as u32);
                }
            }
        });
        let notes_by = Groups::build(|put| {
            for l in links {
                let (from, to) = (l.from(), l.to());
                if let (Kind::Note, Some(p)) = (to.kind, at.get(to)) {
                    put(from, p as u32);
                }
                if let (Kind::Note, Some(p)) = (from.kind, at.get(from)) {
                    put(to, p as u32);
                }
            }
        })
        .dedup();
        let hypotheses_of = Groups::build(|put| {
            for (i, h) in input.hypotheses.iter().enumerate() {
                put(h.question, i as u32);
            }
        });
        let cells = Groups::build(|put| {
            for (i, (h, _, _)) in input.assessments.iter().enumerate() {
                put(*h, i as u32);
            }
        });
        let assessed = Groups::build(|put| {
            for (i, (_, n, _)) in input.assessments.iter().enumerate() {
                put(*n, i as u32);
            }
        });
        let expected = Groups::build(|put| {
            for (i, x) in input.expectations.iter().enumerate() {
                put(x.hypothesis, i as u32);
            }
        });
        Facts {
            input,
            at,
            ends,
            notes_by,
            hypotheses_of,
            cells,
            assessed,
            expected,
        }
    }

    pub fn entity(&self, id: Id) -> Option<&'a EntityFacts> {
        (id.kind == Kind::Entity)
            .then(|| self.at.get(id).map(|p| &self.input.entities[p]))
            .flatten()
    }

    pub fn note(&self, id: Id) -> Option<&'a NoteFacts> {
        (id.kind == Kind::Note)
            .then(|| self.at.get(id).map(|p| &self.input.notes[p]))
            .flatten()
    }

    pub fn question(&self, id: Id) -> Option<&'a QuestionFacts> {
        (id.kind == Kind::Question)
            .then(|| self.at.get(id).map(|p| &self.input.questions[p]))
            .flatten()
    }

    pub fn hypothesis(&self, id: Id) -> Option<&'a HypothesisFacts> {
        (id.kind == Kind::Hypothesis)
            .then(|| self.at.get(id).map(|p| &self.input.hypotheses[p]))
            .flatten()
    }

    pub fn link(&self, id: Id) -> Option<&'a LinkFacts> {
        (id.kind == Kind::Link)
            .then(|| self.at.get(id).map(|p| &self.input.links[p]))
            .flatten()
    }

    pub fn expectation(&self, id: Id) -> Option<&'a ExpectationFacts> {
        (id.kind == Kind::Expectation)
            .then(|| self.at.get(id).map(|p| &self.input.expectations[p]))
            .flatten()
    }

    /// The links touching `id`, each with its other end.
    pub fn ends_of(&self, id: Id) -> impl Iterator<Item = (&'a LinkFacts, Id)> + '_ {
        let links = &self.input.links;
        self.ends.get(id).iter().map(move |i| {
            let l = &links[*i as usize];
            let from = l.from();
            (l, if from == id { l.to() } else { from })
        })
    }

    /// Whether `a` and `b` are linked, either way.
    pub fn linked(&self, a: Id, b: Id) -> bool {
        let (few, other) = if self.ends.get(a).len() <= self.ends.get(b).len() {
            (a, b)
        } else {
            (b, a)
        };
        self.ends_of(few).any(|(_, o)| o == other)
    }

    /// The distinct notes linked to `id` by any link, in id order.
    pub fn notes_of(&self, id: Id) -> impl ExactSizeIterator<Item = &'a NoteFacts> + Clone + '_ {
        let notes = &self.input.notes;
        self.notes_by
            .get(id)
            .iter()
            .map(move |p| &notes[*p as usize])
    }

    /// The hypotheses of a question, in id order.
    pub fn hypotheses_of(&self, q: Id) -> impl ExactSizeIterator<Item = &'a HypothesisFacts> + '_ {
        let hs = &self.input.hypotheses;
        self.hypotheses_of
            .get(q)
            .iter()
            .map(move |p| &hs[*p as usize])
    }

    /// The matrix cells of a hypothesis: (note, consistency).
    pub fn cells_of(&self, h: Id) -> impl ExactSizeIterator<Item = (Id, Consistency)> + '_ {
        let a = &self.input.assessments;
        self.cells.get(h).iter().map(move |p| {
            let (_, n, c) = a[*p as usize];
            (n, c)
        })
    }

    /// The expectations of a hypothesis.
    pub fn expectations_of(
        &self,
        h: Id,
    ) -> impl ExactSizeIterator<Item = &'a ExpectationFacts> + '_ {
        let xs = &self.input.expectations;
        self.expected.get(h).iter().map(move |p| &xs[*p as usize])
    }

    /// An entity's name, or its id when it is gone.
    pub fn name(&self, id: Id) -> String {
        self.entity(id)
            .map(|e| e.name.clone())
            .unwrap_or_else(|| id.to_string())
    }

    /// The questions a record serves, unsorted and possibly repeated: a question serves
    /// itself; a hypothesis its question, an expectation its hypothesis's; any other
    /// record the open or active questions linked to it, those of the hypotheses it is
    /// linked to, and (a note) those of the hypotheses it is assessed against.
    pub fn serves(&self, id: Id, out: &mut Vec<Id>) {
        let open = |q: Id| self.question(q).is_some_and(|q| is_open(q.status));
        match id.kind {
            Kind::Question => out.push(id),
            Kind::Hypothesis => out.extend(self.hypothesis(id).map(|h| h.question)),
            Kind::Expectation => out.extend(
                self.expectation(id)
                    .and_then(|x| self.hypothesis(x.hypothesis))
                    .map(|h| h.question),
            ),
            _ => {
                for (_, other) in self.ends_of(id) {
                    match other.kind {
                        Kind::Question if open(other) => out.push(other),
                        Kind::Hypothesis => {
                            if let Some(h) = self.hypothesis(other).filter(|h| open(h.question)) {
                                out.push(h.question);
                            }
                        }
                        _ => {}
                    }
                }
                for p in self.assessed.get(id) {
                    let (h, _, _) = self.input.assessments[*p as usize];
                    if let Some(h) = self.hypothesis(h).filter(|h| open(h.question)) {
                        out.push(h.question);
                    }
                }
            }
        }
    }

    /// Whether an open or active question is linked to `id`.
    pub fn concerned(&self, id: Id) -> bool {
        self.ends_of(id).any(|(_, o)| {
            o.kind == Kind::Question && self.question(o).is_some_and(|q| is_open(q.status))
        })
    }
}

/// Open or active: a question still being worked.
pub fn is_open(s: Status) -> bool {
    matches!(s, Status::Open | Status::Active)
}

/// Whether a question looks ahead: an estimate or a warning.
pub fn looks_ahead(k: Sees) -> bool {
    matches!(k, Sees::Estimate | Sees::Warning)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::LinkFacts;

    fn id(s: &str) -> Id {
        s.parse().unwrap()
    }

    fn link(n: u64, from: &str, to: &str) -> LinkFacts {
        LinkFacts {
            auto: true,
            ..LinkFacts::new(Id::new(Kind::Link, n), id(from), id(to), 0)
        }
    }

    #[test]
    fn ends_and_notes_are_grouped_by_record_whatever_the_gaps_in_the_numbers() {
        let mut g = GapInput::default();
        for n in [2, 9] {
            g.notes.push(NoteFacts {
                id: Id::new(Kind::Note, n),
                source: 0,
                grade: None,
                period: None,
                names: Box::default(),
            });
        }
        g.links = vec![
            link(1, "N9", "E4"),
            link(2, "N2", "E4"),
            link(3, "N9", "E4"),
            link(5, "E4", "E4"),
            link(7, "Q3", "N2"),
        ];
        let f = Facts::new(&g);
        let ends: Vec<(Id, Id)> = f.ends_of(id("E4")).map(|(l, o)| (l.id(), o)).collect();
        assert_eq!(
            ends,
            vec![
                (id("L1"), id("N9")),
                (id("L2"), id("N2")),
                (id("L3"), id("N9")),
                (id("L5"), id("E4"))
            ]
        );
        let notes: Vec<Id> = f.notes_of(id("E4")).map(|n| n.id).collect();
        assert_eq!(notes, vec![id("N2"), id("N9")], "distinct, in id order");
        assert_eq!(f.notes_of(id("Q3")).len(), 1);
        assert_eq!(f.notes_of(id("E5")).len(), 0, "past the last number");
        assert_eq!(f.ends_of(id("E1")).count(), 0);
        assert!(f.linked(id("N2"), id("Q3")) && !f.linked(id("N9"), id("Q3")));
        assert_eq!(f.note(id("N9")).map(|n| n.id), Some(id("N9")));
        assert!(f.note(id("N3")).is_none() && f.note(id("E9")).is_none());
    }
}
