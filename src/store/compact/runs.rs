//! Index entries put in key order across a whole build: gathered in memory, sorted and
//! written to files in the staging directory a run at a time, then merged back.
//!
//! sled 0.34 lays out a tree best when its keys arrive in order: each leaf is filled,
//! split once and never touched again. Most index families do not arrive in order (link
//! ends by entity, notes by when they happened, names), and inserted as they come they
//! land all over the tree. In a probe of 2,000,000 keys, inserting them in one sorted
//! order built the tree three times faster than in sorted runs of 20,000, and the next
//! open took 80 MiB instead of 101–105 MiB (BENCHMARKS.md).

use super::super::error::io_err;
use super::super::index::Entry;
use super::super::Result;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Bytes of entries held before a run is sorted and written out.
pub(super) const RUN_BYTES: usize = 8 << 20;

/// What an entry holds in memory while it waits: its bytes and the two vectors.
pub(super) fn entry_bytes(key: usize, value: usize) -> usize {
    key + value + std::mem::size_of::<Entry>()
}

/// Entries gathered for one tree, to be handed back in key order by [`Runs::merge`].
pub(super) struct Runs {
    dir: PathBuf,
    pending: Vec<Entry>,
    bytes: usize,
    /// The bytes gathered before a run is written: [`RUN_BYTES`], smaller in tests.
    pub run_bytes: usize,
    /// The runs written so far, in the order their entries came.
    files: Vec<PathBuf>,
}

impl Runs {
    /// Runs written into `dir` (a staging directory, removed whole if the build fails).
    pub fn new(dir: &Path) -> Runs {
        Runs {
            dir: dir.to_path_buf(),
            pending: Vec::new(),
            bytes: 0,
            run_bytes: RUN_BYTES,
            files: Vec::new(),
        }
    }

    pub fn push(&mut self, key: Vec<u8>, value: Vec<u8>) -> Result<()> {
        self.bytes += entry_bytes(key.len(), value.len());
        self.pending.push((key, value));
        if self.bytes >= self.run_bytes {
            self.spill()?;
        }
        Ok(())
    }

    /// Sorts what is pending (equal keys keep the order they came in) and writes it
    /// out as the next run: for each entry, the key's and the value's lengths (u32,
    /// little-endian) and bytes.
    fn spill(&mut self) -> Result<()> {
        let mut entries = std::mem::take(&mut self.pending);
        self.bytes = 0;
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let path = self
            .dir
            .join(format!(".weft-index-run-{}", self.files.len()));
        let write = || -> io::Result<()> {
            let mut out = BufWriter::with_capacity(1 << 16, fs::File::create(&path)?);
            for (k, v) in &entries {
                for part in [k, v] {
                    let len = u32::try_from(part.len())
                        .map_err(|_| io::Error::other("an index entry longer than 4 GiB"))?;
                    out.write_all(&len.to_le_bytes())?;
                    out.write_all(part)?;
                }
            }
            // not synced: a run outlives neither the build nor a crash (the staging
            // directory it is in is removed whole)
            out.flush()
        };
        // recorded before writing, so a run half written is removed too
        self.files.push(path.clone());
        write().map_err(|e| io_err(&path, e))
    }

    /// Calls `f` with every entry pushed, in key order; entries with equal keys in the
    /// order they were pushed (so the last one pushed is the one a tree keeps). The
    /// runs' files are removed.
    pub fn merge(mut self, f: &mut dyn FnMut(Vec<u8>, Vec<u8>) -> Result<()>) -> Result<()> {
        let mut last = std::mem::take(&mut self.pending);
        last.sort_by(|a, b| a.0.cmp(&b.0));
        let mut sources: Vec<Source> = Vec::with_capacity(self.files.len() + 1);
        for path in &self.files {
            let file = fs::File::open(path).map_err(|e| io_err(path, e))?;
            sources.push(Source::File(BufReader::with_capacity(1 << 16, file), path));
        }
        sources.push(Source::Memory(last.into_iter()));
        // the smallest key first; of equal keys, the earlier run's
        let mut heap = BinaryHeap::new();
        for (run, source) in sources.iter_mut().enumerate() {
            if let Some((k, v)) = source.next()? {
                heap.push(Reverse((k, run, v)));
            }
        }
        while let Some(Reverse((k, run, v))) = heap.pop() {
            if let Some((k, v)) = sources[run].next()? {
                heap.push(Reverse((k, run, v)));
            }
            f(k, v)?;
        }
        Ok(())
    }
}

impl Drop for Runs {
    /// A build given up part way, or merged, leaves no run behind.
    fn drop(&mut self) {
        for path in &self.files {
            let _ = fs::remove_file(path);
        }
    }
}

/// One run being read back.
enum Source<'a> {
    File(BufReader<fs::File>, &'a Path),
    Memory(std::vec::IntoIter<Entry>),
}

impl Source<'_> {
    fn next(&mut self) -> Result<Option<Entry>> {
        match self {
            Source::Memory(entries) => Ok(entries.next()),
            Source::File(reader, path) => read_entry(reader).map_err(|e| io_err(path, e)),
        }
    }
}

/// The next entry of a run's file; `None` at its end.
fn read_entry(reader: &mut impl Read) -> io::Result<Option<Entry>> {
    let mut len = [0u8; 4];
    match reader.read_exact(&mut len) {
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        r => r?,
    }
    let mut key = vec![0u8; u32::from_le_bytes(len) as usize];
    reader.read_exact(&mut key)?;
    reader.read_exact(&mut len)?;
    let mut value = vec![0u8; u32::from_le_bytes(len) as usize];
    reader.read_exact(&mut value)?;
    Ok(Some((key, value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_come_back_in_key_order_and_equal_keys_in_the_order_pushed() {
        let tmp = tempfile::tempdir().unwrap();
        let mut runs = Runs::new(tmp.path());
        runs.run_bytes = 200;
        let mut pushed = Vec::new();
        // keys in a scrambled order, some pushed twice with other values
        for i in 0..500u64 {
            let k = (i * 7919 % 311).to_be_bytes().to_vec();
            let v = i.to_le_bytes().to_vec();
            pushed.push((k.clone(), v.clone()));
            runs.push(k, v).unwrap();
        }
        let files = runs.files.clone();
        assert!(files.len() > 10, "{}", files.len());
        assert!(files.iter().all(|f| f.exists()));
        let mut merged = Vec::new();
        runs.merge(&mut |k, v| {
            merged.push((k, v));
            Ok(())
        })
        .unwrap();
        // what a stable sort of everything pushed gives
        pushed.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(merged, pushed);
        assert!(files.iter().all(|f| !f.exists()));
    }

    #[test]
    fn runs_given_up_are_removed_and_a_short_run_file_is_an_error_naming_it() {
        let tmp = tempfile::tempdir().unwrap();
        let mut runs = Runs::new(tmp.path());
        runs.run_bytes = 64;
        for i in 0..20u8 {
            runs.push(vec![i; 3], vec![i; 5]).unwrap();
        }
        let files = runs.files.clone();
        assert!(!files.is_empty());
        drop(runs);
        assert!(files.iter().all(|f| !f.exists()));

        let mut runs = Runs::new(tmp.path());
        runs.run_bytes = 64;
        for i in 0..20u8 {
            runs.push(vec![i; 3], vec![i; 5]).unwrap();
        }
        let first = runs.files[0].clone();
        let len = fs::metadata(&first).unwrap().len();
        fs::OpenOptions::new()
            .write(true)
            .open(&first)
            .unwrap()
            .set_len(len - 2)
            .unwrap();
        let err = runs.merge(&mut |_, _| Ok(())).unwrap_err().to_string();
        assert!(err.contains(".weft-index-run-0"), "{err}");
    }
}
