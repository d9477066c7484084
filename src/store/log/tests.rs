use super::*;
use crate::model::Id;
use chrono::TimeZone;

fn entry(seq: u64, group: u64, id: &str) -> JournalEntry {
    JournalEntry {
        seq,
        group,
        time: chrono::Utc.with_ymd_and_hms(2024, 3, 4, 10, 0, 0).unwrap(),
        user: "ana".into(),
        op: "add note".into(),
        id: id.parse::<Id>().unwrap(),
        before: None,
        after: Some(serde_json::json!({"id": id})),
        undoes: None,
        from: None,
    }
}

/// The chain every test log starts with: one writer, from the log's first line.
fn chain() -> Chain {
    Chain::start("ab12cd34".into())
}

/// The contents of `lines` framed afresh, in order, as a log of their own (a test that
/// changes a line's content reframes the log, so only what it meant to break breaks).
fn reframed<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<u8> {
    let mut c = chain();
    let mut out = Vec::new();
    for l in lines {
        let content = frame::content_of(l.as_bytes());
        let start = frame::is_import_start(&content);
        c.frame(
            &content,
            start.then_some(IMPORT_START_WIDTH),
            !start,
            &mut out,
        );
    }
    out
}

fn write(dir: &Path, lines: &[Line]) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut c = chain();
    for l in lines {
        l.encode(&mut c, &mut buf);
    }
    std::fs::write(dir.join(LOG_FILE), &buf).unwrap();
    buf
}

fn groups(dir: &Path, offset: u64, seq: u64) -> (Vec<u64>, Tail) {
    let mut seen = Vec::new();
    let tail = replay(&dir.join(LOG_FILE), offset, seq, |op, _| {
        seen.push(op.end_seq());
        Ok(())
    })
    .unwrap();
    (seen, tail)
}

#[test]
fn an_operation_encoded_in_place_is_its_lines_byte_for_byte() {
    let mut from = entry(1, 0, "L1");
    from.before = Some(serde_json::json!({"id": "L1", "label": "calls"}));
    from.from = Some(crate::store::shared::Origin {
        w: "a1b2c3d4".into(),
        n: 7,
    });
    from.undoes = Some(0);
    for entries in [
        vec![entry(0, 0, "N1")],
        vec![entry(0, 0, "N1"), from, entry(2, 0, "N2")],
    ] {
        let mut lines = chain();
        let (expected, at) = encode_lines(&operation_lines(&entries), 40, &mut lines);
        let mut in_place = chain();
        let (got, got_at) = encode_operation(&entries, 40, &mut in_place);
        assert_eq!(
            String::from_utf8(got).unwrap(),
            String::from_utf8(expected).unwrap()
        );
        assert_eq!(got_at, at);
        assert_eq!((in_place.n, in_place.prev), (lines.n, lines.prev));
    }
}

#[test]
fn lines_are_deterministic_and_mark_the_end_of_an_operation() {
    let lines = operation_lines(&[entry(0, 0, "N1"), entry(1, 0, "L1")]);
    let mut a = Vec::new();
    let mut b = Vec::new();
    lines.iter().for_each(|l| l.encode(&mut chain(), &mut a));
    lines.iter().for_each(|l| l.encode(&mut chain(), &mut b));
    assert_eq!(a, b);
    let text = String::from_utf8(a).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 2);
    assert!(
        rows[0].starts_with(r#"{"entry":{"seq":0,"group":0,"#),
        "{}",
        rows[0]
    );
    assert!(!rows[0].contains("\"last\""));
    let content = frame::content_of(rows[1].as_bytes());
    assert!(content.ends_with(br#""last":true}}"#), "{}", rows[1]);
    assert!(rows[1].contains(r#","w":"ab12cd34","n":0,"prev":"0000000000000000","sum":""#));
}

#[test]
fn replay_yields_whole_operations_and_drops_a_torn_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = operation_lines(&[entry(0, 0, "N1")]);
    lines.extend(operation_lines(&[entry(1, 1, "N2"), entry(2, 1, "L1")]));
    let full = write(dir.path(), &lines);
    let (seen, tail) = groups(dir.path(), 0, 0);
    assert_eq!(seen, vec![1, 3]);
    assert_eq!(tail.clean_len, full.len() as u64);
    assert_eq!(tail.torn_lines, 0);

    // The second operation lost its last line: it was never acknowledged.
    let cut = full.iter().rposition(|&b| b == b'{').unwrap();
    let mut torn = full[..cut].to_vec();
    torn.extend_from_slice(br#"{"entry":{"seq":2,"gro"#);
    std::fs::write(dir.path().join(LOG_FILE), &torn).unwrap();
    let (seen, tail) = groups(dir.path(), 0, 0);
    assert_eq!(seen, vec![1]);
    assert_eq!(tail.seq, 1);
    assert_eq!(tail.torn_lines, 2);
    assert!(tail.clean_len < cut as u64);
}

#[test]
fn replay_starts_at_an_offset_and_checks_the_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let first = operation_lines(&[entry(0, 0, "N1")]);
    let mut lines = first.clone();
    lines.extend(operation_lines(&[entry(1, 1, "N2")]));
    write(dir.path(), &lines);
    let mut head = Vec::new();
    let mut c = chain();
    first.iter().for_each(|l| l.encode(&mut c, &mut head));
    let (seen, tail) = groups(dir.path(), head.len() as u64, 1);
    assert_eq!(seen, vec![2]);
    assert_eq!(tail.seq, 2);
    let err = replay(&dir.path().join(LOG_FILE), head.len() as u64, 5, |_, _| {
        Ok(())
    })
    .unwrap_err()
    .to_string();
    assert!(err.contains("entry 1 where 5 was expected"), "{err}");
}

#[test]
fn damage_followed_by_good_lines_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut buf = Vec::new();
    let mut c = chain();
    operation_lines(&[entry(0, 0, "N1")])
        .iter()
        .for_each(|l| l.encode(&mut c, &mut buf));
    buf.extend_from_slice(b"{not json}\n");
    operation_lines(&[entry(1, 1, "N2")])
        .iter()
        .for_each(|l| l.encode(&mut c, &mut buf));
    std::fs::write(dir.path().join(LOG_FILE), &buf).unwrap();
    let err = replay(&dir.path().join(LOG_FILE), 0, 0, |_, _| Ok(()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("damaged at line 2"), "{err}");
}

fn question() -> Record {
    Record::from_json(
        crate::model::Kind::Question,
        serde_json::json!({"id": "Q1", "created": "2024-03-04T10:00:00Z",
            "updated": "2024-03-04T10:00:00Z", "by": "ana", "title": "why",
            "status": "open", "priority": 2, "kind": "situation"}),
    )
    .unwrap()
}

/// An import block of Q1 with a journal that creates it (entry 1, `after` the record as
/// the block holds it) after an entry about N1, and the bytes written.
fn import_block(dir: &Path) -> (Record, Vec<JournalEntry>, Vec<u8>, Vec<u64>) {
    let mut next = BTreeMap::new();
    next.insert('N', 8);
    let rec = question();
    let mut made = entry(1, 1, "Q1");
    made.after = Some(rec.to_json());
    let journal = vec![entry(0, 0, "N1"), made];
    let (buf, starts) = encode_import(
        std::slice::from_ref(&rec),
        &journal,
        &next,
        2,
        0,
        &mut chain(),
    )
    .unwrap();
    std::fs::write(dir.join(LOG_FILE), &buf).unwrap();
    (rec, journal, buf, starts)
}

#[test]
fn an_import_block_replays_only_when_closed() {
    let dir = tempfile::tempdir().unwrap();
    let (rec, journal, full, starts) = import_block(dir.path());
    let mut ops = Vec::new();
    replay(&dir.path().join(LOG_FILE), 0, 0, |op, _| {
        ops.push(op);
        Ok(())
    })
    .unwrap();
    assert_eq!(ops.len(), 1);
    match &ops[0] {
        Op::Import {
            records,
            journal: read,
            journal_at,
            next: n,
            seq,
        } => {
            assert_eq!(records, &vec![rec]);
            assert_eq!(read, &journal);
            assert_eq!(journal_at, &starts);
            assert_eq!(n.get(&'N'), Some(&8));
            assert_eq!(*seq, 2);
        }
        other => panic!("{other:?}"),
    }
    // Without its closing line the import never happened.
    let last_start = full[..full.len() - 1]
        .iter()
        .rposition(|&b| b == b'\n')
        .unwrap()
        + 1;
    std::fs::write(dir.path().join(LOG_FILE), &full[..last_start]).unwrap();
    let (seen, tail) = groups(dir.path(), 0, 0);
    assert!(seen.is_empty());
    assert_eq!(tail.clean_len, 0);
    assert_eq!(tail.torn_lines, 4);
}

#[test]
fn an_entry_that_made_an_imported_record_points_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let (rec, journal, full, starts) = import_block(dir.path());
    let text = String::from_utf8(full.clone()).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    // the first line, the record, the entry about N1 in full, the one that made Q1
    assert_eq!(rows.len(), 5, "{text}");
    assert!(
        rows[1].starts_with(r#"{"record":{"id":"Q1""#),
        "{}",
        rows[1]
    );
    assert!(rows[2].starts_with(r#"{"entry":{"seq":0,"#), "{}", rows[2]);
    let record_at = rows[0].len() + 1;
    assert!(rows[3].starts_with(r#"{"made":{"seq":1,"#), "{}", rows[3]);
    assert!(
        frame::content_of(rows[3].as_bytes())
            .ends_with(format!(r#""after":null,"record":{record_at}}}}}"#).as_bytes()),
        "{}",
        rows[3]
    );
    assert_eq!(rows[3].matches("\"title\"").count(), 0, "{}", rows[3]);
    // read by its place, it is the entry given
    let log = Log::open_read(&dir.path().join(LOG_FILE)).unwrap();
    for (e, &at) in journal.iter().zip(&starts) {
        assert_eq!(&log.entry_at(at).unwrap(), e);
    }
    assert_eq!(
        entry_offsets(&dir.path().join(LOG_FILE), 2).unwrap().all(),
        starts.iter().copied().map(Some).collect::<Vec<_>>()
    );
    assert_eq!(journal[1].after, Some(rec.to_json()));
}

#[test]
fn an_entry_not_equal_to_its_record_is_kept_whole() {
    let rec = question();
    let mut older = entry(0, 0, "Q1");
    older.after = Some(serde_json::json!({"id": "Q1", "title": "an earlier title"}));
    // equal as values, but in other bytes (another key order): kept whole too
    let mut reordered = entry(1, 1, "Q1");
    let mut v = rec.to_json();
    let title = v.as_object_mut().unwrap().remove("title").unwrap();
    let mut first = serde_json::Map::new();
    first.insert("title".into(), title);
    first.extend(v.as_object().unwrap().clone());
    reordered.after = Some(serde_json::Value::Object(first));
    let (buf, _) = encode_import(
        std::slice::from_ref(&rec),
        &[older, reordered],
        &BTreeMap::new(),
        2,
        0,
        &mut chain(),
    )
    .unwrap();
    let text = String::from_utf8(buf).unwrap();
    assert!(!text.contains("\"made\""), "{text}");
    assert_eq!(text.matches("\"entry\"").count(), 2, "{text}");
}

#[test]
fn a_made_line_pointing_astray_is_damage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(LOG_FILE);
    let (_, _, full, starts) = import_block(dir.path());
    let text = String::from_utf8(full).unwrap();
    let record_at = text.find("\n").unwrap() + 1;
    // pointing at the first line (not a record), and outside any import
    let astray = text.replacen(&format!(r#""record":{record_at}}}"#), r#""record":0}"#, 1);
    let astray = String::from_utf8(reframed(astray.lines())).unwrap();
    std::fs::write(&path, &astray).unwrap();
    let err = replay(&path, 0, 0, |_, _| Ok(())).unwrap_err().to_string();
    assert!(err.contains("damaged at line 4"), "{err}");
    assert!(err.contains("no record line"), "{err}");
    let log = Log::open_read(&path).unwrap();
    let err = log.entry_at(starts[1]).unwrap_err().to_string();
    assert!(err.contains("points at no record line"), "{err}");
    std::fs::write(&path, reframed(astray.lines().skip(3).take(1))).unwrap();
    let err = replay(&path, 0, 0, |_, _| Ok(())).unwrap_err().to_string();
    assert!(err.contains("outside an import"), "{err}");
}

#[test]
fn entry_offsets_find_each_line_and_never_outgrow_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = operation_lines(&[entry(0, 0, "N1"), entry(1, 0, "L1")]);
    lines.extend(operation_lines(&[entry(2, 2, "N2")]));
    let buf = write(dir.path(), &lines);
    let path = dir.path().join(LOG_FILE);
    let found = entry_offsets(&path, 3).unwrap();
    let starts: Vec<u64> = std::iter::once(0)
        .chain(
            buf.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i as u64 + 1),
        )
        .take(3)
        .collect();
    assert_eq!(
        found.all(),
        starts.into_iter().map(Some).collect::<Vec<_>>()
    );
    // a damaged counter asks for more entries than the log could hold: the same table,
    // at once, instead of an allocation the size of the counter
    assert_eq!(entry_offsets(&path, u64::MAX).unwrap(), found);
    // a counter short of the log leaves the later lines out
    assert_eq!(
        entry_offsets(&path, 2).unwrap().all(),
        found.all()[..2].to_vec()
    );
    assert_eq!(found.get(3), None);
    assert!(entry_offsets(&dir.path().join("none"), u64::MAX)
        .unwrap()
        .all()
        .is_empty());
}

#[test]
fn a_record_line_is_the_line_its_json_value_gives() {
    for rec in crate::export::workspace::sample_records() {
        let mut fast = Vec::new();
        record_line(&rec.to_bytes(), &mut chain(), &mut fast);
        let (slow, _) = encode_lines(&[Line::Record(rec.to_json())], 0, &mut chain());
        assert_eq!(
            String::from_utf8(fast).unwrap(),
            String::from_utf8(slow).unwrap()
        );
    }
}

mod blocks {
    use super::*;
    use proptest::prelude::*;

    /// What an imported entry's after value is: the record as the block holds it,
    /// another value of the same id, or none (a deletion).
    #[derive(Debug, Clone, Copy)]
    enum After {
        Record,
        Other,
        Deleted,
    }

    fn after() -> impl Strategy<Value = After> {
        prop_oneof![
            Just(After::Record),
            Just(After::Other),
            Just(After::Deleted)
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// However an import's journal relates to its records, the block reads back as
        /// it was given: replayed whole, and entry by entry where the journal tree says.
        #[test]
        fn an_import_block_reads_back_as_given(
            journal in prop::collection::vec((0usize..8, after()), 0..24),
            held in prop::collection::vec(any::<bool>(), 8),
            base in 0u64..3,
        ) {
            let pool = crate::export::workspace::sample_records();
            let records: Vec<Record> = pool
                .iter()
                .zip(&held)
                .filter(|(_, h)| **h)
                .map(|(r, _)| r.clone())
                .collect();
            let journal: Vec<JournalEntry> = journal
                .iter()
                .enumerate()
                .map(|(seq, &(i, after))| {
                    let rec = &pool[i];
                    let mut e = entry(seq as u64, seq as u64, &rec.id().to_string());
                    e.after = match after {
                        After::Record => Some(rec.to_json()),
                        After::Other => Some(serde_json::json!({"id": rec.id().to_string()})),
                        After::Deleted => None,
                    };
                    e
                })
                .collect();
            // a log that already holds an operation, or none
            let mut log = Vec::new();
            let mut c = chain();
            let earlier: Vec<JournalEntry> = (0..base).map(|s| entry(s, 0, "N1")).collect();
            operation_lines(&earlier).iter().for_each(|l| l.encode(&mut c, &mut log));
            let journal: Vec<JournalEntry> = journal
                .into_iter()
                .map(|mut e| {
                    e.seq += base;
                    e.group += base;
                    e
                })
                .collect();
            let from = log.len() as u64;
            let (block, starts) =
                encode_import(&records, &journal, &BTreeMap::new(), base + journal.len() as u64, from, &mut c)
                    .unwrap();
            log.extend_from_slice(&block);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(LOG_FILE);
            std::fs::write(&path, &log).unwrap();

            let mut ops = Vec::new();
            replay(&path, from, base, |op, _| {
                ops.push(op);
                Ok(())
            })
            .unwrap();
            prop_assert_eq!(ops.len(), 1);
            let Op::Import { records: r, journal: j, journal_at, .. } = &ops[0] else {
                panic!("{:?}", ops[0]);
            };
            prop_assert_eq!(r, &records);
            prop_assert_eq!(j, &journal);
            prop_assert_eq!(journal_at, &starts);
            let read = Log::open_read(&path).unwrap();
            for (e, &at) in journal.iter().zip(&starts) {
                prop_assert_eq!(&read.entry_at(at).unwrap(), e);
            }
            let offsets = entry_offsets(&path, base + journal.len() as u64).unwrap().all();
            prop_assert_eq!(&offsets[base as usize..], &starts.iter().copied().map(Some).collect::<Vec<_>>()[..]);
            // each held record's bytes are in the log once, whatever points at them
            let text = String::from_utf8(log).unwrap();
            for rec in &records {
                let bytes = String::from_utf8(rec.to_bytes()).unwrap();
                prop_assert_eq!(text.matches(&bytes).count(), 1);
            }
        }
    }
}

/// A log begun before lines were framed (schema 5 and older) keeps its lines as they
/// are; the first line appended now names their hash, and the whole reads and verifies.
#[test]
fn a_log_from_before_frames_is_continued_with_a_chain_anchored_in_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(LOG_FILE);
    let mut legacy = Vec::new();
    for l in operation_lines(&[entry(0, 0, "N1")]) {
        serde_json::to_writer(&mut legacy, &l).unwrap();
        legacy.push(b'\n');
    }
    std::fs::write(&path, &legacy).unwrap();
    let mut log = Log::open(dir.path()).unwrap();
    log.append(&operation_lines(&[entry(1, 1, "N2")])).unwrap();
    let (seen, tail) = groups(dir.path(), 0, 0);
    assert_eq!(seen, vec![1, 2]);
    assert_eq!(tail.clean_len, log.size().unwrap());
    let read = verify::verify(&path, true).unwrap();
    assert_eq!(read.damage, None);
    assert_eq!(read.entries, 2);
    // the old lines are covered too: one changed byte in them breaks the chain
    let mut bytes = std::fs::read(&path).unwrap();
    let at = legacy.len() / 2;
    bytes[at] = if bytes[at] == b'a' { b'b' } else { b'a' };
    std::fs::write(&path, &bytes).unwrap();
    let read = verify::verify(&path, false).unwrap();
    let damage = read.damage.expect("the change is found");
    assert!(damage.why.contains("chain") || damage.line == 1, "{damage}");
}

/// Replaying a log into one sum over its records gives the sum of the records it leaves,
/// whatever was changed and deleted on the way.
#[test]
fn the_replayed_sum_is_the_sum_of_the_records_left() {
    let dir = tempfile::tempdir().unwrap();
    let mut n1 = entry(0, 0, "N1");
    n1.after = Some(serde_json::json!({"id": "N1", "text": "a"}));
    let mut n2 = entry(1, 1, "N2");
    n2.after = Some(serde_json::json!({"id": "N2", "text": "b"}));
    let mut change = entry(2, 2, "N1");
    change.before = n1.after.clone();
    change.after = Some(serde_json::json!({"id": "N1", "text": "c"}));
    let mut delete = entry(3, 3, "N2");
    delete.before = n2.after.clone();
    delete.after = None;
    let mut lines = Vec::new();
    for e in [n1, n2, change, delete] {
        lines.extend(operation_lines(&[e]));
    }
    write(dir.path(), &lines);
    let read = verify::verify(&dir.path().join(LOG_FILE), true).unwrap();
    assert_eq!(read.damage, None);
    let left = serde_json::to_vec(&serde_json::json!({"id": "N1", "text": "c"})).unwrap();
    assert_eq!(read.values, Some(verify::value_hash("N1", &left)));
}

/// What a recovery builds from: each record's newest value (an import's record line, then
/// the entries after it), deletions as none, every entry's line, the import's counters;
/// nothing of an operation that never finished.
#[test]
fn places_keep_each_records_newest_acknowledged_value() {
    use verify::Latest;
    let dir = tempfile::tempdir().unwrap();
    let mut next = BTreeMap::new();
    next.insert('N', 8);
    let rec = question();
    let mut made = entry(1, 1, "Q1");
    made.after = Some(rec.to_json());
    let mut c = chain();
    let (mut buf, _) = encode_import(
        std::slice::from_ref(&rec),
        &[entry(0, 0, "N1"), made],
        &next,
        2,
        0,
        &mut c,
    )
    .unwrap();
    let mut changed = entry(3, 3, "Q1");
    changed.before = Some(rec.to_json());
    changed.after = Some(rec.to_json());
    let mut gone = entry(4, 4, "N3");
    gone.before = Some(serde_json::json!({"id": "N3"}));
    gone.after = None;
    let mut lines = operation_lines(&[entry(2, 2, "N3")]);
    lines.extend(operation_lines(&[changed]));
    lines.extend(operation_lines(&[gone]));
    lines.extend(operation_lines(&[entry(5, 5, "N4")]));
    // an operation whose last line was never written
    lines.push(operation_lines(&[entry(6, 6, "N5"), entry(7, 6, "L1")])[0].clone());
    for l in &lines {
        l.encode(&mut c, &mut buf);
    }
    std::fs::write(dir.path().join(LOG_FILE), &buf).unwrap();
    // where each line starts: the import's five, then one per entry
    let starts: Vec<u64> = std::iter::once(0)
        .chain(
            buf.iter()
                .enumerate()
                .filter(|(_, &b)| b == b'\n')
                .map(|(i, _)| i as u64 + 1),
        )
        .collect();

    let mut places = verify::Places::default();
    let read = verify::verify_with(&dir.path().join(LOG_FILE), false, Some(&mut places)).unwrap();
    assert_eq!(read.damage, None);
    assert_eq!(read.torn_lines, 1);
    assert_eq!(read.clean_len, starts[9]);
    let latest: Vec<(String, Option<Latest>)> =
        places.latest().map(|(id, l)| (id.to_string(), l)).collect();
    assert_eq!(
        latest,
        vec![
            ("Q1".to_string(), Some(Latest::Entry(starts[6]))),
            ("N3".to_string(), None),
            ("N4".to_string(), Some(Latest::Entry(starts[8]))),
        ]
    );
    let entries: Vec<u64> = [2, 3, 5, 6, 7, 8].iter().map(|&i| starts[i]).collect();
    assert_eq!(places.entries, entries);
    assert_eq!(places.next.get(&'N'), Some(&8));
}
