//! `Router`: a compiled config with its routing state. Every method reads the caller's
//! values first, then works on the state without calling back into JS, then converts
//! the result: an exception from the caller's object can never leave the state borrowed.

use crate::error::{code, config_error, error, lead_error, snapshot_error, state_error};
use crate::input::{self, ensure_free, Fail};
use crate::to_js;
use serde::Serialize;
use std::cell::{RefCell, RefMut};
use wasm_bindgen::prelude::*;

/// Free memory a state update may need beyond its inputs (decision, trace, the state's
/// own growth); a call that cannot have it is refused before it changes anything.
pub(crate) const UPDATE_HEADROOM: usize = 1 << 20;

/// A compiled router together with its routing state.
#[wasm_bindgen]
pub struct Router {
    pub(crate) router: leadroute::Router,
    // Methods take `&self`: the glue's borrow of `Router` is shared, so even a throw
    // from JS in the middle of reading arguments never locks the object. The state is
    // borrowed only while no JS runs.
    state: RefCell<leadroute::State>,
    /// The buffers of `leadroute/fast` (fields.rs).
    pub(crate) lane: crate::fields::Lane,
}

/// Largest id, pool or rep argument: no id can be longer than a lead string value.
fn max_id(r: &leadroute::Router) -> usize {
    r.limits().lead_string_bytes
}

/// Largest lead JSON text (fields times the string limit, with room for escapes).
pub(crate) fn max_lead(r: &leadroute::Router) -> usize {
    let l = r.limits();
    l.lead_fields
        .saturating_mul(l.lead_string_bytes)
        .saturating_mul(2)
}

pub(crate) fn config_text(config: &JsValue) -> Result<String, Fail> {
    input::json_text(
        config,
        "config",
        leadroute::Limits::DEFAULT.config_bytes,
        leadroute::error::ConfigCode::TooLarge.as_str(),
    )
}

impl Router {
    /// The state for an update, after checking the memory the update may need.
    pub(crate) fn state_mut(
        &self,
        input_bytes: usize,
    ) -> Result<RefMut<'_, leadroute::State>, JsValue> {
        ensure_free(UPDATE_HEADROOM.saturating_add(input_bytes.saturating_mul(2)))?;
        self.state.try_borrow_mut().map_err(|_| interrupted())
    }

    /// The state for reading, with the same memory check.
    fn state_ref(&self) -> Result<std::cell::Ref<'_, leadroute::State>, JsValue> {
        ensure_free(UPDATE_HEADROOM)?;
        self.state.try_borrow().map_err(|_| interrupted())
    }

    fn ids(
        &self,
        call: &str,
        a: (&JsValue, &str),
        b: (&JsValue, &str),
    ) -> Result<(String, String), JsValue> {
        let max = max_id(&self.router);
        Ok((
            input::string_arg(a.0, call, a.1, max)?,
            input::string_arg(b.0, call, b.1, max)?,
        ))
    }
}

/// The state is still borrowed: only a trap inside the engine (out of memory in the
/// middle of an update) can leave it so, since no JS runs while it is borrowed.
fn interrupted() -> JsValue {
    error(
        code::INTERRUPTED,
        "this router was interrupted in the middle of an update (out of memory) and its state may be incomplete: create a new Router from the last snapshot you stored",
    )
}

impl Router {
    /// `route` and `routeAgain`: options and lead read first, then the state borrowed.
    fn route_with(&self, lead: JsValue, options: JsValue, again: bool) -> Result<JsValue, JsValue> {
        let mut opts = input::options(&options)?;
        let by_created = input::by_created_at(&options)?;
        let text = input::lead_text(&lead, max_lead(&self.router))?;
        let lead = self
            .router
            .schema()
            .parse_json(&text)
            .map_err(|e| lead_error(&e))?;
        if let Err(p) = self.router.check_id(&lead) {
            return Err(error(p.code, &p.message));
        }
        if by_created {
            opts.now = self.router.lead_time(&lead, opts.now);
        }
        let decision = {
            let mut state = self.state_mut(text.len())?;
            if again {
                self.router.route_again(&mut state, &lead, opts)
            } else {
                self.router.route(&mut state, &lead, opts)
            }
        };
        to_js(&decision)
    }
}

#[wasm_bindgen]
impl Router {
    /// Validates and compiles a config; throws an Error listing every problem (also as
    /// `error.errors: {code, path, message, help}[]`). Pass a snapshot (object or JSON
    /// string) to continue from saved state.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Config | string")] config: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Snapshot | string | null")]
        snapshot: Option<JsValue>,
    ) -> Result<Router, JsValue> {
        let snapshot = snapshot.unwrap_or(JsValue::UNDEFINED);
        let text = config_text(&config)?;
        let snap_text = if snapshot.is_undefined() || snapshot.is_null() {
            None
        } else {
            let max = leadroute::Limits::DEFAULT.snapshot_bytes;
            Some(input::json_text(
                &snapshot,
                "snapshot",
                max,
                code::INVALID_SNAPSHOT,
            )?)
        };
        let router = leadroute::Router::from_json(&text).map_err(|e| config_error(&e))?;
        let state = match snap_text {
            None => router.new_state(),
            Some(t) => router.restore_json(&t).map_err(|e| snapshot_error(&e))?,
        };
        Ok(Router {
            router,
            state: RefCell::new(state),
            lane: crate::fields::Lane::default(),
        })
    }

    /// Routes one lead at `options.now`.
    #[wasm_bindgen(unchecked_return_type = "Decision")]
    pub fn route(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Lead | string")] lead: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RouteOptionsInput")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.route_with(lead, options, false)
    }

    /// Routes a lead again on purpose: its earlier placement is undone (out of its pool,
    /// its rep's counts taken back) and it is routed as new (`route` replays a repeat).
    #[wasm_bindgen(js_name = routeAgain, unchecked_return_type = "Decision")]
    pub fn route_again(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Lead | string")] lead: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RouteOptionsInput")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.route_with(lead, options, true)
    }

    /// The config's warnings: likely mistakes that do not stop it compiling.
    #[wasm_bindgen(unchecked_return_type = "ConfigWarning[]")]
    pub fn warnings(&self) -> Result<JsValue, JsValue> {
        to_js(&self.router.warnings())
    }

    /// Every problem with a lead as submitted, all at once, each `{ code, field, message }`:
    /// the one lead check the form and the edge worker use instead of rules of their own.
    #[wasm_bindgen(js_name = checkLead, unchecked_return_type = "LeadCheck")]
    pub fn check_lead(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Lead | string")] lead: JsValue,
    ) -> Result<JsValue, JsValue> {
        #[derive(serde::Serialize)]
        struct Out {
            ok: bool,
            errors: Vec<leadroute::check::LeadProblem>,
        }
        let text = input::lead_text(&lead, max_lead(&self.router))?;
        let errors = self.router.check_lead_json(&text);
        to_js(&Out {
            ok: errors.is_empty(),
            errors,
        })
    }

    /// The lead as the engine reads it: each declared field with its type (form strings
    /// coerced: `"2500"` a number, `"on"` true), for forwarding what was routed on.
    #[wasm_bindgen(js_name = readLead, unchecked_return_type = "Record<string, string | number | boolean>")]
    pub fn read_lead(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Lead | string")] lead: JsValue,
    ) -> Result<JsValue, JsValue> {
        let text = input::lead_text(&lead, max_lead(&self.router))?;
        let lead = self
            .router
            .schema()
            .parse_json(&text)
            .map_err(|e| lead_error(&e))?;
        to_js(&self.router.lead_fields(&lead))
    }

    /// The free email domains `email is free_email` tests (with the config's changes).
    #[wasm_bindgen(js_name = freeEmailDomains, unchecked_return_type = "string[]")]
    pub fn free_email_domains(&self) -> Result<JsValue, JsValue> {
        to_js(&self.router.free_email_domains())
    }

    /// Routes many leads in one call; one bad lead does not stop the others.
    #[wasm_bindgen(js_name = routeBatch, unchecked_return_type = "BatchItem[]")]
    pub fn route_batch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Lead[]")] leads: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RouteOptionsInput")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let opts = input::options(&options)?;
        let by_created = input::by_created_at(&options)?;
        let leads = input::list(&leads, "leads")?;
        // Every lead is read (and its JS run) before the state is touched.
        let max = max_lead(&self.router);
        let texts: Vec<Result<String, Fail>> =
            leads.iter().map(|l| input::lead_text(&l, max)).collect();
        // One JSON text for the whole batch: one JSON.parse instead of a crossing per field.
        #[derive(Serialize)]
        #[serde(untagged)]
        enum Item<'r> {
            Routed {
                ok: bool,
                decision: Box<leadroute::Decision<'r>>,
            },
            Failed {
                ok: bool,
                index: usize,
                code: &'static str,
                error: String,
            },
        }
        let failed = |index, f: Fail| Item::Failed {
            ok: false,
            index,
            code: f.code,
            error: f.message,
        };
        let mut items = Vec::with_capacity(texts.len());
        {
            let mut state = self.state_mut(0)?;
            for (index, text) in texts.iter().enumerate() {
                let parsed = match text {
                    Ok(t) => self
                        .router
                        .schema()
                        .parse_json(t)
                        .map_err(|e| Fail::new(e.code.as_str(), e.to_string())),
                    Err(f) => Err(Fail::new(f.code, f.message.clone())),
                };
                let lead = match parsed {
                    Ok(lead) => match self.router.check_id(&lead) {
                        Ok(()) => lead,
                        Err(p) => {
                            items.push(failed(index, Fail::new(p.code, p.message)));
                            continue;
                        }
                    },
                    Err(f) => {
                        items.push(failed(index, f));
                        continue;
                    }
                };
                // Each lead checks its own headroom: when memory runs out, the leads
                // after it are refused one by one and nothing is half-done.
                let size = text.as_ref().map_or(0, String::len);
                if let Err(f) = ensure_free(UPDATE_HEADROOM.saturating_add(size.saturating_mul(2)))
                {
                    items.push(failed(index, f));
                    continue;
                }
                let opts = if by_created {
                    leadroute::RouteOptions {
                        now: self.router.lead_time(&lead, opts.now),
                        ..opts
                    }
                } else {
                    opts
                };
                items.push(Item::Routed {
                    ok: true,
                    decision: Box::new(self.router.route(&mut state, &lead, opts)),
                });
            }
        }
        to_js(&items)
    }

    /// Pooled leads as `rep` may see them (visibility rules applied), oldest first.
    #[wasm_bindgen(js_name = listPool, unchecked_return_type = "PoolListing[]")]
    pub fn list_pool(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] pool: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] rep: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TimeOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (pool, rep) = self.ids("listPool", (&pool, "pool"), (&rep, "rep"))?;
        let now = input::options(&options)?.now;
        let list = {
            let state = self.state_ref()?;
            self.router.list_pool(&state, &pool, &rep, now)
        };
        to_js(&list.map_err(|e| state_error(&e))?)
    }

    /// Claims a pooled lead; exactly one rep wins. Throws with the reason otherwise.
    #[wasm_bindgen(unchecked_return_type = "Claim")]
    pub fn claim(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] lead_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] rep: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TimeOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (lead_id, rep) = self.ids("claim", (&lead_id, "leadId"), (&rep, "rep"))?;
        let now = input::options(&options)?.now;
        let c = {
            let mut state = self.state_mut(0)?;
            self.router.claim(&mut state, &lead_id, &rep, now)
        };
        to_js(&c.map_err(|e| state_error(&e))?)
    }

    /// Blind pull: claims the oldest lead of the pool.
    #[wasm_bindgen(js_name = claimNext, unchecked_return_type = "Claim")]
    pub fn claim_next(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] pool: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] rep: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TimeOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (pool, rep) = self.ids("claimNext", (&pool, "pool"), (&rep, "rep"))?;
        let now = input::options(&options)?.now;
        let c = {
            let mut state = self.state_mut(0)?;
            self.router.claim_next(&mut state, &pool, &rep, now)
        };
        to_js(&c.map_err(|e| state_error(&e))?)
    }

    /// Gives a claimed lead back to its pool.
    pub fn release(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] lead_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] rep: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TimeOptions")] options: JsValue,
    ) -> Result<(), JsValue> {
        let (lead_id, rep) = self.ids("release", (&lead_id, "leadId"), (&rep, "rep"))?;
        let now = input::options(&options)?.now;
        let mut state = self.state_mut(0)?;
        self.router
            .release(&mut state, &lead_id, &rep, now)
            .map_err(|e| state_error(&e))
    }

    /// Records first contact of a lead by its owner (stops its SLA clock).
    pub fn touch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] lead_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] rep: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TimeOptions")] options: JsValue,
    ) -> Result<(), JsValue> {
        let (lead_id, rep) = self.ids("touch", (&lead_id, "leadId"), (&rep, "rep"))?;
        let now = input::options(&options)?.now;
        let mut state = self.state_mut(0)?;
        self.router
            .touch(&mut state, &lead_id, &rep, now)
            .map_err(|e| state_error(&e))
    }

    /// Due reminders, escalations, re-routes and pool expiries, applied exactly once.
    #[wasm_bindgen(unchecked_return_type = "Event[]")]
    pub fn tick(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TimeOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let now = input::options(&options)?.now;
        let events = {
            let mut state = self.state_mut(0)?;
            self.router.tick(&mut state, now)
        };
        to_js(&events)
    }

    /// Records a routed lead's outcome for the `learned` pick; a second one for the same
    /// lead returns `duplicate: true` and changes nothing. `placement` (the decision's
    /// `rep`, `team`, `segment`) is for callers that remember leads themselves.
    #[wasm_bindgen(js_name = recordOutcome, unchecked_return_type = "OutcomeRecorded")]
    pub fn record_outcome(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] lead_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "OutcomeInput")] outcome: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Placement | null")] placement: Option<
            JsValue,
        >,
    ) -> Result<JsValue, JsValue> {
        let max = max_id(&self.router);
        let lead_id = input::string_arg(&lead_id, "recordOutcome", "leadId", max)?;
        let text = |v: &JsValue, what| input::json_text(v, what, 4 * max, code::INVALID_ARGUMENT);
        let outcome = text(&outcome, "outcome")?;
        let placement = match placement.filter(|p| !p.is_undefined() && !p.is_null()) {
            Some(p) => Some(text(&p, "placement")?),
            None => None,
        };
        let done = {
            let mut state = self.state_mut(0)?;
            let p = placement.as_deref();
            self.router
                .record_outcome_json(&mut state, &lead_id, &outcome, p)
        };
        to_js(&done.map_err(|e| state_error(&e))?)
    }

    /// Sets a rep's live status; `null` returns to the config's status.
    #[wasm_bindgen(js_name = setStatus)]
    pub fn set_status(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] rep: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RepStatus | null")] status: JsValue,
    ) -> Result<(), JsValue> {
        let rep = input::string_arg(&rep, "setStatus", "rep", max_id(&self.router))?;
        let status = if status.is_null() || status.is_undefined() {
            None
        } else {
            let s = input::string_arg(&status, "setStatus", "status", 64)?;
            Some(leadroute::config::Status::parse(&s).ok_or_else(|| {
                error(code::UNKNOWN_VALUE, &format!(
                    "unknown status \"{s}\", expected \"available\", \"busy\", \"away\" or \"out_of_office\""
                ))
            })?)
        };
        let mut state = self.state_mut(0)?;
        self.router
            .set_status(&mut state, &rep, status)
            .map_err(|e| state_error(&e))
    }

    /// The routing state as a plain JSON object (store it; pass it to the constructor).
    #[wasm_bindgen(unchecked_return_type = "Snapshot")]
    pub fn snapshot(&self) -> Result<JsValue, JsValue> {
        let snap = {
            let state = self.state_ref()?;
            self.router.snapshot(&state)
        };
        to_js(&snap)
    }
}
