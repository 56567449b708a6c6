// POST /outcomes: a CRM tells the router how a lead ended (converted or lost, for how
// much), so the `learned` pick learns from it. Shaped for a CRM webhook on a status change:
// one outcome or `{ outcomes: [...] }`, a boolean `converted` or a `status` (closed won /
// lost), ids the router gave. Idempotent per lead: the first outcome counts, a repeat
// answers `duplicate: true`. The engine checks every value; this file only maps the shape.
import { readBody } from "./body.js";
import { coreFailure, failure } from "./errors.js";

const MAX_BYTES = 256 * 1024;
const MAX_OUTCOMES = 500;
// CRM status names (lowercased, spaces and dashes as underscores) and what they mean.
const WON = new Set(["closed_won", "won", "converted", "customer"]);
const LOST = new Set(["closed_lost", "lost", "disqualified", "unqualified"]);

/** One webhook item as the engine takes it, or `{ error }` naming what is wrong. */
function item(raw, i, now) {
  const at = `outcomes[${i}]`;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return { error: failure("invalid_body", `${at} must be an object`, at) };
  const leadId = raw.lead_id ?? raw.leadId;
  if (typeof leadId !== "string" || !leadId) return { error: failure("missing_field", `${at}.lead_id is required: the id the lead was routed with`, `${at}.lead_id`) };
  let converted = raw.converted;
  if (converted === undefined && typeof raw.status === "string") {
    const s = raw.status.trim().toLowerCase().replace(/[\s-]+/g, "_");
    converted = WON.has(s) ? true : LOST.has(s) ? false : undefined;
    if (converted === undefined) return { error: failure("invalid_outcome", `${at}.status ${JSON.stringify(raw.status)} is neither won (${[...WON].join(", ")}) nor lost (${[...LOST].join(", ")})`, `${at}.status`) };
  }
  const value = raw.value ?? raw.amount;
  const when = raw.at ?? raw.closed_at;
  // A date string from a CRM is read as a date; a number is ms; none is the time of the call.
  const ms = typeof when === "string" ? Date.parse(when) : (when ?? now);
  return { leadId, outcome: { converted, ...(value === undefined || value === "" ? {} : { value: Number(value) }), at: ms } };
}

/** Reads the request into `{ items }` or `{ error }` (a failure answer). */
export async function readOutcomes(request, now) {
  const read = await readBody(request, MAX_BYTES);
  if (!read.ok) return { error: { status: read.status, error: read.error } };
  const list = Array.isArray(read.body.outcomes) ? read.body.outcomes : [read.body];
  if (list.length > MAX_OUTCOMES) return { error: failure("too_large", `${list.length} outcomes in one call; the limit is ${MAX_OUTCOMES}`) };
  const items = [];
  for (const [i, raw] of list.entries()) {
    const it = item(raw, i, now);
    if (it.error) return { error: it.error };
    items.push(it);
  }
  return { items };
}

/**
 * The Durable Object's half (`obj` is the LeadRouter): each lead's placement comes from its
 * `lead:<id>` record (the object remembers every lead; its engine does not), the first
 * outcome is stored as `outcome:<id>` and logged for replay, a repeat changes nothing.
 */
export function recordOutcomes(obj, items) {
  // One call at a time: two webhooks for the same lead must not both find it new.
  const run = (obj.outcomesDone ?? Promise.resolve()).then(() => record(obj, items));
  obj.outcomesDone = run.catch(() => {});
  return run;
}

async function record(obj, items) {
  await obj.ensureLoaded();
  const now = Date.now();
  const results = [];
  let changed = false;
  for (const { leadId, outcome } of items) {
    const got = await obj.store.get([`lead:${leadId}`, `outcome:${leadId}`]);
    const rec = got.get(`lead:${leadId}`);
    if (!rec) {
      results.push({ lead_id: leadId, ...failure("unknown_lead", `lead "${leadId}" was never routed here`) });
      continue;
    }
    const d = rec.decision;
    if (got.get(`outcome:${leadId}`)) {
      results.push({ lead_id: leadId, status: 200, rep: d.rep, team: d.team, duplicate: true });
      continue;
    }
    if (!d.rep) {
      results.push({ lead_id: leadId, ...failure("not_assigned", `lead "${leadId}" went to no rep (${d.outcome}): there is nobody to learn about`) });
      continue;
    }
    const placement = { rep: d.rep, team: d.team, segment: d.segment ?? null };
    let done;
    try {
      done = obj.router.recordOutcome(leadId, outcome, placement);
    } catch (e) {
      results.push({ lead_id: leadId, ...coreFailure(e, "invalid_outcome") });
      continue;
    }
    obj.store.put(`outcome:${leadId}`, { ...outcome, recorded_at: now });
    obj.engine.record({ op: "outcome", lead_id: leadId, outcome, placement, now });
    changed = true;
    results.push({ lead_id: leadId, status: 200, rep: done.rep, team: done.team, duplicate: false });
  }
  await obj.store.commit(changed ? obj.store.bump() : undefined);
  // One outcome: its own status; several: 200 with each item's status.
  if (results.length === 1) {
    const { status, ...one } = results[0];
    return { status, ...one };
  }
  return { status: 200, results };
}
