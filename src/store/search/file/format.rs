//! The search file's bytes. After a fixed header come sections; each is a run of entries
//! and a trailer that closes it. The first section (the base) holds every searched
//! record; each later one holds what one commit changed, and wins over what came before.
//!
//! An entry: the record's id (9 bytes, [`Id::to_bytes`]), a flags byte, then
//! length-prefixed (u32, little-endian) texts: the short search text, the title when it
//! differs from the short text, and the whole text when the record says more than its
//! short text ([`Record::search_body`]). A removed record is its id and [`REMOVED`].

use crate::model::{Id, Record};

/// The file's first bytes: its name and format version.
pub const MAGIC: &[u8; 12] = b"weft-search\x01";
/// The bytes that end every trailer.
const TRAILER_MAGIC: &[u8; 8] = b"wsx-end\n";
pub const TRAILER_LEN: usize = 48;

const REMOVED: u8 = 1;
const TITLE: u8 = 2;
const BODY: u8 = 4;

/// What closes a section: its entries' length and checksum, and the state of the
/// workspace the file is current with once this section is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trailer {
    pub entries_len: u64,
    pub crc: u32,
    /// The schema of the database the texts were derived by.
    pub schema: u32,
    /// The database's next journal sequence number.
    pub seq: u64,
    /// The journal log's length, and a checksum of its last [`LOG_TAIL`] bytes.
    pub log_len: u64,
    pub log_tail: u32,
    /// Whether this section is the base: every record, nothing before it.
    pub base: bool,
}

/// How much of the journal log's end the trailer's checksum covers.
pub const LOG_TAIL: u64 = 4096;

impl Trailer {
    pub fn to_bytes(self) -> [u8; TRAILER_LEN] {
        let mut b = [0u8; TRAILER_LEN];
        b[0..8].copy_from_slice(&self.entries_len.to_le_bytes());
        b[8..12].copy_from_slice(&self.crc.to_le_bytes());
        b[12..16].copy_from_slice(&self.schema.to_le_bytes());
        b[16..24].copy_from_slice(&self.seq.to_le_bytes());
        b[24..32].copy_from_slice(&self.log_len.to_le_bytes());
        b[32..36].copy_from_slice(&self.log_tail.to_le_bytes());
        b[36..40].copy_from_slice(&u32::from(self.base).to_le_bytes());
        b[40..48].copy_from_slice(TRAILER_MAGIC);
        b
    }

    /// A trailer read back, or `None` when the bytes are not one.
    pub fn parse(b: &[u8]) -> Option<Trailer> {
        if b.len() != TRAILER_LEN || &b[40..48] != TRAILER_MAGIC {
            return None;
        }
        let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or_default());
        let u32_at = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap_or_default());
        let base = match u32_at(36) {
            0 => false,
            1 => true,
            _ => return None,
        };
        Some(Trailer {
            entries_len: u64_at(0),
            crc: u32_at(8),
            schema: u32_at(12),
            seq: u64_at(16),
            log_len: u64_at(24),
            log_tail: u32_at(32),
            base,
        })
    }
}

/// One record as an entry holds it; `texts` is `None` for a removed record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Entry<'a> {
    pub id: Id,
    pub texts: Option<Texts<'a>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Texts<'a> {
    /// The record's short search text ([`crate::model::Record::search_text`]): a title, a name with its kind and aliases, a
    /// short note whole on one line, or a long note's first line.
    pub short: &'a str,
    /// What the command line prints for the record, when it is not `short`.
    pub title: Option<&'a str>,
    /// A long note's or expectation's whole text.
    pub body: Option<&'a str>,
}

impl Texts<'_> {
    pub fn title(&self) -> &str {
        self.title.unwrap_or(self.short)
    }
}

fn push_text(out: &mut Vec<u8>, text: &str) {
    // a text never nears 4 GiB: the record was a sled value and JSON before
    out.extend_from_slice(&(text.len() as u32).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}

/// What a record's entry holds: its short text, its title when that differs, and the
/// whole text searched after the short ones (a long note's), as [`Texts`] names them.
pub fn texts_of(rec: &Record) -> (String, Option<String>, Option<&str>) {
    let short = rec.search_text();
    let title = rec.title();
    let title = (title != short).then_some(title);
    (short, title, rec.search_body())
}

/// Appends the entry of record `id`, which is now `rec` (`None`: removed).
pub fn push_entry(out: &mut Vec<u8>, id: Id, rec: Option<&Record>) {
    out.extend_from_slice(&id.to_bytes());
    let Some(rec) = rec else {
        out.push(REMOVED);
        return;
    };
    let (short, title, body) = texts_of(rec);
    let mut flags = 0;
    if title.is_some() {
        flags |= TITLE;
    }
    if body.is_some() {
        flags |= BODY;
    }
    out.push(flags);
    push_text(out, &short);
    if let Some(t) = &title {
        push_text(out, t);
    }
    if let Some(b) = body {
        push_text(out, b);
    }
}

/// What the bytes at the start of a buffer hold.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed<'a> {
    /// An entry, and how many bytes it took.
    Entry(Entry<'a>, usize),
    /// The start of an entry that goes on past the buffer.
    Short,
    /// Bytes that are no entry.
    Bad,
}

/// Reads the entry at the start of `b`.
pub fn parse_entry(b: &[u8]) -> Parsed<'_> {
    let mut at: usize = 0;
    let mut take = |n: usize| -> Option<&[u8]> {
        let part = b.get(at..at.checked_add(n)?)?;
        at += n;
        Some(part)
    };
    let Some(head) = take(10) else {
        return Parsed::Short;
    };
    let Some(id) = Id::from_bytes(&head[..9]) else {
        return Parsed::Bad;
    };
    let flags = head[9];
    if flags == REMOVED {
        return Parsed::Entry(Entry { id, texts: None }, at);
    }
    if flags & !(TITLE | BODY) != 0 {
        return Parsed::Bad;
    }
    let mut text = |wanted: bool| -> Result<Option<&str>, Parsed<'static>> {
        if !wanted {
            return Ok(None);
        }
        let len = take(4).ok_or(Parsed::Short)?;
        let len = u32::from_le_bytes(len.try_into().map_err(|_| Parsed::Bad)?) as usize;
        let bytes = take(len).ok_or(Parsed::Short)?;
        std::str::from_utf8(bytes)
            .map(Some)
            .map_err(|_| Parsed::Bad)
    };
    let texts = (|| -> Result<Texts<'_>, Parsed<'static>> {
        let short = text(true)?.unwrap_or_default();
        let title = text(flags & TITLE != 0)?;
        let body = text(flags & BODY != 0)?;
        Ok(Texts { short, title, body })
    })();
    match texts {
        Ok(texts) => Parsed::Entry(
            Entry {
                id,
                texts: Some(texts),
            },
            at,
        ),
        Err(p) => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Meta, Note};

    fn note(num: u64, text: &str) -> Record {
        Record::Note(Note {
            meta: Meta::new(Id::new(Kind::Note, num), chrono::Utc::now(), "ana"),
            text: text.into(),
            source: String::new(),
            grade: None,
            when: None,
        })
    }

    #[test]
    fn an_entry_reads_back_as_written_and_a_cut_one_asks_for_more() {
        let long = format!("Heading\n{}", "word ".repeat(60));
        let recs = [note(1, "one\ntwo"), note(2, &long)];
        let mut buf = Vec::new();
        for r in &recs {
            push_entry(&mut buf, r.id(), Some(r));
        }
        push_entry(&mut buf, Id::new(Kind::Note, 3), None);
        let mut at = 0;
        let mut seen = Vec::new();
        while at < buf.len() {
            let Parsed::Entry(e, n) = parse_entry(&buf[at..]) else {
                panic!("no entry at {at}")
            };
            // every proper prefix of an entry asks for more, never misreads
            for cut in 0..n {
                assert_eq!(parse_entry(&buf[at..at + cut]), Parsed::Short);
            }
            seen.push(e);
            at += n;
        }
        let t0 = seen[0].texts.unwrap();
        assert_eq!((t0.short, t0.title(), t0.body), ("one two", "one", None));
        let t1 = seen[1].texts.unwrap();
        assert_eq!(
            (t1.short, t1.title(), t1.body),
            ("Heading", "Heading", Some(&*long))
        );
        assert_eq!(seen[2].texts, None);
    }

    #[test]
    fn a_trailer_reads_back_and_anything_else_is_refused() {
        let t = Trailer {
            entries_len: 7,
            crc: 9,
            schema: 3,
            seq: 11,
            log_len: 13,
            log_tail: 15,
            base: true,
        };
        assert_eq!(Trailer::parse(&t.to_bytes()), Some(t));
        let mut bad = t.to_bytes();
        bad[47] = b'x';
        assert_eq!(Trailer::parse(&bad), None);
        let mut bad = t.to_bytes();
        bad[36] = 2;
        assert_eq!(Trailer::parse(&bad), None);
        assert_eq!(Trailer::parse(&t.to_bytes()[1..]), None);
    }

    #[test]
    fn bytes_that_are_no_entry_are_refused() {
        // an unknown kind letter, unknown flags, and text that is not UTF-8
        let mut b = vec![b'?'; 9];
        b.push(0);
        assert_eq!(parse_entry(&b), Parsed::Bad);
        let mut b = Id::new(Kind::Note, 1).to_bytes().to_vec();
        b.push(8);
        assert_eq!(parse_entry(&b), Parsed::Bad);
        let mut b = Id::new(Kind::Note, 1).to_bytes().to_vec();
        b.extend_from_slice(&[0, 2, 0, 0, 0, 0xff, 0xfe]);
        assert_eq!(parse_entry(&b), Parsed::Bad);
    }
}
