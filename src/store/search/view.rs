//! The narrow views of a stored record that the database's own search decodes: only the
//! fields a record's short search text is made of. A whole record carries its meta as a
//! flattened struct, which serde buffers field by field; a pass over a million records
//! without a current search file spends most of its time there, and none of it here.
//! What a view gives is exactly [`Record::search_text`](crate::model::Record::search_text)
//! (the tests below and the property test that holds the file and the database to the
//! same hits check it).

use crate::model::record::search_short;
use crate::model::{EntityKind, Id, Kind};
use serde::Deserialize;
use std::borrow::Cow;

#[derive(Deserialize)]
struct Titled<'a> {
    #[serde(borrow)]
    title: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Stated<'a> {
    #[serde(borrow)]
    statement: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Named<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    kind: EntityKind,
    #[serde(borrow, default)]
    aliases: Vec<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Texted<'a> {
    #[serde(borrow)]
    text: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Linked<'a> {
    from: Id,
    to: Id,
    #[serde(borrow)]
    label: Cow<'a, str>,
}

/// The short search text of the stored record `bytes` of `kind`; `None` for a record
/// that does not decode (`weft check`'s to report) or a kind that is not searched.
pub(super) fn short_text(kind: Kind, bytes: &[u8]) -> Option<String> {
    let text = match kind {
        Kind::Question => serde_json::from_slice::<Titled>(bytes)
            .ok()?
            .title
            .into_owned(),
        Kind::Hypothesis => serde_json::from_slice::<Stated>(bytes)
            .ok()?
            .statement
            .into_owned(),
        Kind::Entity => {
            let e = serde_json::from_slice::<Named>(bytes).ok()?;
            if e.aliases.is_empty() {
                format!("{} ({})", e.name, e.kind)
            } else {
                format!("{} ({}) {}", e.name, e.kind, e.aliases.join(" "))
            }
        }
        Kind::Note | Kind::Expectation => {
            search_short(&serde_json::from_slice::<Texted>(bytes).ok()?.text).into_owned()
        }
        Kind::Link => {
            let l = serde_json::from_slice::<Linked>(bytes).ok()?;
            format!("{} -{}-> {}", l.from, l.label, l.to)
        }
        Kind::Assessment | Kind::Dismissal => return None,
    };
    Some(text)
}

/// The text of a stored note or expectation, undecoded past it.
pub(super) fn long_text(bytes: &[u8]) -> Option<Cow<'_, str>> {
    serde_json::from_slice::<Texted>(bytes).ok().map(|t| t.text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{OpenOptions, Store};

    #[test]
    fn every_view_gives_what_the_whole_record_gives() {
        let d = tempfile::tempdir().unwrap();
        let opts = OpenOptions {
            create: true,
            ..OpenOptions::default()
        };
        let mut s = Store::open(d.path(), &opts).unwrap();
        crate::demo::load(&mut s, crate::demo::KESTREL).unwrap();
        let mut seen = std::collections::HashSet::new();
        for kind in Kind::ALL {
            for r in s.tree(kind).iter() {
                let (_, v) = r.unwrap();
                let rec = crate::model::Record::from_bytes(kind, &v).unwrap();
                let want = crate::store::index::is_searched(kind).then(|| rec.search_text());
                assert_eq!(short_text(kind, &v), want, "{}", rec.id());
                if let Some(body) = rec.search_body() {
                    assert_eq!(long_text(&v).as_deref(), Some(body));
                }
                seen.insert(kind);
            }
        }
        // the demo case holds every searched kind, an entity with aliases among them
        for kind in Kind::ALL
            .iter()
            .filter(|k| crate::store::index::is_searched(**k))
        {
            assert!(seen.contains(kind), "{kind:?}");
        }
        assert!(s
            .records(Kind::Entity)
            .any(|e| matches!(e, Ok(crate::model::Record::Entity(e)) if !e.aliases.is_empty())));
    }

    #[test]
    fn a_record_that_does_not_decode_gives_nothing() {
        assert_eq!(short_text(Kind::Question, b"{\"titel\": \"x\"}"), None);
        assert_eq!(short_text(Kind::Entity, b"not json"), None);
        assert_eq!(long_text(b"[1]"), None);
    }
}
