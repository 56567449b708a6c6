//! The config as the user writes it (JSON), before validation and compilation.
//! Read by `load` (unknown keys are errors); serialized for the public config.

use serde::Serialize;
use std::collections::BTreeMap;

#[cfg(feature = "ts")]
use tsify::Tsify;

/// A condition: either a text expression (`company_size >= 1000 and country in ["US"]`)
/// or a JSON tree (`{"all": [...]}`, `{"field": "country", "op": "in", "value": [...]}`).
/// Kept as raw JSON here; `condition::compile` validates it with exact paths.
pub type RawCondition = serde_json::Value;

/// The whole routing config.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Lead fields the config reads, with their types. `id` is always present.
    #[serde(default)]
    #[cfg_attr(feature = "ts", tsify(type = "Record<string, FieldType>"))]
    pub fields: BTreeMap<String, FieldType>,
    /// Default IANA time zone for reps without one (and for cap periods). Default `UTC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    pub reps: Vec<Rep>,
    #[serde(default)]
    pub teams: Vec<Team>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screening: Option<Screening>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring: Option<Scoring>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounts: Option<Accounts>,
    // TS: `RoutingRule[]`, so a rule names exactly one of `rep`, `team`, `pool`.
    #[serde(default)]
    #[cfg_attr(feature = "ts", tsify(type = "RoutingRule[]"))]
    pub rules: Vec<Rule>,
    #[serde(default)]
    pub pools: Vec<Pool>,
    /// Conditional caps (counted per rep, only over the leads that match).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cap_rules: Vec<CapRule>,
    /// Additions to and removals from the built-in free email domain list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_email_domains: Option<FreeEmailDomains>,
    /// How long a routed lead id is remembered, so routing it again is a replay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_ids: Option<LeadIds>,
    /// Rep id that takes every lead nothing else could place. Never skipped.
    pub fallback: String,
    /// CRM settings (owner id mapping); private, stripped from the public config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", tsify(type = "Record<string, unknown>"))]
    pub crm: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    String,
    Number,
    Boolean,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Rep {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub territories: Vec<Territory>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub industries: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<String>,
    /// Company size bands this rep sells to (e.g. `smb`, `mid`, `enterprise`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seniority: Option<String>,
    /// Close rate or weight; drives the `weighted` strategy. Default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performance: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caps: Option<Caps>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Hours>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub out_of_office: Vec<DateRange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar_url: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Territory {
    /// ISO country code, e.g. `US`.
    pub country: String,
    /// States / regions within the country; empty means the whole country.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// Postal-code prefixes; empty means any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub postal_prefixes: Vec<String>,
}

/// Capacity caps per period; a missing period is uncapped, except `month`, which
/// defaults to 150 unless caps are given explicitly.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Caps {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Available,
    Busy,
    Away,
    OutOfOffice,
}

/// Working hours in an IANA time zone: each listed day maps to `"HH:MM-HH:MM"`.
/// Days not listed are off. Without `hours` a rep is always in hours.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Hours {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tz: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tue: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thu: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sat: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sun: Option<String>,
}

/// Inclusive local dates `YYYY-MM-DD` in the rep's time zone.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DateRange {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Team {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub members: Vec<String>,
    /// Takes the lead when no member can; subject to the same availability checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_owner: Option<String>,
    #[serde(default)]
    pub strategy: Strategy,
    /// The selection pipeline (requirements, ordered preferences, pick, overflow).
    /// When given, `strategy` must be left out: every strategy is a pipeline too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select: Option<Selection>,
    /// First-touch SLA and reminders for leads assigned through this team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<Sla>,
}

/// How a team picks one rep among its eligible members.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Strategy {
    /// Next available rep in line.
    RoundRobin {
        /// `keeps_place` (default): a rep skipped as unavailable stays at the front of
        /// the line; `loses_turn`: the line moves past it.
        #[serde(default)]
        skipped: SkipPolicy,
    },
    /// Top performer: shares proportional to `performance`; leads scoring at least
    /// `hot_score` go to the best performer who can take them.
    Weighted {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hot_score: Option<f64>,
    },
    /// The member with the fewest leads in the period (ties: round robin).
    LeastLoaded {
        #[serde(default)]
        period: Period,
    },
    /// Members whose territory covers the lead, most specific first.
    Territory {
        #[serde(default)]
        fields: TerritoryFields,
        #[serde(default)]
        then: Pick,
    },
    /// Required attributes filter, preferred attributes rank; ties by `then`.
    Demographic {
        #[serde(default)]
        required: Vec<AttributeMatch>,
        #[serde(default)]
        preferred: Vec<AttributeMatch>,
        #[serde(default)]
        then: Pick,
    },
}

impl Default for Strategy {
    fn default() -> Self {
        Strategy::RoundRobin {
            skipped: SkipPolicy::KeepsPlace,
        }
    }
}

/// A team's selection pipeline: hard requirements filter the members, ordered
/// preferences rank the rest, the pick chooses among the best-ranked, overflow decides
/// what the default owner may ignore when nobody is left.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// `require` (default): reps outside their working hours are skipped; `ignore`:
    /// schedules do not filter (24/7 teams, or teams that rank by `on_shift`).
    #[serde(default)]
    pub working_hours: HoursPolicy,
    /// Hard filters besides availability and caps (always required).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub require: Vec<Criterion>,
    /// Ranking criteria, most important first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefer: Vec<Criterion>,
    /// `ordered` (default): compared lexicographically; `weighted`: the sum of
    /// `weight × value` (each weight defaults to 1).
    #[serde(default)]
    pub rank: RankMode,
    /// How one rep is chosen among the best-ranked.
    #[serde(default)]
    pub pick: PickSpec,
    /// What the team's default owner may ignore when no member can take the lead.
    #[serde(default)]
    pub overflow: Overflow,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HoursPolicy {
    #[default]
    Require,
    Ignore,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RankMode {
    #[default]
    Ordered,
    Weighted,
}

/// One criterion of the pipeline. In `require`: `attribute`, `territory` and
/// `rep_attribute`, optionally `relaxable` (dropped, and then ranked first, when it would
/// leave nobody). In `prefer`: any, optionally with a `weight` for `rank: "weighted"`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Criterion {
    /// The rep's attribute list covers the lead's field value (case-insensitive). As a
    /// requirement, a lead without the field waives it.
    Attribute {
        attribute: Attribute,
        field: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        relaxable: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weight: Option<f64>,
    },
    /// The rep's territory covers the lead's address; as a preference, more specific
    /// ranks higher (postal prefix, longer first, over region over country).
    Territory {
        #[serde(default)]
        fields: TerritoryFields,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        relaxable: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weight: Option<f64>,
    },
    /// The rep's attribute has one of `values`; with `when`, only for leads matching
    /// that condition (a requirement that holds for other leads).
    RepAttribute {
        attribute: Attribute,
        values: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", tsify(type = "Condition"))]
        when: Option<RawCondition>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        relaxable: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weight: Option<f64>,
    },
    /// Within working hours now (a preference: use with `working_hours: "ignore"`).
    OnShift {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weight: Option<f64>,
    },
    /// Higher `performance` first.
    Performance {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weight: Option<f64>,
    },
    /// Fewer leads in the period first.
    Load {
        #[serde(default)]
        period: Period,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weight: Option<f64>,
    },
}

/// The pick among the best-ranked members.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum PickSpec {
    /// The next in line; `skipped` says what happens to reps passed over.
    RoundRobin {
        #[serde(default)]
        skipped: SkipPolicy,
    },
    /// Smooth weighted round robin by `performance`; at `hot_score` the best performer.
    Weighted {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hot_score: Option<f64>,
    },
    /// Fewest leads in the period; ties in line order.
    LeastLoaded {
        #[serde(default)]
        period: Period,
    },
    /// Weighted rendezvous hashing of the lead id: no rotation state.
    Rendezvous,
    /// Thompson sampling on each member's conversion rate learned from recorded
    /// outcomes, within the caps and a fairness floor.
    Learned(Learned),
}

/// The `learned` pick's settings; every one has a default.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Learned {
    /// `conversion` (default): the conversion rate; `value`: the rate times the mean
    /// value of a conversion.
    #[serde(default)]
    pub objective: Objective,
    /// The conversion rate a rep without outcomes is assumed to have (default 0.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_rate: Option<f64>,
    /// How many leads' worth of evidence the prior counts as (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_weight: Option<f64>,
    /// The value of a conversion assumed before any is recorded (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_value: Option<f64>,
    /// An outcome this many days old counts half (default 90).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub half_life_days: Option<f64>,
    /// The share of leads every eligible member gets at least (0 to 1, default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<f64>,
    /// Lead fields that split the statistics (industry, company size, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segment: Vec<String>,
    /// Band edges for the number fields of `segment` (`[50, 200]`: under 50, 50 to
    /// 199, 200 and over).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bands: Vec<f64>,
    /// Extra seeded draws that estimate the chosen rep's sampling probability
    /// (default 32; 0 records none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draws: Option<u32>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    #[default]
    Conversion,
    Value,
}

impl Default for PickSpec {
    fn default() -> Self {
        PickSpec::RoundRobin {
            skipped: SkipPolicy::KeepsPlace,
        }
    }
}

/// The team's default owner takes what no member can; these say what it may ignore.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Overflow {
    /// The default owner takes the lead even at a cap.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ignore_caps: bool,
    /// The default owner takes the lead even when busy, away, out of office or off shift.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ignore_availability: bool,
}

/// A cap that counts only the leads matching `when` ("at most 10 enterprise leads a
/// day"), for the listed reps and teams' members (all reps when both are empty).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CapRule {
    pub id: String,
    #[cfg_attr(feature = "ts", tsify(type = "Condition"))]
    pub when: RawCondition,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reps: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u32>,
}

/// Lead id settings.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LeadIds {
    /// Days a routed lead id is remembered (default 30; 0: never, every repeat routes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remember_days: Option<u32>,
    /// Number leads that come without an id (`lead-1`, ...) instead of refusing them
    /// (`missing_id`). Off by default: an id is how a retry is recognised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generate: Option<bool>,
}

/// Changes to the built-in free email domain list (`email is free_email`).
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FreeEmailDomains {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SkipPolicy {
    #[default]
    KeepsPlace,
    LosesTurn,
}

/// Tie-break among equally good members.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Pick {
    #[default]
    RoundRobin,
    Weighted,
    LeastLoaded,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Day,
    Week,
    #[default]
    Month,
}

/// Which lead fields hold the address parts.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TerritoryFields {
    #[serde(default = "default_country")]
    pub country: String,
    #[serde(default = "default_region")]
    pub region: String,
    #[serde(default = "default_postal")]
    pub postal_code: String,
}

fn default_country() -> String {
    "country".into()
}
fn default_region() -> String {
    "region".into()
}
fn default_postal() -> String {
    "postal_code".into()
}

impl Default for TerritoryFields {
    fn default() -> Self {
        TerritoryFields {
            country: default_country(),
            region: default_region(),
            postal_code: default_postal(),
        }
    }
}

/// A rep attribute list compared (case-insensitively) with a lead field.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AttributeMatch {
    pub attribute: Attribute,
    pub field: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    Languages,
    Industries,
    Products,
    Segments,
    Seniority,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Screening {
    /// Fields a lead must have; a lead missing one is rejected.
    #[serde(default)]
    pub required: Vec<String>,
    /// Reject rules, first match wins.
    #[serde(default)]
    pub rules: Vec<ScreeningRule>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ScreeningRule {
    pub id: String,
    /// Reject when this condition holds.
    #[cfg_attr(feature = "ts", tsify(type = "Condition"))]
    pub when: RawCondition,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    pub groups: Vec<ScoreGroup>,
    /// Grades, highest `min` first wins. Optional.
    #[serde(default)]
    pub grades: Vec<Grade>,
    /// Marketing-qualified threshold: a lead scoring below it is `nurture`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mql: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ScoreGroup {
    pub id: String,
    /// Caps the group's total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    pub rules: Vec<ScoreRule>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ScoreRule {
    pub id: String,
    #[cfg_attr(feature = "ts", tsify(type = "Condition"))]
    pub when: RawCondition,
    pub points: f64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Grade {
    pub grade: String,
    pub min: f64,
}

/// Known accounts: a lead whose email domain is listed goes to the account owner.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Accounts {
    /// The lead field holding the email. Default `email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Domain to owner rep id.
    #[serde(default)]
    #[cfg_attr(feature = "ts", tsify(type = "Record<string, string>"))]
    pub owners: BTreeMap<String, String>,
    /// The lead field holding the company name (name tiers). Default `company`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_field: Option<String>,
    /// The lead field holding the country (tie-break). Default `country`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_field: Option<String>,
    /// Accounts as records (a CRM's accounts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub list: Vec<Account>,
    /// More accounts as CSV text (a CRM export with a header row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csv: Option<String>,
    /// Free account fields rules may test as `account.NAME`, with their types.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "ts", tsify(type = "Record<string, FieldType>"))]
    pub fields: BTreeMap<String, FieldType>,
    /// Lowest Jaro-Winkler similarity (0-1) of normalised names for a fuzzy match.
    /// Default 0.92; 1 turns the fuzzy tier off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fuzzy_threshold: Option<f64>,
    /// Among equally good matches (after the same country): `largest` (default,
    /// `employees`, then most recently active) or `most_recent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefer: Option<AccountPrefer>,
    /// A subsidiary without an owner (or team) takes its parent's. Default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inherit_owner: Option<bool>,
    /// Matched leads are never nurture: the MQL threshold does not apply to them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_mql: Option<bool>,
    /// Try the account owner before the rules (default true). With false, only a rule
    /// with `account_owner` sends a matched lead to its owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_first: Option<bool>,
    /// A second lead from the same person (or company) within the window goes to the
    /// rep who has the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_to_lead: Option<LeadToLead>,
}

/// Lead-to-lead matching: the rep who has a person's or company's recent lead.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LeadToLead {
    /// How long after an assignment a later lead follows it.
    pub days: u32,
    /// `company` (default: the same email or, for business addresses, the same domain)
    /// or `person` (the same email only).
    #[serde(default)]
    pub by: LeadToLeadBy,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LeadToLeadBy {
    Person,
    #[default]
    Company,
}

/// One account.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub id: String,
    pub name: String,
    /// Email domains of the account (subdomains match too).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
    /// Its web site; the site's domain matches like `domains`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The parent account's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Owner rep id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The owner's team id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Head count (tie-break `largest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employees: Option<f64>,
    /// Last activity, ISO 8601 or ms (tie-break `most_recent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_active: Option<String>,
    /// Values of the free fields declared in `accounts.fields`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(
        feature = "ts",
        tsify(type = "Record<string, string | number | boolean>")
    )]
    pub fields: BTreeMap<String, serde_json::Value>,
}

/// The tie-break among equally good account matches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountPrefer {
    #[default]
    Largest,
    MostRecent,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    /// Matches every lead when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", tsify(type = "Condition"))]
    pub when: Option<RawCondition>,
    /// Exactly one of `rep`, `team`, `pool`, `account_owner`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rep: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<String>,
    /// `true`: the matched account's owner if available, else the owner's team; with
    /// neither (or no account), the next matching rule decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_owner: Option<bool>,
    /// First-touch SLA for leads this rule assigns (overrides the team's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<Sla>,
}

/// A shared pool reps pull leads from.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Pool {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Reps who may see and claim.
    #[serde(default)]
    pub reps: Vec<String>,
    /// Teams whose members may see and claim.
    #[serde(default)]
    pub teams: Vec<String>,
    #[serde(default)]
    pub visibility: Visibility,
    /// Fields shown in listings (cherry pick) or the one label field (blind).
    #[serde(default)]
    pub visible_fields: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_limit: Option<ClaimLimit>,
    /// Minutes after which an unclaimed lead is pushed to `expire_to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_after_minutes: Option<u64>,
    /// Team that takes expired leads (default: the fallback owner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_to: Option<String>,
    /// Who may see and claim each lead, besides membership and availability: the
    /// pipeline's requirements (`attribute`, `territory`, `rep_attribute`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub require: Vec<Criterion>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    #[default]
    CherryPick,
    Blind,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ClaimLimit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_day: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<u32>,
}

/// First-touch SLA: minutes to first contact, reminders, escalation and re-route.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Sla {
    pub first_touch_minutes: u64,
    /// Minutes after assignment at which untouched leads raise a reminder.
    #[serde(default)]
    pub remind_after_minutes: Vec<u64>,
    /// Rep id told when the SLA is breached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_to: Option<String>,
    /// On breach, re-route to the next eligible rep of the team (never the same rep).
    #[serde(default)]
    pub reroute: bool,
}

impl Status {
    /// Parses `available`, `busy`, `away` or `out_of_office`.
    pub fn parse(s: &str) -> Option<Status> {
        super::load::STATUSES
            .iter()
            .find(|(name, _)| *name == s)
            .map(|(_, st)| *st)
    }
}
