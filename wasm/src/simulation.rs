//! `Simulation`: a replay of past leads through a fresh router (the rules dashboard).
//! Inputs are read into Rust before the simulation is borrowed, as in `Router`.

use crate::error::{code, config_error, error};
use crate::input::{self, ensure_free, Feed};
use crate::router::{config_text, UPDATE_HEADROOM};
use crate::to_js;
use leadroute::report::MAX_PAGE;
use std::cell::{RefCell, RefMut};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_SIMULATION: &'static str = r#"
/** Options of a simulation; every field is optional. */
export interface SimulationOptions {
  /** Decisions kept with their trace (a sample by hash of the lead id). Default 50, at most 10000. */
  sample?: number;
  /** Leads held back to restore created_at order in locally unsorted input. Default 10000. */
  reorder_window?: number;
  /** Leads under an SLA are touched this many minutes after assignment (default: never). */
  touch_after_minutes?: number | null;
  /** Width of a score histogram bucket. Default 10. */
  score_bucket?: number;
  /** Keep one arm of an A/B split by a stable hash of the lead id. */
  split?: { share_b: number; arm: "a" | "b"; seed?: number } | null;
  /** How members claim from pools (default: nobody claims, unless leads carry claimed_by/claimed_at). */
  claims?: ClaimModel | null;
  /** Keep the audit log for search/explain/diff (default true): each lead's text plus a compact record. */
  audit?: boolean;
  /** Leads between two state checkpoints of the audit log; explain replays at most this many. Default 10000. */
  checkpoint_every?: number;
  /** Estimated bytes the checkpoints may hold (default 256 MiB); past it every other is dropped and the interval doubles. */
  checkpoint_budget?: number;
  /** How created_at is read; by default a run stops when some lead has none readable. */
  created_at?: CreatedAtOptions;
  /** Thresholds of report.insights. */
  insights?: InsightOptions;
  /** Limits checked into report.assertions (the command line exits 1 when one fails). */
  assertions?: { max_fallback_share?: number | null; max_cap_days?: number | null };
}
export interface AssertionResult { code: "max_fallback_share" | "max_cap_days"; passed: boolean; value: number; limit: number; message: string }
/** Members claim a pooled lead after a delay drawn per lead from a seeded hash, in a seeded member order, through the router's claim (limits, hours, caps, eligibility). */
export interface ClaimModel {
  seed?: number;
  /** For pools not in `pools`; null: those pools are not claimed from. Default exponential, mean 30 min. */
  delay?: ClaimDelay | null;
  pools?: Record<string, ClaimDelay>;
  /** Use claimed_by / claimed_at columns when a lead has them. Default true. */
  from_history?: boolean;
}
export type ClaimDelay =
  | { type: "fixed"; minutes: number }
  | { type: "uniform"; min_minutes: number; max_minutes: number }
  | { type: "exponential"; mean_minutes: number };
export interface CreatedAtOptions {
  /** "auto" (default): ISO 8601 or ms, and a/b/yyyy with the day order the values show. */
  format?: "auto" | "iso" | "us" | "eu";
  /** IANA zone (or "UTC") for values written without one; without it such values do not read. */
  zone?: string | null;
  /** Run anyway when some created_at does not read (those leads are counted). Default false. */
  allow_unreadable?: boolean;
}
export interface InsightOptions { max_fallback_share?: number; max_default_owner_share?: number }
/** Audit search: every given field must hold; texts match as case-insensitive substrings, ids exactly (or by name). */
export interface AuditQuery {
  /** Lead id, email or company. */
  text?: string;
  lead_id?: string;
  email?: string;
  company?: string;
  /** Owner: assigned at routing, or the member who claimed it. */
  rep?: string;
  team?: string;
  pool?: string;
  rule?: string;
  outcome?: "assigned" | "pooled" | "nurture" | "rejected";
  via?: string;
}
export interface AuditPageOptions { limit?: number; offset?: number }
export interface AuditRow {
  /** Position in routing order: the argument of explain(). */
  index: number;
  line: number;
  at: number;
  lead_id: string | null;
  email: string | null;
  company: string | null;
  outcome: "assigned" | "pooled" | "nurture" | "rejected";
  via: string;
  rep: string | null;
  rep_name: string | null;
  team: string | null;
  team_name: string | null;
  pool: string | null;
  rule: string | null;
  claimed_at: number | null;
}
export interface AuditPage { total: number; rows: AuditRow[] }
export interface DiffFilter { team?: string; rep?: string; rule?: string }
export interface MovedLead { index: number; a: AuditRow; b: AuditRow }
/** `from`/`to`: a rep id, or the outcome when nobody owns the lead; names carry the outcome when not "assigned" ("Ava Ruiz (pooled)"). */
export interface OwnerMove { from: string; from_name: string; from_outcome: string; to: string; to_name: string; to_outcome: string; count: number }
export interface SimulationDiff {
  leads: number;
  /** Leads that moved, before the filter. */
  moved: number;
  /** Leads that moved and pass the filter. */
  total: number;
  rows: MovedLead[];
  /** From A's owner to B's (a rep id, or the outcome when nobody owns it), most first. */
  moves: OwnerMove[];
}
export interface Insight {
  /** fallback_share, default_owner_share, rep_at_cap_early, pool_expires_unclaimed, rule_never_hit, rule_shadowed, no_rep_could_take */
  code: string;
  /** Leads concerned (the ranking key). */
  impact: number;
  severity: "warning" | "info";
  message: string;
  ids: string[];
  share: number | null;
  day: number | null;
}
export interface ReportLabels {
  reps: Record<string, string>;
  teams: Record<string, string>;
  pools: Record<string, string>;
  rules: Record<string, string>;
  /** Metric keys (`reps.*.peak_month`, `outcomes.assigned`) to labels in words. */
  metrics: Record<string, string>;
}
export interface PoolReport {
  id: string; name: string; pooled: number; claimed: number; claimed_from_history: number;
  expired: number; waiting: number;
  time_to_claim: { p50_minutes: number; p90_minutes: number } | null;
}
export interface AccountReport {
  leads: number;
  matched: Record<string, number>;
  rates: Record<string, number>;
  unmatched: number;
  close: { index: number; lead_id: string | null; company: string; account: string; account_name: string; similarity: number }[];
}
export interface DateReport { format: string; read: number; unreadable: number; seen: string[] }
/** The aggregated report of a simulation (snake_case, see leadroute::report::Report). */
export type SimulationReport = Record<string, any> & {
  insights: Insight[];
  labels: ReportLabels;
  pools: PoolReport[];
  accounts: AccountReport | null;
  created_at: DateReport;
  assertions: AssertionResult[];
  off_policy: OffPolicyReport | null;
};
/** Two reports metric by metric, with two-proportion z-tests on conversion; over the same leads, the moved leads' totals (`diff` lists them). */
export type ReportComparison = Record<string, any> & { moved: number | null; moves: OwnerMove[] };
"#;

/// The typed error a stopped simulation throws: `code` (`unreadable_created_at`,
/// `ambiguous_created_at`, `different_leads`), `help`, `seen` (the values) and `line`.
fn sim_error(e: &leadroute::report::SimError) -> JsValue {
    let err = error(&e.code, &e.message);
    let seen = js_sys::Array::new();
    for v in &e.seen {
        seen.push(&v.into());
    }
    let _ = js_sys::Reflect::set(&err, &"help".into(), &e.help.as_str().into());
    let _ = js_sys::Reflect::set(&err, &"seen".into(), &seen);
    let _ = js_sys::Reflect::set(&err, &"line".into(), &(e.line as f64).into());
    err
}

/// A replay of past leads through a fresh router, in `created_at` order: feed JSONL or
/// CSV text in chunks (cut anywhere), then read the aggregated report, or compare two
/// simulations (two configs over the same leads, or the two arms of an A/B split).
#[wasm_bindgen(js_name = Simulation)]
pub struct Simulation {
    router: leadroute::Router,
    sim: RefCell<leadroute::report::Simulation>,
}

/// A JSON value given as a string or a plain object, read into `T`.
fn from_js_json<T: serde::de::DeserializeOwned>(
    value: &JsValue,
    what: &str,
    code: &str,
) -> Result<T, JsValue> {
    let text = input::json_text(value, what, 16 << 20, code::INVALID_ARGUMENT)?;
    serde_json::from_str(&text).map_err(|e| error(code, &format!("invalid {what}: {e}")))
}

/// The simulation grows with what it is fed (held leads, sampled decisions): a chunk is
/// refused before it is routed when its size again is not free.
fn room_for(feed: &Feed) -> Result<(), JsValue> {
    let len = match feed {
        Feed::Bytes(b) => b.len(),
        Feed::Text(t) => t.len(),
    };
    Ok(ensure_free(UPDATE_HEADROOM.saturating_add(len))?)
}

pub(crate) fn options_of(
    options: Option<JsValue>,
) -> Result<leadroute::report::SimOptions, JsValue> {
    match options {
        Some(o) if !o.is_undefined() && !o.is_null() => {
            from_js_json(&o, "simulation options", code::INVALID_OPTIONS)
        }
        _ => Ok(leadroute::report::SimOptions::default()),
    }
}

pub(crate) fn mapping_of(
    mapping: Option<JsValue>,
) -> Result<Option<std::collections::BTreeMap<String, String>>, JsValue> {
    match mapping {
        Some(m) if !m.is_undefined() && !m.is_null() => Ok(Some(from_js_json(
            &m,
            "column mapping",
            code::INVALID_ARGUMENT,
        )?)),
        _ => Ok(None),
    }
}

fn query_of(query: &JsValue) -> Result<leadroute::report::AuditQuery, JsValue> {
    if query.is_undefined() || query.is_null() {
        return Ok(leadroute::report::AuditQuery::default());
    }
    from_js_json(query, "audit query", code::INVALID_ARGUMENT)
}

fn filter_of(filter: Option<JsValue>) -> Result<leadroute::report::DiffFilter, JsValue> {
    match filter {
        Some(f) if !f.is_undefined() && !f.is_null() => {
            from_js_json(&f, "diff filter", code::INVALID_ARGUMENT)
        }
        _ => Ok(leadroute::report::DiffFilter::default()),
    }
}

fn page_of(page: Option<JsValue>) -> Result<leadroute::report::Page, JsValue> {
    match page {
        Some(p) if !p.is_undefined() && !p.is_null() => {
            from_js_json(&p, "page", code::INVALID_ARGUMENT)
        }
        _ => Ok(leadroute::report::Page::default()),
    }
}

impl Simulation {
    fn diff_of(
        &self,
        other: &Simulation,
        filter: &leadroute::report::DiffFilter,
        page: leadroute::report::Page,
    ) -> Result<leadroute::report::Diff, JsValue> {
        if std::ptr::eq(self, other) {
            let mut a = self.sim()?;
            a.finish(&self.router);
            return a
                .diff(&self.router, &a, &self.router, filter, page, MAX_PAGE)
                .map_err(|e| sim_error(&e));
        }
        let (mut a, mut b) = (self.sim()?, other.sim()?);
        a.finish(&self.router);
        b.finish(&other.router);
        a.diff(&self.router, &b, &other.router, filter, page, MAX_PAGE)
            .map_err(|e| sim_error(&e))
    }

    fn diff_csv_of(
        &self,
        other: &Simulation,
        filter: &leadroute::report::DiffFilter,
    ) -> Result<String, JsValue> {
        if std::ptr::eq(self, other) {
            let mut a = self.sim()?;
            a.finish(&self.router);
            return a
                .diff_csv(&self.router, &a, &self.router, filter)
                .map_err(|e| sim_error(&e));
        }
        let (mut a, mut b) = (self.sim()?, other.sim()?);
        a.finish(&self.router);
        b.finish(&other.router);
        a.diff_csv(&self.router, &b, &other.router, filter)
            .map_err(|e| sim_error(&e))
    }

    fn sim(&self) -> Result<RefMut<'_, leadroute::report::Simulation>, JsValue> {
        self.sim.try_borrow_mut().map_err(|_| {
            error(
                code::INTERRUPTED,
                "this simulation was interrupted in the middle of an update (out of memory): start a new one",
            )
        })
    }

    fn comparison(&self, other: &Simulation) -> Result<leadroute::report::Comparison, JsValue> {
        if std::ptr::eq(self, other) {
            let mut a = self.sim()?;
            a.finish(&self.router);
            return Ok(a.compare_with(&self.router, &a, &self.router));
        }
        let (mut a, mut b) = (self.sim()?, other.sim()?);
        a.finish(&self.router);
        b.finish(&other.router);
        Ok(a.compare_with(&self.router, &b, &other.router))
    }
}

#[wasm_bindgen(js_class = Simulation)]
impl Simulation {
    /// Validates and compiles the config (throws like `new Router`) and starts empty.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Config | string")] config: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SimulationOptions | null")] options: Option<
            JsValue,
        >,
    ) -> Result<Simulation, JsValue> {
        let opts = options_of(options)?;
        let text = config_text(&config)?;
        let router = leadroute::Router::from_json(&text).map_err(|e| config_error(&e))?;
        let sim = leadroute::report::Simulation::new(&router, opts);
        Ok(Simulation {
            router,
            sim: RefCell::new(sim),
        })
    }

    /// Feeds JSONL: raw UTF-8 bytes (a file's slices as they are read: the fast path,
    /// one copy into wasm memory) or text; returns the number of leads routed so far.
    #[wasm_bindgen(js_name = feedJsonl)]
    pub fn feed_jsonl(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] input: JsValue,
    ) -> Result<f64, JsValue> {
        let feed = input::feed(&input, "JSONL input")?;
        room_for(&feed)?;
        let mut sim = self.sim()?;
        match feed {
            Feed::Bytes(b) => sim.feed_jsonl_bytes(&self.router, &b),
            Feed::Text(t) => sim.feed_jsonl(&self.router, &t),
        }
        if let Some(e) = sim.stopped() {
            return Err(sim_error(e));
        }
        Ok(sim.leads() as f64)
    }

    /// Feeds CSV text (the header first); `mapping` renames CSV headers to config fields.
    #[wasm_bindgen(js_name = feedCsv)]
    pub fn feed_csv(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Record<string, string> | null")]
        mapping: Option<JsValue>,
    ) -> Result<f64, JsValue> {
        let mapping = mapping_of(mapping)?;
        let feed = input::feed(&input, "CSV input")?;
        room_for(&feed)?;
        let mut sim = self.sim()?;
        match feed {
            Feed::Bytes(b) => sim.feed_csv_bytes(&self.router, &b, mapping.as_ref()),
            Feed::Text(t) => sim.feed_csv(&self.router, &t, mapping.as_ref()),
        }
        if let Some(e) = sim.stopped() {
            return Err(sim_error(e));
        }
        Ok(sim.leads() as f64)
    }

    /// Feeds a batch from `Preparer` (`prepareJsonl`, `prepareCsv`): the same as feeding
    /// its slice of the input. Batches go in input order; one from another config, out of
    /// order or damaged throws `foreign_batch`, `batch_out_of_order` or `invalid_batch`
    /// and changes nothing. Returns the number of leads routed so far.
    #[wasm_bindgen(js_name = feedPrepared)]
    pub fn feed_prepared(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] batch: JsValue,
    ) -> Result<f64, JsValue> {
        let feed = input::feed(&batch, "prepared batch")?;
        room_for(&feed)?;
        let bytes = match feed {
            Feed::Bytes(b) => b,
            Feed::Text(_) => {
                return Err(error(
                    code::INVALID_ARGUMENT,
                    "a prepared batch must be a Uint8Array or an ArrayBuffer, found a string",
                ))
            }
        };
        let mut sim = self.sim()?;
        sim.feed_prepared(&self.router, &bytes)
            .map_err(|e| sim_error(&e))?;
        if let Some(e) = sim.stopped() {
            return Err(sim_error(e));
        }
        Ok(sim.leads() as f64)
    }

    /// The end of the input: routes what is still held for ordering. Throws the typed
    /// error of a stopped run (`unreadable_created_at`, ...).
    pub fn finish(&self) -> Result<(), JsValue> {
        let mut sim = self.sim()?;
        sim.finish(&self.router);
        match sim.stopped() {
            Some(e) => Err(sim_error(e)),
            None => Ok(()),
        }
    }

    /// The audit log: decisions matching `query`, in routing order, one page of them
    /// (`limit` default 100, at most 10000; `offset` default 0) with the total.
    /// Finishes the input.
    #[wasm_bindgen(unchecked_return_type = "AuditPage")]
    pub fn search(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AuditQuery")] query: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "AuditPageOptions | null")] page: Option<
            JsValue,
        >,
    ) -> Result<JsValue, JsValue> {
        let query = query_of(&query)?;
        let page = page_of(page)?;
        let mut sim = self.sim()?;
        sim.finish(&self.router);
        to_js(&sim.search(&self.router, &query, page))
    }

    /// Every decision matching `query` as CSV (the columns of `AuditRow`, header first).
    #[wasm_bindgen(js_name = searchCsv)]
    pub fn search_csv(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AuditQuery")] query: JsValue,
    ) -> Result<String, JsValue> {
        let query = query_of(&query)?;
        let mut sim = self.sim()?;
        sim.finish(&self.router);
        Ok(sim.search_csv(&self.router, &query))
    }

    /// The decision at `index` (an `AuditRow.index`) with its full trace, exactly as
    /// the run made it (re-derived from the nearest checkpoint); null past the end.
    #[wasm_bindgen(unchecked_return_type = "Decision | null")]
    pub fn explain(&self, index: f64) -> Result<JsValue, JsValue> {
        if !(index.is_finite() && index >= 0.0 && index.fract() == 0.0) {
            return Err(error(
                code::INVALID_ARGUMENT,
                "explain: index must be a whole number from 0",
            ));
        }
        let mut sim = self.sim()?;
        sim.finish(&self.router);
        match sim.explain(&self.router, index as u64) {
            Some(d) => to_js(&d),
            None => Ok(JsValue::NULL),
        }
    }

    /// This simulation (A) against `other` (B) over the same leads, lead by lead: the
    /// leads whose outcome or owner changed (filtered by team, rep, rule; one page) and
    /// the totals of moves between owners. Throws `different_leads` when the two did not
    /// route the same leads.
    #[wasm_bindgen(unchecked_return_type = "SimulationDiff")]
    pub fn diff(
        &self,
        other: &Simulation,
        #[wasm_bindgen(unchecked_optional_param_type = "DiffFilter | null")] filter: Option<
            JsValue,
        >,
        #[wasm_bindgen(unchecked_optional_param_type = "AuditPageOptions | null")] page: Option<
            JsValue,
        >,
    ) -> Result<JsValue, JsValue> {
        let filter = filter_of(filter)?;
        let page = page_of(page)?;
        to_js(&self.diff_of(other, &filter, page)?)
    }

    /// Every moved lead passing `filter` as CSV (`index,lead_id`, then A's and B's
    /// outcome, rep, rep name, team and rule).
    #[wasm_bindgen(js_name = diffCsv)]
    pub fn diff_csv(
        &self,
        other: &Simulation,
        #[wasm_bindgen(unchecked_optional_param_type = "DiffFilter | null")] filter: Option<
            JsValue,
        >,
    ) -> Result<String, JsValue> {
        let filter = filter_of(filter)?;
        self.diff_csv_of(other, &filter)
    }

    /// Leads routed so far.
    #[wasm_bindgen(getter)]
    pub fn leads(&self) -> Result<f64, JsValue> {
        Ok(self.sim()?.leads() as f64)
    }

    /// Finishes the input and returns the report.
    #[wasm_bindgen(unchecked_return_type = "SimulationReport")]
    pub fn report(&self) -> Result<JsValue, JsValue> {
        let report = {
            let mut sim = self.sim()?;
            sim.finish(&self.router);
            sim.report(&self.router)
        };
        to_js(&report)
    }

    /// Finishes the input and returns the report as CSV text (`section,key,metric,value`).
    #[wasm_bindgen(js_name = reportCsv)]
    pub fn report_csv(&self) -> Result<String, JsValue> {
        let mut sim = self.sim()?;
        sim.finish(&self.router);
        Ok(leadroute::report::report_csv(&sim.report(&self.router)))
    }

    /// This simulation (A) against `other` (B): every metric with the difference, and
    /// two-proportion z-tests on conversion. Finishes both inputs.
    #[wasm_bindgen(unchecked_return_type = "ReportComparison")]
    pub fn compare(&self, other: &Simulation) -> Result<JsValue, JsValue> {
        to_js(&self.comparison(other)?)
    }

    /// `compare` as CSV text (`metric,a,b,diff,a_rate,b_rate`, then the tests).
    #[wasm_bindgen(js_name = compareCsv)]
    pub fn compare_csv(&self, other: &Simulation) -> Result<String, JsValue> {
        Ok(leadroute::report::comparison_csv(&self.comparison(other)?))
    }
}

/// The header row of a CSV file's first bytes (or text), read by the core's CSV reader,
/// each name as a column mapping must spell it: the dashboard never splits CSV itself.
#[wasm_bindgen(js_name = csvHeader)]
pub fn csv_header(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] input: JsValue,
) -> Result<Vec<String>, JsValue> {
    Ok(match input::feed(&input, "CSV input")? {
        Feed::Bytes(b) => leadroute::report::csv_header(&b),
        Feed::Text(t) => leadroute::report::csv_header(t.as_bytes()),
    })
}
