//! The compiled, immutable router: a config validated once (every problem reported
//! with its path), ids resolved to indexes, conditions and regexes prepared.

use crate::condition::{self, Cond, Scope};
use crate::config::{self, Config, FieldType};
use crate::error::ConfigErrors;
use crate::fxhash::{FxHashMap as HashMap, FxHashSet as HashSet};
use crate::lead::Schema;
use crate::limits::Limits;
use crate::rep::{self, Rep};
use crate::strategy::{AttrMatch, Picker, Strategy, TerritorySlots};
use crate::time::Zone;

#[derive(Debug, Clone)]
pub struct Team {
    pub id: String,
    pub name: String,
    /// Rep indexes, in config order (the initial rotation).
    pub members: Vec<usize>,
    pub default_owner: Option<usize>,
    pub strategy: Strategy,
    pub sla: Option<Sla>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sla {
    pub first_touch_ms: i64,
    pub remind_after_ms: Vec<i64>,
    pub escalate_to: Option<usize>,
    pub reroute: bool,
}

#[derive(Debug, Clone)]
pub struct ScreeningRule {
    pub id: String,
    pub cond: Cond,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct ScoreGroup {
    pub id: String,
    pub max: Option<f64>,
    pub rules: Vec<(String, Cond, f64)>,
}

#[derive(Debug, Clone)]
pub struct Scoring {
    pub groups: Vec<ScoreGroup>,
    /// Highest `min` first.
    pub grades: Vec<(String, f64)>,
    pub mql: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Rep(usize),
    Team(usize),
    Pool(usize),
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub cond: Cond,
    pub target: Target,
    pub sla: Option<Sla>,
}

#[derive(Debug, Clone)]
pub struct Pool {
    pub id: String,
    pub name: String,
    /// Rep indexes allowed to see and claim (teams expanded).
    pub members: Vec<usize>,
    pub visibility: config::Visibility,
    /// Slots shown in listings.
    pub visible: Vec<usize>,
    pub claim_per_day: Option<u32>,
    pub claim_open: Option<u32>,
    pub expire_after_ms: Option<i64>,
    pub expire_to: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Accounts {
    pub slot: usize,
    pub owners: HashMap<Box<str>, usize>,
}

/// A compiled routing config. Immutable: routing state lives in [`crate::State`].
#[derive(Debug, Clone)]
pub struct Router {
    pub(crate) schema: Schema,
    pub(crate) reps: Vec<Rep>,
    pub(crate) rep_ids: HashMap<String, usize>,
    pub(crate) teams: Vec<Team>,
    pub(crate) team_ids: HashMap<String, usize>,
    pub(crate) required: Vec<usize>,
    pub(crate) screening: Vec<ScreeningRule>,
    pub(crate) scoring: Option<Scoring>,
    pub(crate) accounts: Option<Accounts>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) rule_index: Option<crate::rule_index::RuleIndex>,
    /// Rule id to index (SLA records name their rule).
    pub(crate) rule_ids: HashMap<String, usize>,
    pub(crate) pools: Vec<Pool>,
    pub(crate) pool_ids: HashMap<String, usize>,
    pub(crate) fallback: usize,
    pub(crate) zones: Vec<Zone>,
    pub(crate) limits: Limits,
    pub(crate) config: Config,
}

impl Router {
    /// Parses, validates and compiles config JSON. Every problem is reported.
    pub fn from_json(json: &str) -> Result<Router, ConfigErrors> {
        Router::from_json_with_limits(json, Limits::DEFAULT)
    }

    pub fn from_json_with_limits(json: &str, limits: Limits) -> Result<Router, ConfigErrors> {
        let config = config::load_str(json, &limits)?;
        Router::new_with_limits(config, limits)
    }

    pub fn new(config: Config) -> Result<Router, ConfigErrors> {
        Router::new_with_limits(config, Limits::DEFAULT)
    }

    pub fn new_with_limits(config: Config, limits: Limits) -> Result<Router, ConfigErrors> {
        let mut errors = ConfigErrors::default();
        let mut c = Compiler {
            errors: &mut errors,
            limits,
        };
        let router = c.compile(config);
        if errors.is_empty() {
            Ok(router)
        } else {
            Err(errors)
        }
    }

    pub fn rep_index(&self, id: &str) -> Option<usize> {
        self.rep_ids.get(id).copied()
    }
    pub fn rep(&self, i: usize) -> Option<&Rep> {
        self.reps.get(i)
    }
    pub fn reps(&self) -> &[Rep] {
        &self.reps
    }
    pub fn teams(&self) -> &[Team] {
        &self.teams
    }
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rule_ids.get(id).and_then(|i| self.rules.get(*i))
    }
    pub fn pools(&self) -> &[Pool] {
        &self.pools
    }
    pub fn schema(&self) -> &Schema {
        &self.schema
    }
    pub fn config(&self) -> &Config {
        &self.config
    }
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
    pub(crate) fn zone(&self, i: usize) -> &Zone {
        static UTC: std::sync::OnceLock<Zone> = std::sync::OnceLock::new();
        self.zones
            .get(i)
            .unwrap_or_else(|| UTC.get_or_init(Zone::utc))
    }
}

struct Compiler<'e> {
    errors: &'e mut ConfigErrors,
    limits: Limits,
}

impl Compiler<'_> {
    fn compile(&mut self, config: Config) -> Router {
        let limits = self.limits;
        // Schema: declared fields (id is built in).
        let schema = Schema::new(config.fields.iter().map(|(k, v)| (k.as_str(), *v)), limits);
        for name in config.fields.keys() {
            if matches!(name.as_str(), "score" | "grade") {
                self.errors.push(
                    format!("fields.{name}"),
                    format!("\"{name}\" is computed by scoring and cannot be a lead field"),
                );
            }
        }
        if let Some(FieldType::Number | FieldType::Boolean) = config.fields.get("id") {
            self.errors.push("fields.id", "\"id\" is always a string");
        }

        let mut zones = vec![Zone::utc()];
        let default_zone = match &config.timezone {
            Some(tz) => {
                crate::rep::zone_index(tz, "timezone", &mut zones, self.errors).unwrap_or(0)
            }
            None => 0,
        };

        // Reps.
        let mut rep_ids = HashMap::default();
        let mut reps = Vec::with_capacity(config.reps.len());
        for (i, r) in config.reps.iter().enumerate() {
            let path = format!("reps[{i}]");
            if r.id.trim().is_empty() {
                self.errors.push(format!("{path}.id"), "must not be empty");
            }
            if rep_ids.insert(r.id.clone(), i).is_some() {
                self.errors.push(
                    format!("{path}.id"),
                    format!("duplicate rep id \"{}\"", r.id),
                );
            }
            reps.push(rep::compile(
                r,
                &path,
                &mut zones,
                default_zone,
                self.errors,
            ));
        }
        let rep_names: Vec<&str> = config.reps.iter().map(|r| r.id.as_str()).collect();
        let find_rep = |id: &str, path: String, errors: &mut ConfigErrors| -> Option<usize> {
            match rep_ids.get(id) {
                Some(i) => Some(*i),
                None => {
                    errors.unknown(path, "rep", id, rep_names.iter().copied());
                    None
                }
            }
        };

        let mut team_ids = HashMap::default();
        for (i, t) in config.teams.iter().enumerate() {
            if team_ids.insert(t.id.clone(), i).is_some() {
                self.errors.push(
                    format!("teams[{i}].id"),
                    format!("duplicate team id \"{}\"", t.id),
                );
            }
        }
        let team_names: Vec<&str> = config.teams.iter().map(|t| t.id.as_str()).collect();
        let mut pool_ids = HashMap::default();
        for (i, p) in config.pools.iter().enumerate() {
            if pool_ids.insert(p.id.clone(), i).is_some() {
                self.errors.push(
                    format!("pools[{i}].id"),
                    format!("duplicate pool id \"{}\"", p.id),
                );
            }
        }
        let pool_names: Vec<&str> = config.pools.iter().map(|p| p.id.as_str()).collect();

        let slot_of = |name: &str, path: String, errors: &mut ConfigErrors| -> Option<usize> {
            match schema.slot(name) {
                Some(s) => Some(s),
                None => {
                    let mut e = ConfigErrors::default();
                    e.unknown(path, "field", name, schema.names());
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
        };

        let compile_sla = |s: &config::Sla, path: &str, errors: &mut ConfigErrors| -> Sla {
            let escalate_to = s
                .escalate_to
                .as_ref()
                .and_then(|id| find_rep(id, format!("{path}.escalate_to"), errors));
            if s.first_touch_minutes == 0 {
                errors.push(
                    format!("{path}.first_touch_minutes"),
                    "must be at least 1 minute",
                );
            }
            // A reminder due at the moment of assignment would be emitted only by the next
            // `tick` after a re-route, so replaying a tick would not be a no-op.
            for (k, m) in s.remind_after_minutes.iter().enumerate() {
                if *m == 0 {
                    errors.push(
                        format!("{path}.remind_after_minutes[{k}]"),
                        "must be at least 1 minute",
                    );
                }
            }
            // Sorted as u64 like `report::fairness::gini`'s counts: one sort in the binary.
            let mut remind: Vec<u64> = s
                .remind_after_minutes
                .iter()
                .map(|m| (*m).min(10_000_000) * 60_000)
                .collect();
            remind.sort_unstable();
            remind.dedup();
            Sla {
                first_touch_ms: s.first_touch_minutes.min(10_000_000) as i64 * 60_000,
                remind_after_ms: remind.into_iter().map(|ms| ms as i64).collect(),
                escalate_to,
                reroute: s.reroute,
            }
        };

        // Teams.
        let mut teams = Vec::with_capacity(config.teams.len());
        for (i, t) in config.teams.iter().enumerate() {
            let path = format!("teams[{i}]");
            let mut members = Vec::with_capacity(t.members.len());
            for (j, m) in t.members.iter().enumerate() {
                if let Some(ri) = find_rep(m, format!("{path}.members[{j}]"), self.errors) {
                    if members.contains(&ri) {
                        self.errors.push(
                            format!("{path}.members[{j}]"),
                            format!("rep \"{m}\" is listed twice"),
                        );
                    } else {
                        members.push(ri);
                    }
                }
            }
            if t.members.is_empty() {
                self.errors.push(
                    format!("{path}.members"),
                    "a team needs at least one member",
                );
            }
            let default_owner = t
                .default_owner
                .as_ref()
                .and_then(|d| find_rep(d, format!("{path}.default_owner"), self.errors));
            let strategy = match &t.strategy {
                config::Strategy::RoundRobin { skipped } => {
                    Strategy::RoundRobin { skipped: *skipped }
                }
                config::Strategy::Weighted { hot_score } => Strategy::Weighted {
                    hot_score: *hot_score,
                },
                config::Strategy::LeastLoaded { period } => {
                    Strategy::LeastLoaded { period: *period }
                }
                config::Strategy::Territory { fields, then } => {
                    let sp = format!("{path}.strategy.fields");
                    let opt = |name: &str, key: &str, errors: &mut ConfigErrors| {
                        slot_of(name, format!("{sp}.{key}"), errors)
                    };
                    Strategy::Territory {
                        slots: TerritorySlots {
                            country: opt(&fields.country, "country", self.errors),
                            region: schema.slot(&fields.region),
                            postal_code: schema.slot(&fields.postal_code),
                        },
                        then: Picker::from(*then),
                    }
                }
                config::Strategy::Demographic {
                    required,
                    preferred,
                    then,
                } => {
                    let mut conv = |list: &[config::AttributeMatch], key: &str| -> Vec<AttrMatch> {
                        list.iter()
                            .enumerate()
                            .filter_map(|(k, m)| {
                                let slot = slot_of(
                                    &m.field,
                                    format!("{path}.strategy.{key}[{k}].field"),
                                    self.errors,
                                )?;
                                Some(AttrMatch {
                                    attribute: m.attribute,
                                    slot,
                                })
                            })
                            .collect()
                    };
                    let required = conv(required, "required");
                    let preferred = conv(preferred, "preferred");
                    Strategy::Demographic {
                        required,
                        preferred,
                        then: Picker::from(*then),
                    }
                }
            };
            let sla = t
                .sla
                .as_ref()
                .map(|s| compile_sla(s, &format!("{path}.sla"), self.errors));
            teams.push(Team {
                id: t.id.clone(),
                name: t.name.clone().unwrap_or_else(|| t.id.clone()),
                members,
                default_owner,
                strategy,
                sla,
            });
        }

        // Screening.
        let mut required = Vec::new();
        let mut screening = Vec::new();
        if let Some(s) = &config.screening {
            for (i, f) in s.required.iter().enumerate() {
                if let Some(slot) = slot_of(f, format!("screening.required[{i}]"), self.errors) {
                    required.push(slot);
                }
            }
            for (i, r) in s.rules.iter().enumerate() {
                let path = format!("screening.rules[{i}].when");
                if let Some(cond) = condition::compile(
                    &r.when,
                    &path,
                    &schema,
                    Scope::BeforeScore,
                    &limits,
                    self.errors,
                ) {
                    screening.push(ScreeningRule {
                        id: r.id.clone(),
                        cond,
                        reason: r.reason.clone(),
                    });
                }
            }
        }

        // Scoring.
        let scoring = config.scoring.as_ref().map(|s| {
            let groups = s
                .groups
                .iter()
                .enumerate()
                .map(|(gi, g)| ScoreGroup {
                    id: g.id.clone(),
                    max: g.max,
                    rules: g
                        .rules
                        .iter()
                        .enumerate()
                        .filter_map(|(ri, r)| {
                            if !r.points.is_finite() {
                                self.errors.push(
                                    format!("scoring.groups[{gi}].rules[{ri}].points"),
                                    "expected a finite number",
                                );
                            }
                            let cond = condition::compile(
                                &r.when,
                                &format!("scoring.groups[{gi}].rules[{ri}].when"),
                                &schema,
                                Scope::BeforeScore,
                                &limits,
                                self.errors,
                            )?;
                            Some((r.id.clone(), cond, r.points))
                        })
                        .collect(),
                })
                .collect();
            let mut grades: Vec<(String, f64)> =
                s.grades.iter().map(|g| (g.grade.clone(), g.min)).collect();
            crate::sort::sort_by(&mut grades, |a, b| b.1.total_cmp(&a.1));
            Scoring {
                groups,
                grades,
                mql: s.mql,
            }
        });

        // Accounts.
        let accounts = config.accounts.as_ref().and_then(|a| {
            let field = a.field.as_deref().unwrap_or("email");
            let slot = slot_of(field, "accounts.field".into(), self.errors)?;
            let mut owners = HashMap::with_capacity_and_hasher(a.owners.len(), Default::default());
            for (domain, owner) in &a.owners {
                let path = format!("accounts.owners.{domain}");
                if let Some(ri) = find_rep(owner, path, self.errors) {
                    owners.insert(
                        domain
                            .trim()
                            .trim_start_matches('@')
                            .to_lowercase()
                            .into_boxed_str(),
                        ri,
                    );
                }
            }
            Some(Accounts { slot, owners })
        });

        // Pools.
        let mut pools = Vec::with_capacity(config.pools.len());
        for (i, p) in config.pools.iter().enumerate() {
            let path = format!("pools[{i}]");
            let mut members: Vec<usize> = Vec::new();
            for (j, r) in p.reps.iter().enumerate() {
                if let Some(ri) = find_rep(r, format!("{path}.reps[{j}]"), self.errors) {
                    if !members.contains(&ri) {
                        members.push(ri);
                    }
                }
            }
            for (j, t) in p.teams.iter().enumerate() {
                match team_ids.get(t).and_then(|ti| teams.get(*ti)) {
                    Some(team) => {
                        for m in &team.members {
                            if !members.contains(m) {
                                members.push(*m);
                            }
                        }
                    }
                    None => self.errors.unknown(
                        format!("{path}.teams[{j}]"),
                        "team",
                        t,
                        team_names.iter().copied(),
                    ),
                }
            }
            if p.reps.is_empty() && p.teams.is_empty() {
                self.errors.push(
                    path.clone(),
                    "a pool needs \"reps\" or \"teams\" who can claim from it",
                );
            }
            let visible: Vec<usize> = p
                .visible_fields
                .iter()
                .enumerate()
                .filter_map(|(j, f)| slot_of(f, format!("{path}.visible_fields[{j}]"), self.errors))
                .collect();
            if p.visibility == config::Visibility::Blind && visible.len() > 1 {
                self.errors.push(
                    format!("{path}.visible_fields"),
                    "a blind pool shows at most one field (a label such as the company name)",
                );
            }
            let expire_to = p.expire_to.as_ref().and_then(|t| match team_ids.get(t) {
                Some(ti) => Some(*ti),
                None => {
                    self.errors.unknown(
                        format!("{path}.expire_to"),
                        "team",
                        t,
                        team_names.iter().copied(),
                    );
                    None
                }
            });
            if p.expire_after_minutes == Some(0) {
                self.errors.push(
                    format!("{path}.expire_after_minutes"),
                    "must be at least 1 minute",
                );
            }
            let (claim_per_day, claim_open) = p
                .claim_limit
                .as_ref()
                .map_or((None, None), |c| (c.per_day, c.open));
            pools.push(Pool {
                id: p.id.clone(),
                name: p.name.clone().unwrap_or_else(|| p.id.clone()),
                members,
                visibility: p.visibility,
                visible,
                claim_per_day,
                claim_open,
                expire_after_ms: p
                    .expire_after_minutes
                    .map(|m| m.min(100_000_000) as i64 * 60_000),
                expire_to,
            });
        }

        // Rules.
        let mut rules = Vec::with_capacity(config.rules.len());
        let mut rule_ids = HashSet::default();
        for (i, r) in config.rules.iter().enumerate() {
            let path = format!("rules[{i}]");
            if !rule_ids.insert(r.id.as_str()) {
                self.errors.push(
                    format!("{path}.id"),
                    format!("duplicate rule id \"{}\"", r.id),
                );
            }
            let cond = match &r.when {
                Some(w) => condition::compile(
                    w,
                    &format!("{path}.when"),
                    &schema,
                    Scope::Routing,
                    &limits,
                    self.errors,
                ),
                None => Some(Cond::True),
            };
            let targets = [r.rep.is_some(), r.team.is_some(), r.pool.is_some()];
            let n = targets.iter().filter(|t| **t).count();
            if n != 1 {
                self.errors.push(
                    path.clone(),
                    if n == 0 {
                        "a rule needs a target: one of \"rep\", \"team\" or \"pool\""
                    } else {
                        "a rule has exactly one target: \"rep\", \"team\" or \"pool\""
                    },
                );
            }
            let target = if let Some(rep) = &r.rep {
                find_rep(rep, format!("{path}.rep"), self.errors).map(Target::Rep)
            } else if let Some(team) = &r.team {
                match team_ids.get(team) {
                    Some(t) => Some(Target::Team(*t)),
                    None => {
                        self.errors.unknown(
                            format!("{path}.team"),
                            "team",
                            team,
                            team_names.iter().copied(),
                        );
                        None
                    }
                }
            } else if let Some(pool) = &r.pool {
                match pool_ids.get(pool) {
                    Some(p) => Some(Target::Pool(*p)),
                    None => {
                        self.errors.unknown(
                            format!("{path}.pool"),
                            "pool",
                            pool,
                            pool_names.iter().copied(),
                        );
                        None
                    }
                }
            } else {
                None
            };
            let sla = r
                .sla
                .as_ref()
                .map(|s| compile_sla(s, &format!("{path}.sla"), self.errors));
            if let (Some(cond), Some(target)) = (cond, target) {
                rules.push(Rule {
                    id: r.id.clone(),
                    cond,
                    target,
                    sla,
                });
            }
        }

        let fallback = find_rep(&config.fallback, "fallback".into(), self.errors).unwrap_or(0);

        Router {
            schema: schema.clone(),
            reps,
            rep_ids,
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
            fallback,
            zones,
            limits,
            config,
        }
    }
}
