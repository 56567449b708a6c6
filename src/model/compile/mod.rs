//! Compiling a config into a [`Router`]: each section in its own file, every problem
//! collected with its path (nothing stops at the first error).

mod accounts;
mod caps;
mod learned;
mod pools;
mod reps;
mod rules;
mod scoring;
mod screening;
mod sla;
mod teams;
pub mod warnings;

use super::Router;
use crate::config::{Config, FieldType};
use crate::error::ConfigErrors;
use crate::fxhash::FxHashMap as HashMap;
use crate::lead::Schema;
use crate::limits::Limits;

impl Router {
    /// Parses, validates and compiles config JSON. Every problem is reported.
    pub fn from_json(json: &str) -> Result<Router, ConfigErrors> {
        Router::from_json_with_limits(json, Limits::DEFAULT)
    }

    pub fn from_json_with_limits(json: &str, limits: Limits) -> Result<Router, ConfigErrors> {
        // Structure problems and what compiling the readable rest finds come in one
        // list: every problem at once, not in rounds.
        let mut loaded = crate::config::load_str_report(json, &limits);
        if loaded.errors.is_empty() {
            if let Some(config) = loaded.config {
                return Router::new_with_limits(config, limits);
            }
        }
        let mut errors = ConfigErrors::default();
        if let (Some(config), true) = (loaded.config.take(), loaded.compilable) {
            if let Err(more) = Router::new_with_limits(config, limits) {
                errors
                    .0
                    .extend(more.0.into_iter().filter(|e| !loaded.covers(&e.path)));
            }
        }
        let mut all = loaded.errors;
        all.0.extend(errors.0);
        Err(all)
    }

    pub fn new(config: Config) -> Result<Router, ConfigErrors> {
        Router::new_with_limits(config, Limits::DEFAULT)
    }

    pub fn new_with_limits(config: Config, limits: Limits) -> Result<Router, ConfigErrors> {
        let mut errors = ConfigErrors::default();
        let router = compile(config, limits, &mut errors);
        if errors.is_empty() {
            Ok(router)
        } else {
            Err(errors)
        }
    }
}

/// Names resolved so far, shared by the sections.
pub(crate) struct Ids<'c> {
    pub schema: &'c Schema,
    pub reps: &'c HashMap<String, usize>,
    pub rep_names: Vec<&'c str>,
    pub teams: HashMap<String, usize>,
    pub team_names: Vec<&'c str>,
    pub pools: HashMap<String, usize>,
    pub pool_names: Vec<&'c str>,
}

impl Ids<'_> {
    pub fn rep(&self, id: &str, path: String, errors: &mut ConfigErrors) -> Option<usize> {
        match self.reps.get(id) {
            Some(i) => Some(*i),
            None => {
                errors.unknown(path, "rep", id, self.rep_names.iter().copied());
                None
            }
        }
    }

    pub fn team(&self, id: &str, path: String, errors: &mut ConfigErrors) -> Option<usize> {
        match self.teams.get(id) {
            Some(i) => Some(*i),
            None => {
                errors.unknown(path, "team", id, self.team_names.iter().copied());
                None
            }
        }
    }

    pub fn pool(&self, id: &str, path: String, errors: &mut ConfigErrors) -> Option<usize> {
        match self.pools.get(id) {
            Some(i) => Some(*i),
            None => {
                errors.unknown(path, "pool", id, self.pool_names.iter().copied());
                None
            }
        }
    }

    /// A declared lead field's slot; an unknown one says how to declare it.
    pub fn slot(&self, name: &str, path: String, errors: &mut ConfigErrors) -> Option<usize> {
        if let Some(s) = self.schema.slot(name) {
            return Some(s);
        }
        let mut e = ConfigErrors::default();
        e.unknown(path, "field", name, self.schema.names());
        if let Some(err) = e.0.pop() {
            let hint = if err.message.contains("did you mean") {
                ""
            } else {
                " (declare it under \"fields\")"
            };
            errors.push(err.path, format!("{}{hint}", err.message));
        }
        None
    }
}

/// Ids must be unique within their section.
fn index_ids<'c>(
    ids: impl Iterator<Item = &'c str>,
    section: &str,
    what: &str,
    errors: &mut ConfigErrors,
) -> (HashMap<String, usize>, Vec<&'c str>) {
    let mut map = HashMap::default();
    let mut names = Vec::new();
    for (i, id) in ids.enumerate() {
        if map.insert(id.to_string(), i).is_some() {
            errors.push(
                format!("{section}[{i}].id"),
                format!("duplicate {what} id \"{id}\""),
            );
        }
        names.push(id);
    }
    (map, names)
}

fn compile(config: Config, limits: Limits, errors: &mut ConfigErrors) -> Router {
    // Schema: declared fields (id is built in).
    let schema = Schema::new(config.fields.iter().map(|(k, v)| (k.as_str(), *v)), limits);
    for name in config.fields.keys() {
        if matches!(name.as_str(), "score" | "grade") {
            errors.push(
                format!("fields.{name}"),
                format!("\"{name}\" is computed by scoring and cannot be a lead field"),
            );
        }
    }
    if let Some(FieldType::Number | FieldType::Boolean) = config.fields.get("id") {
        errors.push("fields.id", "\"id\" is always a string");
    }
    let free_email = screening::free_email(&config, errors);

    let (zones, reps, rep_ids) = reps::compile(&config, errors);
    let (teams_map, team_names) = index_ids(
        config.teams.iter().map(|t| t.id.as_str()),
        "teams",
        "team",
        errors,
    );
    let (pools_map, pool_names) = index_ids(
        config.pools.iter().map(|p| p.id.as_str()),
        "pools",
        "pool",
        errors,
    );
    let ids = Ids {
        schema: &schema,
        reps: &rep_ids,
        rep_names: config.reps.iter().map(|r| r.id.as_str()).collect(),
        teams: teams_map,
        team_names,
        pools: pools_map,
        pool_names,
    };
    let ctx = Ctx {
        ids: &ids,
        limits: &limits,
        free_email: free_email.as_ref(),
        account_fields: None,
    };
    let teams = teams::compile(&config, &ctx, errors);
    let (required, screening) = screening::compile(&config, &ctx, errors);
    let scoring = scoring::compile(&config, &ctx, errors);
    let accounts = accounts::compile(&config, &ctx, errors);
    let pools = pools::compile(&config, &ctx, &teams, errors);
    // Routing rules and cap rules read `account.*`: they run after the account is matched.
    let rules_ctx = Ctx {
        account_fields: accounts.as_ref().map(|a| &a.fields),
        ..ctx
    };
    let rules = rules::compile(&config, &rules_ctx, errors);
    let cap_rules = caps::compile(&config, &rules_ctx, &teams, reps.len(), errors);
    let fallback = ids
        .rep(&config.fallback, "fallback".into(), errors)
        .unwrap_or(0);

    let team_ids = ids.teams.clone();
    let pool_ids = ids.pools.clone();
    Router {
        schema: schema.clone(),
        reps,
        rep_ids: rep_ids.clone(),
        teams,
        team_ids,
        required,
        screening,
        scoring,
        accounts,
        rule_index: crate::rule_index::RuleIndex::build(
            &rules.iter().map(|r| &r.cond).collect::<Vec<_>>(),
        ),
        rule_ids: rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect(),
        rules,
        pools,
        pool_ids,
        cap_rules,
        free_email,
        remember_ms: i64::from(
            config
                .lead_ids
                .as_ref()
                .and_then(|l| l.remember_days)
                .unwrap_or(30),
        ) * 86_400_000,
        generate_ids: config
            .lead_ids
            .as_ref()
            .and_then(|l| l.generate)
            .unwrap_or(false),
        fallback,
        zones,
        limits,
        fingerprint: std::sync::OnceLock::new(),
        config,
    }
}

/// What every section compiles against.
pub(crate) struct Ctx<'c> {
    pub ids: &'c Ids<'c>,
    pub limits: &'c Limits,
    pub free_email: Option<&'c crate::condition::FreeList>,
    /// What `account.*` names, where conditions may read it.
    pub account_fields: Option<&'c crate::condition::AccountFields>,
}

impl Ctx<'_> {
    /// Compiles a condition at `path` in `scope`.
    pub fn cond(
        &self,
        raw: &crate::config::RawCondition,
        path: &str,
        scope: crate::condition::Scope,
        errors: &mut ConfigErrors,
    ) -> Option<crate::condition::Cond> {
        crate::condition::compile_in(
            raw,
            path,
            self.ids.schema,
            scope,
            self.limits,
            self.free_email,
            self.account_fields,
            errors,
        )
    }
}
