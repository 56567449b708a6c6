//! Existing leads (lead-to-lead): who has the latest lead of each person (email) and
//! company (email domain), so a second lead within the window goes to the same rep.
//! Bounded like the routed-lead ledger: older than the window, or beyond the most kept,
//! forgotten oldest first.

use super::ledger::{Ledger, Timed};

/// The most people and companies remembered; older ones are forgotten first.
pub const MAX_EXISTING: usize = 1_000_000;

/// The rep who has a person's or company's latest lead, and when it was assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    pub at: i64,
    pub rep: u32,
}

impl Timed for Holder {
    fn at(&self) -> i64 {
        self.at
    }
}

/// Keys are `person:` + the lowercase email or `company:` + the lowercase domain.
pub type ExistingLeads = Ledger<Holder>;

pub fn person_key(email: &str) -> String {
    ["person:", &email.trim().to_lowercase()].concat()
}

pub fn company_key(domain: &str) -> String {
    ["company:", &domain.trim().to_lowercase()].concat()
}
