//! Reading a journal log line by line, each line with where it starts and its number:
//! the one loop replay, verification, salvage and the chain's resumption share.

use super::io_err;
use crate::store::Result;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// What the next read gave.
pub enum Next<'a> {
    /// A whole line, its newline included.
    Whole {
        start: u64,
        number: u64,
        raw: &'a [u8],
    },
    /// The log ends inside a line (a write cut short) that starts at `start`: nothing
    /// follows.
    Cut {
        start: u64,
        number: u64,
    },
    End,
}

/// The lines of a log from some byte on.
pub struct Lines<R> {
    reader: BufReader<R>,
    path: PathBuf,
    buf: Vec<u8>,
    at: u64,
    number: u64,
}

impl<R: Read> Lines<R> {
    /// Lines read from `reader`, which stands at byte `at` of the log at `path`; lines
    /// are numbered from 1 there.
    pub fn new(reader: R, path: &Path, at: u64) -> Lines<R> {
        Lines {
            reader: BufReader::with_capacity(1 << 20, reader),
            path: path.to_path_buf(),
            buf: Vec::new(),
            at,
            number: 0,
        }
    }

    pub fn next(&mut self) -> Result<Next<'_>> {
        self.buf.clear();
        let n = self
            .reader
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| io_err(&self.path, e))?;
        if n == 0 {
            return Ok(Next::End);
        }
        let start = self.at;
        self.at += n as u64;
        self.number += 1;
        if self.buf.last() != Some(&b'\n') {
            return Ok(Next::Cut {
                start,
                number: self.number,
            });
        }
        Ok(Next::Whole {
            start,
            number: self.number,
            raw: &self.buf,
        })
    }
}
