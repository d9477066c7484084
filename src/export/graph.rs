//! The entities and links a chart or an entity export holds, with the notes behind
//! them: the whole workspace, the neighbourhood of an entity (`--around E --hops N`) or
//! what bears on a question (`--question Q`). Shared by the ANX, i2 CSV and
//! FollowTheMoney exports.

use crate::model::grade::Handling;
use crate::model::{Entity, Id, Kind, Link, Note, Record};
use crate::store::{self, Store, StoreError};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The most links `--hops` may walk from the centre.
pub const MAX_HOPS: usize = 10;

/// Which part of the workspace an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every entity and every link between two entities.
    Workspace,
    /// An entity and every entity within `hops` links of it (walking entity-to-entity
    /// links either way), with the links between them.
    Around { centre: Id, hops: usize },
    /// The entities linked to a question, its sub-questions or their hypotheses, and the
    /// entities linked to the notes that bear on them (linked to them, or weighed in
    /// their matrices), with the links between them.
    Question(Id),
}

/// Entities, the links between them, and the notes that support each of them.
#[derive(Debug, Default)]
pub struct Subgraph {
    /// In id order.
    pub entities: Vec<Entity>,
    /// Links whose two ends are both in `entities`, in id order.
    pub links: Vec<Link>,
    /// Every note that supports an entity or a link, by id.
    pub notes: BTreeMap<Id, Note>,
    /// The supporting notes of an entity (the notes linked to it either way, mentions
    /// included) or of a link (its source note), in id order.
    support: HashMap<Id, Vec<Id>>,
    /// Position in `entities` by id.
    at: HashMap<Id, usize>,
}

impl Subgraph {
    /// Reads what `scope` selects.
    pub fn read(store: &Store, scope: Scope) -> store::Result<Subgraph> {
        match scope {
            Scope::Workspace => whole(store),
            Scope::Around { centre, hops } => {
                let Record::Entity(_) = store.require(centre)? else {
                    return Err(StoreError::invalid(format!(
                        "{centre} is not an entity: --around takes an entity"
                    )));
                };
                let mut seen = BTreeSet::from([centre]);
                let mut frontier = vec![centre];
                for _ in 0..hops.min(MAX_HOPS) {
                    let mut next = Vec::new();
                    for e in frontier {
                        for (_, _, other) in store.adjacent(e)? {
                            if other.kind == Kind::Entity && seen.insert(other) {
                                next.push(other);
                            }
                        }
                    }
                    if next.is_empty() {
                        break;
                    }
                    frontier = next;
                }
                finish(store, seen)
            }
            Scope::Question(q) => {
                let Record::Question(_) = store.require(q)? else {
                    return Err(StoreError::invalid(format!(
                        "{q} is not a question: --question takes a question"
                    )));
                };
                // the question, its sub-questions and their hypotheses
                let mut subjects = Vec::new();
                let mut questions = vec![q];
                let mut walked = BTreeSet::new();
                while let Some(id) = questions.pop() {
                    if !walked.insert(id) {
                        continue;
                    }
                    subjects.push(id);
                    subjects.extend(store.hypotheses_of(id)?);
                    questions.extend(store.children(Some(id))?);
                }
                let mut notes = BTreeSet::new();
                for &id in &walked {
                    let m = store.matrix(id)?;
                    notes.extend(m.rows.iter().map(|r| r.note));
                    notes.extend(m.expectations.iter().filter_map(|x| x.note));
                }
                let mut entities = BTreeSet::new();
                for s in subjects {
                    for (_, _, other) in store.adjacent(s)? {
                        match other.kind {
                            Kind::Entity => {
                                entities.insert(other);
                            }
                            Kind::Note => {
                                notes.insert(other);
                            }
                            _ => {}
                        }
                    }
                }
                for n in notes {
                    for (_, _, other) in store.adjacent(n)? {
                        if other.kind == Kind::Entity {
                            entities.insert(other);
                        }
                    }
                }
                finish(store, entities)
            }
        }
    }

    /// The entity with this id, if the subgraph holds it.
    pub fn entity(&self, id: Id) -> Option<&Entity> {
        self.at.get(&id).map(|&i| &self.entities[i])
    }

    /// The notes supporting an entity or link, in id order.
    pub fn supporting(&self, item: Id) -> impl Iterator<Item = &Note> + '_ {
        self.support
            .get(&item)
            .into_iter()
            .flatten()
            .filter_map(|n| self.notes.get(n))
    }

    /// The note a link rests on, when it is a note the subgraph holds.
    pub fn source_of(&self, link: &Link) -> Option<&Note> {
        link.source.and_then(|s| self.notes.get(&s))
    }

    /// The notes graded with handling code C, in id order.
    pub fn conditional(&self) -> Vec<Id> {
        self.notes
            .values()
            .filter(|n| n.grade.is_some_and(|g| g.handling == Handling::C))
            .map(|n| n.meta.id)
            .collect()
    }

    /// Drops every note graded with handling code C, every link that rests on one, and
    /// every mention of them as support. Returns (notes, links) dropped.
    pub fn without_conditional(&mut self) -> (Vec<Id>, Vec<Id>) {
        let notes = self.conditional();
        for n in &notes {
            self.notes.remove(n);
        }
        let gone = |id: &Id| notes.binary_search(id).is_ok();
        let mut links = Vec::new();
        self.links.retain(|l| {
            let keep = !l.source.as_ref().is_some_and(gone);
            if !keep {
                links.push(l.meta.id);
            }
            keep
        });
        for ids in self.support.values_mut() {
            ids.retain(|n| !gone(n));
        }
        (notes, links)
    }

    fn index(&mut self) {
        self.entities.sort_by_key(|e| e.meta.id);
        self.links.sort_by_key(|l| l.meta.id);
        self.at = self
            .entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.meta.id, i))
            .collect();
        for ids in self.support.values_mut() {
            ids.sort_unstable();
            ids.dedup();
        }
    }
}

/// Notes by id: read one by one when few are wanted, else in one pass over every note.
fn read_notes(store: &Store, wanted: &BTreeSet<Id>) -> store::Result<BTreeMap<Id, Note>> {
    let mut out = BTreeMap::new();
    if (wanted.len() as u64).saturating_mul(4) >= store.state().count(Kind::Note) {
        for r in store.records(Kind::Note) {
            if let Record::Note(n) = r? {
                if wanted.contains(&n.meta.id) {
                    out.insert(n.meta.id, n);
                }
            }
        }
    } else {
        for &id in wanted {
            if let Some(Record::Note(n)) = store.get(id)? {
                out.insert(id, n);
            }
        }
    }
    Ok(out)
}

/// What one link adds: itself when it joins two chosen entities, else the support it
/// gives an entity (a note at its other end); its source note supports it.
fn take_link(l: Link, chosen: &dyn Fn(Id) -> bool, g: &mut Subgraph, wanted: &mut BTreeSet<Id>) {
    let (from, to) = (l.from, l.to);
    if from.kind == Kind::Entity && to.kind == Kind::Entity {
        if chosen(from) && chosen(to) {
            if let Some(s) = l.source.filter(|s| s.kind == Kind::Note) {
                g.support.entry(l.meta.id).or_default().push(s);
                wanted.insert(s);
            }
            g.links.push(l);
        }
        return;
    }
    for (end, other) in [(from, to), (to, from)] {
        if end.kind == Kind::Entity && other.kind == Kind::Note && chosen(end) {
            g.support.entry(end).or_default().push(other);
            wanted.insert(other);
        }
    }
}

/// Every entity and every link, read in one pass each.
fn whole(store: &Store) -> store::Result<Subgraph> {
    let mut g = Subgraph::default();
    for r in store.records(Kind::Entity) {
        if let Record::Entity(e) = r? {
            g.entities.push(e);
        }
    }
    let mut wanted = BTreeSet::new();
    let all = |_: Id| true;
    for r in store.records(Kind::Link) {
        if let Record::Link(l) = r? {
            take_link(l, &all, &mut g, &mut wanted);
        }
    }
    g.notes = read_notes(store, &wanted)?;
    g.index();
    Ok(g)
}

/// The chosen entities, the links between them and their support, read through the
/// link-end index.
fn finish(store: &Store, chosen: BTreeSet<Id>) -> store::Result<Subgraph> {
    let mut g = Subgraph::default();
    let mut wanted = BTreeSet::new();
    let mut links_seen = BTreeSet::new();
    let is_chosen = |id: Id| chosen.contains(&id);
    for &id in &chosen {
        let Some(Record::Entity(e)) = store.get(id)? else {
            continue;
        };
        g.entities.push(e);
        for (link, _, _) in store.adjacent(id)? {
            if !links_seen.insert(link) {
                continue;
            }
            if let Some(Record::Link(l)) = store.get(link)? {
                take_link(l, &is_chosen, &mut g, &mut wanted);
            }
        }
    }
    g.notes = read_notes(store, &wanted)?;
    g.index();
    Ok(g)
}

/// An entity kind's type name in the chart (i2's built-in names where it has one).
pub fn chart_type(kind: crate::model::EntityKind) -> &'static str {
    use crate::model::EntityKind as K;
    match kind {
        K::Person => "Person",
        K::Organisation => "Organisation",
        K::Group => "Group",
        K::Location => "Location",
        K::Vehicle => "Vehicle",
        K::Phone => "Telephone",
        K::Account => "Account",
        K::Commodity => "Commodity",
        K::Online => "Online Account",
        K::Other => "Other",
    }
}

/// A link label's type name in the chart: the label without a trailing qualifier in
/// brackets, its first letter capitalised (`uses (assessed)` is of type `Uses`), on one
/// line with nothing that is not printable.
pub fn link_type(label: &str) -> String {
    let bare = match label
        .trim_end()
        .strip_suffix(')')
        .and_then(|s| s.rfind('('))
    {
        Some(open) if open > 0 => &label[..open],
        _ => label,
    };
    let bare = crate::model::text::sanitize(bare.trim());
    let mut chars = bare.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Link".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_types_drop_the_qualifier_and_capitalise() {
        assert_eq!(link_type("uses (assessed)"), "Uses");
        assert_eq!(link_type("associate of"), "Associate of");
        assert_eq!(link_type("(odd)"), "(odd)");
        assert_eq!(link_type(""), "Link");
        assert_eq!(link_type("x\u{1b}[2J"), "X␛[2J");
    }
}
