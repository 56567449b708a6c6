//! Text condition syntax: parses `company_size >= 1000 and country in ["US"]` into the same
//! JSON condition tree users can write by hand; field, type and operator checks live in the compiler.

use serde_json::{Map, Number, Value};
use std::fmt;
use std::iter::Peekable;
use std::str::CharIndices;

const MAX_DEPTH: u32 = 32;
const MAX_INPUT_BYTES: usize = 64 * 1024;
const MAX_LIST_ITEMS: usize = 10_000;
const EMAIL_CHECKS: [&str; 3] = ["free_email", "business_email", "valid_email"];
const KEYWORDS: [&str; 20] = [
    "and",
    "or",
    "not",
    "in",
    "between",
    "contains",
    "starts_with",
    "ends_with",
    "matches",
    "contains_any",
    "domain",
    "exists",
    "missing",
    "is",
    "free_email",
    "business_email",
    "valid_email",
    "true",
    "false",
    "case_sensitive",
];

/// A parse error with a 1-based line and column (column counts chars, not bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for TextError {}

/// Parses a text condition into the JSON condition tree.
///
/// # Errors
/// A [`TextError`] locating the first problem: bad syntax, an unterminated string or bad escape,
/// nesting deeper than 32, input over 64 KiB, or a list over 10,000 items.
pub fn parse(text: &str) -> Result<Value, TextError> {
    parse_with(text, false)
}

/// [`parse`], with each predicate carrying `"@at": [line, column]` of its field, so the
/// compiler can report a problem inside the text where the user wrote it.
pub fn parse_located(text: &str) -> Result<Value, TextError> {
    parse_with(text, true)
}

/// The key [`parse_located`] adds to each predicate.
pub const AT: &str = "@at";

fn parse_with(text: &str, locate: bool) -> Result<Value, TextError> {
    if text.len() > MAX_INPUT_BYTES {
        let message = format!("condition is longer than 64 KiB ({} bytes)", text.len());
        return Err(TextError {
            line: 1,
            column: 1,
            message,
        });
    }
    let mut p = Parser {
        toks: lex(text),
        pos: 0,
        end: Token::end(1, 1),
        locate,
    };
    if matches!(p.peek().kind, Kind::End) {
        return Err(p.peek().error("empty condition"));
    }
    let tree = p.or(0)?;
    let t = p.peek();
    match t.kind {
        Kind::End => Ok(tree),
        Kind::Punct(")") => Err(t.error("unexpected `)`")),
        _ => Err(p.fail(|found| format!("unexpected {found} after the end of the condition"))),
    }
}

#[derive(Debug, Clone)]
enum Kind {
    Word,
    Str(String),
    Num(Number),
    Punct(&'static str),
    End,
    /// A lexing error; it ends the token stream so earlier syntax errors are still reported first.
    Bad(TextError),
}

/// A token borrows its text from the condition (a `String` per token was a tenth of
/// compiling a config's text conditions).
#[derive(Debug, Clone)]
struct Token<'a> {
    kind: Kind,
    text: &'a str,
    line: u32,
    col: u32,
}

impl Token<'_> {
    fn end(line: u32, col: u32) -> Self {
        Token {
            kind: Kind::End,
            text: "",
            line,
            col,
        }
    }

    fn error(&self, message: impl Into<String>) -> TextError {
        TextError {
            line: self.line,
            column: self.col,
            message: message.into(),
        }
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.kind, Kind::Word) && self.text.eq_ignore_ascii_case(kw)
    }

    fn is_field(&self) -> bool {
        matches!(self.kind, Kind::Word)
            && !KEYWORDS.iter().any(|k| self.text.eq_ignore_ascii_case(k))
    }
}

/// Quotes user text for messages, cut short so a huge string literal cannot flood the error.
fn quote(text: &str) -> String {
    let mut short: String = text.chars().take(40).collect();
    if text.chars().nth(40).is_some() {
        short.push('…');
    }
    format!("`{short}`")
}

struct Lexer<'a> {
    src: &'a str,
    chars: Peekable<CharIndices<'a>>,
    line: u32,
    col: u32,
}

type LexResult<T> = Result<T, TextError>;

impl Lexer<'_> {
    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|&(_, c)| c)
    }

    fn offset(&mut self) -> usize {
        self.chars.peek().map_or(self.src.len(), |&(i, _)| i)
    }

    fn bump(&mut self) -> Option<char> {
        let (_, c) = self.chars.next()?;
        if c == '\n' {
            self.line = self.line.saturating_add(1);
            self.col = 1;
        } else {
            self.col = self.col.saturating_add(1);
        }
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        self.peek() == Some(c) && self.bump().is_some()
    }

    fn err(&self, message: impl Into<String>) -> TextError {
        TextError {
            line: self.line,
            column: self.col,
            message: message.into(),
        }
    }

    fn token(&mut self) -> LexResult<Kind> {
        let Some(c) = self.peek() else {
            return Ok(Kind::End);
        };
        let at = self.err("");
        let punct = match c {
            '"' | '\'' => return self.string(c).map(Kind::Str),
            '-' | '0'..='9' => return self.number().map(Kind::Num),
            'a'..='z' | 'A'..='Z' | '_' => {
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                {
                    self.bump();
                }
                return Ok(Kind::Word);
            }
            '(' => "(",
            ')' => ")",
            '[' => "[",
            ']' => "]",
            ',' => ",",
            '=' => "=",
            '>' => ">",
            '<' => "<",
            '!' => "!",
            _ => "",
        };
        self.bump();
        let punct = match (punct, self.peek()) {
            ("=", Some('=')) => "==",
            ("!", Some('=')) => "!=",
            (">", Some('=')) => ">=",
            ("<", Some('=')) => "<=",
            ("!", _) => {
                return Err(TextError {
                    message: "unexpected `!`; use `!=` or `not`".into(),
                    ..at
                })
            }
            ("", _) => {
                let hint = match c {
                    '&' => "; use `and`",
                    '|' => "; use `or`",
                    _ => "",
                };
                return Err(TextError {
                    message: format!("unexpected character `{c}`{hint}"),
                    ..at
                });
            }
            (p, _) => return Ok(Kind::Punct(p)),
        };
        self.bump();
        Ok(Kind::Punct(punct))
    }

    fn string(&mut self, quote_char: char) -> LexResult<String> {
        let start = self.err("unterminated string");
        self.bump();
        let mut out = String::new();
        loop {
            let escape_at = self.err("");
            match self.bump() {
                None => return Err(start),
                Some(c) if c == quote_char => return Ok(out),
                Some('\\') => {
                    let c = match self.bump() {
                        Some(c @ ('"' | '\'' | '\\')) => c,
                        Some('n') => '\n',
                        Some('t') => '\t',
                        Some('u') => self.unicode_escape(&escape_at)?,
                        None => return Err(start),
                        Some(other) => {
                            let message = format!("unknown escape `\\{other}` in string");
                            return Err(TextError {
                                message,
                                ..escape_at
                            });
                        }
                    };
                    out.push(c);
                }
                Some(c) => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        (0..4).try_fold(0u32, |acc, _| Some(acc * 16 + self.bump()?.to_digit(16)?))
    }

    fn unicode_escape(&mut self, at: &TextError) -> LexResult<char> {
        let bad = TextError {
            message: "invalid `\\u` escape; expected 4 hex digits of a unicode character".into(),
            ..at.clone()
        };
        let high = self.hex4().ok_or_else(|| bad.clone())?;
        let code = if (0xD800..0xDC00).contains(&high) {
            // A high surrogate only makes sense with its low half, written as a second `\u` escape.
            if !(self.eat('\\') && self.eat('u')) {
                return Err(bad);
            }
            let low = self
                .hex4()
                .filter(|l| (0xDC00..0xE000).contains(l))
                .ok_or_else(|| bad.clone())?;
            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else {
            high
        };
        char::from_u32(code).ok_or(bad)
    }

    fn digits(&mut self, after: &str, at: &TextError) -> LexResult<()> {
        if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
            let message = format!("expected a digit after `{after}` in a number");
            return Err(TextError {
                message,
                ..at.clone()
            });
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
        Ok(())
    }

    fn number(&mut self) -> LexResult<Number> {
        let at = self.err("");
        let start = self.offset();
        let sign = if self.eat('-') { "-" } else { "" };
        self.digits(sign, &at)?;
        let mut float = false;
        if self.eat('.') {
            self.digits(".", &at)?;
            float = true;
        }
        if let Some(e) = self.peek().filter(|c| matches!(c, 'e' | 'E')) {
            self.bump();
            let e = match self.peek() {
                Some(s @ ('+' | '-')) => {
                    self.bump();
                    format!("{e}{s}")
                }
                _ => e.to_string(),
            };
            self.digits(&e, &at)?;
            float = true;
        }
        let end = self.offset();
        let text = self.src.get(start..end).unwrap_or_default();
        let number = if float {
            text.parse::<f64>().ok().and_then(Number::from_f64)
        } else {
            text.parse::<i64>()
                .map(Number::from)
                .or_else(|_| text.parse::<u64>().map(Number::from))
                .ok()
        };
        number.ok_or_else(|| TextError {
            message: format!("number `{text}` is out of range"),
            ..at
        })
    }
}

fn lex(src: &str) -> Vec<Token<'_>> {
    let mut lx = Lexer {
        src,
        chars: src.char_indices().peekable(),
        line: 1,
        col: 1,
    };
    let mut toks = Vec::new();
    loop {
        while lx.peek().is_some_and(char::is_whitespace) {
            lx.bump();
        }
        let (line, col, start) = (lx.line, lx.col, lx.offset());
        let kind = lx.token().unwrap_or_else(Kind::Bad);
        let text = src.get(start..lx.offset()).unwrap_or_default();
        let last = matches!(kind, Kind::End | Kind::Bad(_));
        toks.push(Token {
            kind,
            text,
            line,
            col,
        });
        if last {
            return toks;
        }
    }
}

/// Builds an error at `t`; a lexing error there wins, as it is the real cause.
fn fail(t: &Token<'_>, build: impl FnOnce(&str) -> String) -> TextError {
    match &t.kind {
        Kind::Bad(e) => e.clone(),
        Kind::End => t.error(build("end of input")),
        _ => t.error(build(&quote(t.text))),
    }
}

struct Parser<'a> {
    toks: Vec<Token<'a>>,
    pos: usize,
    end: Token<'a>,
    /// Add each predicate's position (`@at`).
    locate: bool,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> &Token<'a> {
        self.toks.get(self.pos).unwrap_or(&self.end)
    }

    fn prev(&self) -> String {
        let prev = self.pos.checked_sub(1).and_then(|i| self.toks.get(i));
        prev.map_or_else(String::new, |t| quote(t.text))
    }

    /// Stops on the final token (end of input or a lexing error), which nothing can consume.
    fn advance(&mut self) {
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        let hit = self.peek().is_kw(kw);
        if hit {
            self.advance();
        }
        hit
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        let hit = matches!(self.peek().kind, Kind::Punct(q) if q == p);
        if hit {
            self.advance();
        }
        hit
    }

    fn fail(&self, build: impl FnOnce(&str) -> String) -> TextError {
        fail(self.peek(), build)
    }

    fn expected(&self, what: &str) -> TextError {
        self.fail(|found| format!("expected {what}, found {found}"))
    }

    fn nest(&self, depth: u32) -> Result<u32, TextError> {
        if depth >= MAX_DEPTH {
            return Err(self
                .peek()
                .error(format!("nesting deeper than {MAX_DEPTH}")));
        }
        Ok(depth + 1)
    }

    fn or(&mut self, depth: u32) -> Result<Value, TextError> {
        let mut items = vec![self.and(depth)?];
        while self.eat_kw("or") {
            items.push(self.and(depth)?);
        }
        Ok(group("any", items))
    }

    fn and(&mut self, depth: u32) -> Result<Value, TextError> {
        let mut items = vec![self.not(depth)?];
        while self.eat_kw("and") {
            items.push(self.not(depth)?);
        }
        Ok(group("all", items))
    }

    fn not(&mut self, depth: u32) -> Result<Value, TextError> {
        if !self.peek().is_kw("not") {
            return self.primary(depth);
        }
        let inner = self.nest(depth)?;
        self.advance();
        Ok(negate(self.not(inner)?))
    }

    fn primary(&mut self, depth: u32) -> Result<Value, TextError> {
        if !matches!(self.peek().kind, Kind::Punct("(")) {
            return self.predicate();
        }
        let inner = self.nest(depth)?;
        let (line, col) = (self.peek().line, self.peek().col);
        self.advance();
        let tree = self.or(inner)?;
        if !self.eat_punct(")") {
            return Err(self.expected(&format!(
                "`)` to close the `(` at line {line}, column {col}"
            )));
        }
        Ok(tree)
    }

    fn predicate(&mut self) -> Result<Value, TextError> {
        if !self.peek().is_field() {
            let after = self.prev();
            let what = if after.is_empty() {
                "a field name".to_string()
            } else {
                format!("a field name after {after}")
            };
            return Err(self.expected(&what));
        }
        let field = self.peek().text.to_string();
        let at = (self.peek().line, self.peek().col);
        self.advance();
        let pred = self.predicate_after(field)?;
        Ok(match pred {
            Value::Object(mut m) if self.locate && m.contains_key("field") => {
                m.insert(
                    AT.into(),
                    Value::Array(vec![Value::from(at.0), Value::from(at.1)]),
                );
                Value::Object(m)
            }
            Value::Object(mut m) if self.locate => {
                // `x is not free_email`: the predicate is inside the `not`.
                if let Some(Value::Object(inner)) = m.get_mut("not") {
                    inner.insert(
                        AT.into(),
                        Value::Array(vec![Value::from(at.0), Value::from(at.1)]),
                    );
                }
                Value::Object(m)
            }
            other => other,
        })
    }

    fn predicate_after(&mut self, field: String) -> Result<Value, TextError> {
        let op_tok = self.peek().clone();
        let word = match op_tok.kind {
            Kind::Word => op_tok.text.to_ascii_lowercase(),
            Kind::Punct(p) => p.to_string(),
            _ => String::new(),
        };
        self.advance();
        let (op, value) = match word.as_str() {
            "==" | "=" => ("eq", self.value()?),
            "!=" => ("ne", self.value()?),
            ">" => ("gt", self.value()?),
            ">=" => ("gte", self.value()?),
            "<" => ("lt", self.value()?),
            "<=" => ("lte", self.value()?),
            "in" => ("in", self.list()?),
            "contains_any" => ("contains_any", self.list()?),
            "contains" => ("contains", self.value()?),
            "starts_with" => ("starts_with", self.value()?),
            "ends_with" => ("ends_with", self.value()?),
            "matches" => ("matches", self.value()?),
            "domain" if self.eat_kw("is") => ("domain_is", self.list()?),
            "not" | "domain" => {
                if !self.eat_kw("in") {
                    let what = if word == "domain" {
                        "`in` or `is`"
                    } else {
                        "`in`"
                    };
                    return Err(self.expected(&format!("{what} after {}", self.prev())));
                }
                (
                    if word == "not" { "not_in" } else { "domain_in" },
                    self.list()?,
                )
            }
            "between" => {
                let lo = self.value()?;
                if !self.eat_kw("and") {
                    return Err(self.expected(&format!(
                        "`and` after the lower bound {} of `between`",
                        self.prev()
                    )));
                }
                ("between", Value::Array(vec![lo, self.value()?]))
            }
            "exists" => return self.no_value(field, "exists", false),
            "missing" => return self.no_value(field, "missing", false),
            "is" => {
                let negated = self.eat_kw("not");
                let Some(check) = EMAIL_CHECKS.iter().find(|c| self.peek().is_kw(c)) else {
                    let what = format!(
                        "`free_email`, `business_email` or `valid_email` after {}",
                        self.prev()
                    );
                    return Err(self.expected(&what));
                };
                self.advance();
                return self.no_value(field, check, negated);
            }
            _ => {
                let what = format!("an operator after {}", quote(&field));
                return Err(fail(&op_tok, |found| {
                    format!("expected {what}, found {found}")
                }));
            }
        };
        let mut pred = predicate(field, op);
        pred.insert("value".into(), value);
        if self.eat_kw("case_sensitive") {
            pred.insert("case_sensitive".into(), Value::Bool(true));
        }
        Ok(Value::Object(pred))
    }

    fn no_value(&self, field: String, op: &str, negated: bool) -> Result<Value, TextError> {
        if self.peek().is_kw("case_sensitive") {
            let message =
                format!("`case_sensitive` only applies to operators with a value, not `{op}`");
            return Err(self.peek().error(message));
        }
        let pred = Value::Object(predicate(field, op));
        Ok(if negated { negate(pred) } else { pred })
    }

    fn value(&mut self) -> Result<Value, TextError> {
        let t = self.peek();
        let v = match &t.kind {
            Kind::Str(s) => Value::String(s.clone()),
            Kind::Num(n) => Value::Number(n.clone()),
            Kind::Word if t.is_kw("true") || t.is_kw("false") => Value::Bool(t.is_kw("true")),
            Kind::Word if t.is_field() => {
                let what = format!("a value after {}", self.prev());
                let hint = format!("; text values need quotes: \"{}\"", t.text);
                return Err(self.fail(|found| format!("expected {what}, found {found}{hint}")));
            }
            _ => return Err(self.expected(&format!("a value after {}", self.prev()))),
        };
        self.advance();
        Ok(v)
    }

    fn list(&mut self) -> Result<Value, TextError> {
        if !self.eat_punct("[") {
            return Err(self.expected(&format!("`[` after {}", self.prev())));
        }
        let mut items = Vec::new();
        while !self.eat_punct("]") {
            if items.len() >= MAX_LIST_ITEMS {
                return Err(self
                    .peek()
                    .error(format!("list has more than {MAX_LIST_ITEMS} items")));
            }
            items.push(self.value()?);
            if !self.eat_punct(",") && !matches!(self.peek().kind, Kind::Punct("]")) {
                return Err(self.expected("`,` or `]` after a list item"));
            }
        }
        Ok(Value::Array(items))
    }
}

fn predicate(field: String, op: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("field".into(), Value::String(field));
    m.insert("op".into(), Value::String(op.into()));
    m
}

fn negate(inner: Value) -> Value {
    let mut m = Map::new();
    m.insert("not".into(), inner);
    Value::Object(m)
}

/// A single operand is returned as itself so `a` does not become `{"all": [a]}`.
fn group(key: &str, mut items: Vec<Value>) -> Value {
    if items.len() == 1 {
        if let Some(only) = items.pop() {
            return only;
        }
    }
    let mut m = Map::new();
    m.insert(key.into(), Value::Array(items));
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(text: &str) -> Value {
        match parse(text) {
            Ok(v) => v,
            Err(e) => panic!(
                "{:?} failed: {e}",
                text.chars().take(200).collect::<String>()
            ),
        }
    }

    fn err(text: &str) -> String {
        match parse(text) {
            Ok(v) => panic!("{text:?} parsed as {v}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn comparison_operators() {
        let cases = [
            ("a == 1", "eq"),
            ("a = 1", "eq"),
            ("a != 1", "ne"),
            ("a > 1", "gt"),
            ("a >= 1", "gte"),
            ("a < 1", "lt"),
            ("a <= 1", "lte"),
        ];
        for (text, op) in cases {
            assert_eq!(
                ok(text),
                json!({"field": "a", "op": op, "value": 1}),
                "{text}"
            );
        }
        assert_eq!(
            ok("company_size>=1000"),
            json!({"field": "company_size", "op": "gte", "value": 1000})
        );
        assert_eq!(ok("a<-5"), json!({"field": "a", "op": "lt", "value": -5}));
    }

    #[test]
    fn string_and_list_operators() {
        assert_eq!(
            ok("title contains 'vp'"),
            json!({"field": "title", "op": "contains", "value": "vp"})
        );
        assert_eq!(
            ok("t starts_with \"a\""),
            json!({"field": "t", "op": "starts_with", "value": "a"})
        );
        assert_eq!(
            ok("t ends_with \"z\""),
            json!({"field": "t", "op": "ends_with", "value": "z"})
        );
        assert_eq!(
            ok(r#"t matches "^a.*\\d$""#),
            json!({"field": "t", "op": "matches", "value": "^a.*\\d$"})
        );
        assert_eq!(
            ok(r#"c in ["US", "CA"]"#),
            json!({"field": "c", "op": "in", "value": ["US", "CA"]})
        );
        assert_eq!(
            ok("c not in [1, 2,]"),
            json!({"field": "c", "op": "not_in", "value": [1, 2]})
        );
        assert_eq!(
            ok("c in []"),
            json!({"field": "c", "op": "in", "value": []})
        );
        assert_eq!(
            ok(r#"tags contains_any ["a", true, 2.5]"#),
            json!({"field": "tags", "op": "contains_any", "value": ["a", true, 2.5]})
        );
        assert_eq!(
            ok(r#"email domain in ["acme.com"]"#),
            json!({"field": "email", "op": "domain_in", "value": ["acme.com"]})
        );
        assert_eq!(
            ok(r#"email domain is ["acme.com"]"#),
            json!({"field": "email", "op": "domain_is", "value": ["acme.com"]})
        );
        assert_eq!(
            ok("size between 10 and 50"),
            json!({"field": "size", "op": "between", "value": [10, 50]})
        );
    }

    #[test]
    fn valueless_operators() {
        assert_eq!(
            ok("phone exists"),
            json!({"field": "phone", "op": "exists"})
        );
        assert_eq!(
            ok("phone missing"),
            json!({"field": "phone", "op": "missing"})
        );
        for check in ["free_email", "business_email", "valid_email"] {
            assert_eq!(
                ok(&format!("email is {check}")),
                json!({"field": "email", "op": check})
            );
            assert_eq!(
                ok(&format!("email is not {check}")),
                json!({"not": {"field": "email", "op": check}})
            );
        }
    }

    #[test]
    fn precedence_and_flattening() {
        let (a, b, c) = (
            json!({"field": "a", "op": "eq", "value": 1}),
            json!({"field": "b", "op": "eq", "value": 2}),
            json!({"field": "c", "op": "eq", "value": 3}),
        );
        assert_eq!(
            ok("a == 1 or b == 2 and c == 3"),
            json!({"any": [a, {"all": [b, c]}]})
        );
        assert_eq!(
            ok("a == 1 and b == 2 or c == 3"),
            json!({"any": [{"all": [a, b]}, c]})
        );
        assert_eq!(
            ok("(a == 1 or b == 2) and c == 3"),
            json!({"all": [{"any": [a, b]}, c]})
        );
        assert_eq!(ok("a == 1 or b == 2 or c == 3"), json!({"any": [a, b, c]}));
        assert_eq!(
            ok("a == 1 and b == 2 and c == 3"),
            json!({"all": [a, b, c]})
        );
        // Explicit parentheses keep the user's grouping rather than being flattened.
        assert_eq!(
            ok("(a == 1 and b == 2) and c == 3"),
            json!({"all": [{"all": [a, b]}, c]})
        );
        assert_eq!(ok("((a == 1))"), a);
    }

    #[test]
    fn not_binds_tighter_than_and() {
        let a = json!({"field": "a", "op": "exists"});
        let b = json!({"field": "b", "op": "exists"});
        assert_eq!(
            ok("not a exists and b exists"),
            json!({"all": [{"not": a}, b]})
        );
        assert_eq!(
            ok("not (a exists and b exists)"),
            json!({"not": {"all": [a, b]}})
        );
        assert_eq!(ok("not not a exists"), json!({"not": {"not": a}}));
    }

    #[test]
    fn between_owns_its_and() {
        assert_eq!(
            ok("x between 1 and 5 and y == 2 and z between -1.5 and 1e3"),
            json!({"all": [
                {"field": "x", "op": "between", "value": [1, 5]},
                {"field": "y", "op": "eq", "value": 2},
                {"field": "z", "op": "between", "value": [-1.5, 1000.0]},
            ]})
        );
    }

    #[test]
    fn case_sensitive_flag() {
        assert_eq!(
            ok("name == 'Bob' case_sensitive and t contains_any ['X'] CASE_SENSITIVE"),
            json!({"all": [
                {"field": "name", "op": "eq", "value": "Bob", "case_sensitive": true},
                {"field": "t", "op": "contains_any", "value": ["X"], "case_sensitive": true},
            ]})
        );
        assert_eq!(
            ok("n between 'a' and 'm' case_sensitive"),
            json!({"field": "n", "op": "between", "value": ["a", "m"], "case_sensitive": true})
        );
    }

    #[test]
    fn string_escapes() {
        assert_eq!(
            ok(r#"a == "q\" s\' b\\ n\n t\t u\u00e9 \ud83d\ude00""#)["value"],
            json!("q\" s' b\\ n\n t\t u\u{e9} \u{1F600}")
        );
        assert_eq!(ok(r#"a == 'it\'s "x"'"#)["value"], json!("it's \"x\""));
        assert_eq!(ok("a == 'héllo'")["value"], json!("héllo"));
    }

    #[test]
    fn numbers() {
        let v = |t: &str| ok(&format!("a == {t}"))["value"].clone();
        assert_eq!(v("-42"), json!(-42));
        assert!(v("-42").is_i64());
        assert_eq!(v("3.25"), json!(3.25));
        assert_eq!(v("-0.5"), json!(-0.5));
        assert_eq!(v("2e3"), json!(2000.0));
        assert_eq!(v("2.5E-1"), json!(0.25));
        assert_eq!(v("18446744073709551615"), json!(u64::MAX));
        assert!(v("7").is_u64());
    }

    #[test]
    fn keywords_are_case_insensitive_fields_keep_case() {
        assert_eq!(
            ok("NOT Country IN ['US'] AND Size BETWEEN 1 AND 2 OR Email IS NOT Free_Email OR Flag == TRUE"),
            json!({"any": [
                {"all": [
                    {"not": {"field": "Country", "op": "in", "value": ["US"]}},
                    {"field": "Size", "op": "between", "value": [1, 2]},
                ]},
                {"not": {"field": "Email", "op": "free_email"}},
                {"field": "Flag", "op": "eq", "value": true},
            ]})
        );
        assert_eq!(
            ok("lead.company_2 != False")["field"],
            json!("lead.company_2")
        );
    }

    #[test]
    fn whitespace_and_newlines_are_free() {
        assert_eq!(
            ok("\n  a\n==\n1\r\n\tand\n(b\nexists)\n"),
            json!({"all": [{"field": "a", "op": "eq", "value": 1}, {"field": "b", "op": "exists"}]})
        );
    }

    #[test]
    fn error_messages() {
        let cases = [
            ("company_size >= ", "line 1, column 17: expected a value after `>=`, found end of input"),
            ("company_size >= and", "line 1, column 17: expected a value after `>=`, found `and`"),
            ("a == 1\n)", "line 2, column 1: unexpected `)`"),
            ("name == \"abc", "line 1, column 9: unterminated string"),
            ("> 5", "line 1, column 1: expected a field name, found `>`"),
            ("a == 1 and b == 2 foo", "line 1, column 19: unexpected `foo` after the end of the condition"),
            ("", "line 1, column 1: empty condition"),
            ("  \n ", "line 2, column 2: empty condition"),
            ("a in 1", "line 1, column 6: expected `[` after `in`, found `1`"),
            ("a in [1 2]", "line 1, column 9: expected `,` or `]` after a list item, found `2`"),
            ("a in [1,,2]", "line 1, column 9: expected a value after `,`, found `,`"),
            ("a between 1 or 5", "line 1, column 13: expected `and` after the lower bound `1` of `between`, found `or`"),
            ("(a == 1", "line 1, column 8: expected `)` to close the `(` at line 1, column 1, found end of input"),
            ("(a == 1 b == 2)", "line 1, column 9: expected `)` to close the `(` at line 1, column 1, found `b`"),
            ("a == 1 and", "line 1, column 11: expected a field name after `and`, found end of input"),
            ("in == 1", "line 1, column 1: expected a field name, found `in`"),
            ("a 5", "line 1, column 3: expected an operator after `a`, found `5`"),
            ("a", "line 1, column 2: expected an operator after `a`, found end of input"),
            ("a not 5", "line 1, column 7: expected `in` after `not`, found `5`"),
            ("a domain [1]", "line 1, column 10: expected `in` or `is` after `domain`, found `[`"),
            ("a == US", "line 1, column 6: expected a value after `==`, found `US`; text values need quotes: \"US\""),
            ("a exists case_sensitive", "line 1, column 10: `case_sensitive` only applies to operators with a value, not `exists`"),
            ("a == \"x\\q\"", "line 1, column 8: unknown escape `\\q` in string"),
            ("a == '\\ud800'", "line 1, column 7: invalid `\\u` escape; expected 4 hex digits of a unicode character"),
            ("a == '\\u12'", "line 1, column 7: invalid `\\u` escape; expected 4 hex digits of a unicode character"),
            ("a $ 1", "line 1, column 3: unexpected character `$`"),
            ("a == 1 && b exists", "line 1, column 8: unexpected character `&`; use `and`"),
            ("a ! 1", "line 1, column 3: unexpected `!`; use `!=` or `not`"),
            ("a == -", "line 1, column 6: expected a digit after `-` in a number"),
            ("a == 1.", "line 1, column 6: expected a digit after `.` in a number"),
            ("a == 1e+", "line 1, column 6: expected a digit after `e+` in a number"),
            ("a == 99999999999999999999", "line 1, column 6: number `99999999999999999999` is out of range"),
            ("a == 1e999", "line 1, column 6: number `1e999` is out of range"),
            ("x == \"héllo\" foo", "line 1, column 14: unexpected `foo` after the end of the condition"),
            ("a is fine", "line 1, column 6: expected `free_email`, `business_email` or `valid_email` after `is`, found `fine`"),
            (
                "a == 1 and\n  (b is nothing)",
                "line 2, column 9: expected `free_email`, `business_email` or `valid_email` after `is`, found `nothing`",
            ),
            ("a == 1 or\n\n   b >\n", "line 4, column 1: expected a value after `>`, found end of input"),
            ("a == 1 or\n  b == 'x\n\n", "line 2, column 8: unterminated string"),
            ("a == 1 or\n  not\n  )", "line 3, column 3: expected a field name after `not`, found `)`"),
        ];
        for (text, want) in cases {
            assert_eq!(err(text), want, "input {text:?}");
        }
    }

    #[test]
    fn earlier_syntax_error_beats_later_lexing_error() {
        assert_eq!(
            err("a >= and $"),
            "line 1, column 6: expected a value after `>=`, found `and`"
        );
        assert_eq!(err("a >= $"), "line 1, column 6: unexpected character `$`");
    }

    #[test]
    fn long_text_is_cut_in_messages() {
        let long = "x".repeat(100);
        let msg = err(&format!("a == 1 {long}"));
        assert_eq!(
            msg,
            format!(
                "line 1, column 8: unexpected `{}…` after the end of the condition",
                "x".repeat(40)
            )
        );
    }

    #[test]
    fn error_fields_are_structured() {
        let e = parse("a ==\n  >").unwrap_err();
        assert_eq!((e.line, e.column), (2, 3));
        assert_eq!(e.message, "expected a value after `==`, found `>`");
    }

    #[test]
    fn depth_limit() {
        let nested = |n: usize| format!("{}a exists{}", "(".repeat(n), ")".repeat(n));
        assert!(parse(&nested(32)).is_ok());
        assert_eq!(
            err(&nested(33)),
            "line 1, column 33: nesting deeper than 32"
        );
        let nots = |n: usize| format!("{}a exists", "not ".repeat(n));
        assert!(parse(&nots(32)).is_ok());
        assert_eq!(err(&nots(33)), "line 1, column 129: nesting deeper than 32");
        // Parentheses and `not` share one budget.
        assert!(parse(&format!(
            "{}({}a exists)",
            "not ".repeat(16),
            "not ".repeat(15)
        ))
        .is_ok());
        assert!(err(&format!(
            "{}({}a exists)",
            "not ".repeat(16),
            "not ".repeat(16)
        ))
        .ends_with("nesting deeper than 32"));
        // Sibling groups do not add up.
        assert!(parse(&vec![nested(32); 50].join(" and ")).is_ok());
        // Far past the limit must still be an error, not a stack overflow.
        assert!(err(&"(".repeat(60_000)).ends_with("nesting deeper than 32"));
        assert!(err(&"not ".repeat(16_000)).ends_with("nesting deeper than 32"));
    }

    #[test]
    fn size_limits() {
        let too_long = format!("a == '{}'", "x".repeat(64 * 1024));
        assert!(err(&too_long).starts_with("line 1, column 1: condition is longer than 64 KiB"));
        let list = |n: usize| format!("a in [{}]", vec!["1"; n].join(","));
        assert_eq!(
            ok(&list(10_000))["value"].as_array().map(Vec::len),
            Some(10_000)
        );
        assert_eq!(
            err(&list(10_001)),
            "line 1, column 20007: list has more than 10000 items"
        );
        // Many operands are a loop, not recursion.
        let wide = vec!["a exists"; 5000].join(" or ");
        assert_eq!(ok(&wide)["any"].as_array().map(Vec::len), Some(5000));
        let at_limit = format!("a == '{}'", "x".repeat(64 * 1024 - 7));
        assert_eq!(at_limit.len(), 64 * 1024);
        assert!(parse(&at_limit).is_ok());
    }

    /// Deterministic generator so failures reproduce without a rand crate.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[usize::try_from(self.next()).unwrap() % items.len()]
        }
    }

    #[test]
    fn random_input_never_panics() {
        let vocab = [
            "a",
            "b.c",
            "and",
            "or",
            "not",
            "(",
            ")",
            "[",
            "]",
            ",",
            "==",
            "=",
            "!=",
            ">",
            ">=",
            "<",
            "<=",
            "in",
            "between",
            "contains",
            "starts_with",
            "ends_with",
            "matches",
            "contains_any",
            "domain",
            "exists",
            "missing",
            "is",
            "free_email",
            "business_email",
            "valid_email",
            "case_sensitive",
            "true",
            "FALSE",
            "1",
            "-2.5",
            "1e",
            "-",
            "'x'",
            "\"y\\n\"",
            "\"",
            "'\\u",
            "\\",
            "!",
            "&",
            "é",
            "\n",
            " ",
            "\t",
            "😀",
            "\"\\ud83d",
        ];
        let mut rng = Lcg(42);
        let (mut oks, mut errs) = (0, 0);
        for _ in 0..20_000 {
            let len = rng.next() % 24;
            let mut text = String::new();
            for _ in 0..len {
                text.push_str(rng.pick(&vocab));
                if rng.next() % 3 != 0 {
                    text.push(' ');
                }
            }
            match parse(&text) {
                Ok(_) => oks += 1,
                Err(e) => {
                    errs += 1;
                    let lines = u32::try_from(text.split('\n').count()).unwrap();
                    assert!(
                        e.line >= 1 && e.line <= lines && e.column >= 1,
                        "{text:?}: {e}"
                    );
                    assert!(!e.message.is_empty());
                }
            }
        }
        assert!(
            oks > 0 && errs > 0,
            "generator too narrow: {oks} ok, {errs} errors"
        );
    }

    /// Renders a random tree with every group parenthesised, so the parse must give back exactly that tree.
    fn gen_tree(rng: &mut Lcg, depth: u32) -> (String, Value) {
        let field = rng.pick(&["a", "Size", "lead.email", "x_1"]);
        let value = |rng: &mut Lcg| match rng.next() % 4 {
            0 => ("'v\\'1'", json!("v'1")),
            1 => ("-12", json!(-12)),
            2 => ("0.5", json!(0.5)),
            _ => ("TRUE", json!(true)),
        };
        match rng.next() % if depth == 0 { 4 } else { 7 } {
            0 => {
                let (ops, names) = (
                    ["==", "!=", ">=", "<", "contains"],
                    ["eq", "ne", "gte", "lt", "contains"],
                );
                let i = (rng.next() % 5) as usize;
                let (vt, v) = value(rng);
                (
                    format!("{field} {} {vt}", ops[i]),
                    json!({"field": field, "op": names[i], "value": v}),
                )
            }
            1 => {
                let (vt, v) = value(rng);
                let t = format!("{field} not in [{vt}, {vt}] case_sensitive");
                (
                    t,
                    json!({"field": field, "op": "not_in", "value": [v, v], "case_sensitive": true}),
                )
            }
            2 => (
                format!("{field} between 1 and 2"),
                json!({"field": field, "op": "between", "value": [1, 2]}),
            ),
            3 => (
                format!("{field} is not valid_email"),
                json!({"not": {"field": field, "op": "valid_email"}}),
            ),
            4 => {
                let (t, v) = gen_tree(rng, depth - 1);
                (format!("not ({t})"), json!({"not": v}))
            }
            _ => {
                let key = if rng.next() % 2 == 0 { "all" } else { "any" };
                let word = if key == "all" { " and " } else { " or " };
                let n = 2 + rng.next() % 3;
                let (texts, values): (Vec<String>, Vec<Value>) = (0..n)
                    .map(|_| gen_tree(rng, depth - 1))
                    .map(|(t, v)| (format!("({t})"), v))
                    .unzip();
                (texts.join(word), json!({ key: values }))
            }
        }
    }

    #[test]
    fn random_trees_round_trip() {
        let mut rng = Lcg(7);
        for _ in 0..3_000 {
            let (text, want) = gen_tree(&mut rng, 4);
            assert_eq!(ok(&text), want, "{text}");
        }
    }
}

/// The condition syntax for a tree, or `None` when the tree has no exact text form (the
/// condition builder shows its text mode from this, and reads it back with [`parse`]).
pub fn print(tree: &Value) -> Option<String> {
    print_at(tree, true)
}

/// The text form of each comparison operator that has one.
fn text_op(op: &str) -> Option<&'static str> {
    Some(match op {
        "eq" => "==",
        "ne" => "!=",
        "gt" => ">",
        "gte" => ">=",
        "lt" => "<",
        "lte" => "<=",
        "in" => "in",
        "not_in" => "not in",
        "contains" => "contains",
        "contains_any" => "contains_any",
        "starts_with" => "starts_with",
        "ends_with" => "ends_with",
        "matches" => "matches",
        "domain_in" => "domain in",
        "domain_is" => "domain is",
        _ => return None,
    })
}

const EMAIL_TESTS: [&str; 3] = ["free_email", "business_email", "valid_email"];

fn print_at(c: &Value, top: bool) -> Option<String> {
    let o = match c {
        Value::String(s) => return Some(s.clone()),
        Value::Object(o) => o,
        _ => return None,
    };
    let wrap = |s: String| if top { s } else { format!("({s})") };
    let group = o
        .get("all")
        .map(|l| (l, " and "))
        .or_else(|| o.get("any").map(|l| (l, " or ")));
    if let Some((list, join)) = group {
        let parts = list
            .as_array()?
            .iter()
            .map(|x| print_at(x, false))
            .collect::<Option<Vec<_>>>()?;
        return (!parts.is_empty()).then(|| wrap(parts.join(join)));
    }
    if let Some(n) = o.get("not") {
        let op = n.get("op").and_then(Value::as_str);
        if let (Some(op), Some(field)) = (op, n.get("field").and_then(Value::as_str)) {
            if EMAIL_TESTS.contains(&op) {
                return Some(format!("{field} is not {op}"));
            }
        }
        return print_at(n, false).map(|inner| format!("not {inner}"));
    }
    let field = o.get("field")?.as_str()?;
    let op = o.get("op")?.as_str()?;
    let cs = if o.get("case_sensitive").and_then(Value::as_bool) == Some(true) {
        " case_sensitive"
    } else {
        ""
    };
    if op == "exists" || op == "missing" {
        return Some(format!("{field} {op}"));
    }
    if EMAIL_TESTS.contains(&op) {
        return Some(format!("{field} is {op}"));
    }
    let value = o.get("value")?;
    if op == "between" {
        if let Some([lo, hi]) = value.as_array().map(Vec::as_slice) {
            return Some(format!("{field} between {lo} and {hi}{cs}"));
        }
    }
    Some(format!("{field} {} {value}{cs}", text_op(op)?))
}

#[cfg(test)]
mod print_tests {
    use super::*;

    #[test]
    fn printed_text_parses_back_to_the_tree() {
        for text in [
            "country == \"US\" and (score >= 50 or email is business_email)",
            "not (title contains \"VP\" case_sensitive)",
            "company_size between 10 and 500",
            "email is not free_email",
            "lang in [\"en\", \"de\"] or email domain in [\"acme.com\"]",
            "phone missing",
        ] {
            let tree = parse(text).unwrap();
            let printed = print(&tree).unwrap();
            assert_eq!(parse(&printed).unwrap(), tree, "{text} -> {printed}");
        }
        assert_eq!(print(&serde_json::json!({"all": []})), None);
        assert_eq!(
            print(&serde_json::json!({"field": "x", "op": "nope", "value": 1})),
            None
        );
    }
}
