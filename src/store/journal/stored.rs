//! How the journal tree keeps an entry: its header (sequence, group, time, user,
//! operation, id, what it undoes) and where its line starts in the journal log, whose
//! line holds the before and after values.
//!
//! Schema 4 writes the header in a compact binary form, about a third of the JSON the
//! earlier schemas wrote: 1.26 million entries are read by every `check`, `weft log`
//! and compaction, and sled's open and disk grow with the bytes it keeps. Entries of
//! earlier schemas stay as they were written (JSON, the oldest with their values
//! inline) until a compaction rewrites them; both forms are read.
//!
//! The compact form: the byte [`COMPACT`] (JSON always starts with `{`), then unsigned
//! LEB128 numbers and length-prefixed UTF-8 strings, in this order: seq, seq − group,
//! the time's seconds (zigzag), its nanoseconds, user, operation, the id's nine bytes,
//! what it undoes (0 for nothing, else group + 1), and `at` (0 for none, else at + 1).

use super::super::{Result, StoreError};
use super::JournalEntry;
use crate::model::Id;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The first byte of an entry in the compact form.
const COMPACT: u8 = 1;

/// A journal entry as the journal tree keeps it. Its before and after values live in
/// the journal log, in the entry's line starting at byte `at`: the tree keeps what
/// undo and the history need to find an operation, not the records twice. Entries
/// written before schema 2 hold their values inline and no `at`; both are read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(in crate::store) struct Stored {
    pub seq: u64,
    pub group: u64,
    #[serde(deserialize_with = "crate::model::stamp::deserialize")]
    pub time: DateTime<Utc>,
    pub user: String,
    pub op: String,
    pub id: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<serde_json::Value>,
}

impl Stored {
    /// What the journal tree keeps for `e`, whose log line starts at byte `at`.
    pub fn bytes(e: &JournalEntry, at: u64) -> Vec<u8> {
        Stored::head(e, at).compact()
    }

    /// The header of `e`, whose log line starts at byte `at`.
    fn head(e: &JournalEntry, at: u64) -> Stored {
        Stored {
            seq: e.seq,
            group: e.group,
            time: e.time,
            user: e.user.clone(),
            op: e.op.clone(),
            id: e.id,
            undoes: e.undoes,
            at: Some(at),
            before: None,
            after: None,
        }
    }

    /// This entry's header in the compact form, or `None` when its values are inline
    /// (schema 1), which the form cannot hold.
    pub fn to_compact(&self) -> Option<Vec<u8>> {
        self.at.is_some().then(|| self.compact())
    }

    fn compact(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(32 + self.user.len() + self.op.len());
        out.push(COMPACT);
        put(&mut out, self.seq);
        put(&mut out, self.seq.wrapping_sub(self.group));
        put(&mut out, zigzag(self.time.timestamp()));
        put(&mut out, u64::from(self.time.timestamp_subsec_nanos()));
        put_str(&mut out, &self.user);
        put_str(&mut out, &self.op);
        out.extend_from_slice(&self.id.to_bytes());
        put(&mut out, self.undoes.map_or(0, |g| g.saturating_add(1)));
        put(&mut out, self.at.map_or(0, |a| a.saturating_add(1)));
        out
    }

    /// The whole entry: its values read from `log` when they are not inline.
    pub fn entry(self, log: &super::super::log::Log) -> Result<JournalEntry> {
        let Some(at) = self.at else {
            return Ok(JournalEntry {
                seq: self.seq,
                group: self.group,
                time: self.time,
                user: self.user,
                op: self.op,
                id: self.id,
                before: self.before,
                after: self.after,
                undoes: self.undoes,
                from: None,
            });
        };
        let e = log.entry_at(at)?;
        if e.seq != self.seq || e.id != self.id {
            return Err(StoreError::Corrupt {
                tree: "journal".into(),
                key: self.seq.to_string(),
                reason: format!(
                    "the journal log holds entry {} ({}) at byte {at}, not {} ({})",
                    e.seq, e.id, self.seq, self.id
                ),
            });
        }
        Ok(e)
    }

    /// An entry in either form.
    pub fn decode(bytes: &[u8]) -> Result<Stored> {
        if is_compact(bytes) {
            return Compact::decode(bytes).map_err(corrupt);
        }
        serde_json::from_slice(bytes).map_err(|e| corrupt(e.to_string()))
    }
}

/// The sequence number of the entry stored as `bytes`, read without decoding the rest
/// of a compact one.
pub(super) fn seq_of(bytes: &[u8]) -> Result<u64> {
    if is_compact(bytes) {
        let mut pos = 1;
        return read_num(bytes, &mut pos)
            .ok_or_else(|| corrupt("the entry ends inside its seq".into()));
    }
    #[derive(Deserialize)]
    struct Seq {
        seq: u64,
    }
    serde_json::from_slice::<Seq>(bytes)
        .map(|s| s.seq)
        .map_err(|e| corrupt(e.to_string()))
}

/// Whether `bytes` are an entry in the compact form (else JSON).
pub(in crate::store) fn is_compact(bytes: &[u8]) -> bool {
    bytes.first() == Some(&COMPACT)
}

fn corrupt(reason: String) -> StoreError {
    StoreError::Corrupt {
        tree: "journal".into(),
        key: String::from("entry"),
        reason,
    }
}

/// Reading the compact form: a cursor over its bytes that names where it went wrong.
struct Compact<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Compact<'a> {
    fn decode(bytes: &'a [u8]) -> std::result::Result<Stored, String> {
        let mut c = Compact { bytes, pos: 1 };
        let seq = c.num("seq")?;
        let group = seq
            .checked_sub(c.num("group")?)
            .ok_or("its group comes after it")?;
        let secs = unzigzag(c.num("time")?);
        let nanos = u32::try_from(c.num("time")?).map_err(|_| "its time is out of range")?;
        let time = DateTime::from_timestamp(secs, nanos).ok_or("its time is out of range")?;
        let user = c.text("user")?;
        let op = c.text("operation")?;
        let id = c
            .take(9, "id")
            .and_then(|b| Id::from_bytes(b).ok_or_else(|| "its id is not an id".to_string()))?;
        let undoes = c.num("undoes")?.checked_sub(1);
        let at = c.num("place in the log")?.checked_sub(1);
        if c.pos != bytes.len() {
            return Err(format!(
                "{} bytes follow the entry's last field",
                bytes.len() - c.pos
            ));
        }
        Ok(Stored {
            seq,
            group,
            time,
            user,
            op,
            id,
            undoes,
            at,
            before: None,
            after: None,
        })
    }

    fn take(&mut self, n: usize, what: &str) -> std::result::Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| format!("the entry ends inside its {what}"))?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    /// An unsigned LEB128 number of at most ten bytes.
    fn num(&mut self, what: &str) -> std::result::Result<u64, String> {
        if self.pos >= self.bytes.len() {
            return Err(format!("the entry ends inside its {what}"));
        }
        read_num(self.bytes, &mut self.pos).ok_or_else(|| {
            if self.pos >= self.bytes.len() {
                format!("the entry ends inside its {what}")
            } else {
                format!("its {what} is not a number")
            }
        })
    }

    fn text(&mut self, what: &str) -> std::result::Result<String, String> {
        let n = usize::try_from(self.num(what)?).map_err(|_| format!("its {what} is too long"))?;
        let b = self.take(n, what)?;
        String::from_utf8(b.to_vec()).map_err(|_| format!("its {what} is not UTF-8"))
    }
}

/// Reads an unsigned LEB128 number of at most ten bytes at `pos`, moving `pos` past it;
/// `None` when the bytes end inside it or it does not fit in 64 bits (`pos` is then left
/// where reading stopped).
pub(super) fn read_num(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..70).step_by(7) {
        let b = *bytes.get(*pos)?;
        let part = u64::from(b & 0x7F);
        if shift == 63 && part > 1 {
            return None;
        }
        *pos += 1;
        v |= part << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// Writes `v` as an unsigned LEB128 number.
pub(super) fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(seq: u64, group: u64, time: DateTime<Utc>, undoes: Option<u64>) -> JournalEntry {
        JournalEntry {
            seq,
            group,
            time,
            user: "analyst ü".into(),
            op: "add".into(),
            id: "N42".parse().unwrap(),
            before: None,
            after: Some(serde_json::json!({"text": "x"})),
            undoes,
            from: None,
        }
    }

    #[test]
    fn a_compact_entry_is_at_most_two_fifths_of_the_json_one() {
        let time = "2026-05-03T10:11:12.123456789Z".parse().unwrap();
        let e = entry(1_262_499, 1_262_499, time, None);
        let compact = Stored::bytes(&e, 508_000_000);
        let json = serde_json::to_vec(&Stored::head(&e, 508_000_000)).unwrap();
        assert!(
            compact.len() * 5 <= json.len() * 2,
            "{} vs {}",
            compact.len(),
            json.len()
        );
        assert_eq!(
            Stored::decode(&compact).unwrap(),
            Stored::head(&e, 508_000_000)
        );
    }

    #[test]
    fn json_entries_of_earlier_schemas_still_read() {
        let time = "2026-05-03T10:11:12Z".parse().unwrap();
        let e = entry(7, 5, time, Some(2));
        let json = serde_json::to_vec(&Stored::head(&e, 99)).unwrap();
        assert!(!is_compact(&json));
        assert_eq!(Stored::decode(&json).unwrap(), Stored::head(&e, 99));
    }

    #[test]
    fn every_cut_or_lengthened_entry_is_refused_in_words() {
        let time = "2026-05-03T10:11:12.5Z".parse().unwrap();
        let bytes = Stored::bytes(&entry(300, 290, time, Some(12)), 70_000);
        for n in 1..bytes.len() {
            let err = Stored::decode(&bytes[..n]).unwrap_err().to_string();
            assert!(
                err.contains("journal") && err.contains("ends inside"),
                "{n}: {err}"
            );
        }
        let mut long = bytes.clone();
        long.push(0);
        let err = Stored::decode(&long).unwrap_err().to_string();
        assert!(err.contains("1 bytes follow"), "{err}");
    }

    #[test]
    fn a_group_after_its_entry_or_a_bad_number_is_refused() {
        let mut b = vec![COMPACT];
        put(&mut b, 3);
        put(&mut b, 4);
        assert!(Compact::decode(&b)
            .unwrap_err()
            .contains("group comes after"));
        let b = [
            COMPACT, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F,
        ];
        assert!(Compact::decode(&b)
            .unwrap_err()
            .contains("seq is not a number"));
    }

    proptest! {
        #[test]
        fn the_compact_form_round_trips(
            seq in 0u64..(1 << 53),
            back in 0u64..1000,
            secs in -62_000_000_000i64..250_000_000_000,
            nanos in 0u32..1_000_000_000,
            undoes in proptest::option::of(0u64..(1 << 53)),
            at in 0u64..u64::MAX,
            user in ".{0,20}",
            op in "[a-z ]{0,12}",
        ) {
            let time = DateTime::from_timestamp(secs, nanos).unwrap();
            let mut e = entry(seq, seq.saturating_sub(back), time, undoes);
            e.user = user;
            e.op = op;
            let bytes = Stored::bytes(&e, at);
            prop_assert!(is_compact(&bytes));
            prop_assert_eq!(Stored::decode(&bytes).unwrap(), Stored::head(&e, at));
        }
    }
}
