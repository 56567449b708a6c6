//! The diff of a change: two simulations over the same leads, lead by lead: which leads
//! changed outcome or owner, and the totals of moves between owners.

use super::audit::AuditRow;
use serde::{Deserialize, Serialize};

/// Which moved leads to list: any of the given ones must be on either side (A or B).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiffFilter {
    pub team: Option<String>,
    pub rep: Option<String>,
    pub rule: Option<String>,
}

/// The leads whose outcome or owner changed from A to B.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    /// Leads compared (routed in both).
    pub leads: u64,
    /// Leads that moved (all, before the filter).
    pub moved: u64,
    /// Leads that moved and pass the filter.
    pub total: u64,
    /// The page asked for of those.
    pub rows: Vec<MovedLead>,
    /// Moves between owners, over the filtered leads, most first: `from` is A's owner
    /// (a rep id, or the outcome when nobody owns it: `pooled`, `nurture`, `rejected`).
    pub moves: Vec<Move>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MovedLead {
    /// The same index in both (`a.explain(index)`, `b.explain(index)`).
    pub index: u64,
    pub a: AuditRow,
    pub b: AuditRow,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Move {
    pub from: String,
    pub from_name: String,
    pub to: String,
    pub to_name: String,
    pub count: u64,
}

use super::audit::{csv_row, AuditLog, Page, Rec};
use super::csv::Header;
use super::SimError;
use crate::model::Router;
use std::collections::HashMap;

/// One side of a diff: its log, router and CSV header.
pub type Side<'a> = (&'a AuditLog, &'a Router, Option<&'a Header>);

/// A record's owner as a key: the rep id, else the outcome.
fn owner_key(router: &Router, r: &Rec) -> (String, String) {
    match r.owner().and_then(|i| router.reps.get(i)) {
        Some(rep) => (rep.id.clone(), rep.name.clone()),
        None => {
            let o = r.outcome().as_str().to_string();
            (o.clone(), o)
        }
    }
}

/// Whether one side's record is the filter's: any given field must hold on it.
fn passes(side: &Side, r: &Rec, f: &DiffFilter) -> bool {
    let (log, router, _) = side;
    let named = |want: &str, id: &str, name: &str| id == want || name.eq_ignore_ascii_case(want);
    let team = f.team.as_deref().is_none_or(|w| {
        r.team()
            .and_then(|t| router.teams.get(t))
            .is_some_and(|t| named(w.trim(), &t.id, &t.name))
    });
    let rep = f.rep.as_deref().is_none_or(|w| {
        r.owner()
            .and_then(|i| router.reps.get(i))
            .is_some_and(|x| named(w.trim(), &x.id, &x.name))
    });
    let rule = f
        .rule
        .as_deref()
        .is_none_or(|w| log.rule_name(r.rule()).is_some_and(|n| n == w.trim()));
    team && rep && rule
}

/// A against B lead by lead: the same leads in the same order (the order depends on
/// the input only, never on the config), paired by index.
pub fn diff(
    a: Side,
    b: Side,
    filter: &DiffFilter,
    page: Page,
    max: usize,
) -> Result<Diff, SimError> {
    let (la, ra, _) = a;
    let (lb, rb, _) = b;
    let same = la.len() == lb.len()
        && (0..la.len()).all(|i| match (la.rec(i), lb.rec(i)) {
            (Some(x), Some(y)) => x.line() == y.line() && la.text(x) == lb.text(y),
            _ => false,
        });
    if !same {
        return Err(SimError {
            code: "different_leads".into(),
            message: format!(
                "the two simulations did not route the same leads ({} and {})",
                la.len(),
                lb.len()
            ),
            help: "feed both the same file with the same options (split, reorder window)".into(),
            seen: Vec::new(),
            line: 0,
        });
    }
    let mut out = Diff {
        leads: la.len(),
        ..Diff::default()
    };
    let mut moves: HashMap<(String, String), (String, String, u64)> = HashMap::new();
    let mut listed = Vec::new();
    for i in 0..la.len() {
        let (Some(x), Some(y)) = (la.rec(i), lb.rec(i)) else {
            continue;
        };
        let (from, from_name) = owner_key(ra, x);
        let (to, to_name) = owner_key(rb, y);
        if x.outcome() == y.outcome() && from == to {
            continue;
        }
        out.moved += 1;
        let empty = filter.team.is_none() && filter.rep.is_none() && filter.rule.is_none();
        if !(empty || passes(&a, x, filter) || passes(&b, y, filter)) {
            continue;
        }
        out.total += 1;
        let m = moves.entry((from, to)).or_insert((from_name, to_name, 0));
        m.2 += 1;
        listed.push(i);
    }
    out.rows = listed
        .iter()
        .skip(page.offset)
        .take(page.limit.min(max))
        .filter_map(|i| {
            Some(MovedLead {
                index: *i,
                a: la.row(ra, a.2, *i)?,
                b: lb.row(rb, b.2, *i)?,
            })
        })
        .collect();
    out.moves = moves
        .into_iter()
        .map(|((from, to), (from_name, to_name, count))| Move {
            from,
            from_name,
            to,
            to_name,
            count,
        })
        .collect();
    out.moves.sort_by(|x, y| {
        y.count
            .cmp(&x.count)
            .then_with(|| (&x.from, &x.to).cmp(&(&y.from, &y.to)))
    });
    Ok(out)
}

/// Moved leads as CSV: `index,lead_id`, then A's and B's outcome, owner (id and name),
/// team and rule.
pub fn diff_csv(d: &Diff) -> String {
    let mut out = String::from(
        "index,lead_id,a_outcome,a_rep,a_rep_name,a_team,a_rule,b_outcome,b_rep,b_rep_name,b_team,b_rule\n",
    );
    for m in &d.rows {
        let side = |r: &AuditRow| {
            let mut one = String::new();
            csv_row(&mut one, r);
            // The audit row's cells: outcome (6), rep (8), rep name (9), team (10), rule (13).
            let cells = super::csv::fields(one.trim_end_matches('\n'), b',');
            [6, 8, 9, 10, 13]
                .iter()
                .map(|i| cells.get(*i).map_or(String::new(), |c| quote(c)))
                .collect::<Vec<_>>()
                .join(",")
        };
        out.push_str(&format!(
            "{},{},{},{}\n",
            m.index,
            quote(m.a.lead_id.as_deref().unwrap_or("")),
            side(&m.a),
            side(&m.b)
        ));
    }
    out
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
