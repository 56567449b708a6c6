//! CSV leads: the one CSV grammar (record ends, fields, the dashboard's header row), the
//! header row (renamed through a column mapping), and a record turned into a lead by
//! feeding `(column, text)` pairs to the schema's serde seed.

use super::known::{self, Known, Meta};
use super::records::{Item, Records};
use crate::error::LeadError;
use crate::lead::{lead_error, timestamp, Lead, Schema, Val, CREATED_AT};
use crate::split::Arm;
use serde::de::value::{BorrowedStrDeserializer, Error as ValueError, MapDeserializer};
use serde::de::DeserializeSeed;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The header, read once: the field each column feeds (after mapping).
#[derive(Debug, Clone)]
pub struct Header {
    pub columns: Vec<String>,
    pub delimiter: u8,
    id: Option<usize>,
    created_at: Option<usize>,
    converted: Option<usize>,
    deal_value: Option<usize>,
    claimed_by: Option<usize>,
    claimed_at: Option<usize>,
    arm: Option<usize>,
}

impl Header {
    /// Reads the header row; `mapping` renames CSV headers to config field names.
    pub fn parse(record: &str, mapping: &BTreeMap<String, String>) -> Header {
        let record = record.trim_start_matches('\u{feff}');
        let delimiter = delimiter_of(record.split('\n').next().unwrap_or(""));
        let columns: Vec<String> = fields(record, delimiter)
            .into_iter()
            .map(|h| {
                let h = header_name(&h);
                mapping.get(h).map_or(h, |m| m.trim()).to_string()
            })
            .collect();
        let find = |name: &str| columns.iter().position(|c| c == name);
        Header {
            id: find("id"),
            created_at: find(CREATED_AT),
            converted: find(known::CONVERTED),
            deal_value: find(known::DEAL_VALUE),
            claimed_by: find(known::CLAIMED_BY),
            claimed_at: find(known::CLAIMED_AT),
            arm: find(known::ARM),
            columns: columns.clone(),
            delimiter,
        }
    }

    /// A record's id, `created_at` and known outcome, and the lead it holds (the
    /// record's cells are split once for both). Only a wrong column count fails the
    /// record itself; a lead that does not read is the second part's error.
    #[allow(clippy::type_complexity)]
    pub fn read(
        &self,
        schema: &Schema,
        record: &str,
    ) -> Result<(Meta<'static>, Result<Lead<'static>, LeadError>), LeadError> {
        let cells = self.cells(record)?;
        Ok((self.meta_of(&cells), self.lead_of(schema, &cells)))
    }

    fn meta_of(&self, values: &[Cow<str>]) -> Meta<'static> {
        let cell = |i: Option<usize>| i.and_then(|i| values.get(i)).map(|v| v.as_ref());
        let created_at = cell(self.created_at).and_then(|s| timestamp(&Val::Str(s.into())));
        let text = |i: Option<usize>| cell(i).filter(|s| !s.trim().is_empty()).map(str::to_string);
        Meta {
            id: cell(self.id)
                .filter(|s| !s.trim().is_empty())
                .map(|s| Cow::Owned(s.to_string())),
            created_at,
            raw_created_at: match created_at {
                Some(_) => None,
                None => Some(cell(self.created_at).unwrap_or("").to_string()),
            },
            known: Known {
                converted: cell(self.converted).and_then(known::flag),
                deal_value: cell(self.deal_value).and_then(known::amount),
                claimed_by: None,
                claimed_at: None,
            },
            claimed_by: text(self.claimed_by),
            claimed_at: text(self.claimed_at),
            arm: cell(self.arm).and_then(Arm::parse),
        }
    }

    fn cells<'r>(&self, record: &'r str) -> Result<Vec<Cow<'r, str>>, LeadError> {
        let values = fields(record, self.delimiter);
        if values.len() != self.columns.len() {
            return Err(LeadError::new(format!(
                "row has {} columns, the header has {}",
                values.len(),
                self.columns.len()
            )));
        }
        Ok(values)
    }

    fn lead_of(&self, schema: &Schema, values: &[Cow<str>]) -> Result<Lead<'static>, LeadError> {
        let pairs = self
            .columns
            .iter()
            .zip(values.iter())
            .map(|(k, v)| (BorrowedStrDeserializer::new(k), Cell(v)));
        let de = MapDeserializer::<_, ValueError>::new(pairs);
        // The cells are read as owned text, so the lead does not borrow the record.
        let lead = schema.seed().deserialize(de).map_err(lead_error)?;
        Ok(lead.into_owned())
    }

    #[cfg(test)]
    fn meta(&self, record: &str) -> Result<Meta<'static>, LeadError> {
        self.cells(record).map(|cells| self.meta_of(&cells))
    }

    #[cfg(test)]
    fn lead(&self, schema: &Schema, record: &str) -> Result<Lead<'static>, LeadError> {
        self.lead_of(schema, &self.cells(record)?)
    }
}

/// A cell as a deserializer: its text, borrowed from the record when unquoted.
struct Cell<'c, 'a>(&'c Cow<'a, str>);

impl<'de, 'c, 'a> serde::de::IntoDeserializer<'de, ValueError> for Cell<'c, 'a> {
    type Deserializer = serde::de::value::StrDeserializer<'c, ValueError>;
    fn into_deserializer(self) -> Self::Deserializer {
        serde::de::value::StrDeserializer::new(self.0.as_ref())
    }
}

/// Where the CSV grammar is inside a record, kept across the chunks the input arrives
/// in. The rules are csv-core's and Python's csv module's (RFC 4180, tolerant): a `"`
/// opens a quoted field only as the field's first character, elsewhere it is text (so a
/// stray `5" monitor` never swallows the rows after it); inside quotes `""` is one `"`,
/// and text after the closing quote is kept, as both libraries keep it.
///
/// Hand-written rather than the `csv-core` crate (0.1.13, no_std): the same rules in about
/// 40 lines. Measured with `bash scripts/build.sh` (web `.wasm`, gzip -9), this reader and
/// its `csvHeader` export grew the module by 293 bytes gzipped (+240 raw) over the
/// quote-toggling splitter it replaced; csv-core in the same two places (record ends and
/// fields) by 2,613 gzipped (+3,565 raw), for options the engine does not use (custom
/// quotes, escapes, comments, terminators), with the module already over its budget.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Quoting {
    #[default]
    FieldStart,
    Unquoted,
    Quoted,
    /// After a `"` inside quotes: the closing quote, or the first of `""`.
    QuoteInQuoted,
}

/// What one byte is to the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Byte {
    Text,
    /// A quote that is syntax, not text.
    Quote,
    /// A newline inside quotes: text, but the input's line number moves on.
    QuotedNewline,
    FieldEnd,
    RecordEnd,
}

impl Quoting {
    /// The state after `b`, and what `b` was. `\r` before a record's `\n` is text here;
    /// the reader drops it.
    pub fn step(self, b: u8, delimiter: u8) -> (Quoting, Byte) {
        use Quoting::*;
        match (self, b) {
            (Quoted, b'"') => (QuoteInQuoted, Byte::Quote),
            (Quoted, b'\n') => (Quoted, Byte::QuotedNewline),
            (Quoted, _) => (Quoted, Byte::Text),
            (QuoteInQuoted, b'"') => (Quoted, Byte::Text),
            (FieldStart, b'"') => (Quoted, Byte::Quote),
            (_, b'\n') => (FieldStart, Byte::RecordEnd),
            (_, b) if b == delimiter => (FieldStart, Byte::FieldEnd),
            _ => (Unquoted, Byte::Text),
        }
    }

    /// Where the next byte that can matter is, from `at` in `bytes`: inside quotes only a
    /// `"` (newlines there are text; a reader counting lines counts them in between), in
    /// an unquoted field a delimiter or newline. Searching there instead of stepping each
    /// byte keeps long fields cheap.
    pub fn next_event(self, bytes: &[u8], at: usize, delimiter: u8) -> usize {
        let rest = bytes.get(at..).unwrap_or(&[]);
        let found = match self {
            Quoting::Quoted => rest.iter().position(|&b| b == b'"'),
            Quoting::Unquoted => rest.iter().position(|&b| b == delimiter || b == b'\n'),
            Quoting::FieldStart | Quoting::QuoteInQuoted => Some(0),
        };
        found.map_or(bytes.len(), |i| at + i)
    }

    /// The state after `text` holding no `"` and no newline, from any state but `Quoted`:
    /// what stepping through it gives, for readers that search past such text.
    pub fn after_plain(self, text: &[u8], delimiter: u8) -> Quoting {
        match text.last() {
            None => self,
            Some(&b) if b == delimiter => Quoting::FieldStart,
            Some(_) => Quoting::Unquoted,
        }
    }
}

/// The delimiter a CSV file uses, read from its first line: a header without commas but
/// with semicolons or tabs names its own delimiter.
pub fn delimiter_of(first_line: &str) -> u8 {
    let has = |c| first_line.contains(c);
    if has(',') {
        b','
    } else if has(';') {
        b';'
    } else if has('\t') {
        b'\t'
    } else {
        b','
    }
}

/// The fields of one record, as `Records` cuts it (no newline outside quotes, no `\r`
/// of a `\r\n`): unquoted fields borrow from it. The grammar of [`Quoting::step`], a
/// field at a time with searches: stepping each byte here cost a simulation of the sample
/// CSV 6.6% more instructions (callgrind), this is even with the splitter it replaced. A
/// test checks the two agree on every short record.
pub fn fields(text: &str, delimiter: u8) -> Vec<Cow<'_, str>> {
    let bytes = text.as_bytes();
    let find = |from: usize, f: fn(u8, u8) -> bool| {
        bytes
            .get(from..)
            .and_then(|rest| rest.iter().position(|&b| f(b, delimiter)))
            .map_or(bytes.len(), |i| from + i)
    };
    let unquoted_end = |from: usize| find(from, |b, d| b == d);
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let end = if bytes.get(i) == Some(&b'"') {
            let mut owned = String::new();
            let mut seg = i + 1;
            let mut j = seg;
            loop {
                let q = find(j, |b, _| b == b'"');
                owned.push_str(text.get(seg..q).unwrap_or(""));
                if q >= bytes.len() {
                    j = q;
                    break;
                }
                j = q + 1;
                if bytes.get(j) != Some(&b'"') {
                    break;
                }
                // `""`: the second quote is text.
                seg = j;
                j += 1;
            }
            // Text after the closing quote is kept, up to the field's end.
            let end = unquoted_end(j);
            owned.push_str(text.get(j..end).unwrap_or(""));
            out.push(Cow::Owned(owned));
            end
        } else {
            let end = unquoted_end(i);
            out.push(Cow::Borrowed(text.get(i..end).unwrap_or("")));
            end
        };
        if end >= bytes.len() {
            break;
        }
        i = end + 1;
    }
    out
}

/// [`fields`] stepped through the grammar byte by byte: the reference it is tested
/// against.
#[cfg(test)]
fn stepped_fields(text: &str, delimiter: u8) -> Vec<Cow<'_, str>> {
    let mut out = Vec::new();
    let mut state = Quoting::FieldStart;
    // The field's text so far, once a quote had to be dropped from it.
    let mut owned: Option<String> = None;
    let mut start = 0;
    let mut end = text.len();
    for (i, b) in text.bytes().enumerate() {
        let (next, byte) = state.step(b, delimiter);
        state = next;
        match byte {
            Byte::Text | Byte::QuotedNewline => {}
            Byte::Quote => {
                owned
                    .get_or_insert_with(String::new)
                    .push_str(text.get(start..i).unwrap_or(""));
                start = i + 1;
            }
            Byte::FieldEnd => {
                out.push(field(text, start, i, owned.take()));
                start = i + 1;
            }
            Byte::RecordEnd => {
                end = i - usize::from(i > 0 && text.as_bytes().get(i - 1) == Some(&b'\r'));
                break;
            }
        }
    }
    out.push(field(text, start, end.max(start), owned.take()));
    out
}

#[cfg(test)]
fn field(text: &str, start: usize, end: usize, owned: Option<String>) -> Cow<'_, str> {
    let rest = text.get(start..end).unwrap_or("");
    match owned {
        None => Cow::Borrowed(rest),
        Some(mut s) => {
            s.push_str(rest);
            Cow::Owned(s)
        }
    }
}

/// The header row of a CSV file's first bytes (say its first 64 KiB), each name as a
/// column mapping must spell it: what the dashboard shows for mapping.
pub fn csv_header(bytes: &[u8]) -> Vec<String> {
    let mut head = csv_head(bytes, 1);
    let names = head.pop().unwrap_or_default();
    names.iter().map(|h| header_name(h).to_string()).collect()
}

/// A header as the mapping and the config name it: without surrounding blanks.
fn header_name(h: &str) -> &str {
    h.trim()
}

/// The first `max` records of a CSV file's first bytes, cut and split exactly as a
/// simulation cuts and splits them. A record cut off at the end of `bytes` is read as far
/// as it goes.
pub fn csv_head(bytes: &[u8], max: usize) -> Vec<Vec<String>> {
    let mut records = Records::new(true);
    let mut texts: Vec<String> = Vec::new();
    let mut keep = |item: Item| {
        if let (Item::Record(_, text), true) = (item, texts.len() < max) {
            texts.push(text.to_string());
        }
    };
    records.feed_bytes(bytes, &mut keep);
    records.finish(&mut keep);
    let delimiter = records.delimiter();
    texts
        .iter()
        .map(|t| {
            fields(t, delimiter)
                .into_iter()
                .map(Cow::into_owned)
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_and_empty_fields() {
        let f = fields(r#"a,"b,c","say ""hi""",,"x"y"#, b',');
        assert_eq!(f, vec!["a", "b,c", "say \"hi\"", "", "xy"]);
        assert_eq!(fields("a,", b','), vec!["a", ""]);
        assert_eq!(fields("", b','), vec![""]);
        assert_eq!(fields("a;b", b';'), vec!["a", "b"]);
        assert_eq!(fields("\"open", b','), vec!["open"]);
        assert_eq!(fields("5\" a,\"b\"\"\"", b','), vec!["5\" a", "b\""]);
    }

    #[test]
    fn fields_follow_the_grammar_on_every_short_text() {
        let alphabet = [b'a', b',', b'"', b'\n', b'\r'];
        let mut text = Vec::new();
        for len in 0..=6u32 {
            for n in 0..alphabet.len().pow(len) {
                text.clear();
                let mut k = n;
                for _ in 0..len {
                    text.push(alphabet[k % alphabet.len()]);
                    k /= alphabet.len();
                }
                let text = std::str::from_utf8(&text).unwrap();
                let mut state = Quoting::FieldStart;
                let one_record = text.bytes().all(|b| {
                    let (next, byte) = state.step(b, b',');
                    state = next;
                    byte != Byte::RecordEnd
                });
                if one_record {
                    assert_eq!(fields(text, b','), stepped_fields(text, b','), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn searching_past_plain_text_is_stepping_through_it() {
        for (state, text) in [
            (Quoting::FieldStart, "ab,"),
            (Quoting::QuoteInQuoted, "x"),
            (Quoting::QuoteInQuoted, ","),
            (Quoting::Unquoted, ""),
            (Quoting::FieldStart, "a,b"),
        ] {
            let stepped = text.bytes().fold(state, |s, b| s.step(b, b',').0);
            assert_eq!(
                state.after_plain(text.as_bytes(), b','),
                stepped,
                "{text:?}"
            );
        }
        let bytes = b"ab\"c,d\ne";
        assert_eq!(Quoting::Quoted.next_event(bytes, 0, b','), 2);
        assert_eq!(Quoting::Unquoted.next_event(bytes, 0, b','), 4);
        assert_eq!(Quoting::Unquoted.next_event(bytes, 5, b','), 6);
        assert_eq!(Quoting::FieldStart.next_event(bytes, 3, b','), 3);
        assert_eq!(Quoting::Quoted.next_event(bytes, 3, b','), bytes.len());
    }

    #[test]
    fn header_mapping_and_lead() {
        let schema = Schema::new(
            [
                ("company_size", crate::config::FieldType::Number),
                ("email", crate::config::FieldType::String),
            ],
            crate::Limits::DEFAULT,
        );
        let mut mapping = BTreeMap::new();
        mapping.insert("Employees".to_string(), "company_size".to_string());
        let h = Header::parse("\u{feff}id,Employees,email,converted,deal_value", &mapping);
        assert_eq!(
            h.columns,
            ["id", "company_size", "email", "converted", "deal_value"]
        );
        let lead = h.lead(&schema, "L1,\"1,200\",a@b.co,yes,99");
        let lead = lead.unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(lead.id(), Some("L1"));
        let size = schema.slot("company_size").unwrap_or(0);
        assert_eq!(lead.get(size).as_num(), Some(1200.0));
        let meta = h.meta("L1,\"1,200\",a@b.co,yes,99").unwrap_or_default();
        assert_eq!(meta.id.as_deref(), Some("L1"));
        assert_eq!(meta.known.converted, Some(true));
        assert_eq!(meta.known.deal_value, Some(99.0));
        let err = h.lead(&schema, "L1,x,a@b.co,yes,99");
        assert!(err.is_err());
        let err = h.lead(&schema, "L1,1").err().map(|e| e.message);
        assert_eq!(err.as_deref(), Some("row has 2 columns, the header has 5"));
    }
}
