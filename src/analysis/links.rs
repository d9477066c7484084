//! Rules about links between entities: the assertions of the link chart, and what they
//! rest on.

use super::merge::{case_wide, strongest};
use super::words::{count, names};
use super::{Facts, Suggestion};
use crate::model::{Id, Kind, Sees};
use crate::store::LinkFacts;

/// The rule of a link that rests on no note.
pub const UNSOURCED: &str = "unsourced-link";
/// The rule of an entity known only through links.
pub const LINKS_ONLY: &str = "links-only";

/// A link the analyst asserted between two entities: not kept by the store from a
/// note's mentions, and with no note or question at either end (a note's link is its
/// own source; a question's "concerns" is how the analyst files it).
fn asserted(l: &LinkFacts) -> bool {
    let (from, to) = (l.from(), l.to());
    !l.auto && from.kind == Kind::Entity && to.kind == Kind::Entity && from != to
}

/// "Kyle Renshaw manages Jayden Pryce".
fn claim(f: &Facts, l: &LinkFacts) -> String {
    format!(
        "{} {} {}",
        f.name(l.from()),
        f.input.label(l),
        f.name(l.to())
    )
}

/// A link between two entities that names no note as its source, where an open
/// question concerns one of its ends: "What reporting shows that A manages B?" Said
/// once ("31 of 40 links rest on no note") when most such links do.
pub fn unsourced_link(f: &Facts) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let mut eligible = 0;
    for l in f.input.links.iter().filter(|l| asserted(l)) {
        let concerned: Vec<Id> = [l.from(), l.to()]
            .into_iter()
            .filter(|e| f.concerned(*e))
            .collect();
        if concerned.is_empty() {
            continue;
        }
        eligible += 1;
        if l.sourced {
            continue;
        }
        let mut s = Suggestion::new(
            UNSOURCED,
            vec![l.id(), l.from(), l.to()],
            format!("What reporting shows that {}?", claim(f, l)),
        );
        s.key = super::key(UNSOURCED, &[l.id()]);
        let on: Vec<String> = concerned.iter().map(|e| f.name(*e)).collect();
        s.reason = format!(
            "the link rests on no note, and an open question concerns {}",
            names(&on, 2)
        );
        s.fingerprint = "no source".into();
        s.weight = concerned.len() as u64;
        out.push(s);
    }
    case_wide(UNSOURCED, out, eligible, Sees::Situation, |found| {
        (
            format!(
                "What reporting supports the links on records open questions concern, such as {}?",
                strongest(found, 2, |s| {
                    f.link(s.triggers[0])
                        .map(|l| format!("\"{}\"", claim(f, l)))
                        .unwrap_or_default()
                })
            ),
            format!(
                "{} of {} links on records an open question concerns rest on no note",
                found.len(),
                eligible
            ),
        )
    })
}

/// An entity that no note names or is linked to, known only through links between
/// entities (an organisation asserted by a link, never reported).
pub fn links_only(f: &Facts) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let mut eligible = 0;
    for e in &f.input.entities {
        let mut claims: Vec<&LinkFacts> = Vec::new();
        for (l, _) in f.ends_of(e.id) {
            if asserted(l) {
                claims.push(l);
            }
        }
        if claims.is_empty() {
            continue;
        }
        eligible += 1;
        if f.notes_of(e.id).len() > 0 {
            continue;
        }
        claims.sort_by_key(|l| l.id());
        let said: Vec<String> = claims
            .iter()
            .map(|l| format!("\"{}\"", claim(f, l)))
            .collect();
        let mut s = Suggestion::new(
            LINKS_ONLY,
            vec![e.id],
            format!(
                "What reporting is there on {}, known only as {}?",
                e.name,
                names(&said, 2)
            ),
        );
        s.reason = format!(
            "known only through {}, named in no note",
            count(claims.len(), "link", "links")
        );
        s.fingerprint = format!("links band {}", super::band(claims.len()));
        s.weight = claims.len() as u64;
        out.push(s);
    }
    case_wide(LINKS_ONLY, out, eligible, Sees::Situation, |found| {
        (
            format!(
                "What reporting is there on {}, known only through links?",
                strongest(found, 3, |s| f.name(s.triggers[0]))
            ),
            format!(
                "{} of the {eligible} linked entities are named in no note",
                found.len()
            ),
        )
    })
}
