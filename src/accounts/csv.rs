//! Accounts from CSV text, the export a CRM gives: a header row names the columns
//! (`id`, `name`, `domains`, `website`, `country`, `parent`, `owner`, `team`,
//! `employees`, `last_active`; any other column is a free field), quoted cells as in
//! RFC 4180. Columns a config does not declare are kept here and ignored when compiled.

use crate::config::Account;
use crate::error::ConfigErrors;
use serde_json::Value;

/// Reads accounts from CSV text. Every problem is reported, with its line.
pub fn from_csv(text: &str) -> Result<Vec<Account>, ConfigErrors> {
    let mut errors = ConfigErrors::default();
    let accounts = read_csv(text, "accounts.csv", &mut errors);
    if errors.is_empty() {
        Ok(accounts)
    } else {
        Err(errors)
    }
}

/// [`from_csv`] that reports problems at `path` into `errors`.
pub fn read_csv(text: &str, path: &str, errors: &mut ConfigErrors) -> Vec<Account> {
    let mut rows = Records {
        rest: text,
        line: 1,
    };
    let Some((_, header)) = rows.next() else {
        return Vec::new();
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    for need in ["id", "name"] {
        if !header.iter().any(|h| h == need) {
            errors.push(path, format!("line 1: the header has no \"{need}\" column"));
        }
    }
    if !errors.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (line, cells) in rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut a = Account::default();
        for (col, cell) in header.iter().zip(&cells) {
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            let text = || Some(cell.to_string());
            match col.as_str() {
                "id" => a.id = cell.to_string(),
                "name" => a.name = cell.to_string(),
                "domains" | "domain" => a.domains.extend(
                    cell.split([';', '|', ',', ' '])
                        .filter(|d| !d.is_empty())
                        .map(str::to_string),
                ),
                "website" => a.website = text(),
                "country" => a.country = text(),
                "parent" => a.parent = text(),
                "owner" => a.owner = text(),
                "team" => a.team = text(),
                "employees" => match cell.parse::<f64>() {
                    Ok(n) if n.is_finite() => a.employees = Some(n),
                    _ => errors.push(
                        path,
                        format!(
                            "line {line}: employees \"{}\" is not a number",
                            preview(cell)
                        ),
                    ),
                },
                "last_active" => a.last_active = text(),
                other => {
                    a.fields
                        .insert(other.to_string(), Value::String(cell.to_string()));
                }
            }
        }
        if a.id.is_empty() || a.name.is_empty() {
            errors.push(
                path,
                format!("line {line}: an account needs an id and a name"),
            );
            continue;
        }
        out.push(a);
    }
    out
}

fn preview(s: &str) -> String {
    crate::lead::preview(s)
}

/// CSV records with the line each starts on.
struct Records<'a> {
    rest: &'a str,
    line: usize,
}

impl Iterator for Records<'_> {
    type Item = (usize, Vec<String>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let start = self.line;
        let mut cells = Vec::new();
        let mut cell = String::new();
        let mut quoted = false;
        let mut chars = self.rest.char_indices().peekable();
        let mut end = self.rest.len();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' if quoted => {
                    if chars.peek().is_some_and(|(_, n)| *n == '"') {
                        chars.next();
                        cell.push('"');
                    } else {
                        quoted = false;
                    }
                }
                '"' if cell.is_empty() => quoted = true,
                ',' if !quoted => cells.push(std::mem::take(&mut cell)),
                '\n' if !quoted => {
                    self.line += 1;
                    end = i + 1;
                    break;
                }
                '\r' if !quoted => {}
                c => {
                    if c == '\n' {
                        self.line += 1;
                    }
                    cell.push(c);
                }
            }
        }
        cells.push(cell);
        self.rest = self.rest.get(end..).unwrap_or("");
        Some((start, cells))
    }
}

#[cfg(test)]
mod tests {
    use super::from_csv;

    #[test]
    fn reads_a_crm_export() {
        let text = "Id,Name,Domains,Country,Owner,Tier\r\n\
                    a1,\"Acme, Inc.\",acme.com;acme.io,US,ana,strategic\r\n\
                    a2,Globex,,DE,,\n";
        let got = from_csv(text).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].name, "Acme, Inc.");
        assert_eq!(got[0].domains, ["acme.com", "acme.io"]);
        assert_eq!(got[0].fields["tier"], "strategic");
        assert_eq!(got[1].owner, None);
        assert_eq!(got[1].country.as_deref(), Some("DE"));
    }

    #[test]
    fn reports_bad_rows_with_their_line() {
        let e = from_csv("id,name,employees\na1,,x\n").unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("line 2: employees \"x\" is not a number"),
            "{text}"
        );
        assert!(
            text.contains("line 2: an account needs an id and a name"),
            "{text}"
        );
        assert!(from_csv("name\nx\n")
            .unwrap_err()
            .to_string()
            .contains("no \"id\" column"));
    }
}
