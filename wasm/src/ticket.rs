//! `classify` and `assignTicket`: routing split in two across a wire, so a stateless
//! caller (an edge Worker) classifies and the holder of the state (a team's Durable
//! Object) assigns. The core makes and checks the ticket; this converts and delegates.

use crate::input::{self, Fail};
use crate::router::{max_lead, Router};
use crate::to_js;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TICKET: &'static str = r#"
/** Options of `classify`. */
export interface ClassifyOptions {
  /** Carry the trace so far (rules checked, steps) to `assignTicket` (default true). */
  trace?: boolean;
}
"#;

fn ticket_error(e: &leadroute::ticket::TicketError) -> JsValue {
    let err: JsValue = js_sys::Error::new(&e.message).into();
    let _ = js_sys::Reflect::set(&err, &"code".into(), &e.code.as_str().into());
    let _ = js_sys::Reflect::set(&err, &"help".into(), &e.help.as_str().into());
    err
}

impl Router {
    /// The lead read as `route` reads it, its id checked.
    fn parse_lead<'t>(&self, text: &'t str) -> Result<leadroute::Lead<'t>, JsValue> {
        let parsed = self
            .router
            .schema()
            .parse_json(text)
            .map_err(|e| crate::error::lead_error(&e))?;
        if let Err(p) = self.router.check_id(&parsed) {
            return Err(crate::error::error(p.code, &p.message));
        }
        Ok(parsed)
    }
}

#[wasm_bindgen]
impl Router {
    /// Classifies a lead without reading or changing the state: screening, score,
    /// account and rule match, with `target`, the team, pool or rep whose state decides.
    #[wasm_bindgen(unchecked_return_type = "TicketWire")]
    pub fn classify(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Lead | string")] lead: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ClassifyOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let trace = match options.filter(|o| !o.is_undefined() && !o.is_null()) {
            None => true,
            Some(o) => {
                let t = js_sys::Reflect::get(&o, &"trace".into()).map_err(|_| {
                    Fail::new(
                        crate::error::code::UNREADABLE_INPUT,
                        "classify: reading options.trace threw".into(),
                    )
                })?;
                t.as_bool().unwrap_or(true)
            }
        };
        let text = input::lead_text(&lead, max_lead(&self.router))?;
        let lead = self.parse_lead(&text)?;
        let ticket = self.router.classify(&lead, trace);
        to_js(&self.router.ticket_wire(&ticket))
    }

    /// Assigns a ticket from `classify` (of a router with the same config) against this
    /// router's state; `classify` then `assignTicket` makes exactly `route`'s decision.
    /// Throws `foreign_ticket` for another config's ticket, `wrong_lead` when `lead` is
    /// not the ticket's lead and `invalid_ticket` for anything else that is not one.
    #[wasm_bindgen(js_name = assignTicket, unchecked_return_type = "Decision")]
    pub fn assign_ticket(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TicketWire | string")] ticket: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Lead | string")] lead: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RouteOptionsInput")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let mut opts = input::options(&options)?;
        let by_created = input::by_created_at(&options)?;
        let code = leadroute::ticket::TicketCode::InvalidTicket.as_str();
        let max = max_lead(&self.router).saturating_mul(4);
        let ticket_text = input::json_text(&ticket, "ticket", max, code)?;
        let text = input::lead_text(&lead, max_lead(&self.router))?;
        let lead = self.parse_lead(&text)?;
        let ticket = self
            .router
            .ticket_from_json(&ticket_text, &lead)
            .map_err(|e| ticket_error(&e))?;
        if by_created {
            opts.now = self.router.lead_time(&lead, opts.now);
        }
        let decision = {
            let mut state = self.state_mut(text.len().saturating_add(ticket_text.len()))?;
            self.router.assign_ticket(&mut state, ticket, &lead, opts)
        };
        to_js(&decision)
    }

    /// The fingerprint of this router's config, as its tickets carry it.
    #[wasm_bindgen(getter)]
    pub fn fingerprint(&self) -> String {
        self.router.fingerprint()
    }
}
