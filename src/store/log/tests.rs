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
    }
}

fn write(dir: &Path, lines: &[Line]) -> Vec<u8> {
    let mut buf = Vec::new();
    for l in lines {
        l.encode(&mut buf);
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
fn lines_are_deterministic_and_mark_the_end_of_an_operation() {
    let lines = operation_lines(&[entry(0, 0, "N1"), entry(1, 0, "L1")]);
    let mut a = Vec::new();
    let mut b = Vec::new();
    lines.iter().for_each(|l| l.encode(&mut a));
    lines.iter().for_each(|l| l.encode(&mut b));
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
    assert!(rows[1].ends_with(r#""last":true}}"#), "{}", rows[1]);
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
    first.iter().for_each(|l| l.encode(&mut head));
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
    operation_lines(&[entry(0, 0, "N1")])
        .iter()
        .for_each(|l| l.encode(&mut buf));
    buf.extend_from_slice(b"{not json}\n");
    operation_lines(&[entry(1, 1, "N2")])
        .iter()
        .for_each(|l| l.encode(&mut buf));
    std::fs::write(dir.path().join(LOG_FILE), &buf).unwrap();
    let err = replay(&dir.path().join(LOG_FILE), 0, 0, |_, _| Ok(()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("damaged at line 2"), "{err}");
}

#[test]
fn an_import_block_replays_only_when_closed() {
    let dir = tempfile::tempdir().unwrap();
    let mut next = BTreeMap::new();
    next.insert('N', 8);
    let rec = Record::from_json(
        crate::model::Kind::Question,
        serde_json::json!({"id": "Q1", "created": "2024-03-04T10:00:00Z",
            "updated": "2024-03-04T10:00:00Z", "by": "ana", "title": "why",
            "status": "open", "priority": 2, "kind": "situation"}),
    )
    .unwrap();
    let lines = import_lines(std::slice::from_ref(&rec), &[entry(0, 0, "N1")], &next, 1);
    let full = write(dir.path(), &lines);
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
            journal,
            next: n,
            seq,
            ..
        } => {
            assert_eq!(records, &vec![rec]);
            assert_eq!(journal.len(), 1);
            assert_eq!(n.get(&'N'), Some(&8));
            assert_eq!(*seq, 1);
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
    assert_eq!(tail.torn_lines, 3);
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
