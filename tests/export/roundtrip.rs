//! The lossless round trip on generated workspaces, in the library and as real processes.

use super::*;

#[derive(Debug, Clone)]
enum Op {
    Question {
        title: String,
        priority: u8,
        kind: usize,
        parent: Option<usize>,
        tag: Option<String>,
    },
    Entity {
        name: String,
        kind: usize,
        alias: Option<String>,
    },
    Note {
        text: String,
        mention: Option<usize>,
        grade: Option<usize>,
        when: Option<usize>,
    },
    Hypothesis {
        q: usize,
        statement: String,
        likelihood: Option<usize>,
    },
    Link {
        from: usize,
        to: usize,
        label: String,
        source: Option<usize>,
    },
    Assess {
        h: usize,
        n: usize,
        c: usize,
    },
    Set {
        target: usize,
        which: usize,
        value: String,
    },
    Delete {
        target: usize,
    },
    Undo,
}

/// Short texts with the characters that trouble JSON, CSV and terminals.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 =+@'\",;\\\\\n\té中\u{1b}-]{1,14}"
}

fn op() -> impl Strategy<Value = Op> {
    let ix = || any::<usize>();
    prop_oneof![
        3 => (text(), 1u8..=4, 0usize..4, prop::option::of(ix()), prop::option::of("[a-z]{1,5}"))
            .prop_map(|(title, priority, kind, parent, tag)| Op::Question { title, priority, kind, parent, tag }),
        2 => (text(), 0usize..10, prop::option::of(text()))
            .prop_map(|(name, kind, alias)| Op::Entity { name, kind, alias }),
        3 => (text(), prop::option::of(ix()), prop::option::of(0usize..30), prop::option::of(0usize..4))
            .prop_map(|(text, mention, grade, when)| Op::Note { text, mention, grade, when }),
        2 => (ix(), text(), prop::option::of(0usize..7))
            .prop_map(|(q, statement, likelihood)| Op::Hypothesis { q, statement, likelihood }),
        2 => (ix(), ix(), "[a-z ]{1,10}", prop::option::of(ix()))
            .prop_map(|(from, to, label, source)| Op::Link { from, to, label, source }),
        1 => (ix(), ix(), 0usize..5).prop_map(|(h, n, c)| Op::Assess { h, n, c }),
        2 => (ix(), ix(), text()).prop_map(|(target, which, value)| Op::Set { target, which, value }),
        1 => ix().prop_map(|target| Op::Delete { target }),
        1 => Just(Op::Undo),
    ]
}

fn ids(store: &Store, kind: Option<Kind>) -> Vec<Id> {
    let kinds: Vec<Kind> = match kind {
        Some(k) => vec![k],
        None => Kind::ALL.to_vec(),
    };
    let mut out = Vec::new();
    for k in kinds {
        out.extend(store.records(k).map(|r| r.unwrap().id()));
    }
    out
}

fn pick(store: &Store, kind: Option<Kind>, i: usize) -> Option<Id> {
    let all = ids(store, kind);
    (!all.is_empty()).then(|| all[i % all.len()])
}

/// Applies one operation; operations the store refuses are simply skipped.
fn apply(store: &mut Store, op: &Op) {
    let grades = [
        "A1P", "A2P", "B2P", "B3C", "C3P", "C5C", "A4C", "B1P", "C2C", "A5P",
    ];
    let whens = ["2024", "~2024-03", "2024-03-04 14:30", "2024-01..2024-02"];
    let _ = match op.clone() {
        Op::Question {
            title,
            priority,
            kind,
            parent,
            tag,
        } => {
            let mut q = NewQuestion::new(&title);
            q.priority = priority;
            q.kind = Sees::ALL[kind];
            q.parent = parent.and_then(|p| pick(store, Some(Kind::Question), p));
            q.tags = tag.into_iter().collect();
            store.add_question(q).map(|_| ())
        }
        Op::Entity { name, kind, alias } => store
            .add_entity(NewEntity {
                name,
                kind: EntityKind::ALL[kind],
                aliases: alias.into_iter().collect(),
                attributes: [("k".to_string(), "v=1".to_string())].into(),
                tags: vec![],
            })
            .map(|_| ()),
        Op::Note {
            mut text,
            mention,
            grade,
            when,
        } => {
            if let Some(e) = mention.and_then(|m| pick(store, Some(Kind::Entity), m)) {
                text.push_str(&format!(" seen with {e}"));
            }
            store
                .add_note(NewNote {
                    text,
                    source: "CHIS 1".into(),
                    grade: grade
                        .and_then(|g| grades.get(g))
                        .map(|g| g.parse().unwrap()),
                    when: when.map(|w| whens[w].parse().unwrap()),
                    tags: vec![],
                })
                .map(|_| ())
        }
        Op::Hypothesis {
            q,
            statement,
            likelihood,
        } => match pick(store, Some(Kind::Question), q) {
            Some(q) => store
                .add_hypothesis(
                    q,
                    &statement,
                    likelihood.map(|l| weft::model::yardstick::ALL[l]),
                )
                .map(|_| ()),
            None => Ok(()),
        },
        Op::Link {
            from,
            to,
            label,
            source,
        } => match (pick(store, None, from), pick(store, None, to)) {
            (Some(from), Some(to)) => store
                .link(NewLink {
                    from,
                    to,
                    label,
                    confidence: Some(Yardstick::Likely),
                    source: source.and_then(|s| pick(store, Some(Kind::Note), s)),
                    when: None,
                })
                .map(|_| ()),
            _ => Ok(()),
        },
        Op::Assess { h, n, c } => match (
            pick(store, Some(Kind::Hypothesis), h),
            pick(store, Some(Kind::Note), n),
        ) {
            (Some(h), Some(n)) => store.assess(h, n, Consistency::ALL[c]).map(|_| ()),
            _ => Ok(()),
        },
        Op::Set {
            target,
            which,
            value,
        } => {
            let Some(t) = pick(store, None, target) else {
                return;
            };
            let s = |k: &str, v: &str| (k.to_string(), v.to_string());
            let options: Vec<Vec<(String, String)>> = match t.kind {
                Kind::Question => vec![
                    vec![s("status", "parked")],
                    vec![
                        s("answer", &value),
                        s("status", "answered"),
                        s("confidence", "hl"),
                    ],
                    vec![s("priority", "3")],
                    vec![s("title", &value)],
                    vec![s("tags", "x,y")],
                    vec![s("review_by", "2025-01-31")],
                ],
                Kind::Hypothesis => {
                    vec![vec![s("likelihood", "hl")], vec![s("status", "rejected")]]
                }
                Kind::Entity => vec![vec![s("aliases", &value)], vec![s("attr.role", &value)]],
                Kind::Note => vec![
                    vec![s("text", &value)],
                    vec![s("grade", "C3C")],
                    vec![s("when", "~2024-03")],
                ],
                Kind::Link => vec![vec![s("label", &value)], vec![s("confidence", "rp")]],
                Kind::Assessment => vec![vec![s("consistency", "--")]],
                Kind::Expectation => vec![
                    vec![s("text", &value)],
                    vec![
                        s("status", "absent"),
                        s("where", "PNC"),
                        s("checked", "2024-06-01"),
                    ],
                ],
                Kind::Dismissal => return,
            };
            store
                .set_fields(t, &options[which % options.len()])
                .map(|_| ())
        }
        Op::Delete { target } => match pick(store, None, target) {
            Some(t) => store.delete(t).map(|_| ()),
            None => Ok(()),
        },
        Op::Undo => store.undo().map(|_| ()),
    };
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn export_import_export_is_byte_identical(ops in prop::collection::vec(op(), 1..40)) {
        let tmp = tempfile::tempdir().unwrap();
        let mut a = open(&tmp.path().join("a"));
        for (i, op) in ops.iter().enumerate() {
            a.set_clock(Some(at(i as i64)));
            apply(&mut a, op);
        }
        prop_assert!(a.check().unwrap().is_empty());
        let first = dump(&a);
        let parsed = export::parse_workspace(&first).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut b = open(&tmp.path().join("b"));
        b.import_workspace(&parsed).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let problems = b.check().unwrap();
        prop_assert!(problems.is_empty(), "{:?}", problems);
        prop_assert_eq!(a.state().next.clone(), b.state().next.clone());
        prop_assert_eq!(a.state().seq, b.state().seq);
        let second = dump(&b);
        prop_assert!(first == second, "exports differ:\n{}\n---\n{}",
            String::from_utf8_lossy(&first), String::from_utf8_lossy(&second));
        // numbers are never reused: the next question in B gets A's next number
        let next_a = a.state().next.get(&'Q').copied().unwrap_or(1);
        let q = b.add_question(NewQuestion::new("after import")).unwrap().id;
        prop_assert_eq!(q.num, next_a);
    }
}

#[test]
fn demo_round_trip_in_the_library_restores_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let mut a = open(&tmp.path().join("a"));
    weft::demo::load(&mut a, weft::demo::KESTREL).unwrap();
    a.set_clock(Some(at(0)));
    a.delete(id("Q32")).unwrap();
    a.undo().unwrap();
    let first = dump(&a);
    let mut b = open(&tmp.path().join("b"));
    b.import_workspace(&export::parse_workspace(&first).unwrap())
        .unwrap();
    assert!(b.check().unwrap().is_empty());
    assert_eq!(dump(&b), first);
    for kind in Kind::ALL {
        let ra: Vec<Record> = a.records(kind).map(Result::unwrap).collect();
        let rb: Vec<Record> = b.records(kind).map(Result::unwrap).collect();
        assert_eq!(ra, rb, "{kind}");
    }
    let la: Vec<_> = a.log_forward().map(Result::unwrap).collect();
    let lb: Vec<_> = b.log_forward().map(Result::unwrap).collect();
    assert_eq!(la, lb);
    // the journal came across whole: undo in B does exactly what undo in A does
    a.set_clock(Some(at(5)));
    b.set_clock(Some(at(5)));
    let (ua, ub) = (a.undo().unwrap(), b.undo().unwrap());
    assert!(ua.is_some());
    assert_eq!(ua, ub);
    assert_eq!(dump(&a), dump(&b));
}

#[test]
fn import_refuses_a_workspace_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let mut a = open(&tmp.path().join("a"));
    a.add_question(NewQuestion::new("already here")).unwrap();
    let before = dump(&a);
    let d = export::parse_workspace(&std::fs::read(fixture("valid.json")).unwrap()).unwrap();
    let e = a.import_workspace(&d).unwrap_err();
    assert!(matches!(e, weft::store::StoreError::NotEmpty(_)), "{e}");
    assert!(e.to_string().contains("is not empty"), "{e}");
    assert_eq!(dump(&a), before);
}

#[test]
fn demo_round_trip_as_real_processes() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    {
        let mut store = open(&a);
        weft::demo::load(&mut store, weft::demo::KESTREL).unwrap();
    }
    let a_json = tmp.path().join("a.json");
    let b_json = tmp.path().join("b.json");
    let b = tmp.path().join("b");
    weft()
        .arg("--workspace")
        .arg(&a)
        .args(["export", "workspace", "-o"])
        .arg(&a_json)
        .assert()
        .success();
    weft()
        .arg("--workspace")
        .arg(&b)
        .arg("import")
        .arg(&a_json)
        .assert()
        .success()
        .stderr(predicates::str::contains("imported"));
    weft()
        .args(["export", "workspace", "-o"])
        .arg(&b_json)
        .arg("--workspace")
        .arg(&b)
        .assert()
        .success();
    let (x, y) = (
        std::fs::read(&a_json).unwrap(),
        std::fs::read(&b_json).unwrap(),
    );
    assert!(x == y, "the two exports differ");
    weft()
        .arg("--workspace")
        .arg(&b)
        .arg("check")
        .assert()
        .success()
        .stdout(predicates::str::starts_with("ok: "));
    // the import's log holds each record once: an entry whose after value is the record
    // as imported points at the record's line instead of repeating it
    let log = std::fs::read_to_string(b.join("journal.log")).unwrap();
    let records: Vec<&str> = log
        .lines()
        .filter_map(|l| l.strip_prefix("{\"record\":")?.strip_suffix('}'))
        .collect();
    assert!(records.len() > 50, "{} record lines", records.len());
    for r in &records {
        assert_eq!(log.matches(r).count(), 1, "held twice: {r}");
    }
    assert!(log.lines().filter(|l| l.starts_with("{\"made\":")).count() > 50);
    // and a rebuild from that log alone restores the same workspace
    let c = tmp.path().join("c");
    weft()
        .arg("--workspace")
        .arg(&b)
        .args(["recover", "--to"])
        .arg(&c)
        .assert()
        .success();
    let c_json = tmp.path().join("c.json");
    weft()
        .arg("--workspace")
        .arg(&c)
        .args(["export", "workspace", "-o"])
        .arg(&c_json)
        .assert()
        .success();
    assert!(
        std::fs::read(&c_json).unwrap() == x,
        "the recovered export differs"
    );
    assert_eq!(mode(&a_json), 0o600);
    assert_eq!(mode(&b_json), 0o600);
    // a second import into the now full workspace is refused, naming it
    weft()
        .arg("--workspace")
        .arg(&b)
        .arg("import")
        .arg(&a_json)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(format!(
            "workspace {} is not empty: import needs an empty workspace",
            b.display()
        )));
}
