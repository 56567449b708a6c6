//! A fast reader for the usual shape of a lead: one flat JSON object whose values are
//! strings without escapes, numbers, booleans or null. Anything else (escapes, nested
//! values, limits, type errors, malformed JSON) gives `None` and the lead goes through
//! serde_json, which gives the same lead or the exact error. So this reader only has to
//! be right when it says yes, and it reads values through the same visitors as serde.

use super::{timestamp, AnyVal, Lead, Schema, Target, Val, CREATED_AT};
use crate::word::{splat, HIGH, ONES};
use serde::de::Visitor;

/// A scalar as it appears in the text.
enum Raw<'a> {
    Str(&'a str),
    Int(i64),
    Uint(u64),
    Float(f64),
    Bool(bool),
    Null,
}

/// Longest float literal read here: short enough that it cannot overflow or underflow,
/// so `str::parse` and serde_json read it alike.
const MAX_FLOAT_TEXT: usize = 30;

struct Cursor<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek() == Some(c)).then(|| self.at += 1)
    }
    /// After an opening quote: the text up to the closing one, if it has no escapes
    /// or control characters.
    fn string(&mut self) -> Option<&'a str> {
        let start = self.at;
        // Eight bytes at a time while none of them ends the plain part of the string.
        while let Some(chunk) = self.bytes.get(self.at..self.at + 8) {
            let word = u64::from_le_bytes(chunk.try_into().ok()?);
            let found = specials(word);
            if found != 0 {
                // Straight to the first special byte (the lowest flag is exact), not a
                // byte at a time: 600 instructions a reference lead (callgrind).
                self.at += (found.trailing_zeros() / 8) as usize;
                break;
            }
            self.at += 8;
        }
        loop {
            match self.peek()? {
                b'"' => {
                    let s = self.text.get(start..self.at)?;
                    self.at += 1;
                    return Some(s);
                }
                b'\\' | 0..=0x1f => return None,
                _ => self.at += 1,
            }
        }
    }
    fn literal(&mut self, word: &[u8], raw: Raw<'a>) -> Option<Raw<'a>> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word).then(|| {
            self.at = end;
            raw
        })
    }
    fn digits(&mut self) -> usize {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        self.at - start
    }
    /// A JSON number, typed the way serde_json hands it to a visitor.
    fn number(&mut self) -> Option<Raw<'a>> {
        let start = self.at;
        let negative = self.eat(b'-').is_some();
        match self.peek()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        let mut float = false;
        if self.eat(b'.').is_some() {
            float = true;
            if self.digits() == 0 {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            return None; // exponents: left to serde_json (range errors)
        }
        let text = self.text.get(start..self.at)?;
        if float {
            if text.len() > MAX_FLOAT_TEXT {
                return None;
            }
            text.parse::<f64>().ok().map(Raw::Float)
        } else if negative {
            // serde_json reads "-0" as the float -0.0.
            match text.parse::<i64>().ok()? {
                0 => Some(Raw::Float(-0.0)),
                n => Some(Raw::Int(n)),
            }
        } else {
            text.parse::<u64>().ok().map(Raw::Uint)
        }
    }
    fn value(&mut self) -> Option<Raw<'a>> {
        match self.peek()? {
            b'"' => {
                self.at += 1;
                self.string().map(Raw::Str)
            }
            b't' => self.literal(b"true", Raw::Bool(true)),
            b'f' => self.literal(b"false", Raw::Bool(false)),
            b'n' => self.literal(b"null", Raw::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }
}

/// The bytes of `word` that are a quote, a backslash or a control character (below
/// 0x20), flagged by their high bit: the has-zero-byte / has-less-than word tricks.
/// Exact as a yes/no answer and for the lowest flag (the first such byte: no borrow
/// reaches it from the bytes before); a flag above it may be false.
fn specials(word: u64) -> u64 {
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let quote = zero(word ^ splat(b'"'));
    let backslash = zero(word ^ splat(b'\\'));
    let control = word.wrapping_sub(splat(0x20)) & !word & HIGH;
    quote | backslash | control
}

#[cfg(test)]
fn special(word: u64) -> bool {
    specials(word) != 0
}

/// Hands a scalar to a visitor as serde_json would.
fn visit<'a, V: Visitor<'a>>(v: V, raw: Raw<'a>) -> Result<V::Value, serde_json::Error> {
    match raw {
        Raw::Str(s) => v.visit_borrowed_str(s),
        Raw::Int(n) => v.visit_i64(n),
        Raw::Uint(n) => v.visit_u64(n),
        Raw::Float(n) => v.visit_f64(n),
        Raw::Bool(b) => v.visit_bool(b),
        Raw::Null => v.visit_unit(),
    }
}

/// The lead, when the text has the usual shape and reads without error.
pub(super) fn read<'a>(
    schema: &Schema,
    json: &'a str,
    extra: &[&str],
    out: &mut [Val<'a>],
) -> Option<Lead<'a>> {
    let mut c = Cursor {
        text: json,
        bytes: json.as_bytes(),
        at: 0,
    };
    c.skip_ws();
    c.eat(b'{')?;
    c.skip_ws();
    let mut values = vec![Val::Missing; schema.len()];
    let mut created_at = None;
    let mut count = 0usize;
    if c.eat(b'}').is_none() {
        loop {
            c.eat(b'"')?;
            let key = c.string()?;
            c.skip_ws();
            c.eat(b':')?;
            c.skip_ws();
            let raw = c.value()?;
            count += 1;
            if count > schema.limits.lead_fields {
                return None;
            }
            match schema.target(key, extra) {
                Target::Field(slot, seed) => {
                    let v = visit(seed, raw).ok()?;
                    if key == CREATED_AT {
                        created_at = timestamp(&v);
                    }
                    *values.get_mut(slot)? = v;
                }
                Target::CreatedAt(seed) => created_at = timestamp(&visit(seed, raw).ok()?),
                Target::Extra(i) => *out.get_mut(i)? = visit(AnyVal, raw).ok()?,
                Target::Ignore => {}
            }
            c.skip_ws();
            if c.eat(b',').is_some() {
                c.skip_ws();
                continue;
            }
            c.eat(b'}')?;
            break;
        }
    }
    c.skip_ws();
    (c.at == c.bytes.len()).then_some(Lead { values, created_at })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FieldType;
    use crate::limits::Limits;
    use proptest::prelude::*;

    fn schema() -> Schema {
        Schema::new(
            [
                ("email", FieldType::String),
                ("size", FieldType::Number),
                ("demo", FieldType::Boolean),
            ],
            Limits::default(),
        )
    }

    const EXTRA: [&str; 2] = ["converted", "deal_value"];

    /// Both readers on one text: (fast, serde), each with the extras it read.
    #[allow(clippy::type_complexity)]
    fn both(
        text: &str,
    ) -> (
        Option<(Lead<'_>, Vec<Val<'_>>)>,
        Result<(Lead<'_>, Vec<Val<'_>>), String>,
    ) {
        let s = schema();
        let mut fast_out = vec![Val::Missing; 2];
        let fast = read(&s, text, &EXTRA, &mut fast_out).map(|l| (l, fast_out));
        let mut out = vec![Val::Missing; 2];
        let slow = s
            .parse_json_serde(text, &EXTRA, &mut out)
            .map(|l| (l, out))
            .map_err(|e| e.message);
        (fast, slow)
    }

    #[test]
    fn special_bytes_are_found_in_any_position() {
        for pos in 0..8 {
            for b in 0u8..=255 {
                let mut w = *b"abcdefgh";
                w[pos] = b;
                let want = b == b'"' || b == b'\\' || b < 0x20;
                assert_eq!(special(u64::from_le_bytes(w)), want, "byte {b} at {pos}");
            }
        }
        assert!(!special(u64::from_le_bytes(
            *"é ü ß·".as_bytes().first_chunk().unwrap()
        )));
    }

    proptest! {
        #[test]
        fn special_is_exact(w in any::<u64>()) {
            let is = |b: &u8| *b == b'"' || *b == b'\\' || *b < 0x20;
            let want = w.to_le_bytes().iter().any(is);
            prop_assert_eq!(special(w), want);
            let first = w.to_le_bytes().iter().position(is);
            let found = specials(w);
            prop_assert_eq!((found != 0).then(|| (found.trailing_zeros() / 8) as usize), first);
        }
    }

    #[test]
    fn reads_the_usual_shape_itself() {
        let text = r#" {"id":"L1", "created_at":"2026-12-30T17:40:58Z","email":"a@b.co","size":15,
            "demo":false,"x":null,"converted":"yes","deal_value":1200.5,"other":-3} "#;
        let (fast, slow) = both(text);
        let fast = fast.unwrap();
        assert_eq!(Ok(fast.clone()), slow);
        assert_eq!(fast.0.created_at, Some(1_798_652_458_000));
        assert_eq!(fast.0.get(2), &Val::Num(15.0));
        assert_eq!(fast.1, vec![Val::Str("yes".into()), Val::Num(1200.5)]);
    }

    #[test]
    fn leaves_the_unusual_to_serde() {
        for text in [
            r#"{"email":"a\"b"}"#,
            r#"{"email":["a"]}"#,
            r#"{"x":{"a":1}}"#,
            r#"{"size":1e3}"#,
            r#"{"size":"many"}"#,
            r#"{"size":01}"#,
            r#"{"email":"a"} x"#,
            r#"{"email":"a",}"#,
            r#"{"id":18446744073709551616}"#,
        ] {
            assert!(both(text).0.is_none(), "{text}");
        }
    }

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("\"a\"".to_string()),
            Just("\" x \"".to_string()),
            Just("\"\"".to_string()),
            Just("\"a\\\"b\"".to_string()),
            Just("\"\\u00e9\"".to_string()),
            Just("\"é\"".to_string()),
            Just("\"1,200\"".to_string()),
            Just("\"yes\"".to_string()),
            Just("\"2026-01-01T00:00:00Z\"".to_string()),
            Just("\"1767225600000\"".to_string()),
            Just("-0".to_string()),
            Just("-0.0".to_string()),
            Just("0".to_string()),
            Just("01".to_string()),
            Just("1.".to_string()),
            Just("1e3".to_string()),
            Just("18446744073709551615".to_string()),
            Just("18446744073709551616".to_string()),
            Just("-9223372036854775808".to_string()),
            Just("-9223372036854775809".to_string()),
            Just("0.1000000000000000055511151231257827".to_string()),
            Just("true".to_string()),
            Just("false".to_string()),
            Just("null".to_string()),
            Just("nul".to_string()),
            Just("[1]".to_string()),
            Just("{\"a\":1}".to_string()),
            (-1_000_000i64..1_000_000).prop_map(|n| n.to_string()),
            (-1e9f64..1e9).prop_map(|n| n.to_string()),
        ]
    }

    fn key() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "id",
            "email",
            "size",
            "demo",
            "created_at",
            "converted",
            "deal_value",
            "x",
            "e\\u0078",
        ])
        .prop_map(|k| format!("\"{k}\""))
    }

    fn ws() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["", " ", "\n", "\t ", "\r\n"])
    }

    proptest! {
        /// Whenever the fast reader says yes, serde reads the same lead and extras.
        #[test]
        fn agrees_with_serde(
            pairs in prop::collection::vec((key(), ws(), value(), ws()), 0..8),
            cut in prop::option::weighted(0.1, 0usize..200),
        ) {
            let body: Vec<String> =
                pairs.iter().map(|(k, w1, v, w2)| format!("{w1}{k}{w2}:{w1}{v}{w2}")).collect();
            let mut text = format!("{{{}}}", body.join(","));
            if let Some(c) = cut {
                let mut c = c.min(text.len());
                while !text.is_char_boundary(c) {
                    c -= 1;
                }
                text.truncate(c);
            }
            let (fast, slow) = both(&text);
            if let Some(fast) = fast {
                prop_assert_eq!(Ok(fast), slow);
            }
        }
    }
}
