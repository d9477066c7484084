//! The search file read in steps: what the interface's finder reads on its worker, a
//! few thousand entries between two looks for a newer query. The file is taken as it
//! is when the cursor opens: what a commit appends later is not read (the next query's
//! cursor reads it), and the descriptor keeps the file even if it is replaced.

use super::format::{parse_entry, Entry, Parsed};
use super::read::{sections, Section};
use super::FILE;
use crate::model::Id;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;

/// How much of the base is read at a time.
const READ: usize = 256 << 10;

/// Where a step left the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stepped {
    /// More to read.
    More,
    /// Every live entry was given, and the checksums held.
    Done,
    /// The file failed a checksum or held bytes that are no entry: what was given is to
    /// be forgotten.
    Damaged,
}

/// A current search file being read: the sections commits appended (newest first),
/// then the base a buffer at a time.
pub struct Cursor {
    file: fs::File,
    appended: Vec<Section>,
    seen: HashSet<Id>,
    /// The base's end, how far it is read, and what is read but not yet given.
    end: u64,
    read: u64,
    buf: Vec<u8>,
    pos: usize,
    crc: crc32fast::Hasher,
    want_crc: u32,
}

impl std::fmt::Debug for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cursor")
            .field("read", &self.read)
            .field("end", &self.end)
            .finish_non_exhaustive()
    }
}

impl Cursor {
    /// A cursor over the search file in `dir`, when there is a current one.
    pub fn open(dir: &Path) -> io::Result<Option<Cursor>> {
        let file = match fs::File::open(dir.join(FILE)) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let Some(mut sections) = sections(&file, dir)? else {
            return Ok(None);
        };
        let base = sections.pop().expect("sections end with the base");
        Ok(Some(Cursor {
            file,
            // taken from the end: the newest first
            appended: sections.into_iter().rev().collect(),
            seen: HashSet::new(),
            end: base.start + base.trailer.entries_len,
            read: base.start,
            buf: Vec::new(),
            pos: 0,
            crc: crc32fast::Hasher::new(),
            want_crc: base.trailer.crc,
        }))
    }

    /// Gives about `budget` live entries to `each` (a whole appended section counts as
    /// one step, however long), each record once, the newest version.
    pub fn step(&mut self, budget: usize, mut each: impl FnMut(&Entry)) -> io::Result<Stepped> {
        if let Some(s) = self.appended.pop() {
            let mut bytes = vec![0; s.trailer.entries_len as usize];
            self.file.read_exact_at(&mut bytes, s.start)?;
            if crc32fast::hash(&bytes) != s.trailer.crc {
                return Ok(Stepped::Damaged);
            }
            let mut entries = Vec::new();
            let mut at = 0;
            while at < bytes.len() {
                match parse_entry(&bytes[at..]) {
                    Parsed::Entry(e, n) => {
                        entries.push(e);
                        at += n;
                    }
                    _ => return Ok(Stepped::Damaged),
                }
            }
            // within a section too, the later entry of a record wins
            for e in entries.iter().rev() {
                if self.seen.insert(e.id) {
                    each(e);
                }
            }
            return Ok(Stepped::More);
        }
        let mut left = budget.max(1);
        while left > 0 {
            match parse_entry(&self.buf[self.pos..]) {
                Parsed::Entry(e, n) => {
                    if !self.seen.contains(&e.id) {
                        each(&e);
                    }
                    self.pos += n;
                    left -= 1;
                }
                Parsed::Short if self.read < self.end => {
                    self.buf.drain(..self.pos);
                    self.pos = 0;
                    let more = (self.end - self.read).min(READ as u64) as usize;
                    let old = self.buf.len();
                    self.buf.resize(old + more, 0);
                    self.file.read_exact_at(&mut self.buf[old..], self.read)?;
                    self.crc.update(&self.buf[old..]);
                    self.read += more as u64;
                }
                Parsed::Short if self.pos == self.buf.len() => {
                    let crc = std::mem::take(&mut self.crc).finalize();
                    return Ok(if crc == self.want_crc {
                        Stepped::Done
                    } else {
                        Stepped::Damaged
                    });
                }
                _ => return Ok(Stepped::Damaged),
            }
        }
        Ok(Stepped::More)
    }
}
