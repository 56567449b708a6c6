//! Account data before it is compiled: company names normalised for matching, their
//! similarity, the website's domain, and accounts read from a CRM's CSV export.

pub mod csv;
pub mod name;
pub mod similarity;

pub use csv::from_csv;
pub use name::{normalize, website_domain};
pub use similarity::jaro_winkler;
