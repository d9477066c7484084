//! `weft import-table`: the rows of a CSV or TSV extract, under a mapping
//! ([`crate::model::table`]), as entities, links and notes, in one operation (one undo
//! step), journaled as `import-table FILE (blake3 …)`.
//!
//! Whole file or nothing, in bounded memory. The file is read three times, never held:
//!
//! 1. **Plan.** Every row is evaluated (a bad cell refuses the file, naming its line and
//!    column, before anything is written); each entity is matched by kind and normalised
//!    identity, to one the workspace holds or one made earlier in the file; each row that
//!    makes a link or a note is skipped when its fingerprint is already kept (the
//!    `row:…` tag on what it made) or came earlier in the file. What is kept: the
//!    entities the file names (new ones, and changes to existing ones), one bit per row,
//!    and the fingerprints of the file's rows (8 bytes each).
//! 2. **Journal.** The operation's entries are generated again, row by row, checked by
//!    the store's rules and appended to the journal log in runs of 1 MiB, unsynced; the
//!    last entry carries the operation's closing mark; then the log is synced. Until that
//!    mark is on disk the operation was never acknowledged: a failure (a refused record,
//!    the file changed since the plan, a full disk) cuts the log back, and an interrupted
//!    process leaves an unclosed operation that the next open drops.
//! 3. **Apply.** The entries are read back from the log (not the file, which could have
//!    changed meanwhile) and applied to sled in runs of [`RUN`] records; only the last
//!    run writes the counters, with how much of the log the database has applied. A
//!    process killed between runs leaves the database behind the log, and the next open
//!    replays the whole operation from the log, which is idempotent over the runs already
//!    applied (each entry says the record's value before and after).
//!
//! This is the journal-first rule every commit follows ([`Store::commit`]), spread over
//! runs; the staging-and-swap of `weft import` does not serve here, since that builds a
//! whole workspace from nothing, and rewriting a large workspace to add a few thousand
//! rows would cost its whole size. Undo reverts the operation as any other.

use super::log::{EntryLine, Line};
use super::{Change, JournalEntry, Result, Store, StoreError, MAX_ID};
use crate::model::record::MENTIONS;
use crate::model::table::{row_tag, Bound, Row};
use crate::model::{text, Entity, EntityKind, Id, Kind, Link, Meta, Note, Record};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// How many records one sled transaction of the apply stage holds.
pub const RUN: usize = 8192;

/// One reading of the file: it calls its argument with each data row (its line number
/// in the file, its cells) in file order and returns the BLAKE3 hash of the bytes it
/// read.
pub type RowPass<'a> =
    dyn FnMut(&mut dyn FnMut(u64, &[&str]) -> Result<()>) -> Result<[u8; 32]> + 'a;

/// What an import did, or a dry run would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableReport {
    /// Data rows read.
    pub rows: u64,
    /// Rows that made a link or a note.
    pub imported: u64,
    /// Rows of entities only (nothing of their own to keep).
    pub entity_rows: u64,
    /// Rows skipped: imported before (their fingerprint is kept).
    pub already: u64,
    /// Rows skipped: the same content came earlier in the file.
    pub repeated: u64,
    pub entities_created: u64,
    /// Existing entities a row named.
    pub entities_matched: u64,
    /// Existing entities given new aliases or attributes.
    pub entities_extended: u64,
    /// Attribute values that differed from the value an entity already had, which was kept.
    pub attributes_kept: u64,
    pub links: u64,
    pub notes: u64,
    /// Mention links of the notes' `[[name]]`s.
    pub mentions: u64,
    /// Links not made because both ends are the same entity.
    pub self_links: u64,
    /// Journal entries written (records created or changed).
    pub changes: u64,
}

/// Where an entity of the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Existing(Id),
    New(usize),
}

#[derive(Debug, Clone)]
struct NewEntity {
    name: String,
    kind: EntityKind,
    aliases: Vec<String>,
    /// The name keys of its name and aliases.
    keys: HashSet<String>,
    attributes: BTreeMap<String, String>,
}

/// What the first reading decided.
#[derive(Default)]
struct Plan {
    known: HashMap<(EntityKind, String), Target>,
    new: Vec<NewEntity>,
    /// Existing entities as they are, and as the import leaves them.
    existing: HashMap<Id, Entity>,
    changed: BTreeMap<Id, Entity>,
    /// One bit per data row: skipped.
    skip: Vec<u64>,
}

impl Plan {
    fn skipped(&self, row: usize) -> bool {
        self.skip
            .get(row / 64)
            .is_some_and(|w| w & (1 << (row % 64)) != 0)
    }

    fn mark(&mut self, row: usize) {
        if self.skip.len() <= row / 64 {
            self.skip.resize(row / 64 + 1, 0);
        }
        self.skip[row / 64] |= 1 << (row % 64);
    }
}

fn invalid(msg: String) -> StoreError {
    StoreError::Invalid(msg)
}

/// Adds `alias` to a list of names when no name there has its key.
fn add_alias(aliases: &mut Vec<String>, keys: &mut HashSet<String>, alias: &str) -> bool {
    let k = super::index::name_key(alias);
    if k.is_empty() || !keys.insert(k) {
        return false;
    }
    aliases.push(alias.to_string());
    true
}

/// Sets `key` when absent; says whether a different value was there (and kept).
fn add_attribute(attributes: &mut BTreeMap<String, String>, key: &str, value: &str) -> bool {
    match attributes.get(key) {
        None => {
            attributes.insert(key.to_string(), value.to_string());
            false
        }
        Some(v) => v != value,
    }
}

impl Store {
    /// Imports the rows `pass` gives under `bound`, as one operation named
    /// `import-table LABEL`; with `dry_run`, reports what it would do and writes
    /// nothing. `progress` hears each stage's name with its count done and total (0
    /// when unknown). See the module notes for how it stays whole.
    pub fn import_table(
        &mut self,
        bound: &Bound,
        label: &str,
        pass: &mut RowPass<'_>,
        dry_run: bool,
        progress: &mut dyn FnMut(&str, u64, u64),
    ) -> Result<TableReport> {
        if !dry_run {
            self.check_writable()?;
        }
        let mut report = TableReport::default();
        progress("reading", 0, 0);
        let (plan, digest) = self.plan_table(bound, label, pass, &mut report)?;
        let now = self.now();
        let gen = Generator {
            bound,
            plan: &plan,
            label,
            now,
            user: self.user.clone(),
            next: self.state.next.clone(),
            seat: self.member.as_ref().map(|m| m.seat),
        };
        if dry_run {
            progress("checking", 0, 0);
            let again = gen.run(pass, &mut report, &mut |_| Ok(()))?;
            if again != digest {
                return Err(changed(label));
            }
            return Ok(report);
        }
        self.write_table(&gen, pass, digest, &mut report, progress)?;
        Ok(report)
    }

    /// The first reading: every row checked, entities matched, rows to skip marked.
    fn plan_table(
        &self,
        bound: &Bound,
        label: &str,
        pass: &mut RowPass<'_>,
        report: &mut TableReport,
    ) -> Result<(Plan, [u8; 32])> {
        let mut plan = Plan::default();
        let kinds: HashSet<EntityKind> = bound.mapping.entities.iter().map(|e| e.kind).collect();
        for rec in self.all_records(Kind::Entity)? {
            let Record::Entity(e) = rec else { continue };
            if !kinds.contains(&e.kind) {
                continue;
            }
            let id = e.meta.id;
            for n in std::iter::once(&e.name).chain(&e.aliases) {
                let key = crate::model::table::ident::normalise(e.kind, n);
                if key.is_empty() {
                    continue;
                }
                // the oldest entity of an identity is the one matched
                let t = plan
                    .known
                    .entry((e.kind, key))
                    .or_insert(Target::Existing(id));
                if let Target::Existing(old) = t {
                    if id < *old {
                        *t = Target::Existing(id);
                    }
                }
            }
            plan.existing.insert(id, e);
        }
        let mut seen: HashSet<u64> = HashSet::new();
        let mut matched: HashSet<Id> = HashSet::new();
        let mut index = 0usize;
        let digest = pass(&mut |line, cells| {
            let row = bound.row(cells).map_err(|e| at_cell(label, line, &e))?;
            let i = index;
            index += 1;
            report.rows += 1;
            if row.makes_records() {
                let fp = u64::from_be_bytes(row.fingerprint[..8].try_into().unwrap_or_default());
                if !seen.insert(fp) {
                    report.repeated += 1;
                    plan.mark(i);
                    return Ok(());
                }
                if !self.tagged(&row_tag(&row.fingerprint))?.is_empty() {
                    report.already += 1;
                    plan.mark(i);
                    return Ok(());
                }
                report.imported += 1;
            } else {
                report.entity_rows += 1;
            }
            plan_entities(&mut plan, &row, &mut matched, report);
            Ok(())
        })?;
        report.entities_created = plan.new.len() as u64;
        report.entities_matched = matched.len() as u64;
        plan.changed
            .retain(|id, after| plan.existing.get(id) != Some(after));
        report.entities_extended = plan.changed.len() as u64;
        Ok((plan, digest))
    }

    /// The second and third readings: the journal log, then the database.
    fn write_table(
        &mut self,
        gen: &Generator<'_>,
        pass: &mut RowPass<'_>,
        digest: [u8; 32],
        report: &mut TableReport,
        progress: &mut dyn FnMut(&str, u64, u64),
    ) -> Result<()> {
        let op = format!("import-table {} (blake3 {})", gen.label, hex(&digest[..8]));
        let first = self.state.seq;
        let at = self.log.size()?;
        let mut chain = match self.log.chain() {
            Ok(c) => c,
            Err(e) => {
                self.refuse_for_log(e.to_string());
                return Err(invalid(format!(
                    "import-table: {}",
                    self.writes_refused().unwrap_or_default()
                )));
            }
        };
        progress("journaling", 0, 0);
        let time = gen.now;
        let user = self.user.clone();
        let log = &mut self.log;
        let sync = std::mem::replace(&mut log.sync, false);
        let mut w = LogWriter {
            chain: &mut chain,
            buf: Vec::with_capacity(1 << 21),
            starts: Vec::new(),
            written: at,
            pending: None,
        };
        let result = (|| -> Result<()> {
            let again = gen.run(pass, report, &mut |c: Change| {
                let entry = JournalEntry {
                    seq: first + w.starts.len() as u64 + u64::from(w.pending.is_some()),
                    group: first,
                    time,
                    user: user.clone(),
                    op: op.clone(),
                    id: c.id(),
                    before: c.before.as_ref().map(Record::to_json),
                    after: c.after.as_ref().map(Record::to_json),
                    undoes: None,
                    from: None,
                };
                w.push(entry, log)
            })?;
            if again != digest {
                return Err(changed(gen.label));
            }
            w.finish(log)
        })();
        self.log.sync = sync;
        if let Err(e) = result {
            // never acknowledged: the log goes back to where it was
            let _ = self.log.truncate(at);
            return Err(e);
        }
        let starts = w.starts;
        report.changes = starts.len() as u64;
        if starts.is_empty() {
            return Ok(());
        }
        // the search file is not kept in step with a change this size: it is written
        // afresh by the next search
        let _ = super::search::file::remove(&self.path);
        self.search_file = super::search::file::Tracking::Off;
        self.join_last = false;
        let total = starts.len() as u64;
        progress("writing", 0, total);
        if let Err(e) = self.apply_table(&starts, progress) {
            let why = format!(
                "the import is in the journal log, but the database could not take it ({e}); the next open of the workspace finishes it"
            );
            self.refuse_writes(why.clone());
            return Err(invalid(why));
        }
        self.last_group = Some(first);
        Ok(())
    }

    /// Applies the entries whose log lines start at `starts` to sled in runs; the last
    /// run writes the counters.
    fn apply_table(
        &mut self,
        starts: &[u64],
        progress: &mut dyn FnMut(&str, u64, u64),
    ) -> Result<()> {
        let mut state = self.state.clone();
        let total = starts.len();
        for (n, run) in starts.chunks(RUN).enumerate() {
            let mut entries = Vec::with_capacity(run.len());
            let mut changes = Vec::with_capacity(run.len());
            for &at in run {
                let e = self.log.entry_at(at)?;
                changes.push(Change {
                    before: e.record(&e.before)?,
                    after: e.record(&e.after)?,
                });
                entries.push(e);
            }
            let (batches, next) = self.stage_onto(state, &changes, &entries, run)?;
            state = next;
            let done = (n * RUN + run.len()).min(total);
            if done == total {
                state.log_len = self.log.size()?;
                self.write_state(&batches, state.clone())?;
            } else {
                self.apply(&batches)?;
            }
            progress("writing", done as u64, total as u64);
        }
        if !self.sync {
            self.flush()?;
        }
        Ok(())
    }
}

/// The journal log lines of the operation, appended in runs of 1 MiB; the newest entry
/// is held back until the next, so that the last one carries the closing mark.
struct LogWriter<'c> {
    chain: &'c mut super::log::Chain,
    buf: Vec<u8>,
    /// Where each written entry's line starts.
    starts: Vec<u64>,
    written: u64,
    pending: Option<JournalEntry>,
}

impl LogWriter<'_> {
    fn put(&mut self, entry: JournalEntry, last: bool) {
        self.starts.push(self.written + self.buf.len() as u64);
        Line::Entry(EntryLine { entry, last }).encode(self.chain, &mut self.buf);
    }

    fn push(&mut self, entry: JournalEntry, log: &mut super::log::Log) -> Result<()> {
        if let Some(p) = self.pending.replace(entry) {
            self.put(p, false);
        }
        if self.buf.len() >= 1 << 20 {
            log.append_bytes(&self.buf, self.chain.clone())?;
            self.written += self.buf.len() as u64;
            self.buf.clear();
        }
        Ok(())
    }

    /// Writes the last entry, closing the operation, and syncs the log.
    fn finish(&mut self, log: &mut super::log::Log) -> Result<()> {
        if let Some(p) = self.pending.take() {
            self.put(p, true);
        }
        log.append_bytes(&self.buf, self.chain.clone())?;
        log.sync_data()
    }
}

fn changed(label: &str) -> StoreError {
    invalid(format!(
        "{label} changed while it was being imported; nothing was written"
    ))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn at_cell(label: &str, line: u64, e: &crate::model::table::CellError) -> StoreError {
    if e.column.is_empty() {
        invalid(format!("{label} line {line}: {}", e.message))
    } else {
        invalid(format!(
            "{label} line {line}, column {:?}: {}",
            text::sanitize(&e.column),
            e.message
        ))
    }
}

/// Matches a row's entities (or plans them), gathering their aliases and attributes.
fn plan_entities(plan: &mut Plan, row: &Row, matched: &mut HashSet<Id>, report: &mut TableReport) {
    for e in row.entities.iter().flatten() {
        let target = match plan.known.get(&(e.kind, e.key.clone())) {
            Some(t) => *t,
            None => {
                let t = Target::New(plan.new.len());
                let mut keys = HashSet::new();
                keys.insert(super::index::name_key(&e.name));
                plan.new.push(NewEntity {
                    name: e.name.clone(),
                    kind: e.kind,
                    aliases: Vec::new(),
                    keys,
                    attributes: BTreeMap::new(),
                });
                plan.known.insert((e.kind, e.key.clone()), t);
                t
            }
        };
        // every spelling of the identity, and every alias cell, is kept as an alias
        let names = std::iter::once(&e.name).chain(&e.aliases);
        match target {
            Target::New(i) => {
                let n = &mut plan.new[i];
                for a in names {
                    add_alias(&mut n.aliases, &mut n.keys, a);
                }
                for (k, v) in &e.attributes {
                    if add_attribute(&mut n.attributes, k, v) {
                        report.attributes_kept += 1;
                    }
                }
            }
            Target::Existing(id) => {
                matched.insert(id);
                let Some(before) = plan.existing.get(&id) else {
                    continue;
                };
                let after = plan.changed.entry(id).or_insert_with(|| before.clone());
                let mut keys: HashSet<String> = std::iter::once(&after.name)
                    .chain(&after.aliases)
                    .map(|n| super::index::name_key(n))
                    .collect();
                for a in names {
                    add_alias(&mut after.aliases, &mut keys, a);
                }
                for (k, v) in &e.attributes {
                    if add_attribute(&mut after.attributes, k, v) {
                        report.attributes_kept += 1;
                    }
                }
            }
        }
    }
}

/// Makes the operation's changes from the plan and a reading of the file, the same
/// every time: the new entities, the changed ones, then each row's note (with its
/// mentions) and links.
struct Generator<'a> {
    bound: &'a Bound,
    plan: &'a Plan,
    label: &'a str,
    now: chrono::DateTime<chrono::Utc>,
    user: String,
    /// The id counters before the import.
    next: BTreeMap<char, u64>,
    /// In a shared enquiry, this member's seat: the import takes only its seat's numbers,
    /// as every other command does, so another member's records never collide with it.
    seat: Option<u64>,
}

impl Generator<'_> {
    fn first(&self, kind: Kind) -> u64 {
        self.next.get(&kind.letter()).copied().unwrap_or(1)
    }

    /// The number of the `i`th new record of `kind` the import makes (as
    /// [`Store::number_for`] hands them out).
    fn number(&self, kind: Kind, i: u64) -> u64 {
        super::shared::nth_number(self.first(kind), self.seat, i)
    }

    /// Whether `num` is the number of an entity this import makes.
    fn makes_entity(&self, num: u64) -> bool {
        let base = self.number(Kind::Entity, 0);
        let step = self.number(Kind::Entity, 1) - base;
        num >= base
            && (num - base).is_multiple_of(step)
            && (num - base) / step < self.plan.new.len() as u64
    }

    fn meta(&self, id: Id, tags: Vec<String>) -> Meta {
        let mut m = Meta::new(id, self.now, &self.user);
        m.tags = tags;
        m
    }

    fn id_of(&self, t: Target) -> Id {
        match t {
            Target::Existing(id) => id,
            Target::New(i) => Id::new(Kind::Entity, self.number(Kind::Entity, i as u64)),
        }
    }

    /// Every entity by the name keys of its name and aliases, as the import leaves
    /// them: what a note's `[[name]]` finds (as [`Store::entities_named`] would).
    fn names(&self) -> HashMap<String, BTreeSet<Id>> {
        let mut out: HashMap<String, BTreeSet<Id>> = HashMap::new();
        let mut put = |n: &str, id: Id| {
            let k = super::index::name_key(n);
            if !k.is_empty() {
                out.entry(k).or_default().insert(id);
            }
        };
        for (id, e) in &self.plan.existing {
            let e = self.plan.changed.get(id).unwrap_or(e);
            for n in std::iter::once(&e.name).chain(&e.aliases) {
                put(n, *id);
            }
        }
        for (i, e) in self.plan.new.iter().enumerate() {
            let id = self.id_of(Target::New(i));
            for n in std::iter::once(&e.name).chain(&e.aliases) {
                put(n, id);
            }
        }
        out
    }

    /// One reading: hands every change to `emit`, checking each record by the store's
    /// rules; returns the file's hash.
    fn run(
        &self,
        pass: &mut RowPass<'_>,
        report: &mut TableReport,
        emit: &mut dyn FnMut(Change) -> Result<()>,
    ) -> Result<[u8; 32]> {
        let tags = &self.bound.mapping.tags;
        let mut check_emit = |before: Option<Record>, after: Record, line: u64| -> Result<()> {
            let id = after.id();
            if id.num >= MAX_ID {
                return Err(invalid(format!(
                    "{}: the id counter for {} is exhausted",
                    self.label,
                    id.kind.plural()
                )));
            }
            let refused = |e: StoreError| {
                let e = super::rules::unassigned(e, &after);
                if line == 0 {
                    invalid(format!("{}: {e}", self.label))
                } else {
                    invalid(format!("{} line {line}: {e}", self.label))
                }
            };
            super::rules::check(&after, &mut |_, _, _| Ok(())).map_err(refused)?;
            super::rules::check_typed(&after).map_err(refused)?;
            emit(Change {
                before,
                after: Some(after),
            })
        };
        for (i, e) in self.plan.new.iter().enumerate() {
            let id = self.id_of(Target::New(i));
            let rec = Record::Entity(Entity {
                meta: self.meta(id, tags.clone()),
                name: e.name.clone(),
                kind: e.kind,
                aliases: e.aliases.clone(),
                attributes: e.attributes.clone(),
            });
            check_emit(None, rec, 0)?;
        }
        for (id, after) in &self.plan.changed {
            let Some(before) = self.plan.existing.get(id) else {
                continue;
            };
            let mut after = after.clone();
            after.meta.updated = self.now;
            check_emit(
                Some(Record::Entity(before.clone())),
                Record::Entity(after),
                0,
            )?;
        }
        let names = self.names();
        // how many notes and links this reading has made so far
        let mut notes = 0u64;
        let mut links = 0u64;
        let mut index = 0usize;
        // counted afresh by this reading
        report.links = 0;
        report.notes = 0;
        report.mentions = 0;
        report.self_links = 0;
        pass(&mut |line, cells| {
            let i = index;
            index += 1;
            if self.plan.skipped(i) {
                return Ok(());
            }
            let row = self
                .bound
                .row(cells)
                .map_err(|e| at_cell(self.label, line, &e))?;
            if !row.makes_records() {
                return Ok(());
            }
            let mut own = tags.clone();
            own.push(row_tag(&row.fingerprint));
            let ends: Vec<Option<Id>> = row
                .entities
                .iter()
                .map(|e| {
                    e.as_ref().and_then(|e| {
                        self.plan
                            .known
                            .get(&(e.kind, e.key.clone()))
                            .map(|t| self.id_of(*t))
                    })
                })
                .collect();
            let mut source = None;
            if let Some(n) = &row.note {
                let nid = Id::new(Kind::Note, self.number(Kind::Note, notes));
                notes += 1;
                source = Some(nid);
                report.notes += 1;
                let found = text::mentions(&n.text);
                let mut wanted: BTreeSet<Id> = BTreeSet::new();
                for name in &found.names {
                    if let Some(ids) = names.get(&super::index::name_key(name)) {
                        wanted.extend(ids);
                    }
                }
                for id in found.ids {
                    // an id the workspace held before the import, or an entity it makes
                    let known = match id.kind {
                        Kind::Entity => {
                            self.plan.existing.contains_key(&id) || self.makes_entity(id.num)
                        }
                        _ => false,
                    };
                    if known {
                        wanted.insert(id);
                    }
                }
                check_emit(
                    None,
                    Record::Note(Note {
                        meta: self.meta(nid, own.clone()),
                        text: n.text.clone(),
                        source: n.source.clone(),
                        grade: n.grade,
                        when: n.when,
                    }),
                    line,
                )?;
                for target in wanted {
                    let id = Id::new(Kind::Link, self.number(Kind::Link, links));
                    links += 1;
                    report.mentions += 1;
                    check_emit(
                        None,
                        Record::Link(Link {
                            meta: self.meta(id, Vec::new()),
                            from: nid,
                            to: target,
                            label: MENTIONS.into(),
                            confidence: None,
                            source: Some(nid),
                            when: n.when,
                            auto: true,
                        }),
                        line,
                    )?;
                }
            }
            for l in &row.links {
                let (Some(from), Some(to)) = (ends[l.from], ends[l.to]) else {
                    continue;
                };
                if from == to {
                    report.self_links += 1;
                    continue;
                }
                let id = Id::new(Kind::Link, self.number(Kind::Link, links));
                links += 1;
                report.links += 1;
                check_emit(
                    None,
                    Record::Link(Link {
                        meta: self.meta(id, own.clone()),
                        from,
                        to,
                        label: l.label.clone(),
                        confidence: l.confidence,
                        source,
                        when: l.when,
                        auto: false,
                    }),
                    line,
                )?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests;
