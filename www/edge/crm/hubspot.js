// HubSpot CRM v3 adapter. Contacts are keyed by email; ours carry our lead id in a unique
// contact property (`leadroute_lead_id`). A create reads the email first: a new contact is
// created with our owner; a known contact keeps its owner and every filled field (only
// blank fields are filled). Owner changes are update-only, by our lead id. Batch answers
// (200 or 207) are read per record, so a rejected contact is never counted as delivered.
import { HUBSPOT_FIELDS, mapFields, mappedLead, ownerOfItem } from "../crm.js";
import { describe, failure, retryAfterMs } from "./outcome.js";

export const TEN_SECOND_WINDOW_MS = 10_000;
export const AUTH_HOLD_MS = 15 * 60_000;
const OBJECTS = "/crm/v3/objects/contacts";

export function leadIdProperty(crm) {
  return crm.lead_id_property ?? "leadroute_lead_id";
}

/** Milliseconds since the epoch of the next midnight in `timeZone` (the daily limit's reset). */
export function nextMidnight(now, timeZone = "UTC") {
  const fmt = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
  const local = (t) => {
    const p = Object.fromEntries(fmt.formatToParts(t).map((x) => [x.type, Number(x.value)]));
    return { y: p.year, m: p.month, d: p.day, asUtc: Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) };
  };
  const today = local(now);
  const midnightAsUtc = Date.UTC(today.y, today.m - 1, today.d + 1);
  const guess = midnightAsUtc - (today.asUtc - Math.floor(now / 1000) * 1000);
  // The offset can differ at midnight (a DST change that day): measure it there.
  return midnightAsUtc - (local(guess).asUtc - guess);
}

/** The field a validation error is about: HubSpot lists them as JSON in the message. */
function fieldOf(e) {
  const ctxName = e?.context?.propertyName?.[0] ?? e?.errors?.find((x) => x?.context?.propertyName)?.context?.propertyName?.[0];
  if (ctxName) return ctxName;
  const m = /\[\{.*\}\]/s.exec(e?.message ?? "");
  if (m) {
    try {
      return JSON.parse(m[0]).find((x) => x?.name)?.name ?? null;
    } catch {
      // Not the JSON list HubSpot usually sends.
    }
  }
  return /property "?([a-z0-9_]+)"? /i.exec(e?.message ?? "")?.[1] ?? null;
}

/** What a HubSpot error means for delivery, by status, `policyName` and `category`. */
export function classify(res, now, crm) {
  if (res.status === 0) return failure("later", "unavailable", res, describe(res));
  const b = res.body && typeof res.body === "object" ? res.body : {};
  const error = describe(res, b.policyName ?? b.category, b.message);
  if (res.status === 429) {
    if (b.policyName === "DAILY") return failure("hold", "rate_limited", res, error, { code: "DAILY", holdUntil: nextMidnight(now, crm?.timezone ?? "UTC") });
    if (b.policyName === "TEN_SECONDLY_ROLLING") return failure("hold", "rate_limited", res, error, { code: b.policyName, holdUntil: now + TEN_SECOND_WINDOW_MS });
    return failure("hold", "rate_limited", res, error, { code: b.policyName ?? null, holdUntil: now + Math.max(1000, retryAfterMs(res, now) ?? 0) });
  }
  if (res.status === 401) return failure("hold", "auth", res, error, { code: b.category ?? null, holdUntil: now + AUTH_HOLD_MS });
  if (res.status === 423) return failure("later", "locked", res, error, { retryAfterMs: Math.max(2000, retryAfterMs(res, now) ?? 0) });
  if (res.status === 477 || res.status >= 500 || res.status === 408) return failure("later", "unavailable", res, error, { retryAfterMs: retryAfterMs(res, now) });
  if (res.status === 403) return failure("never", "permission", res, error, { code: b.category ?? null });
  if (res.status === 404) return failure("never", "not_found", res, error, { code: b.category ?? null });
  return recordFailure(b, res, now);
}

/** One record's error in a batch answer (or a whole-request error body). */
function recordFailure(e, res, now) {
  const code = e.category ?? null;
  const error = describe(res, code, e.message);
  if (code === "RATE_LIMITS") return failure("later", "rate_limited", res, error, { code, retryAfterMs: TEN_SECOND_WINDOW_MS });
  if (code === "OBJECT_NOT_FOUND") return failure("never", "not_found", res, error, { code });
  if (code === "CONFLICT") return failure("later", "conflict", res, error, { code, retryAfterMs: 1000 });
  if (code === "MISSING_SCOPES") return failure("never", "permission", res, error, { code });
  void now;
  return failure("never", "validation", res, error, { code, field: fieldOf(e) });
}

/**
 * Reads a batch answer (200, 201 or 207) for one input: `{ record }` when it succeeded,
 * `{ error }` with that record's error. Errors name inputs by `objectWriteTraceId` or id.
 */
export function recordOf(body, { traceId, id }) {
  const lc = (v) => String(v ?? "").toLowerCase();
  const mine = (e) => {
    const c = e?.context ?? {};
    return (traceId && (c.objectWriteTraceId ?? []).includes(traceId)) || (id && (c.ids ?? []).map(lc).includes(lc(id))) || (traceId && e?.objectWriteTraceId === traceId);
  };
  const errors = Array.isArray(body?.errors) ? body.errors : [];
  const error = errors.find(mine);
  if (error) return { error };
  const results = Array.isArray(body?.results) ? body.results : [];
  const record = results.find((r) => (traceId && r.objectWriteTraceId === traceId) || (id && (lc(r.id) === lc(id) || lc(r.properties?.email) === lc(id))));
  if (record) return { record };
  if (errors.length) return { error: errors[0] };
  return {};
}

function blank(v) {
  return v === undefined || v === null || v === "";
}

async function readByEmail(email, properties, ctx) {
  const res = await ctx.call({ method: "POST", url: `${ctx.baseUrl}${OBJECTS}/batch/read`, body: { idProperty: "email", properties, inputs: [{ id: email }] } });
  if (res.status !== 200 && res.status !== 207) return { failed: classify(res, ctx.now, ctx.crm) };
  const r = recordOf(res.body, { id: email });
  if (r.record) return { contact: r.record };
  if (!r.error || r.error.category === "OBJECT_NOT_FOUND") return { contact: null };
  return { failed: recordFailure(r.error, res, ctx.now) };
}

async function create(item, ctx) {
  const prop = leadIdProperty(ctx.crm);
  const email = item.lead.email;
  const fields = mapFields(mappedLead(item), HUBSPOT_FIELDS, ctx.crm.fields);
  if (blank(email)) return failure("never", "validation", null, "a HubSpot contact needs an email", { field: "email" });
  const read = await readByEmail(email, ["hubspot_owner_id", prop, ...Object.keys(fields)], ctx);
  if (read.failed) return read.failed;
  if (read.contact) {
    const p = read.contact.properties ?? {};
    if (p[prop] === item.lead.id) return { ok: true, crm_id: read.contact.id, note: "already_created" };
    // A known contact: its owner and what reps filled in stay; only blanks are filled.
    const fill = Object.fromEntries(Object.entries(fields).filter(([k, v]) => k !== "email" && blank(p[k]) && !blank(v)));
    if (Object.keys(fill).length) {
      const res = await ctx.call({ method: "PATCH", url: `${ctx.baseUrl}${OBJECTS}/${encodeURIComponent(read.contact.id)}`, body: { properties: fill } });
      if (res.status !== 200) return classify(res, ctx.now, ctx.crm);
    }
    return { ok: true, crm_id: read.contact.id, note: "known_contact_owner_kept", kept_owner: p.hubspot_owner_id ?? null };
  }
  const properties = { ...fields, [prop]: item.lead.id };
  const owner = ownerOfItem(ctx.crm, item);
  if (owner) properties.hubspot_owner_id = owner;
  const res = await ctx.call({ method: "POST", url: `${ctx.baseUrl}${OBJECTS}/batch/create`, body: { inputs: [{ properties, objectWriteTraceId: item.id }] } });
  if (res.status === 409) return failure("later", "conflict", res, describe(res, "CONFLICT", res.body?.message), { retryAfterMs: 1000 });
  if (res.status !== 200 && res.status !== 201 && res.status !== 207) return classify(res, ctx.now, ctx.crm);
  const r = recordOf(res.body, { traceId: item.id, id: email });
  if (r.record) return { ok: true, crm_id: r.record.id };
  if (r.error) return recordFailure(r.error, res, ctx.now);
  return failure("later", "unavailable", res, describe(res, null, "no result for this contact in the batch answer"));
}

async function changeOwner(item, ctx) {
  const prop = leadIdProperty(ctx.crm);
  const owner = ownerOfItem(ctx.crm, item);
  if (!owner) return { ok: true, note: "owner_unchanged" };
  const res = await ctx.call({
    method: "PATCH",
    url: `${ctx.baseUrl}${OBJECTS}/${encodeURIComponent(item.lead_id)}?idProperty=${encodeURIComponent(prop)}`,
    body: { properties: { hubspot_owner_id: owner } },
  });
  if (res.status === 200) return { ok: true, crm_id: res.body?.id ?? null };
  if (res.status !== 404) return classify(res, ctx.now, ctx.crm);
  // Not ours by lead id: a known contact keeps its owner; no contact at all is a dead letter.
  if (!blank(item.email)) {
    const read = await readByEmail(item.email, ["hubspot_owner_id", prop], ctx);
    if (read.failed) return read.failed;
    if (read.contact) return { ok: true, crm_id: read.contact.id, note: "known_contact_owner_kept", kept_owner: read.contact.properties?.hubspot_owner_id ?? null };
  }
  const f = classify(res, ctx.now, ctx.crm);
  f.error = `lead ${item.lead_id} has no HubSpot contact (deleted there, or its create is not delivered): ${f.error}`;
  return f;
}

/** Delivers one outbox item; `ctx`: `{ crm, baseUrl, now, call }`. Never throws. */
export function deliver(item, ctx) {
  return item.kind === "create" ? create(item, ctx) : changeOwner(item, ctx);
}

export function tokenUrl(crm, baseUrl) {
  return crm.token_url ?? `${baseUrl}/oauth/v1/token`;
}
