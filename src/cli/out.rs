//! Standard output for every command. Data is buffered, and a write to a closed pipe
//! (`weft list notes | head -1`) stops the command at once and ends it quietly with exit
//! status 0, as other Unix tools do; any other write error is a one-line failure.

use super::{CliResult, Failure};
use std::io::{self, BufWriter, StdoutLock, Write};

/// Where a command writes its data: standard output in the binary, any writer in tests.
pub struct Out<W: Write = BufWriter<Stdout>> {
    w: W,
}

/// Standard output: this process's, or the client's for a command served for another
/// process ([`super::served`]).
pub enum Stdout {
    Own(StdoutLock<'static>),
    Served,
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stdout::Own(w) => w.write(buf),
            Stdout::Served => super::served::write_out(buf).map(|()| buf.len()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stdout::Own(w) => w.flush(),
            Stdout::Served => Ok(()),
        }
    }
}

/// Buffered standard output.
pub fn stdout() -> Out {
    let to = if super::served::serving() {
        Stdout::Served
    } else {
        Stdout::Own(io::stdout().lock())
    };
    Out::new(BufWriter::new(to))
}

/// An error writing data: a closed pipe is the reader saying it has enough, so it ends
/// the command quietly; anything else (a full disk behind `>`) is reported.
pub fn write_failure(e: io::Error) -> Failure {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Failure::closed()
    } else {
        Failure::new(format!("cannot write to standard output: {e}"))
    }
}

impl<W: Write> Out<W> {
    pub fn new(w: W) -> Self {
        Out { w }
    }

    /// Writes `s` as it is.
    pub fn text(&mut self, s: &str) -> CliResult {
        self.bytes(s.as_bytes())
    }

    /// Writes `s` and a newline.
    pub fn line(&mut self, s: &str) -> CliResult {
        self.bytes(s.as_bytes())?;
        self.bytes(b"\n")
    }

    /// Writes `b` as it is.
    pub fn bytes(&mut self, b: &[u8]) -> CliResult {
        self.w.write_all(b).map_err(write_failure)
    }

    /// `v` as indented JSON and a newline, with every character that could act on a
    /// terminal escaped (`crate::model::json`).
    pub fn json(&mut self, v: &impl serde::Serialize) -> CliResult {
        let text = crate::model::json::to_string_pretty(v)
            .map_err(|e| Failure::new(format!("cannot write JSON: {e}")))?;
        self.line(&text)
    }

    /// The underlying writer, for code that writes through [`std::io::Write`] (map its
    /// errors with [`write_failure`]).
    pub fn writer(&mut self) -> &mut W {
        &mut self.w
    }

    /// Flushes what is buffered. Every command ends with this, so a failed final write is
    /// reported rather than lost when the buffer is dropped.
    pub fn finish(mut self) -> CliResult {
        self.w.flush().map_err(write_failure)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pipe whose reader goes away after `open` bytes, counting every write tried.
    struct ClosingPipe {
        open: usize,
        written: usize,
        attempts_after_close: usize,
    }

    impl Write for ClosingPipe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.written >= self.open {
                self.attempts_after_close += 1;
                return Err(io::ErrorKind::BrokenPipe.into());
            }
            let n = buf.len().min(self.open - self.written);
            self.written += n;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_stops_the_writing_quietly() {
        let mut pipe = ClosingPipe {
            open: 100,
            written: 0,
            attempts_after_close: 0,
        };
        let mut out = Out::new(&mut pipe);
        let mut lines = 0;
        let result = (0..100_000).try_for_each(|i| {
            lines += 1;
            out.line(&format!("N{i} a note"))
        });
        let f = result.expect_err("the closed pipe ends the loop");
        assert_eq!(f.code, 0);
        assert!(f.message.is_empty());
        assert!(
            lines < 20,
            "stopped at the first failed write, not after {lines}"
        );
        assert_eq!(pipe.attempts_after_close, 1);
    }

    #[test]
    fn other_write_errors_are_reported() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::StorageFull, "no space left"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let f = Out::new(Full).line("x").unwrap_err();
        assert_eq!(f.code, 1);
        assert!(f.message.contains("no space left"), "{}", f.message);
    }

    #[test]
    fn finish_flushes_the_buffer() {
        let mut sink = Vec::new();
        let mut out = Out::new(BufWriter::new(&mut sink));
        out.line("Q1").unwrap();
        out.json(&serde_json::json!({"id": "Q1"})).unwrap();
        out.finish().unwrap();
        assert_eq!(
            String::from_utf8(sink).unwrap(),
            "Q1\n{\n  \"id\": \"Q1\"\n}\n"
        );
    }
}
