//! The protocol between a `weft` command and the weft serving its workspace: one request
//! per connection, as one line of JSON, answered by lines of JSON that carry the
//! command's standard output and standard error as it writes them and end with its exit
//! status. Every line names the protocol version, so a client and a server of different
//! weft versions refuse each other in one line instead of misreading.

use serde::{Deserialize, Serialize};
use std::io::{self, BufRead, Write};

/// This weft's protocol version. Any change to the messages below bumps it.
pub const VERSION: u32 = 1;

/// The largest request a server reads (a note's text from standard input travels in it).
pub const MAX_REQUEST: u64 = 4 << 20;

/// A command to run, as the client was asked to run it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Request {
    pub weft: u32,
    /// Copied into every line of the answer.
    pub id: u64,
    /// The command line, program name first.
    pub args: Vec<String>,
    /// The client's working directory: relative paths in `args` are relative to it.
    pub cwd: String,
    /// The workspace directory the client resolved (absolute).
    pub workspace: String,
    /// The text on the client's standard input, for a command that reads it.
    pub stdin: Option<String>,
    /// Whether the client's standard output and standard error are terminals.
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    /// Why the client opens workspaces read-only (`--read-only`, `WEFT_READ_ONLY`).
    pub read_only: Option<String>,
}

/// One line of an answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Answer {
    pub weft: u32,
    pub id: u64,
    #[serde(flatten)]
    pub part: Part,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// Text the command wrote to standard output.
    Out(String),
    /// Text the command wrote to standard error.
    Err(String),
    /// The command ended with this exit status: the last line.
    Exit(u8),
    /// The server would not run the request, and why (one line): the last line.
    Refused(String),
}

/// Writes `value` as one line.
pub fn send(w: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    let mut line = serde_json::to_vec(value).map_err(io::Error::other)?;
    line.push(b'\n');
    w.write_all(&line)
}

/// Reads one line of at most `max` bytes; `None` at the end of the stream. A longer
/// line is an error (and nothing more is read).
pub fn receive_line(r: &mut impl BufRead, max: u64) -> io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let n = io::Read::take(&mut *r, max + 1).read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            if n as u64 > max {
                format!("the request is larger than {} MiB", max >> 20)
            } else {
                "the line ended before its newline".to_string()
            },
        ));
    }
    line.pop();
    Ok(Some(line))
}

/// The version a line claims, read before the rest of it: what lets two versions tell
/// each other apart whatever else changed.
pub fn version_of(line: &[u8]) -> Option<u32> {
    #[derive(Deserialize)]
    struct Head {
        weft: u32,
    }
    serde_json::from_slice::<Head>(line).ok().map(|h| h.weft)
}

/// The line a server or client says when the other speaks another version.
pub fn mismatch(theirs: u32, who: &str) -> String {
    format!(
        "the {who} speaks weft protocol {theirs} and this weft speaks {VERSION}: run the same weft version on both sides (restart the interface or `weft serve` after an upgrade)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_long_line_is_refused_and_a_short_one_read() {
        let mut r = io::Cursor::new(b"abc\ndefgh\n".to_vec());
        assert_eq!(receive_line(&mut r, 4).unwrap().unwrap(), b"abc");
        assert!(receive_line(&mut r, 4).is_err());
        let mut cut = io::Cursor::new(b"abc".to_vec());
        assert!(receive_line(&mut cut, 10).is_err());
        assert_eq!(
            receive_line(&mut io::Cursor::new(Vec::new()), 4).unwrap(),
            None
        );
    }

    #[test]
    fn answers_are_tagged_lines() {
        let mut w = Vec::new();
        send(
            &mut w,
            &Answer {
                weft: VERSION,
                id: 7,
                part: Part::Exit(3),
            },
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(w).unwrap(),
            "{\"weft\":1,\"id\":7,\"exit\":3}\n"
        );
        assert_eq!(version_of(br#"{"weft":9,"whatever":[1]}"#), Some(9));
        assert_eq!(version_of(b"garbage"), None);
    }

    proptest! {
        #[test]
        fn requests_round_trip(args in prop::collection::vec(".*", 0..6), stdin in proptest::option::of(".*")) {
            let req = Request {
                weft: VERSION,
                id: 1,
                args,
                cwd: "/x".into(),
                workspace: "/w".into(),
                stdin,
                stdout_tty: false,
                stderr_tty: true,
                read_only: None,
            };
            let mut w = Vec::new();
            send(&mut w, &req).unwrap();
            // one line whatever the text holds
            prop_assert_eq!(w.iter().filter(|b| **b == b'\n').count(), 1);
            let line = receive_line(&mut io::Cursor::new(w), MAX_REQUEST).unwrap().unwrap();
            let back: Request = serde_json::from_slice(&line).unwrap();
            prop_assert_eq!(back, req);
        }
    }
}
