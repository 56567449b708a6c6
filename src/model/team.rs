//! A team as compiled from the config: its members in rotation order, its selection
//! pipeline (requirements, ordered preferences, the pick, overflow) and its SLA.

use crate::condition::Cond;
use crate::config::{Attribute, Objective, Period, SkipPolicy};

#[derive(Debug, Clone)]
pub struct Team {
    pub id: String,
    pub name: String,
    /// Rep indexes, in config order (the initial rotation).
    pub members: Vec<usize>,
    pub default_owner: Option<usize>,
    pub select: Selection,
    pub sla: Option<Sla>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sla {
    pub first_touch_ms: i64,
    pub remind_after_ms: Vec<i64>,
    pub escalate_to: Option<usize>,
    pub reroute: bool,
}

/// The compiled pipeline. Every `strategy` of the config compiles into one of these.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Reps outside their working hours are skipped.
    pub hours: bool,
    pub require: Vec<Requirement>,
    pub prefer: Vec<Preference>,
    /// Preferences summed by weight instead of compared in order.
    pub weighted: bool,
    pub pick: Pick,
    /// The `learned` pick's settings (set exactly when `pick` is `Learned`).
    pub learned: Option<Box<Learned>>,
    pub overflow: Overflow,
    /// How reasons name the pipeline: "round robin", "territory", ...
    pub label: &'static str,
}

impl Selection {
    /// Plain round robin with nothing to filter or rank: the untraced path can stop at
    /// the first rep in line who can take the lead.
    pub fn is_plain_round_robin(&self) -> bool {
        self.require.is_empty() && self.prefer.is_empty() && self.hours
    }
}

#[derive(Debug, Clone)]
pub struct Requirement {
    pub criterion: Criterion,
    pub relaxable: bool,
}

#[derive(Debug, Clone)]
pub struct Preference {
    pub criterion: Criterion,
    pub weight: f64,
}

/// What a requirement tests or a preference measures, for one rep and one lead.
#[derive(Debug, Clone)]
pub enum Criterion {
    Attribute {
        attribute: Attribute,
        slot: usize,
    },
    Territory(TerritorySlots),
    RepAttribute {
        attribute: Attribute,
        /// Lowercased.
        values: Vec<Box<str>>,
        when: Option<Cond>,
    },
    OnShift,
    Performance,
    Load(Period),
}

impl Criterion {
    /// The name traces and reasons use.
    pub fn name(&self) -> &'static str {
        match self {
            Criterion::Attribute { attribute, .. } | Criterion::RepAttribute { attribute, .. } => {
                attribute_name(*attribute)
            }
            Criterion::Territory(_) => "territory",
            Criterion::OnShift => "on shift",
            Criterion::Performance => "performance",
            Criterion::Load(_) => "load",
        }
    }
}

pub fn attribute_name(a: Attribute) -> &'static str {
    match a {
        Attribute::Languages => "language",
        Attribute::Industries => "industry",
        Attribute::Products => "product",
        Attribute::Segments => "segment",
        Attribute::Seniority => "seniority",
    }
}

/// Lead slots holding country, region and postal code (None: not declared).
#[derive(Debug, Clone, Copy)]
pub struct TerritorySlots {
    pub country: Option<usize>,
    pub region: Option<usize>,
    pub postal_code: Option<usize>,
}

/// The final pick among equally ranked members.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pick {
    RoundRobin(SkipPolicy),
    Weighted {
        hot_score: Option<f64>,
    },
    LeastLoaded(Period),
    Rendezvous,
    /// Thompson sampling on learned conversion rates; settings in `Selection::learned`.
    Learned,
}

/// The compiled `learned` pick.
#[derive(Debug, Clone, PartialEq)]
pub struct Learned {
    pub objective: Objective,
    /// Beta prior pseudo-counts for a rep with no outcomes: `rate × weight` conversions
    /// in `weight` leads.
    pub prior_rate: f64,
    pub prior_weight: f64,
    pub prior_value: f64,
    pub half_life_ms: f64,
    /// The fairness floor in thousandths of a lead per eligible lead (credit units).
    pub floor_milli: i64,
    pub draws: u32,
    /// Lead slots whose values split the statistics, with their names.
    pub segment: Vec<(usize, String)>,
    pub bands: Vec<f64>,
}

impl Pick {
    pub fn name(self) -> &'static str {
        match self {
            Pick::RoundRobin(_) => "round robin",
            Pick::Weighted { .. } => "top performer",
            Pick::LeastLoaded(_) => "least loaded",
            Pick::Rendezvous => "rendezvous hash",
            Pick::Learned => "learned",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overflow {
    pub ignore_caps: bool,
    pub ignore_availability: bool,
}
