//! The frame every journal log line carries since schema 6: who wrote it, their own line
//! number, the sum of the line before and the line's own sum.
//!
//! A framed line is its content object with four members added at the end, in this
//! order, before the closing brace:
//!
//! ```text
//! {"entry":{…},"w":"3f9a0c1e","n":41,"prev":"9b2d…16 hex…","sum":"0c7e…16 hex…"}
//! ```
//!
//! - `w` the writer's id (lowercase hex, made when the writer's log was started), `n`
//!   the writer's own line number, counted from 0;
//! - `prev` the `sum` of the line before (all zeros on a log's first line; on the first
//!   framed line after lines written before schema 6, the hash of all those bytes);
//! - `sum` the first 8 bytes of the BLAKE3 hash of every byte of the line before
//!   `,"sum":"`, so `prev` is covered too: a changed, deleted, inserted or reordered line
//!   breaks the chain at the line after it.
//!
//! An import's first line is written again in place once the import has counted what
//! followed it, so it is the one line nothing chains to: the line after it takes the
//! import line's own `prev`, and its sum guards its content. It is padded with spaces
//! after the closing brace to [`super::IMPORT_START_WIDTH`].

use std::borrow::Cow;

/// The hash a log's first line names as the line before it.
pub const GENESIS: u64 = 0;

/// `,"sum":"` + 16 hex digits + `"}`.
const SUM_TAIL: usize = 8 + 16 + 2;
/// `,"prev":"` + 16 hex digits + `"`.
const PREV_TAIL: usize = 9 + 16 + 1;

/// Where a writer's log stands: the next line is written with these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    pub writer: String,
    /// The writer's number for its next line.
    pub n: u64,
    /// The sum of the line before the next one.
    pub prev: u64,
}

impl Chain {
    /// The chain of a log with no lines yet, written by `writer`.
    pub fn start(writer: String) -> Chain {
        Chain {
            writer,
            n: 0,
            prev: GENESIS,
        }
    }

    /// The chain of a log whose existing lines were written before lines were framed:
    /// the first framed line names the hash of those `legacy` bytes as the line before.
    pub fn after_legacy(writer: String, legacy: &blake3::Hasher) -> Chain {
        Chain {
            writer,
            n: 0,
            prev: short(legacy.finalize()),
        }
    }

    /// Appends `content` (one JSON object, `{"kind":…}`) to `out` as a framed line, its
    /// newline included, padded with spaces to `pad` bytes when given. With `link`
    /// false (an import's first line) the next line chains to this line's `prev`, not
    /// to this line.
    pub fn frame(&mut self, content: &[u8], pad: Option<usize>, link: bool, out: &mut Vec<u8>) {
        let from = out.len();
        let body = content.strip_suffix(b"}").unwrap_or(content);
        out.extend_from_slice(body);
        out.extend_from_slice(b",\"w\":\"");
        out.extend_from_slice(self.writer.as_bytes());
        out.extend_from_slice(b"\",\"n\":");
        out.extend_from_slice(self.n.to_string().as_bytes());
        out.extend_from_slice(b",\"prev\":\"");
        out.extend_from_slice(hex(self.prev).as_bytes());
        out.extend_from_slice(b"\"");
        let sum = short(blake3::hash(&out[from..]));
        out.extend_from_slice(b",\"sum\":\"");
        out.extend_from_slice(hex(sum).as_bytes());
        out.extend_from_slice(b"\"}");
        if let Some(width) = pad {
            out.resize(out.len().max(from + width - 1), b' ');
        }
        out.push(b'\n');
        self.n += 1;
        if link {
            self.prev = sum;
        }
    }
}

/// A framed line's frame, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub writer: String,
    pub n: u64,
    pub prev: u64,
    pub sum: u64,
}

impl Frame {
    /// The sum the line after this one (whose content is `content`) must name as its
    /// `prev`: this line's own, except after an import's first line, which nothing
    /// chains to.
    pub fn next_prev(&self, content: &[u8]) -> u64 {
        if is_import_start(content) {
            self.prev
        } else {
            self.sum
        }
    }
}

/// A line as read: written before schema 6 (no frame) or framed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read<'a> {
    Legacy(&'a [u8]),
    Framed {
        /// The content object, the frame taken out.
        content: Cow<'a, [u8]>,
        frame: Frame,
    },
}

impl<'a> Read<'a> {
    pub fn content(&self) -> &[u8] {
        match self {
            Read::Legacy(c) => c,
            Read::Framed { content, .. } => content,
        }
    }
}

/// Why a framed line is refused.
pub const BAD_SUM: &str = "its checksum does not match its content";

/// Whether a line's content is an import's first line: the one line nothing chains to.
pub fn is_import_start(content: &[u8]) -> bool {
    content.starts_with(b"{\"import\":")
}

/// Why a line whose frame cannot be read is refused.
pub const BAD_FRAME: &str = "its checksum frame is damaged";

/// Whether the end of `l` holds at least two of the frame's member names: a frame one
/// changed byte made unreadable, never a line written before frames (no record or
/// entry ends with these members).
fn looks_framed(l: &[u8]) -> bool {
    let tail = &l[l.len().saturating_sub(SUM_TAIL + PREV_TAIL + 64)..];
    let has = |m: &[u8]| tail.windows(m.len()).any(|w| w == m);
    [&b",\"w\":\""[..], b",\"prev\":\"", b",\"sum\":\""]
        .iter()
        .filter(|m| has(m))
        .count()
        >= 2
}

/// Reads one line (without its newline). A line that ends like a frame but whose sum
/// does not match its bytes is refused with [`BAD_SUM`]; one that does not end like a
/// frame is read as a line written before schema 6 (whether that is allowed where it
/// stands is the reader's to say).
pub fn read(line: &[u8]) -> Result<Read<'_>, &'static str> {
    let trimmed = trim_padding(line);
    let Some(frame_at) = parse_tail(trimmed) else {
        if looks_framed(trimmed) {
            return Err(BAD_FRAME);
        }
        return Ok(Read::Legacy(line));
    };
    let (w_at, frame) = frame_at;
    let summed = &trimmed[..trimmed.len() - SUM_TAIL];
    if short(blake3::hash(summed)) != frame.sum {
        return Err(BAD_SUM);
    }
    let mut content = Vec::with_capacity(w_at + 1);
    content.extend_from_slice(&trimmed[..w_at]);
    content.push(b'}');
    Ok(Read::Framed {
        content: Cow::Owned(content),
        frame,
    })
}

/// The line's content object (a framed line's frame taken out), without checking its sum:
/// for comparing a line already verified with the bytes it should hold.
pub fn content_of(line: &[u8]) -> Cow<'_, [u8]> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let trimmed = trim_padding(line);
    match parse_tail(trimmed) {
        Some((w_at, _)) => {
            let mut c = trimmed[..w_at].to_vec();
            c.push(b'}');
            Cow::Owned(c)
        }
        None => Cow::Borrowed(line),
    }
}

fn trim_padding(line: &[u8]) -> &[u8] {
    let end = line.iter().rposition(|&b| b != b' ').map_or(0, |i| i + 1);
    &line[..end]
}

/// Finds the frame at the end of `l`: where its `,"w":` starts and what it says.
fn parse_tail(l: &[u8]) -> Option<(usize, Frame)> {
    let len = l.len();
    if len < SUM_TAIL + PREV_TAIL + 12 || !l.ends_with(b"\"}") {
        return None;
    }
    let sum_part = &l[len - SUM_TAIL..];
    let sum = unhex(sum_part.strip_prefix(b",\"sum\":\"")?.get(..16)?)?;
    let rest = &l[..len - SUM_TAIL];
    let prev_part = &rest[rest.len() - PREV_TAIL..];
    let prev = unhex(prev_part.strip_prefix(b",\"prev\":\"")?.get(..16)?)?;
    if prev_part.last() != Some(&b'"') {
        return None;
    }
    let rest = &rest[..rest.len() - PREV_TAIL];
    let digits = rest.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 20 {
        return None;
    }
    let n: u64 = std::str::from_utf8(&rest[rest.len() - digits..])
        .ok()?
        .parse()
        .ok()?;
    let rest = rest[..rest.len() - digits].strip_suffix(b",\"n\":")?;
    let rest = rest.strip_suffix(b"\"")?;
    let wlen = rest
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b'_')
        .count();
    let writer = std::str::from_utf8(&rest[rest.len() - wlen..]).ok()?;
    let w_at = rest[..rest.len() - wlen].strip_suffix(b",\"w\":\"")?.len();
    if wlen == 0 || w_at < 2 {
        return None;
    }
    Some((
        w_at,
        Frame {
            writer: writer.to_string(),
            n,
            prev,
            sum,
        },
    ))
}

/// A hash as a frame names it: its first 8 bytes.
pub fn short(h: blake3::Hash) -> u64 {
    let b = h.as_bytes();
    u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

/// A hash as the 16 lowercase hex digits the frame writes.
pub fn hex(v: u64) -> String {
    format!("{v:016x}")
}

fn unhex(digits: &[u8]) -> Option<u64> {
    if digits.len() != 16
        || !digits
            .iter()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    u64::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
}

/// A new writer's id: 8 hex digits, different for each log started (the time and the
/// process, mixed by the standard library's randomly keyed hasher).
pub fn new_writer() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    format!("{:08x}", h.finish() as u32)
}

/// Checks each line of a log against the one before: the sum, the chain and the
/// writer's numbering. Fed every line in order, with the bytes of lines written before
/// schema 6 hashed as they pass.
#[derive(Debug)]
pub struct Verifier {
    legacy: blake3::Hasher,
    /// The last framed line's writer, number and the sum the next line must name.
    last: Option<(String, u64, u64)>,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier::new()
    }
}

impl Verifier {
    pub fn new() -> Verifier {
        Verifier {
            legacy: blake3::Hasher::new(),
            last: None,
        }
    }

    /// Reads and checks one whole line (`raw` with its newline) and returns its content.
    pub fn line<'a>(&mut self, raw: &'a [u8]) -> Result<Cow<'a, [u8]>, String> {
        let line = raw.strip_suffix(b"\n").unwrap_or(raw);
        match read(line).map_err(str::to_string)? {
            Read::Legacy(c) => {
                if self.last.is_some() {
                    return Err("a line without its checksum after lines with one".into());
                }
                self.legacy.update(raw);
                Ok(Cow::Borrowed(c))
            }
            Read::Framed { content, frame } => {
                let expected = match &self.last {
                    Some((_, _, sum)) => *sum,
                    None if self.legacy.count() == 0 => GENESIS,
                    None => short(self.legacy.finalize()),
                };
                if frame.prev != expected {
                    return Err(format!(
                        "the chain is broken: it names {} as the line before, which was {}",
                        hex(frame.prev),
                        hex(expected)
                    ));
                }
                if let Some((w, n, _)) = &self.last {
                    if *w == frame.writer && frame.n != n + 1 {
                        return Err(format!(
                            "writer {w}'s line {} follows its line {n}",
                            frame.n
                        ));
                    }
                }
                let next = frame.next_prev(&content);
                self.last = Some((frame.writer, frame.n, next));
                Ok(content)
            }
        }
    }

    /// Takes up the chain after `raw`, a framed line already known good (the line before
    /// where a reading starts), without checking it against the lines before it.
    pub fn resume(&mut self, raw: &[u8]) {
        let line = raw.strip_suffix(b"\n").unwrap_or(raw);
        if let Ok(Read::Framed { content, frame }) = read(line) {
            let next = frame.next_prev(&content);
            self.last = Some((frame.writer, frame.n, next));
        }
    }

    /// Where the chain stands after the lines read so far: what the next line written
    /// must carry, for a writer named `writer` when no framed line was read.
    pub fn chain(&self, writer: impl FnOnce() -> String) -> Chain {
        match &self.last {
            Some((w, n, sum)) => Chain {
                writer: w.clone(),
                n: n + 1,
                prev: *sum,
            },
            None if self.legacy.count() == 0 => Chain::start(writer()),
            None => Chain::after_legacy(writer(), &self.legacy),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(chain: &mut Chain, content: &str) -> Vec<u8> {
        let mut out = Vec::new();
        chain.frame(content.as_bytes(), None, true, &mut out);
        out
    }

    #[test]
    fn a_framed_line_reads_back_as_its_content_and_frame() {
        let mut c = Chain::start("ab12cd34".into());
        let line = framed(&mut c, r#"{"entry":{"seq":0}}"#);
        let text = std::str::from_utf8(&line).unwrap();
        assert!(
            text.starts_with(
                r#"{"entry":{"seq":0},"w":"ab12cd34","n":0,"prev":"0000000000000000","sum":""#
            ),
            "{text}"
        );
        // still one JSON object
        let v: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
        assert_eq!(v["n"], 0);
        match read(&line[..line.len() - 1]).unwrap() {
            Read::Framed { content, frame } => {
                assert_eq!(&*content, br#"{"entry":{"seq":0}}"#);
                assert_eq!(frame.writer, "ab12cd34");
                assert_eq!(frame.prev, GENESIS);
                assert_eq!(c.prev, frame.sum);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn any_changed_byte_is_caught_by_the_sum_or_the_frame() {
        let mut c = Chain::start("ab12cd34".into());
        let line = framed(&mut c, r#"{"entry":{"seq":0,"user":"ana"}}"#);
        let body = &line[..line.len() - 1];
        for i in 0..body.len() {
            let mut bad = body.to_vec();
            bad[i] ^= 0x01;
            let mut v = Verifier::new();
            let mut raw = bad.clone();
            raw.push(b'\n');
            assert!(v.line(&raw).is_err(), "byte {i} flipped passed");
        }
    }

    #[test]
    fn the_verifier_follows_the_chain_and_refuses_a_missing_or_swapped_line() {
        let mut c = Chain::start("w1".into());
        let lines: Vec<Vec<u8>> = (0..4)
            .map(|i| framed(&mut c, &format!(r#"{{"entry":{{"seq":{i}}}}}"#)))
            .collect();
        let mut v = Verifier::new();
        for l in &lines {
            v.line(l).unwrap();
        }
        assert_eq!(v.chain(|| unreachable!()), c);
        let mut v = Verifier::new();
        v.line(&lines[0]).unwrap();
        assert!(v.line(&lines[2]).unwrap_err().contains("chain"));
        let mut v = Verifier::new();
        assert!(
            v.line(&lines[1]).is_err(),
            "a first line must start the chain"
        );
    }

    #[test]
    fn legacy_lines_are_hashed_into_the_first_framed_line() {
        let legacy = b"{\"entry\":{\"seq\":0,\"last\":true}}\n".to_vec();
        let mut v = Verifier::new();
        v.line(&legacy).unwrap();
        let mut c = v.chain(|| "w2".into());
        assert_ne!(c.prev, GENESIS);
        let next = framed(&mut c, r#"{"entry":{"seq":1}}"#);
        v.line(&next).unwrap();
        // a legacy line after a framed one is damage
        assert!(v.line(&legacy).is_err());
        // the same framed line after other legacy bytes breaks the chain
        let mut v = Verifier::new();
        v.line(b"{\"entry\":{\"seq\":9}}\n").unwrap();
        assert!(v.line(&next).is_err());
    }

    #[test]
    fn an_unlinked_line_passes_its_prev_on() {
        let mut c = Chain::start("w3".into());
        let mut start = Vec::new();
        c.frame(br#"{"import":{"records":1}}"#, Some(192), false, &mut start);
        assert_eq!(start.len(), 192);
        assert_eq!(c.prev, GENESIS);
        let next = framed(&mut c, r#"{"record":{"id":"N1"}}"#);
        let mut v = Verifier::new();
        let content = v.line(&start).unwrap();
        assert_eq!(&*content, br#"{"import":{"records":1}}"#);
        v.line(&next).unwrap();
    }

    #[test]
    fn content_of_takes_the_frame_out_of_a_whole_line() {
        let mut c = Chain::start("w4".into());
        let line = framed(&mut c, r#"{"record":{"id":"N1"}}"#);
        assert_eq!(&*content_of(&line), br#"{"record":{"id":"N1"}}"#);
        assert_eq!(&*content_of(b"{\"record\":1}\n"), b"{\"record\":1}");
    }
}
