//! The public config: what a browser may see. Strips contact details, performance
//! figures, account lists and CRM settings; routing shape stays so previews work.

use super::raw::Config;

impl Config {
    /// A copy safe to ship to browsers. Decisions from it are a preview: top
    /// performer shares (no performance figures) and account owners (no account list)
    /// can differ from the authoritative router's.
    pub fn public(&self) -> Config {
        self.clone().into_public()
    }

    /// [`Config::public`] without the copy (a config copy is 10 KB of .wasm code).
    pub fn into_public(self) -> Config {
        let mut c = self;
        for r in &mut c.reps {
            r.email = None;
            r.phone = None;
            r.performance = None;
        }
        // Rules may read `account.*`: the section's shape stays, its accounts go.
        c.accounts = c.accounts.take().and_then(|a| {
            (!a.fields.is_empty() || !a.list.is_empty() || a.csv.is_some()).then(|| {
                super::raw::Accounts {
                    owners: Default::default(),
                    list: Vec::new(),
                    csv: None,
                    ..a
                }
            })
        });
        c.crm = None;
        c
    }
}
