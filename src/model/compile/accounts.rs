//! The accounts section: email domains of known accounts and their owners (a hash
//! lookup at routing time, subdomains included).

use super::Ctx;
use crate::config::Config;
use crate::error::ConfigErrors;
use crate::fxhash::FxHashMap as HashMap;
use crate::model::Accounts;

pub(super) fn compile(config: &Config, ctx: &Ctx, errors: &mut ConfigErrors) -> Option<Accounts> {
    let a = config.accounts.as_ref()?;
    let field = a.field.as_deref().unwrap_or("email");
    let slot = ctx.ids.slot(field, "accounts.field".into(), errors)?;
    let mut owners = HashMap::with_capacity_and_hasher(a.owners.len(), Default::default());
    for (domain, owner) in &a.owners {
        let path = format!("accounts.owners.{domain}");
        if let Some(ri) = ctx.ids.rep(owner, path, errors) {
            owners.insert(
                super::screening::normalize_domain(domain).into_boxed_str(),
                ri,
            );
        }
    }
    Some(Accounts { slot, owners })
}
