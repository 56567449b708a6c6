//! Cuts input fed in chunks into records (JSONL lines or CSV records, whose quoted
//! fields may span lines), carrying an unfinished record over to the next chunk.

use super::csv::{delimiter_of, Byte, Quoting};
use super::MAX_LINE_BYTES;

#[derive(Debug, Default)]
pub struct Records {
    /// An unfinished record from the previous chunk.
    pending: String,
    /// 1-based line number where `pending` starts.
    line: u64,
    /// CSV: a newline inside a quoted field does not end the record.
    quoted: bool,
    /// CSV: the grammar's state at the end of `pending`, which is scanned once.
    quoting: Quoting,
    /// CSV: newlines inside quotes in `pending`, for the next record's line number.
    inside: u64,
    /// CSV: read from the first line (a `"` starts a quoted field only after one).
    delimiter: Option<u8>,
    /// A byte order mark may only stand before the first record.
    started: bool,
    /// Dropping the rest of an over-long record, up to the next newline.
    skipping: bool,
    /// Bytes fed as raw UTF-8: the start of a character the next slice completes.
    carry: Vec<u8>,
}

/// Where the records go.
type Sink<'s> = dyn FnMut(Item) + 's;

/// What the splitter hands on: a record, or a record too long to read.
pub enum Item<'a> {
    Record(u64, &'a str),
    TooLong(u64),
}

impl Records {
    pub fn new(quoted: bool) -> Self {
        Records {
            pending: String::new(),
            line: 1,
            quoted,
            quoting: Quoting::FieldStart,
            inside: 0,
            delimiter: None,
            started: false,
            skipping: false,
            carry: Vec::new(),
        }
    }

    /// A splitter for a slice that starts at a record boundary inside the input: line
    /// numbers from `line`, the CSV `delimiter` already known, no byte order mark to strip.
    pub fn within(quoted: bool, line: u64, delimiter: u8) -> Self {
        Records {
            line,
            delimiter: quoted.then_some(delimiter),
            started: true,
            ..Records::new(quoted)
        }
    }

    /// The end of the last complete record in `text` (just past its newline), which must
    /// start at a record boundary, and the newlines before that end: where to cut the input
    /// so that every slice holds whole records, as this splitter would cut them.
    pub fn last_end(&mut self, text: &str) -> (usize, u64) {
        let mut end = 0;
        while let Some(i) = self.next_end(text, end) {
            end = i + 1;
        }
        self.quoting = Quoting::FieldStart;
        self.inside = 0;
        let lines = text
            .as_bytes()
            .get(..end)
            .map_or(0, super::prepared::newlines);
        (end, lines)
    }

    /// The newline that ends the record starting at `from` in `text`.
    pub fn next_end(&mut self, text: &str, from: usize) -> Option<usize> {
        let end = self.record_end(text, from);
        self.inside = 0;
        end
    }

    /// The CSV delimiter, once the first line has been read (`,` until then).
    pub fn delimiter(&self) -> u8 {
        self.delimiter.unwrap_or(b',')
    }

    /// Like `feed`, for raw UTF-8 bytes (a file read in slices): a character split
    /// across slices is completed by the next one; invalid UTF-8 reads as U+FFFD, as a
    /// browser's TextDecoder reads it.
    pub fn feed_bytes(&mut self, bytes: &[u8], mut f: impl FnMut(Item)) {
        self.feed_bytes_to(bytes, &mut f);
    }

    /// Hands every complete record in `text` (after what was pending) to `f`.
    pub fn feed(&mut self, text: &str, mut f: impl FnMut(Item)) {
        self.feed_to(text, &mut f);
    }

    /// Hands on the last record when the input did not end with a newline.
    pub fn finish(&mut self, mut f: impl FnMut(Item)) {
        self.finish_to(&mut f);
    }

    // The work takes the sink as `dyn`: one copy of the reader in the .wasm, not one per
    // caller's closure (measured: a second caller cost about 7 KB raw).
    fn feed_bytes_to(&mut self, bytes: &[u8], f: &mut Sink) {
        if self.carry.is_empty() {
            let cut = complete_prefix(bytes);
            let (done, rest) = bytes.split_at(cut);
            self.carry.extend_from_slice(rest);
            self.feed_to(&String::from_utf8_lossy(done), f);
        } else {
            let mut joined = std::mem::take(&mut self.carry);
            joined.extend_from_slice(bytes);
            let cut = complete_prefix(&joined);
            self.carry
                .extend_from_slice(joined.get(cut..).unwrap_or(&[]));
            joined.truncate(cut);
            self.feed_to(&String::from_utf8_lossy(&joined), f);
        }
    }

    fn feed_to(&mut self, mut text: &str, f: &mut Sink) {
        if !self.started && !text.is_empty() {
            self.started = true;
            text = text.strip_prefix('\u{feff}').unwrap_or(text);
        }
        if self.skipping {
            match text.find('\n') {
                Some(i) => {
                    self.skipping = false;
                    self.line += 1;
                    text = text.get(i + 1..).unwrap_or("");
                }
                None => return,
            }
        }
        if self.pending.is_empty() {
            let used = self.scan(text, 0, f);
            let rest = text.get(used..).unwrap_or("");
            self.keep(rest, f);
        } else {
            // Until the delimiter is known (the first line is complete) nothing was read.
            let scanned = if self.quoted && self.delimiter.is_none() {
                0
            } else {
                self.pending.len()
            };
            let mut buf = std::mem::take(&mut self.pending);
            buf.push_str(text);
            let used = self.scan(&buf, scanned, f);
            let rest = buf.get(used..).unwrap_or("");
            self.keep(rest, f);
        }
    }

    fn finish_to(&mut self, f: &mut Sink) {
        if !self.carry.is_empty() {
            let carry = std::mem::take(&mut self.carry);
            self.feed_to(&String::from_utf8_lossy(&carry), f);
        }
        self.skipping = false;
        let rest = std::mem::take(&mut self.pending);
        if self.quoted && self.delimiter.is_none() {
            self.delimiter = Some(delimiter_of(&rest));
        }
        self.quoting = Quoting::FieldStart;
        self.inside = 0;
        let rec = rest.strip_suffix('\r').unwrap_or(&rest);
        if !rec.trim().is_empty() {
            f(Item::Record(self.line, rec));
        }
        self.line += rest.matches('\n').count() as u64;
    }

    fn keep(&mut self, rest: &str, f: &mut Sink) {
        if rest.len() > MAX_LINE_BYTES {
            f(Item::TooLong(self.line));
            self.line += rest.matches('\n').count() as u64;
            self.skipping = true;
            self.quoting = Quoting::FieldStart;
            self.inside = 0;
        } else {
            self.pending = rest.to_string();
        }
    }

    /// Emits complete records; returns the bytes consumed. `scanned` bytes at the start
    /// of `buf` (the pending record) were read by the grammar before.
    fn scan(&mut self, buf: &str, scanned: usize, f: &mut Sink) -> usize {
        if self.quoted && self.delimiter.is_none() {
            match buf.find('\n') {
                Some(i) => self.delimiter = Some(delimiter_of(buf.get(..i).unwrap_or(""))),
                None => return 0,
            }
        }
        let mut start = 0;
        let mut from = scanned;
        while let Some(i) = self.record_end(buf, from) {
            let rec = buf.get(start..i).unwrap_or("");
            let rec = rec.strip_suffix('\r').unwrap_or(rec);
            if rec.len() > MAX_LINE_BYTES {
                f(Item::TooLong(self.line));
            } else if !rec.trim().is_empty() {
                f(Item::Record(self.line, rec));
            }
            self.line += 1 + std::mem::take(&mut self.inside);
            start = i + 1;
            from = start;
        }
        start
    }

    /// The index of the newline that ends the record under way at `from`; CSV keeps the
    /// grammar's state and the newlines inside quotes on the way.
    fn record_end(&mut self, buf: &str, from: usize) -> Option<usize> {
        let rest = buf.get(from..)?;
        if !self.quoted {
            // JSONL: std's newline search goes a word at a time.
            return rest.find('\n').map(|i| from + i);
        }
        let delimiter = self.delimiter();
        if self.quoting != Quoting::Quoted {
            // Most lines hold no quote: their record ends at the newline, found a word at a
            // time rather than stepped to (measured 1.7x slower over a whole simulation).
            let line = rest.find('\n');
            let plain = rest.as_bytes().get(..line.unwrap_or(rest.len()))?;
            if !plain.contains(&b'"') {
                self.quoting = match line {
                    Some(_) => Quoting::FieldStart,
                    None => self.quoting.after_plain(plain, delimiter),
                };
                return line.map(|i| from + i);
            }
        }
        let bytes = rest.as_bytes();
        let mut i = 0;
        loop {
            let next = self.quoting.next_event(bytes, i, delimiter);
            if self.quoting == Quoting::Quoted {
                let skipped = bytes.get(i..next).unwrap_or(&[]);
                self.inside += skipped.iter().filter(|&&b| b == b'\n').count() as u64;
            }
            i = next;
            let &b = bytes.get(i)?;
            let (state, byte) = self.quoting.step(b, delimiter);
            self.quoting = state;
            match byte {
                Byte::QuotedNewline => self.inside += 1,
                Byte::RecordEnd => return Some(from + i),
                _ => {}
            }
            i += 1;
        }
    }
}

/// The length of `bytes` without a UTF-8 character cut off at its end.
fn complete_prefix(bytes: &[u8]) -> usize {
    // The last character starts at most 3 bytes before the end.
    for back in 1..=bytes.len().min(4) {
        let at = bytes.len() - back;
        let b = bytes.get(at).copied().unwrap_or(0);
        if b & 0xC0 == 0x80 {
            continue; // a continuation byte: its lead byte is further back
        }
        let len = match b {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => 1,
        };
        return if back < len { at } else { bytes.len() };
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(r: &mut Records, chunks: &[&str]) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        for c in chunks {
            r.feed(c, |it| {
                if let Item::Record(l, s) = it {
                    out.push((l, s.to_string()));
                }
            });
        }
        r.finish(|it| {
            if let Item::Record(l, s) = it {
                out.push((l, s.to_string()));
            }
        });
        out
    }

    #[test]
    fn bytes_split_inside_characters_read_whole() {
        let text = "a,\"é\"\nbé€😀,x\nlast";
        let bytes = text.as_bytes();
        for cut1 in 0..=bytes.len() {
            for cut2 in cut1..=bytes.len() {
                let mut r = Records::new(true);
                let mut out = Vec::new();
                for part in [&bytes[..cut1], &bytes[cut1..cut2], &bytes[cut2..]] {
                    r.feed_bytes(part, |it| {
                        if let Item::Record(l, s) = it {
                            out.push((l, s.to_string()));
                        }
                    });
                }
                r.finish(|it| {
                    if let Item::Record(l, s) = it {
                        out.push((l, s.to_string()));
                    }
                });
                assert_eq!(
                    out,
                    vec![
                        (1, "a,\"é\"".into()),
                        (2, "bé€😀,x".into()),
                        (3, "last".into())
                    ],
                    "cuts {cut1} {cut2}"
                );
            }
        }
    }

    #[test]
    fn invalid_utf8_reads_as_replacement() {
        let mut r = Records::new(false);
        let mut out = Vec::new();
        for part in [&b"ok\n\xff\xfex\n\xe2\x82"[..], &b""[..]] {
            r.feed_bytes(part, |it| {
                if let Item::Record(_, s) = it {
                    out.push(s.to_string());
                }
            });
        }
        r.finish(|it| {
            if let Item::Record(_, s) = it {
                out.push(s.to_string());
            }
        });
        assert_eq!(out, vec!["ok", "\u{fffd}\u{fffd}x", "\u{fffd}"]);
    }

    #[test]
    fn lines_across_chunks_keep_their_numbers() {
        let mut r = Records::new(false);
        let got = collect(&mut r, &["a\r\nb", "c\n\n", "d"]);
        assert_eq!(
            got,
            vec![(1, "a".into()), (2, "bc".into()), (4, "d".into())]
        );
    }

    #[test]
    fn quoted_newlines_stay_in_the_record() {
        let mut r = Records::new(true);
        let got = collect(&mut r, &["x,\"a\nb\"", ",y\nz\n"]);
        assert_eq!(got, vec![(1, "x,\"a\nb\",y".into()), (3, "z".into())]);
    }
}
