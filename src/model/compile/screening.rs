//! The screening section: required fields and reject rules (first match rejects).

use super::Ctx;
use crate::condition::Scope;
use crate::config::Config;
use crate::error::ConfigErrors;
use crate::model::ScreeningRule;

pub(super) fn compile(
    config: &Config,
    ctx: &Ctx,
    errors: &mut ConfigErrors,
) -> (Vec<usize>, Vec<ScreeningRule>) {
    let mut required = Vec::new();
    let mut screening = Vec::new();
    let Some(s) = &config.screening else {
        return (required, screening);
    };
    for (i, f) in s.required.iter().enumerate() {
        if let Some(slot) = ctx.ids.slot(f, format!("screening.required[{i}]"), errors) {
            required.push(slot);
        }
    }
    for (i, r) in s.rules.iter().enumerate() {
        let path = format!("screening.rules[{i}].when");
        if let Some(cond) = ctx.cond(&r.when, &path, Scope::BeforeScore, errors) {
            screening.push(ScreeningRule {
                id: r.id.clone(),
                cond,
                reason: r.reason.clone(),
            });
        }
    }
    (required, screening)
}

/// The free email list with the config's changes, when it makes any.
pub(super) fn free_email(
    config: &Config,
    errors: &mut ConfigErrors,
) -> Option<crate::condition::FreeList> {
    let changes = config.free_email_domains.as_ref()?;
    let mut set: crate::fxhash::FxHashSet<Box<str>> = crate::email::FREE_DOMAINS
        .iter()
        .map(|d| Box::from(*d))
        .collect();
    for (i, d) in changes.add.iter().enumerate() {
        let d = normalize_domain(d);
        if !d.contains('.') {
            errors.push(
                format!("free_email_domains.add[{i}]"),
                format!("expected a domain such as \"mail.example\", found \"{d}\""),
            );
        }
        set.insert(d.into());
    }
    for d in &changes.remove {
        set.remove(normalize_domain(d).as_str());
    }
    Some(std::sync::Arc::new(set))
}

/// `@Acme.COM ` -> `acme.com`.
pub(crate) fn normalize_domain(d: &str) -> String {
    d.trim().trim_start_matches('@').to_lowercase()
}
