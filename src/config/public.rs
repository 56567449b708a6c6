//! The public config: what a browser may see. Strips contact details, performance
//! figures, account lists and CRM settings; routing shape stays so previews work.

use super::raw::Config;

impl Config {
    /// A copy safe to ship to browsers. Decisions from it are a preview: top
    /// performer shares (no performance figures) and account owners (no account list)
    /// can differ from the authoritative router's.
    pub fn public(&self) -> Config {
        let mut c = self.clone();
        for r in &mut c.reps {
            r.email = None;
            r.phone = None;
            r.performance = None;
        }
        c.accounts = None;
        c.crm = None;
        c
    }
}
