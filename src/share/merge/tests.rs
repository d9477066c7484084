use super::*;
use proptest::prelude::*;
use serde_json::json;
use std::collections::BTreeMap;

fn q(id: &str, title: &str, parent: Option<&str>) -> Value {
    json!({"id": id, "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z",
        "by": "t", "tags": [], "title": title, "detail": "", "status": "open", "priority": 2,
        "kind": "situation", "parent": parent, "review_by": null, "answer": null})
}

/// A member in the simulation: its records, merge state and own operations.
#[derive(Clone, Debug)]
struct Sim {
    w: String,
    seat: u64,
    made: u64,
    records: BTreeMap<Id, Value>,
    merge: Merge,
    ops: Vec<Op>,
    got: BTreeMap<String, usize>,
    conflicts: Vec<Conflict>,
}

impl Sim {
    fn new(w: &str, seat: u64, base: &BTreeMap<Id, Value>) -> Sim {
        Sim {
            w: w.into(),
            seat,
            made: 0,
            records: base.clone(),
            merge: Merge::default(),
            ops: Vec::new(),
            got: BTreeMap::new(),
            conflicts: Vec::new(),
        }
    }

    fn local(&mut self, id: Id, after: Option<Value>) {
        let before = self.records.get(&id).cloned();
        if before == after {
            return;
        }
        let (lamport, seen) = self.merge.next_own();
        let op = Op {
            w: self.w.clone(),
            n: self.ops.len() as u64,
            lamport,
            seen,
            seq: 0,
            time: Utc::now(),
            user: self.w.clone(),
            op: "t".into(),
            id,
            before,
            after: after.clone(),
        };
        match after {
            Some(v) => self.records.insert(id, v),
            None => self.records.remove(&id),
        };
        self.merge.own(&op);
        self.ops.push(op);
    }

    fn set(&mut self, id: Id, field: &str, value: Value) {
        if let Some(mut v) = self.records.get(&id).cloned() {
            v[field] = value;
            self.local(id, Some(v));
        }
    }

    fn create(&mut self, parent: Option<Id>) -> Id {
        self.made += 1;
        let id = Id::new(Kind::Question, 1000 + self.seat + 16 * self.made);
        let p = parent.map(|p| p.to_string());
        self.local(id, Some(q(&id.to_string(), "new", p.as_deref())));
        id
    }

    fn delete(&mut self, id: Id) {
        // as the store does: the record and what cannot stand without it
        let mut gone = vec![id];
        let mut i = 0;
        while i < gone.len() {
            let g = gone[i];
            for (rid, v) in &self.records {
                if refers_to(rid.kind, v).contains(&g) && !gone.contains(rid) {
                    gone.push(*rid);
                }
            }
            i += 1;
        }
        for g in gone.into_iter().rev() {
            self.local(g, None);
        }
    }

    /// Takes in what the others published (all their operations so far).
    fn take_in(&mut self, published: &BTreeMap<String, Vec<Op>>) {
        let mut new: Vec<Op> = Vec::new();
        for (w, ops) in published {
            if *w == self.w {
                continue;
            }
            let from = self.got.get(w).copied().unwrap_or(0);
            new.extend(ops[from..].iter().cloned());
            self.got.insert(w.clone(), ops.len());
        }
        new.sort_by_key(Op::stamp);
        let records = self.records.clone();
        let mut current = |id: Id| records.get(&id).cloned();
        let mut exists = |id: Id| records.contains_key(&id);
        let mut refer = |id: Id| {
            records
                .iter()
                .filter(|(rid, v)| refers_to(rid.kind, v).contains(&id))
                .map(|(rid, _)| *rid)
                .collect()
        };
        let mut occupant = |kind: Kind, v: &Value| {
            let place = place_of(kind, v)?;
            records
                .iter()
                .find(|(rid, r)| rid.kind == kind && place_of(kind, r).as_ref() == Some(&place))
                .map(|(rid, _)| *rid)
        };
        let out = self.merge.merge(
            &new,
            Reads {
                current: &mut current,
                exists: &mut exists,
                referrers: &mut refer,
                occupant: &mut occupant,
            },
        );
        for s in out.steps {
            match s.after {
                Some(v) => self.records.insert(s.id, v),
                None => self.records.remove(&s.id),
            };
        }
        self.conflicts.extend(out.conflicts);
    }
}

fn base() -> BTreeMap<Id, Value> {
    (1..=3)
        .map(|n| {
            let id = Id::new(Kind::Question, n);
            (id, q(&id.to_string(), &format!("q{n}"), None))
        })
        .collect()
}

fn publish(published: &mut BTreeMap<String, Vec<Op>>, s: &Sim) {
    published.insert(s.w.clone(), s.ops.clone());
}

/// Two members of an enquiry holding the same base.
fn pair() -> (Sim, Sim) {
    let b = base();
    (Sim::new("aaaaaaaa", 0, &b), Sim::new("cccccccc", 1, &b))
}

/// Both publish what they have made, then both take in everything published.
fn exchange(a: &mut Sim, c: &mut Sim) {
    let mut pubs = BTreeMap::new();
    publish(&mut pubs, a);
    publish(&mut pubs, c);
    a.take_in(&pubs);
    c.take_in(&pubs);
}

#[test]
fn concurrent_values_of_one_field_keep_the_later_and_conflict_once_each_side() {
    let (mut a, mut c) = pair();
    let q1 = Id::new(Kind::Question, 1);
    a.set(q1, "status", json!("parked"));
    c.set(q1, "status", json!("answered"));
    c.set(q1, "answer", json!({"text": "yes", "confidence": null}));
    exchange(&mut a, &mut c);
    assert_eq!(a.records, c.records);
    // both status changes have clock 1: writer cccccccc sorts after aaaaaaaa
    assert_eq!(a.records[&q1]["status"], json!("answered"));
    let field = |s: &Sim| {
        s.conflicts
            .iter()
            .filter(|c| matches!(c, Conflict::Field { field, .. } if field == "status"))
            .map(Conflict::key)
            .collect::<Vec<_>>()
    };
    assert_eq!(field(&a), field(&c));
    assert_eq!(field(&a).len(), 1);
    let owner = a.conflicts[0].owner().to_string();
    assert_eq!(
        owner, "cccccccc",
        "the member whose value stands opens the question"
    );
}

#[test]
fn a_change_made_after_seeing_another_is_no_conflict() {
    let (mut a, mut c) = pair();
    let q1 = Id::new(Kind::Question, 1);
    a.set(q1, "title", json!("first"));
    let mut pubs = BTreeMap::new();
    publish(&mut pubs, &a);
    c.take_in(&pubs);
    c.set(q1, "title", json!("second"));
    publish(&mut pubs, &c);
    a.take_in(&pubs);
    assert!(a.conflicts.is_empty() && c.conflicts.is_empty());
    assert_eq!(a.records[&q1]["title"], json!("second"));
    assert_eq!(a.records, c.records);
}

#[test]
fn equal_values_set_concurrently_are_no_conflict() {
    let (mut a, mut c) = pair();
    let q1 = Id::new(Kind::Question, 1);
    a.set(q1, "priority", json!(1));
    c.set(q1, "priority", json!(1));
    exchange(&mut a, &mut c);
    assert!(a.conflicts.is_empty() && c.conflicts.is_empty());
}

#[test]
fn deleting_a_record_another_changed_meanwhile_stands_and_is_a_conflict_of_the_deleter() {
    let (mut a, mut c) = pair();
    let q2 = Id::new(Kind::Question, 2);
    a.delete(q2);
    c.set(q2, "title", json!("renamed"));
    let child = c.create(Some(q2));
    exchange(&mut a, &mut c);
    assert_eq!(a.records, c.records);
    assert!(!a.records.contains_key(&q2) && !a.records.contains_key(&child));
    let mine: Vec<_> = a
        .conflicts
        .iter()
        .filter(|c| c.owner() == "aaaaaaaa")
        .collect();
    assert!(!mine.is_empty(), "{:?}", a.conflicts);
    assert!(
        mine[0].title().contains("deleted by aaaaaaaa"),
        "{}",
        mine[0].title()
    );
}

#[derive(Debug, Clone)]
enum Act {
    Set(usize, usize, usize, u8),
    Create(usize, Option<usize>),
    Delete(usize, usize),
    Sync(usize),
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        4 => (0..3usize, 0..8usize, 0..3usize, 0..3u8).prop_map(|(m, r, f, v)| Act::Set(m, r, f, v)),
        1 => (0..3usize, proptest::option::of(0..8usize)).prop_map(|(m, p)| Act::Create(m, p)),
        1 => (0..3usize, 0..8usize).prop_map(|(m, r)| Act::Delete(m, r)),
        3 => (0..3usize).prop_map(Act::Sync),
    ]
}

fn pick(s: &Sim, r: usize) -> Option<Id> {
    let ids: Vec<Id> = s.records.keys().copied().collect();
    (!ids.is_empty()).then(|| ids[r % ids.len()])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever the members do and in whatever order they sync, once everyone has taken
    /// in everyone's operations they hold the same records, and every conflict met has
    /// an owner among the members.
    #[test]
    fn every_interleaving_converges(acts in proptest::collection::vec(act(), 1..60)) {
        let b = base();
        let mut sims = vec![
            Sim::new("0a0a0a0a", 0, &b),
            Sim::new("1b1b1b1b", 1, &b),
            Sim::new("2c2c2c2c", 2, &b),
        ];
        let mut pubs = BTreeMap::new();
        let fields = ["title", "status", "priority"];
        let values = [
            [json!("x"), json!("y"), json!("z")],
            [json!("open"), json!("parked"), json!("open")],
            [json!(1), json!(2), json!(3)],
        ];
        for a in acts {
            match a {
                Act::Set(m, r, f, v) => {
                    if let Some(id) = pick(&sims[m], r) {
                        sims[m].set(id, fields[f], values[f][v as usize].clone());
                    }
                }
                Act::Create(m, p) => {
                    let parent = p.and_then(|p| pick(&sims[m], p));
                    sims[m].create(parent);
                }
                Act::Delete(m, r) => {
                    if let Some(id) = pick(&sims[m], r) {
                        sims[m].delete(id);
                    }
                }
                Act::Sync(m) => {
                    publish(&mut pubs, &sims[m]);
                    sims[m].take_in(&pubs);
                }
            }
        }
        for _ in 0..2 {
            for sim in &mut sims {
                publish(&mut pubs, sim);
                sim.take_in(&pubs);
            }
        }
        prop_assert_eq!(&sims[0].records, &sims[1].records);
        prop_assert_eq!(&sims[1].records, &sims[2].records);
        for s in &sims {
            for c in &s.conflicts {
                prop_assert!(sims.iter().any(|o| o.w == c.owner()));
            }
        }
    }
}

#[test]
fn the_test_records_read() {
    let mut v = q("Q1", "t", None);
    Record::from_json(Kind::Question, v.clone()).unwrap();
    v["status"] = json!("answered");
    v["answer"] = json!({"text": "yes", "confidence": null});
    Record::from_json(Kind::Question, v).unwrap();
}

fn cell(id: &str, rating: &str) -> Value {
    json!({"id": id, "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z",
        "by": id, "tags": [], "hypothesis": "H1", "note": "N1", "consistency": rating})
}

#[test]
fn one_cell_assessed_by_two_members_at_once_keeps_the_lower_id_everywhere() {
    let mut b = base();
    b.insert(
        "H1".parse().unwrap(),
        json!({"id": "H1", "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z",
            "by": "t", "tags": [], "statement": "h", "question": "Q1", "likelihood": null,
            "status": "live"}),
    );
    b.insert(
        "N1".parse().unwrap(),
        json!({"id": "N1", "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z",
            "by": "t", "tags": [], "text": "n", "source": "", "grade": null, "when": null}),
    );
    let (mut a, mut c) = (Sim::new("aaaaaaaa", 0, &b), Sim::new("cccccccc", 1, &b));
    let (a_id, c_id): (Id, Id) = ("A32".parse().unwrap(), "A17".parse().unwrap());
    a.local(a_id, Some(cell("A32", "++")));
    c.local(c_id, Some(cell("A17", "--")));
    exchange(&mut a, &mut c);
    assert_eq!(a.records, c.records);
    assert!(a.records.contains_key(&c_id) && !a.records.contains_key(&a_id));
    // c made the record that stands, and it alone opens the question
    let twins = |s: &Sim| {
        s.conflicts
            .iter()
            .filter(|k| matches!(k, Conflict::Twin { .. }))
            .map(|k| (k.key(), k.owner().to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(twins(&a), twins(&c));
    assert_eq!(twins(&a)[0].1, "cccccccc");
    // a later change of the set-aside record is dropped everywhere
    let mut changed = cell("A32", "+");
    changed["updated"] = json!("2026-01-02T00:00:00Z");
    a.local(a_id, a.records.get(&a_id).map(|_| changed));
    exchange(&mut a, &mut c);
    assert_eq!(a.records, c.records);
}
