//! The search file read in runs: every reader goes through here. The command line's
//! search takes the whole file a chunk at a time; the interface's finder takes a few
//! thousand entries between two looks for a newer query. The file is taken as it is
//! when the cursor opens: what a commit appends later is not read (the next cursor reads
//! it), and the descriptor keeps the file even if it is replaced.

use super::format::{parse_entry, Entry, Parsed};
use super::read::{sections, Section};
use super::FILE;
use crate::model::Id;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;

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
    /// How much of the base one read takes.
    read_size: usize,
    /// The base's end, how far it is read, where `buf` starts in the file, and what is
    /// read but not yet given.
    end: u64,
    read: u64,
    at: u64,
    buf: Vec<u8>,
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

/// The entries at the start of `bytes` (which start at file offset `at`), each with its
/// offset, at most `most` of them, and how many bytes they take; `None` if bytes are no
/// entry, or if `whole` and the last entry is cut.
fn parse_run(
    bytes: &[u8],
    at: u64,
    whole: bool,
    most: usize,
) -> Option<(Vec<(u64, Entry<'_>)>, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() && out.len() < most {
        match parse_entry(&bytes[pos..]) {
            Parsed::Entry(e, n) => {
                out.push((at + pos as u64, e));
                pos += n;
            }
            Parsed::Short if !whole => break,
            _ => return None,
        }
    }
    Some((out, pos))
}

impl Cursor {
    /// A cursor over the search file in `dir`, when there is a current one, reading
    /// `read_size` bytes of the base at a time.
    pub fn open(dir: &Path, read_size: usize) -> io::Result<Option<Cursor>> {
        let file = match super::open_read(&dir.join(FILE)) {
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
            read_size: read_size.max(1),
            end: base.start + base.trailer.entries_len,
            read: base.start,
            at: base.start,
            buf: Vec::new(),
            crc: crc32fast::Hasher::new(),
            want_crc: base.trailer.crc,
        }))
    }

    /// The file read, to read an entry again by its offset.
    pub fn into_file(self) -> fs::File {
        self.file
    }

    /// Gives the next run of live entries, each with its offset in the file, to `each`:
    /// a whole appended section (newest first), then at most `budget` entries of the
    /// base at a time. Each record is given once, its newest version; a removed record
    /// is given as removed.
    pub fn step(
        &mut self,
        budget: usize,
        each: impl FnOnce(&[(u64, Entry)]),
    ) -> io::Result<Stepped> {
        if let Some(s) = self.appended.pop() {
            let mut bytes = vec![0; s.trailer.entries_len as usize];
            self.file.read_exact_at(&mut bytes, s.start)?;
            if crc32fast::hash(&bytes) != s.trailer.crc {
                return Ok(Stepped::Damaged);
            }
            let Some((entries, _)) = parse_run(&bytes, s.start, true, usize::MAX) else {
                return Ok(Stepped::Damaged);
            };
            // within a section too, the later entry of a record wins
            let seen = &mut self.seen;
            let fresh: Vec<(u64, Entry)> = entries
                .into_iter()
                .rev()
                .filter(|(_, e)| seen.insert(e.id))
                .collect();
            each(&fresh);
            return Ok(Stepped::More);
        }
        loop {
            let last = self.read == self.end;
            let Some((entries, used)) = parse_run(&self.buf, self.at, last, budget.max(1)) else {
                return Ok(Stepped::Damaged);
            };
            if used > 0 {
                if self.seen.is_empty() {
                    each(&entries);
                } else {
                    let live: Vec<(u64, Entry)> = entries
                        .into_iter()
                        .filter(|(_, e)| !self.seen.contains(&e.id))
                        .collect();
                    each(&live);
                }
                self.buf.drain(..used);
                self.at += used as u64;
                return Ok(Stepped::More);
            }
            if last {
                // nothing left to read, and nothing cut left over
                let crc = std::mem::take(&mut self.crc).finalize();
                return Ok(if self.buf.is_empty() && crc == self.want_crc {
                    Stepped::Done
                } else {
                    Stepped::Damaged
                });
            }
            // no whole entry in what is read: read more (an entry longer than a read
            // takes several)
            let more = (self.end - self.read).min(self.read_size as u64) as usize;
            let old = self.buf.len();
            self.buf.resize(old + more, 0);
            self.file.read_exact_at(&mut self.buf[old..], self.read)?;
            self.crc.update(&self.buf[old..]);
            self.read += more as u64;
        }
    }
}
