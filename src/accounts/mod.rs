//! Account data before it is compiled: company names normalised for matching, their
//! similarity, the website's domain, and accounts read from a CRM's CSV export.

pub mod csv;
pub mod name;
pub mod similarity;

pub use csv::from_csv;
pub use name::{normalize, website_domain};
pub use similarity::jaro_winkler;

/// What benchmarks read about a router's account index (`examples/account_match.rs`).
pub mod probe {
    use crate::model::Router;

    /// How many accounts the fuzzy tier scores for a company name (0 without accounts
    /// or when the name is not fuzzily matchable).
    pub fn fuzzy_candidates(router: &Router, company: &str) -> usize {
        router
            .accounts
            .as_ref()
            .map_or(0, |a| a.fuzzy_candidates(&super::normalize(company)))
    }

    /// Bytes the router's compiled accounts hold ([`crate::model::Accounts::bytes`]).
    pub fn index_bytes(router: &Router) -> usize {
        router.accounts.as_ref().map_or(0, |a| a.bytes())
    }
}
