// Salesforce REST adapter: a create is a create-only POST carrying our lead id in a unique
// external id field (a repeat answers DUPLICATE_VALUE, which means "already there"); an owner
// change is update-only (look the Lead up by external id, PATCH its OwnerId). Every write
// sends `Sforce-Auto-Assign: FALSE` so active assignment rules do not replace our owner.
import { SALESFORCE_FIELDS, mapFields, mappedLead, ownerOfItem } from "../crm.js";
import { describe, failure, retryAfterMs } from "./outcome.js";

const NO_ASSIGNMENT_RULES = { "sforce-auto-assign": "FALSE" };
/** Errors that pass on their own: retry this item later. */
const TRANSIENT = new Set(["SERVER_UNAVAILABLE", "UNABLE_TO_LOCK_ROW", "REQUEST_RUNNING_TOO_LONG", "QUERY_TIMEOUT"]);
const PERMISSION = new Set(["INSUFFICIENT_ACCESS", "INSUFFICIENT_ACCESS_OR_READONLY", "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", "API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED", "FUNCTIONALITY_NOT_ENABLED"]);
/** Salesforce's 24-hour API request limit: probe again after this long. */
export const LIMIT_HOLD_MS = 60 * 60_000;
export const AUTH_HOLD_MS = 15 * 60_000;

function base(ctx) {
  return `${ctx.baseUrl}/services/data/${ctx.crm.api_version ?? "v60.0"}`;
}

export function externalIdField(crm) {
  return crm.external_id_field ?? "Leadroute_Id__c";
}

/** Salesforce answers errors as a list of `{ errorCode, message, fields }`. */
export function errorsOf(body) {
  if (Array.isArray(body)) return body.filter((e) => e && typeof e === "object");
  if (body && typeof body === "object" && Array.isArray(body.errors)) return body.errors;
  return [];
}

/** 15- and 18-character forms of one id are the same record. */
export function sameId(a, b) {
  return typeof a === "string" && typeof b === "string" && a.slice(0, 15) === b.slice(0, 15);
}

function fieldOf(e) {
  if (Array.isArray(e.fields) && e.fields.length) return e.fields[0];
  const m = /Required fields are missing: \[([^\],]+)/.exec(e.message ?? "") ?? /No such column '([^']+)'/.exec(e.message ?? "");
  return m?.[1] ?? null;
}

/** What a Salesforce error answer means for delivery, from its `errorCode`. */
export function classify(res, now) {
  if (res.status === 0) return failure("later", "unavailable", res, describe(res));
  const e = errorsOf(res.body)[0] ?? {};
  const code = e.errorCode ?? null;
  const error = describe(res, code, e.message);
  if (res.status === 401 || code === "INVALID_SESSION_ID") return failure("hold", "auth", res, error, { code, holdUntil: now + AUTH_HOLD_MS });
  if (code === "REQUEST_LIMIT_EXCEEDED") return failure("hold", "rate_limited", res, error, { code, holdUntil: now + LIMIT_HOLD_MS });
  if (TRANSIENT.has(code) || res.status >= 500 || res.status === 408 || res.status === 429) {
    return failure("later", code === "UNABLE_TO_LOCK_ROW" ? "locked" : "unavailable", res, error, { code, retryAfterMs: retryAfterMs(res, now) });
  }
  if (code === "DUPLICATES_DETECTED") {
    const ids = (e.duplicateResult?.matchResults ?? []).flatMap((m) => (m.matchRecords ?? []).map((r) => r.record?.Id)).filter(Boolean);
    return failure("never", "duplicate", res, `${error}${ids.length ? ` (matches ${ids.join(", ")})` : ""}`, { code, matches: ids });
  }
  if (res.status === 404 || code === "NOT_FOUND") return failure("never", "not_found", res, error, { code });
  if (res.status === 300) return failure("never", "duplicate", res, error, { code: "MULTIPLE_CHOICES" });
  if (res.status === 403 || PERMISSION.has(code)) return failure("never", "permission", res, error, { code });
  return failure("never", "validation", res, error, { code, field: fieldOf(e) });
}

async function create(item, ctx) {
  const ext = externalIdField(ctx.crm);
  const body = mapFields(mappedLead(item), SALESFORCE_FIELDS, ctx.crm.fields);
  // Salesforce requires both on a Lead; a form may not ask for them. Creates never
  // overwrite, so a placeholder never replaces what a rep typed later.
  body.LastName ??= "[not provided]";
  body.Company ??= "[not provided]";
  body[ext] = item.lead.id;
  const owner = ownerOfItem(ctx.crm, item);
  if (owner) body.OwnerId = owner;
  const res = await ctx.call({ method: "POST", url: `${base(ctx)}/sobjects/Lead`, body, headers: NO_ASSIGNMENT_RULES });
  if (res.status === 201 || res.status === 200) return { ok: true, crm_id: res.body?.id ?? null };
  // Our external id is unique: the Lead exists, from an earlier attempt whose answer was lost.
  const dup = errorsOf(res.body).find((e) => e.errorCode === "DUPLICATE_VALUE" && String(e.message ?? "").includes(ext));
  if (res.status === 400 && dup) return { ok: true, note: "already_created" };
  return classify(res, ctx.now);
}

async function changeOwner(item, ctx) {
  const ext = externalIdField(ctx.crm);
  const owner = ownerOfItem(ctx.crm, item);
  const found = await ctx.call({ method: "GET", url: `${base(ctx)}/sobjects/Lead/${encodeURIComponent(ext)}/${encodeURIComponent(item.lead_id)}?fields=Id,OwnerId` });
  if (found.status !== 200) {
    const f = classify(found, ctx.now);
    if (f.cause === "not_found") f.error = `lead ${item.lead_id} is not in Salesforce (deleted there, or its create is not delivered): ${f.error}`;
    return f;
  }
  if (!owner || sameId(found.body?.OwnerId, owner)) return { ok: true, note: "owner_unchanged" };
  const res = await ctx.call({
    method: "PATCH",
    url: `${base(ctx)}/sobjects/Lead/${encodeURIComponent(found.body.Id)}`,
    body: { OwnerId: owner },
    headers: NO_ASSIGNMENT_RULES,
  });
  if (res.status === 204 || res.status === 200) return { ok: true, crm_id: found.body.Id };
  return classify(res, ctx.now);
}

/** Delivers one outbox item; `ctx`: `{ crm, baseUrl, now, call }`. Never throws. */
export function deliver(item, ctx) {
  return item.kind === "create" ? create(item, ctx) : changeOwner(item, ctx);
}

export function tokenUrl(crm, baseUrl) {
  return crm.token_url ?? `${baseUrl}/services/oauth2/token`;
}
