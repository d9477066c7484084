//! Reading the search file: its sections checked against the journal log and their
//! checksums, its live entries walked newest first, scored on every core or digested.

use super::cursor::{Cursor, Stepped};
use super::format::{parse_entry, texts_of, Entry, Parsed, Texts, Trailer, MAGIC, TRAILER_LEN};
use super::{current_schema, log_tail, TitledHit, APPENDED_MAX, CHUNK, FILE};
use crate::model::Id;
use crate::store::search::score::{top_by, Scorer};
use std::fs;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;

/// A section of the file: where its entries are, and its trailer.
pub(super) struct Section {
    pub start: u64,
    pub trailer: Trailer,
}

/// The sections of a current file, newest first (the base last), or `None` when the
/// file is not current: another schema, a log that moved on, a cut or foreign tail, or
/// more appended than a search should wade through.
pub(super) fn sections(f: &fs::File, dir: &Path) -> io::Result<Option<Vec<Section>>> {
    let len = f.metadata()?.len();
    let head = MAGIC.len() as u64;
    let mut magic = [0u8; MAGIC.len()];
    if len < head + TRAILER_LEN as u64 {
        return Ok(None);
    }
    f.read_exact_at(&mut magic, 0)?;
    if &magic != MAGIC {
        return Ok(None);
    }
    let mut out: Vec<Section> = Vec::new();
    let mut end = len;
    loop {
        let Some(body_end) = end.checked_sub(TRAILER_LEN as u64).filter(|&e| e >= head) else {
            return Ok(None);
        };
        let mut b = [0u8; TRAILER_LEN];
        f.read_exact_at(&mut b, body_end)?;
        let Some(t) = Trailer::parse(&b) else {
            return Ok(None);
        };
        if out.is_empty() {
            let log = log_tail(dir)?;
            if !current_schema(t.schema) || (t.log_len, t.log_tail) != log {
                return Ok(None);
            }
        }
        let Some(start) = body_end.checked_sub(t.entries_len).filter(|&s| s >= head) else {
            return Ok(None);
        };
        out.push(Section { start, trailer: t });
        if t.base {
            if start != head {
                return Ok(None);
            }
            let appended = len - (body_end + TRAILER_LEN as u64);
            let most = APPENDED_MAX.max(t.entries_len / 4);
            return Ok((appended <= most).then_some(out));
        }
        end = start;
    }
}

/// Scores one entry as the database's two-phase search would: its short text, and a
/// long note's whole text, the better of the two.
pub(in crate::store::search) fn score_entry(scorer: &Scorer, e: &Entry) -> Option<i64> {
    let t = e.texts?;
    let short = scorer.score(e.id, t.short);
    let long = t.body.and_then(|b| scorer.score_long(e.id, b));
    short.max(long)
}

/// A match: the record, its score, and where its entry starts in the file.
type Found = (Id, i64, u64);

/// Scores `entries` (each with its offset) on this thread with `scorer` and on up to
/// `threads - 1` more, each with a scorer of its own for the same query.
fn score_all(scorer: &Scorer, threads: usize, entries: &[(u64, Entry)], out: &mut Vec<Found>) {
    let run = |scorer: &Scorer, part: &[(u64, Entry)]| -> Vec<Found> {
        part.iter()
            .filter_map(|(at, e)| score_entry(scorer, e).map(|s| (e.id, s, *at)))
            .collect()
    };
    if threads <= 1 || entries.len() < 4096 {
        out.extend(run(scorer, entries));
        return;
    }
    let per = entries.len().div_ceil(threads);
    let mut parts = entries.chunks(per);
    let mine = parts.next().unwrap_or_default();
    let query = scorer.query.as_str();
    std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .map(|part| scope.spawn(move || run(&Scorer::new(query), part)))
            .collect();
        out.extend(run(scorer, mine));
        for h in handles {
            // a scoring thread cannot panic on any text; should it, its part is lost
            // rather than the search
            out.extend(h.join().unwrap_or_default());
        }
    });
}

/// Calls `each` with every live entry of the file in `dir` (each with its offset), a
/// chunk at a time: what the newest commit wrote first, the base last, every record
/// once. Returns the file and `each`, or `None` when the file is missing, not current,
/// or fails a checksum (what `each` was given is then to be forgotten).
fn each_live<F>(dir: &Path, mut each: F) -> io::Result<Option<(fs::File, F)>>
where
    F: FnMut(&[(u64, Entry)]),
{
    let Some(mut cursor) = Cursor::open(dir, CHUNK)? else {
        return Ok(None);
    };
    loop {
        match cursor.step(usize::MAX, &mut each)? {
            Stepped::More => {}
            Stepped::Done => return Ok(Some((cursor.into_file(), each))),
            Stepped::Damaged => return Ok(None),
        }
    }
}

/// Searches the file in `dir` for `query`: the best `limit` hits, or `None` when the
/// file is missing or not current. The caller holds the workspace's lock.
pub fn search(dir: &Path, query: &str, limit: usize) -> io::Result<Option<Vec<TitledHit>>> {
    search_keeping(dir, query, limit, limit.saturating_mul(2).max(1 << 16))
}

/// [`search`], cutting the matches held back to the best `limit` whenever there are more
/// than `keep`: a one-letter query at 1M records would otherwise hold every match. Each
/// record is scored once and (score, id) orders them all, so the best of the best of
/// each part are the best of the whole.
pub(super) fn search_keeping(
    dir: &Path,
    query: &str,
    limit: usize,
    keep: usize,
) -> io::Result<Option<Vec<TitledHit>>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let scorer = Scorer::new(query);
    let mut found: Vec<Found> = Vec::new();
    let walked = each_live(dir, |entries| {
        score_all(&scorer, threads, entries, &mut found);
        if found.len() > keep {
            let best = top_by(&mut found, limit, |&(id, score, _)| (score, id)).len();
            found.truncate(best);
        }
    })?;
    let Some((f, _)) = walked else {
        return Ok(None);
    };
    let best = top_by(&mut found, limit, |&(id, score, _)| (score, id));
    let mut out = Vec::with_capacity(best.len());
    for &(id, score, at) in best.iter() {
        out.push(entry_at(&f, at)?.map(|(text, title)| TitledHit {
            id,
            score,
            text,
            title,
        }));
    }
    Ok(out.into_iter().collect())
}

/// A digest of what a set of entries holds, the same whatever their order: how many,
/// and the wrapping sum of a hash of each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Digest {
    pub entries: u64,
    sum: u64,
}

impl Digest {
    fn add(&mut self, e: &Entry) {
        use std::hash::BuildHasher;
        // foldhash with its fixed seed: the same in every process, and a few times
        // quicker than SipHash on short texts
        self.entries += 1;
        self.sum = self
            .sum
            .wrapping_add(foldhash::quality::FixedState::default().hash_one(e));
    }

    /// Adds the entries of `other`, as if added here.
    pub fn merge(&mut self, other: &Digest) {
        self.entries += other.entries;
        self.sum = self.sum.wrapping_add(other.sum);
    }

    /// Adds the entry `rec` gives (a record that is not searched gives none).
    pub fn add_record(&mut self, rec: &crate::model::Record) {
        if !crate::store::index::is_searched(rec.id().kind) {
            return;
        }
        let (short, title, body) = texts_of(rec);
        let texts = Texts {
            short: &short,
            title: title.as_deref(),
            body,
        };
        self.add(&Entry {
            id: rec.id(),
            texts: Some(texts),
        });
    }
}

/// The digest of the live entries of the file in `dir`, or `None` when it is missing or
/// not current (and so would never be read).
pub fn digest(dir: &Path) -> io::Result<Option<Digest>> {
    let mut d = Digest::default();
    let current = each_live(dir, |entries| {
        for (_, e) in entries {
            if e.texts.is_some() {
                d.add(e);
            }
        }
    })?
    .is_some();
    Ok(current.then_some(d))
}

/// Whether the search file in `dir` is current, by its trailers alone (its checksums
/// are verified when it is read).
pub fn is_current(dir: &Path) -> bool {
    super::open_read(&dir.join(FILE))
        .and_then(|f| sections(&f, dir))
        .is_ok_and(|s| s.is_some())
}

/// The short text and title of the entry at `at`.
fn entry_at(f: &fs::File, at: u64) -> io::Result<Option<(String, String)>> {
    let mut len = 64 << 10;
    loop {
        let file_len = f.metadata()?.len();
        let n = (len as u64).min(file_len.saturating_sub(at)) as usize;
        let mut b = vec![0; n];
        f.read_exact_at(&mut b, at)?;
        match parse_entry(&b) {
            Parsed::Entry(e, _) => {
                return Ok(e
                    .texts
                    .map(|t| (t.short.to_string(), t.title().to_string())))
            }
            Parsed::Short if n == len => len *= 4,
            _ => return Ok(None),
        }
    }
}
