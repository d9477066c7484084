//! Whole operations that change the workspace. Each one reads what it needs, validates,
//! gathers its complete change set (cascades and mention links included) and commits it
//! once.

use super::index::{self, name_key};
use super::{Added, Change, Committed, Result, Store, StoreError};
use crate::model::record::MENTIONS;
use crate::model::{
    fields, text, Assessment, Consistency, Entity, EntityKind, Grade, Hypothesis, HypothesisStatus,
    Id, Kind, Link, Meta, Note, Question, Record, Sees, Status, When, Yardstick,
};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// A question to add.
#[derive(Debug, Clone)]
pub struct NewQuestion {
    pub title: String,
    pub detail: String,
    pub status: Status,
    pub priority: u8,
    pub kind: Sees,
    pub parent: Option<Id>,
    pub review_by: Option<NaiveDate>,
    pub tags: Vec<String>,
}

impl NewQuestion {
    pub fn new(title: &str) -> Self {
        NewQuestion {
            title: title.to_string(),
            detail: String::new(),
            status: Status::Open,
            priority: 2,
            kind: Sees::Situation,
            parent: None,
            review_by: None,
            tags: Vec::new(),
        }
    }
}

/// An entity to add.
#[derive(Debug, Clone)]
pub struct NewEntity {
    pub name: String,
    pub kind: EntityKind,
    pub aliases: Vec<String>,
    pub attributes: BTreeMap<String, String>,
    pub tags: Vec<String>,
}

/// A note to add.
#[derive(Debug, Clone, Default)]
pub struct NewNote {
    pub text: String,
    pub source: String,
    pub grade: Option<Grade>,
    pub when: Option<When>,
    pub tags: Vec<String>,
}

/// A link to add.
#[derive(Debug, Clone)]
pub struct NewLink {
    pub from: Id,
    pub to: Id,
    pub label: String,
    pub confidence: Option<Yardstick>,
    pub source: Option<Id>,
    pub when: Option<When>,
}

impl Store {
    fn meta_for(&self, id: Id, tags: Vec<String>) -> Meta {
        let mut m = Meta::new(id, self.now(), &self.user);
        m.tags = tags;
        m
    }

    fn question_record(&self, q: NewQuestion) -> Record {
        let id = self.reserve(Kind::Question, 0);
        Record::Question(Question {
            meta: self.meta_for(id, q.tags),
            title: q.title.trim().to_string(),
            detail: q.detail,
            status: q.status,
            priority: q.priority,
            kind: q.kind,
            parent: q.parent,
            review_by: q.review_by,
            answer: None,
        })
    }

    pub fn add_question(&mut self, q: NewQuestion) -> Result<Added> {
        let rec = self.question_record(q);
        self.create("add question", rec)
    }

    /// Adds a question with a "concerns" link from it to each record in `about`, as one
    /// operation: one journal group, so one undo removes the question and its links.
    /// Every record in `about` must exist; nothing is written otherwise.
    pub fn add_question_about(&mut self, q: NewQuestion, about: &[Id]) -> Result<Added> {
        let changes = self.question_about(q, about)?;
        let id = changes[0].id();
        let done = self.commit("add question", changes, None)?;
        Ok(Added { id, done })
    }

    /// The changes that add a question and its "concerns" links to `about` (each
    /// distinct record once), the question first; checks every end exists.
    pub(super) fn question_about(&self, q: NewQuestion, about: &[Id]) -> Result<Vec<Change>> {
        let rec = self.question_record(q);
        self.validate_new(&rec)?;
        let qid = rec.id();
        let mut changes = vec![Change {
            before: None,
            after: Some(rec),
        }];
        let mut seen = BTreeSet::new();
        let ends: Vec<Id> = about
            .iter()
            .copied()
            .filter(|id| seen.insert(*id))
            .collect();
        for (i, to) in ends.iter().enumerate() {
            let link = Record::Link(Link {
                meta: self.meta_for(self.reserve(Kind::Link, i as u64), Vec::new()),
                from: qid,
                to: *to,
                label: "concerns".into(),
                confidence: None,
                source: None,
                when: None,
                auto: false,
            });
            // the question is not stored yet: only the far end must exist
            super::rules::check(&link, &mut |target, kind, role| match kind {
                _ if target == qid => Ok(()),
                Some(k) => self.expect_kind(target, k, role),
                None => self.require(target).map(|_| ()),
            })
            .map_err(|e| super::rules::unassigned(e, &link))?;
            changes.push(Change {
                before: None,
                after: Some(link),
            });
        }
        Ok(changes)
    }

    pub fn add_hypothesis(
        &mut self,
        question: Id,
        statement: &str,
        likelihood: Option<Yardstick>,
    ) -> Result<Added> {
        let id = self.reserve(Kind::Hypothesis, 0);
        let rec = Record::Hypothesis(Hypothesis {
            meta: self.meta_for(id, Vec::new()),
            statement: statement.trim().to_string(),
            question,
            likelihood,
            status: HypothesisStatus::Live,
        });
        self.create("add hypothesis", rec)
    }

    pub fn add_entity(&mut self, e: NewEntity) -> Result<Added> {
        let id = self.reserve(Kind::Entity, 0);
        let rec = Record::Entity(Entity {
            meta: self.meta_for(id, e.tags),
            name: e.name.trim().to_string(),
            kind: e.kind,
            aliases: e.aliases.iter().map(|a| a.trim().to_string()).collect(),
            attributes: e.attributes,
        });
        self.create("add entity", rec)
    }

    pub fn add_note(&mut self, n: NewNote) -> Result<Added> {
        let id = self.reserve(Kind::Note, 0);
        let rec = Record::Note(Note {
            meta: self.meta_for(id, n.tags),
            text: n.text,
            source: n.source,
            grade: n.grade,
            when: n.when,
        });
        self.create("add note", rec)
    }

    pub fn link(&mut self, l: NewLink) -> Result<Added> {
        let id = self.reserve(Kind::Link, 0);
        let rec = Record::Link(Link {
            meta: self.meta_for(id, Vec::new()),
            from: l.from,
            to: l.to,
            label: l.label.trim().to_string(),
            confidence: l.confidence,
            source: l.source,
            when: l.when,
            auto: false,
        });
        self.create("link", rec)
    }

    /// Records how consistent a note is with a hypothesis, replacing an earlier cell;
    /// the id is the cell's.
    pub fn assess(&mut self, hypothesis: Id, note: Id, c: Consistency) -> Result<Added> {
        if let Some(existing) = self.assessment(hypothesis, note)? {
            let mut rec = self.require(existing)?;
            if let Record::Assessment(a) = &mut rec {
                a.consistency = c;
            }
            let done = self.update("assess", rec)?;
            return Ok(Added { id: existing, done });
        }
        let id = self.reserve(Kind::Assessment, 0);
        let rec = Record::Assessment(Assessment {
            meta: self.meta_for(id, Vec::new()),
            hypothesis,
            note,
            consistency: c,
        });
        self.create("assess", rec)
    }

    fn create(&mut self, op: &str, rec: Record) -> Result<Added> {
        self.validate_new(&rec)?;
        let id = rec.id();
        let mut changes = vec![Change {
            before: None,
            after: Some(rec.clone()),
        }];
        if let Record::Note(n) = &rec {
            changes.extend(self.mention_changes(n)?);
        }
        let done = self.commit(op, changes, None)?;
        Ok(Added { id, done })
    }

    /// Sets named fields from text (`weft set`): every field is parsed and the result
    /// validated before anything is written.
    pub fn set_fields(&mut self, id: Id, assignments: &[(String, String)]) -> Result<Committed> {
        let mut rec = self.require(id)?;
        for (field, value) in assignments {
            fields::set_field(&mut rec, field, value)?;
        }
        self.update("set", rec)
    }

    /// Replaces a record with an edited copy, after validation; `updated` is stamped and
    /// a note's mention links follow its text.
    pub fn update(&mut self, op: &str, mut rec: Record) -> Result<Committed> {
        let id = rec.id();
        let before = self.require(id)?;
        if let (Record::Link(old), Record::Link(new)) = (&before, &rec) {
            if old.auto && (old.from != new.from || old.to != new.to || old.label != new.label) {
                return Err(StoreError::invalid(format!(
                    "{id} is a mention kept in step with its note's text: edit the note instead"
                )));
            }
        }
        {
            let m = rec.meta_mut();
            m.created = before.meta().created;
            m.by = before.meta().by.clone();
        }
        if rec == before {
            return Ok(Committed::default());
        }
        rec.meta_mut().updated = self.now();
        self.validate(&rec)?;
        let mut changes = vec![Change {
            before: Some(before),
            after: Some(rec.clone()),
        }];
        if let Record::Note(n) = &rec {
            changes.extend(self.mention_changes(n)?);
        }
        self.commit(op, changes, None)
    }

    /// What deleting `id` takes with it: every record that cannot stand without it
    /// (its links, a question's hypotheses, a hypothesis's assessments and expectations, a
    /// note's assessments), `id` included, in id order. Refuses, as [`Store::delete`]
    /// would, a question with sub-questions and a note an expectation cites as found, so
    /// the interface can say so before asking.
    pub fn delete_plan(&self, id: Id) -> Result<BTreeSet<Id>> {
        let rec = self.require(id)?;
        if let Record::Question(_) = rec {
            let kids = self.children(Some(id))?;
            if !kids.is_empty() {
                let list: Vec<String> = kids.iter().map(Id::to_string).collect();
                return Err(StoreError::invalid(format!(
                    "{id} has sub-questions {}: delete or move them first",
                    list.join(", ")
                )));
            }
        }
        if let Record::Note(_) = rec {
            let found = self.expectations_found_by(id)?;
            if !found.is_empty() {
                let list: Vec<String> = found.iter().map(Id::to_string).collect();
                return Err(StoreError::invalid(format!(
                    "{id} is the note that shows {} found: cite another note or change their \
                     status first",
                    list.join(", ")
                )));
            }
        }
        let mut doomed: BTreeSet<Id> = BTreeSet::new();
        let mut queue = vec![id];
        while let Some(cur) = queue.pop() {
            if !doomed.insert(cur) {
                continue;
            }
            for n in self.neighbours(cur)? {
                queue.push(n.link.meta.id);
            }
            match cur.kind {
                Kind::Question => queue.extend(self.hypotheses_of(cur)?),
                Kind::Hypothesis => {
                    queue.extend(self.assessments_of_hypothesis(cur)?);
                    queue.extend(self.expectations_of(cur)?);
                }
                Kind::Note => queue.extend(self.assessments_of_note(cur)?),
                _ => {}
            }
        }
        Ok(doomed)
    }

    /// Deletes a record with everything that cannot stand without it (see
    /// [`Store::delete_plan`]). Links that cite a deleted note as their source lose the
    /// citation.
    pub fn delete(&mut self, id: Id) -> Result<Committed> {
        let doomed = self.delete_plan(id)?;
        let mut changes = Vec::new();
        for d in &doomed {
            if let Some(r) = self.get(*d)? {
                changes.push(Change {
                    before: Some(r),
                    after: None,
                });
            }
        }
        if id.kind == Kind::Note {
            for link_id in self.links_citing(id)? {
                if doomed.contains(&link_id) {
                    continue;
                }
                let before = self.require(link_id)?;
                let mut after = before.clone();
                if let Record::Link(l) = &mut after {
                    l.source = None;
                    l.meta.updated = self.now();
                }
                changes.push(Change {
                    before: Some(before),
                    after: Some(after),
                });
            }
        }
        // the record itself first, so the journal reads naturally
        changes.sort_by_key(|c| c.id() != id);
        self.commit("delete", changes, None)
    }

    /// The changes that bring a note's automatic "mentions" links in step with its text.
    fn mention_changes(&self, note: &Note) -> Result<Vec<Change>> {
        let nid = note.meta.id;
        let found = text::mentions(&note.text);
        let mut wanted: BTreeSet<Id> = BTreeSet::new();
        for name in &found.names {
            wanted.extend(self.entities_named(name)?);
        }
        for id in found.ids {
            if self.get(id)?.is_some() {
                wanted.insert(id);
            }
        }
        let mut changes = Vec::new();
        let mut have: BTreeSet<Id> = BTreeSet::new();
        if self.get(nid)?.is_some() {
            for n in self.neighbours(nid)? {
                let l = &n.link;
                if l.auto && l.from == nid && l.label == MENTIONS {
                    if wanted.contains(&l.to) && have.insert(l.to) {
                        continue;
                    }
                    changes.push(Change {
                        before: Some(Record::Link(l.clone())),
                        after: None,
                    });
                }
            }
        }
        for (next, target) in wanted.difference(&have).enumerate() {
            let id = self.reserve(Kind::Link, next as u64);
            changes.push(Change {
                before: None,
                after: Some(Record::Link(Link {
                    meta: self.meta_for(id, Vec::new()),
                    from: nid,
                    to: *target,
                    label: MENTIONS.into(),
                    confidence: None,
                    source: Some(nid),
                    when: note.when,
                    auto: true,
                })),
            });
        }
        Ok(changes)
    }

    /// [`Store::validate`] for a record about to be created, whose id is not handed out
    /// until it is written: an error names the record by what it is, not by that id.
    pub(crate) fn validate_new(&self, rec: &Record) -> Result<()> {
        self.validate(rec)
            .map_err(|e| super::rules::unassigned(e, rec))
    }

    /// Checks a record against the workspace: required text, ranges, and that every id
    /// it refers to exists and is of the right kind.
    pub(crate) fn validate(&self, rec: &Record) -> Result<()> {
        super::rules::check(rec, &mut |target, kind, role| match kind {
            Some(k) => self.expect_kind(target, k, role),
            None if self.get(target)?.is_none() => Err(StoreError::NotFound(target)),
            None => Ok(()),
        })?;
        super::rules::check_typed(rec)?;
        // a parent must not make a loop of sub-questions
        if let Record::Question(q) = rec {
            let id = q.meta.id;
            let mut cur = q.parent;
            let mut hops = 0;
            while let Some(c) = cur {
                if c == id || hops > 10_000 {
                    return Err(StoreError::invalid(format!(
                        "{id}: parent {} would make a loop of sub-questions",
                        q.parent.map(|p| p.to_string()).unwrap_or_default()
                    )));
                }
                cur = match self.get(c)? {
                    Some(Record::Question(pq)) => pq.parent,
                    _ => None,
                };
                hops += 1;
            }
        }
        Ok(())
    }

    fn expect_kind(&self, id: Id, kind: Kind, role: &str) -> Result<()> {
        if id.kind != kind {
            return Err(StoreError::invalid(format!(
                "{role} {id} is not a {}",
                kind.noun()
            )));
        }
        if self.get(id)?.is_none() {
            return Err(StoreError::NotFound(id));
        }
        Ok(())
    }

    /// Entities whose name or an alias is `name` (case-insensitive).
    pub fn entities_named(&self, name: &str) -> Result<Vec<Id>> {
        let prefix = index::key(&[&[index::NAME], name_key(name).as_bytes(), &[0]]);
        self.index_ids(&prefix)
    }
}
