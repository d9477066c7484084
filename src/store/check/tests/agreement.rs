//! The streaming check against the check it replaced (`reference`), on workspaces
//! damaged at random.

use super::*;

/// Damage a test can do to a workspace.
#[derive(Debug, Clone)]
enum Damage {
    DropEntry(usize),
    ChangeEntry(usize),
    ExtraEntry(u8, u64),
    Status(u64),
    Parent(u64, u64),
    DropRecord(usize),
    Unreadable(usize),
    WrongKey(usize),
    DropJournal(u64),
    GarbleJournal(u64),
    Counter(u64),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        any::<usize>().prop_map(Damage::DropEntry),
        any::<usize>().prop_map(Damage::ChangeEntry),
        (prop::sample::select(b"etrsphngabcxvfz".to_vec()), 1u64..12)
            .prop_map(|(p, n)| Damage::ExtraEntry(p, n)),
        (1u64..4).prop_map(Damage::Status),
        (1u64..4, 1u64..5).prop_map(|(q, p)| Damage::Parent(q, p)),
        any::<usize>().prop_map(Damage::DropRecord),
        any::<usize>().prop_map(Damage::Unreadable),
        any::<usize>().prop_map(Damage::WrongKey),
        (0u64..20).prop_map(Damage::DropJournal),
        (0u64..20).prop_map(Damage::GarbleJournal),
        (0u64..3).prop_map(Damage::Counter),
    ]
}

fn all_ids(s: &Store) -> Vec<Id> {
    Kind::ALL
        .into_iter()
        .flat_map(|k| s.records(k).filter_map(|r| r.ok()).map(|r| r.id()))
        .collect()
}

fn apply(s: &mut Store, d: &Damage) {
    let entries = index_entries(s);
    let ids = all_ids(s);
    match *d {
        Damage::DropEntry(i) if !entries.is_empty() => {
            let (k, _) = &entries[i % entries.len()];
            s.corrupt_index_for_test(k, None).unwrap();
        }
        Damage::ChangeEntry(i) if !entries.is_empty() => {
            let (k, v) = &entries[i % entries.len()];
            let mut v = v.clone();
            v.push(b'!');
            s.corrupt_index_for_test(k, Some(&v)).unwrap();
        }
        Damage::ExtraEntry(prefix, n) => {
            let k = index::key(&[&[prefix], &Id::new(Kind::Question, n).to_bytes()]);
            s.corrupt_index_for_test(&k, Some(b"")).unwrap();
        }
        Damage::Status(q) => {
            if let Ok(Some(Record::Question(mut r))) = s.get(Id::new(Kind::Question, q)) {
                r.status = Status::Dropped;
                s.put_raw_for_test(&Record::Question(r)).unwrap();
            }
        }
        Damage::Parent(q, p) => {
            if let Ok(Some(Record::Question(mut r))) = s.get(Id::new(Kind::Question, q)) {
                r.parent = Some(Id::new(Kind::Question, p));
                s.put_raw_for_test(&Record::Question(r)).unwrap();
            }
        }
        Damage::DropRecord(i) if !ids.is_empty() => {
            let id = ids[i % ids.len()];
            s.tree(id.kind).remove(id.num.to_be_bytes()).unwrap();
        }
        Damage::Unreadable(i) if !ids.is_empty() => {
            let id = ids[i % ids.len()];
            s.tree(id.kind)
                .insert(id.num.to_be_bytes(), b"{\"broken".as_slice())
                .unwrap();
        }
        Damage::WrongKey(i) if !ids.is_empty() => {
            let id = ids[i % ids.len()];
            let bytes = s.tree(id.kind).get(id.num.to_be_bytes()).unwrap().unwrap();
            s.tree(id.kind)
                .insert((id.num + 40).to_be_bytes(), bytes)
                .unwrap();
        }
        Damage::DropJournal(n) => {
            s.trees[JOURNAL].remove(n.to_be_bytes()).unwrap();
        }
        Damage::GarbleJournal(n) if s.trees[JOURNAL].contains_key(n.to_be_bytes()).unwrap() => {
            s.trees[JOURNAL]
                .insert(n.to_be_bytes(), b"[1]".as_slice())
                .unwrap();
        }
        Damage::Counter(which) => match which {
            0 => *s.state.counts.entry('N').or_default() += 1,
            1 => *s.state.sees.entry("warning".into()).or_default() += 1,
            _ => s.state.seq += 1,
        },
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever the damage, the streaming check reports what the check it replaced
    /// reported, line for line and in the same order, however small its batches.
    #[test]
    fn the_streaming_check_agrees_with_the_reference(
        damages in prop::collection::vec(damage(), 0..5),
        batch in prop::sample::select(vec![1u64, 3, 40, entries::BATCH]),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = workspace(dir.path());
        for d in &damages {
            apply(&mut s, d);
        }
        let want = lines(&reference(&s).unwrap());
        let (got, seen) = progress_of(&s, batch);
        prop_assert_eq!(&got, &want);
        assert_progress_grows_to_its_total(&seen);
    }
}

/// 400 questions, two in three the sub-question of the one before: the records pass cuts
/// them into ranges of about six, so parents fall both inside a range and across ranges.
fn question_chain(dir: &std::path::Path) -> Store {
    let mut s = fresh(dir);
    let mut prev = None;
    for i in 0..400 {
        let mut q = NewQuestion::new(&format!("question {i}"));
        if i % 3 != 0 {
            q.parent = prev;
        }
        prev = Some(s.add_question(q).unwrap().id);
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Parents rewritten behind the store's back (forward, backward, to missing
    /// questions, round in loops within and across ranges) and questions dropped: the
    /// check, whose two threads share the ranges, reports what the reference reports.
    #[test]
    fn parents_within_and_across_ranges_agree_with_the_reference(
        parents in prop::collection::vec((1u64..405, -3i64..8), 0..30),
        dropped in prop::collection::vec(1u64..405, 0..12),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let s = question_chain(dir.path());
        for (q, back) in parents {
            if let Ok(Some(Record::Question(mut r))) = s.get(Id::new(Kind::Question, q)) {
                // a parent a few before (often in the same range), itself, or after
                let p = q.saturating_add_signed(-back);
                r.parent = (p > 0).then(|| Id::new(Kind::Question, p));
                s.put_raw_for_test(&Record::Question(r)).unwrap();
            }
        }
        for q in dropped {
            s.tree(Kind::Question).remove(q.to_be_bytes()).unwrap();
        }
        let want = lines(&reference(&s).unwrap());
        prop_assert_eq!(check(&s), want);
    }
}
