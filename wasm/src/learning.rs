//! `simulateLearning`: does a config's learned team pay off? The core's seeded simulator
//! (`leadroute::report::learning`) on planted ground truth, for the dashboard's Learning
//! screen. Full module only: it routes three policies over months of generated leads.

use crate::error::{code, config_error, error};
use crate::input;
use crate::router::config_text;
use crate::to_js;
use leadroute::report::learning::{simulate_learning, LearningError, LearningOptions};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_LEARNING: &'static str = r#"
/** Options of `simulateLearning`; every field is optional. */
export interface LearningOptions {
  /** Seeds the truth, the leads and their outcomes (default 19). */
  seed?: number;
  /** 1 to 36 (default 12). */
  months?: number;
  /** 1 to 5000 (default 600). */
  leads_per_month?: number;
  /** The first lead's time, ms since the epoch (default 2026-01-05). */
  start?: number;
  /** Outcomes arrive `[min, max]` days after the lead, uniformly (default [14, 45]). */
  delay_days?: [number, number];
  /** The team to simulate; default the first team with a learned pick. */
  team?: string | null;
  /** Generated truth: the mean true conversion rate (default 0.15)... */
  base_rate?: number;
  /** ...and each member's rate in a segment within ± spread of it (0 to 0.5, default 0.1). */
  spread?: number;
  /** Generated truth: segments, by the learned pick's `segment` fields (1 to 12, default 3). */
  segments?: number;
  /** Generated truth: halfway, the best and worst member of the first segment swap rates (default true). */
  shift?: boolean;
  /** Explicit truth instead of a generated one. */
  planted?: {
    segments: { name: string; lead: Record<string, string | number | boolean>; mix: number; value: number }[];
    rates: { rep: string; rates: number[] }[];
    changes?: LearningChange[];
  } | null;
}
/** A simulation report's off-policy line: learned decisions with a known outcome, and what a
 * uniform choice among the same eligible members would have converted (inverse propensity). */
export interface OffPolicyReport {
  target: "uniform"; decisions: number; logged_rate: number; ips: number; snips: number; effective_n: number;
}
export interface LearningChange { month: number; rep: string; segment: number; rate: number }
/** One month of one policy; `cumulative_*` run from the first month. */
export interface LearningPeriod {
  month: number; leads: number; conversions: number; revenue: number; regret: number;
  cumulative_conversions: number; cumulative_revenue: number; cumulative_regret: number;
  /** Leads per member, in `members` order. */
  per_rep: number[];
  /** The smallest member's share of this month's leads, and of all leads so far. */
  min_share: number; cumulative_min_share: number;
}
export interface LearningPolicy {
  policy: "learned" | "static" | "round_robin";
  label: string;
  leads: number; unassigned: number; conversions: number; revenue: number;
  /** Expected conversions lost against the best member of each lead's segment. */
  regret: number;
  per_rep: number[]; min_share: number; max_share: number;
  months: LearningPeriod[];
}
/** What `simulateLearning` found: learned vs static top performer vs round robin. */
export interface LearningReport {
  team: string;
  members: string[];
  segments: string[];
  /** True rates at the start, member by segment, and the changes after. */
  truth: { rep: string; rates: number[] }[];
  changes: LearningChange[];
  static_weights: number[];
  floor: number;
  leads: number;
  policies: LearningPolicy[];
  /** Off-policy estimate of a uniform choice among the eligible members, from the learned log. */
  off_policy: { target: "uniform"; ips: number; snips: number; effective_n: number; n: number; truth: number } | null;
}
"#;

/// Runs the learned team of `config` against a static top performer and round robin on
/// seeded planted truth. Throws `invalid_config`, `invalid_options` or `no_learned_team`.
#[wasm_bindgen(js_name = simulateLearning, unchecked_return_type = "LearningReport")]
pub fn simulate_learning_js(
    #[wasm_bindgen(unchecked_param_type = "Config | string")] config: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "LearningOptions | null")] options: Option<
        JsValue,
    >,
) -> Result<JsValue, JsValue> {
    let text = config_text(&config)?;
    let router = leadroute::Router::from_json(&text).map_err(|e| config_error(&e))?;
    let opts: LearningOptions = match options.filter(|o| !o.is_null() && !o.is_undefined()) {
        None => LearningOptions::default(),
        Some(o) => {
            let text = input::json_text(&o, "options", 1 << 20, code::INVALID_ARGUMENT)?;
            serde_json::from_str(&text).map_err(|e| {
                error(
                    code::INVALID_OPTIONS,
                    &format!("invalid learning options: {e}"),
                )
            })?
        }
    };
    match simulate_learning(&router, &opts) {
        Ok(report) => to_js(&report),
        Err(LearningError::Config(e)) => Err(config_error(&e)),
        Err(e @ LearningError::Option(..)) => Err(error(code::INVALID_OPTIONS, &e.to_string())),
        Err(e) => Err(error(e.code(), &e.to_string())),
    }
}
