//! Merging two entities in the store: links, mentions, aliases, attributes and tags move
//! to the survivor in one journaled operation that undo reverts whole.

use std::collections::BTreeMap;
use weft::model::{Entity, EntityKind, Id, Record};
use weft::store::{NewEntity, NewLink, NewNote, OpenOptions, Store};

fn open(dir: &std::path::Path) -> Store {
    Store::open(
        dir,
        &OpenOptions {
            create: true,
            ..OpenOptions::default()
        },
    )
    .expect("open")
}

fn entity(s: &mut Store, name: &str, aliases: &[&str], attrs: &[(&str, &str)]) -> Id {
    s.add_entity(NewEntity {
        name: name.into(),
        kind: EntityKind::Person,
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        attributes: attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        tags: vec![],
    })
    .unwrap()
    .id
}

fn note(s: &mut Store, text: &str) -> Id {
    s.add_note(NewNote {
        text: text.into(),
        ..NewNote::default()
    })
    .unwrap()
    .id
}

fn link(s: &mut Store, from: Id, to: Id, label: &str) -> Id {
    s.link(NewLink {
        from,
        to,
        label: label.into(),
        confidence: None,
        source: None,
        when: None,
    })
    .unwrap()
    .id
}

fn get_entity(s: &Store, id: Id) -> Entity {
    match s.get(id).unwrap() {
        Some(Record::Entity(e)) => e,
        other => panic!("{id}: {other:?}"),
    }
}

/// Every link touching `id` as (label, direction arrow, other end), sorted.
fn links_of(s: &Store, id: Id) -> Vec<(String, &'static str, Id)> {
    let mut v: Vec<_> = s
        .neighbours(id)
        .unwrap()
        .into_iter()
        .map(|n| (n.link.label, n.dir.arrow(), n.other))
        .collect();
    v.sort();
    v
}

/// Everything a workspace holds, for before/after comparisons.
fn snapshot(s: &Store) -> Vec<Record> {
    weft::model::Kind::ALL
        .iter()
        .flat_map(|k| s.records(*k).map(|r| r.unwrap()).collect::<Vec<_>>())
        .collect()
}

struct Case {
    _dir: tempfile::TempDir,
    s: Store,
    marsh: Id,
    daz: Id,
    kyle: Id,
    van: Id,
    n_daz: Id,
    n_both: Id,
}

/// Darren Marsh (E1) and "Daz" (E2) are the same man; Kyle (E3) and a van (E4) are
/// linked to both.
fn case() -> Case {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let marsh = entity(
        &mut s,
        "Darren Marsh",
        &["DM"],
        &[("dob", "1988-02-14"), ("phone", "07700 900001")],
    );
    let daz = entity(
        &mut s,
        "Daz",
        &["Dazza", "dm"],
        &[("phone", "07700 900999"), ("height", "6ft")],
    );
    let kyle = entity(&mut s, "Kyle Renshaw", &[], &[]);
    let van = s
        .add_entity(NewEntity {
            name: "White Transit".into(),
            kind: EntityKind::Vehicle,
            aliases: vec![],
            attributes: Default::default(),
            tags: vec![],
        })
        .unwrap()
        .id;
    s.set_fields(marsh, &[("tags".into(), "kestrel".into())])
        .unwrap();
    s.set_fields(daz, &[("tags".into(), "kestrel, nominal".into())])
        .unwrap();
    link(&mut s, kyle, marsh, "associate of");
    link(&mut s, kyle, daz, "associate of"); // duplicate after the merge
    link(&mut s, daz, van, "uses"); // moves
    link(&mut s, daz, marsh, "associate of"); // would become a self-link
    let n_daz = note(&mut s, "[[Dazza]] seen at the yard");
    let n_both = note(&mut s, "[[Darren Marsh]] and [[Daz]] together");
    Case {
        _dir: dir,
        s,
        marsh,
        daz,
        kyle,
        van,
        n_daz,
        n_both,
    }
}

#[test]
fn merge_moves_links_mentions_aliases_attributes_and_tags() {
    let mut c = case();
    let done = c.s.merge_entities(c.marsh, c.daz).unwrap();
    assert!(done.ids.contains(&c.marsh) && done.ids.contains(&c.daz));
    assert!(
        c.s.get(c.daz).unwrap().is_none(),
        "the absorbed entity is gone"
    );

    let m = get_entity(&c.s, c.marsh);
    assert_eq!(m.name, "Darren Marsh");
    // "dm" is already an alias (case-insensitively), so it is not added twice
    assert_eq!(m.aliases, vec!["DM", "Daz", "Dazza"]);
    assert_eq!(m.attributes["phone"], "07700 900001", "survivor wins");
    assert_eq!(m.attributes["height"], "6ft");
    assert_eq!(m.attributes["dob"], "1988-02-14");
    assert_eq!(m.meta.tags, vec!["kestrel", "nominal"]);

    assert_eq!(
        links_of(&c.s, c.marsh),
        vec![
            ("associate of".into(), "<-", c.kyle),
            ("mentions".into(), "<-", c.n_daz),
            ("mentions".into(), "<-", c.n_both),
            ("uses".into(), "->", c.van),
        ]
    );
    assert!(links_of(&c.s, c.daz).is_empty());
    assert_eq!(c.s.entities_named("daz").unwrap(), vec![c.marsh]);
    assert_eq!(c.s.entities_named("Dazza").unwrap(), vec![c.marsh]);
    assert!(c.s.check().unwrap().is_empty(), "{:?}", c.s.check());

    // the mention by name still resolves to the survivor when the note is edited
    c.s.set_fields(
        c.n_daz,
        &[("text".into(), "[[Dazza]] seen at the yard again".into())],
    )
    .unwrap();
    let to: Vec<Id> =
        c.s.neighbours(c.n_daz)
            .unwrap()
            .into_iter()
            .filter(|n| n.link.label == "mentions")
            .map(|n| n.other)
            .collect();
    assert_eq!(to, vec![c.marsh]);
    assert!(c.s.check().unwrap().is_empty());
}

#[test]
fn merge_is_one_journaled_operation_and_undo_restores_everything() {
    let mut c = case();
    let before = snapshot(&c.s);
    let seq = c.s.state().seq;
    let done = c.s.merge_entities(c.marsh, c.daz).unwrap();
    let entries: Vec<_> =
        c.s.log()
            .map(|e| e.unwrap())
            .take_while(|e| e.seq >= seq)
            .collect();
    assert!(entries
        .iter()
        .all(|e| e.op == "merge" && e.group == done.group));
    assert_eq!(entries.len(), done.ids.len());

    let (op, _) = c.s.undo().unwrap().unwrap();
    assert_eq!(op, "merge");
    assert_eq!(
        snapshot(&c.s),
        before,
        "undo gives back every record as it was"
    );
    assert_eq!(c.s.entities_named("daz").unwrap(), vec![c.daz]);
    assert!(c.s.check().unwrap().is_empty(), "{:?}", c.s.check());
    assert!(c.s.get(c.daz).unwrap().is_some());
}

#[test]
fn merge_refuses_what_is_not_two_entities() {
    let mut c = case();
    let total = c.s.state().total();
    let seq = c.s.state().seq;
    let e = c.s.merge_entities(c.marsh, c.marsh).unwrap_err();
    assert!(e.to_string().contains("into itself"), "{e}");
    let e = c.s.merge_entities(c.marsh, c.n_daz).unwrap_err();
    assert!(e.to_string().contains("is not an entity"), "{e}");
    let e =
        c.s.merge_entities(c.marsh, "E99".parse().unwrap())
            .unwrap_err();
    assert!(e.to_string().contains("E99"), "{e}");
    assert_eq!(c.s.state().total(), total, "nothing changed");
    assert_eq!(c.s.state().seq, seq, "nothing journaled");
}

#[test]
fn merge_survives_reopen_and_a_later_merge_chains() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w");
    let (a, b, c, n);
    {
        let mut s = open(&path);
        a = entity(&mut s, "Alpha", &[], &[]);
        b = entity(&mut s, "Bravo", &["B"], &[]);
        c = entity(&mut s, "Charlie", &[], &[]);
        n = note(&mut s, "[[B]] met [[Charlie]] and [[Alpha]]");
        s.merge_entities(a, b).unwrap();
        s.merge_entities(a, c).unwrap();
    }
    let s = open(&path);
    assert_eq!(get_entity(&s, a).aliases, vec!["Bravo", "B", "Charlie"]);
    // three mentions collapsed into one link to the survivor
    let to: Vec<Id> = s
        .neighbours(n)
        .unwrap()
        .into_iter()
        .map(|x| x.other)
        .collect();
    assert_eq!(to, vec![a]);
    assert!(s.check().unwrap().is_empty(), "{:?}", s.check());
}
