//! CSV leads: the header row (renamed through a column mapping), RFC 4180 fields, and a
//! record turned into a lead by feeding `(column, text)` pairs to the schema's serde seed.

use super::known::{self, Known, Meta};
use crate::error::LeadError;
use crate::lead::{lead_error, timestamp, Lead, Schema, Val, CREATED_AT};
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
}

impl Header {
    /// Reads the header row; `mapping` renames CSV headers to config field names.
    pub fn parse(record: &str, mapping: &BTreeMap<String, String>) -> Header {
        let record = record.trim_start_matches('\u{feff}');
        // A header without commas but with semicolons or tabs names its own delimiter.
        let delimiter = if record.contains(',') {
            b','
        } else if record.contains(';') {
            b';'
        } else if record.contains('\t') {
            b'\t'
        } else {
            b','
        };
        let columns: Vec<String> = fields(record, delimiter)
            .into_iter()
            .map(|h| {
                let h = h.trim();
                mapping.get(h).map_or(h, |m| m.trim()).to_string()
            })
            .collect();
        let find = |name: &str| columns.iter().position(|c| c == name);
        Header {
            id: find("id"),
            created_at: find(CREATED_AT),
            converted: find(known::CONVERTED),
            deal_value: find(known::DEAL_VALUE),
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
        Meta {
            id: cell(self.id)
                .filter(|s| !s.trim().is_empty())
                .map(|s| Cow::Owned(s.to_string())),
            created_at: cell(self.created_at).and_then(|s| timestamp(&Val::Str(s.into()))),
            known: Known {
                converted: cell(self.converted).and_then(known::flag),
                deal_value: cell(self.deal_value).and_then(known::amount),
            },
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

/// Splits one record into fields: `"` quotes a field, `""` inside quotes is one quote.
pub fn fields(record: &str, delimiter: u8) -> Vec<Cow<'_, str>> {
    let bytes = record.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        if bytes.get(i) == Some(&b'"') {
            let mut text = String::new();
            let mut j = i + 1;
            let mut seg = j;
            loop {
                match bytes.get(j) {
                    None => {
                        text.push_str(record.get(seg..).unwrap_or(""));
                        break;
                    }
                    Some(b'"') if bytes.get(j + 1) == Some(&b'"') => {
                        text.push_str(record.get(seg..j + 1).unwrap_or(""));
                        j += 2;
                        seg = j;
                    }
                    Some(b'"') => {
                        text.push_str(record.get(seg..j).unwrap_or(""));
                        j += 1;
                        break;
                    }
                    Some(_) => j += 1,
                }
            }
            // Anything between the closing quote and the delimiter is kept as written.
            let end = bytes
                .iter()
                .skip(j)
                .position(|b| *b == delimiter)
                .map_or(bytes.len(), |p| j + p);
            text.push_str(record.get(j..end).unwrap_or(""));
            out.push(Cow::Owned(text));
            i = end;
        } else {
            let end = bytes
                .iter()
                .skip(i)
                .position(|b| *b == delimiter)
                .map_or(bytes.len(), |p| i + p);
            out.push(Cow::Borrowed(record.get(i..end).unwrap_or("")));
            i = end;
        }
        if i >= bytes.len() {
            break;
        }
        i += 1;
        if i == bytes.len() {
            out.push(Cow::Borrowed(""));
            break;
        }
    }
    out
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
