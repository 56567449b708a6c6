// Sends one outbox item (a CRM write or a notification batch) with the secrets from the
// Worker env: OAuth access tokens renewed with a refresh token (one retry after a 401),
// Standard Webhooks signatures, and the adapter's verdict on failures (later, hold, never).
import { trimBase } from "./crm.js";
import * as salesforce from "./crm/salesforce.js";
import * as hubspot from "./crm/hubspot.js";
import * as webhook from "./crm/webhook.js";
import { classifyHttp, describe, failure } from "./crm/outcome.js";

const ADAPTERS = { salesforce, hubspot, webhook };
const enc = new TextEncoder();

function base64(bytes) {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** The HMAC key of a webhook secret: `whsec_<base64>` (Standard Webhooks) or the text itself. */
function secretBytes(secret) {
  if (secret.startsWith("whsec_")) return Uint8Array.from(atob(secret.slice(6)), (c) => c.charCodeAt(0));
  return enc.encode(secret);
}

/**
 * Standard Webhooks headers for `body`: `webhook-id` (the delivery id, the same on every
 * attempt, for the receiver's dedupe), `webhook-timestamp` (seconds, this attempt) and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
 */
export async function webhookHeaders(secret, id, now, body) {
  const timestamp = String(Math.floor(now / 1000));
  const key = await crypto.subtle.importKey("raw", secretBytes(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = await crypto.subtle.sign("HMAC", key, enc.encode(`${id}.${timestamp}.${body}`));
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${base64(new Uint8Array(sig))}` };
}

// ---- OAuth (refresh token grant) -------------------------------------------------------

/** Access tokens per isolate, keyed by token URL and client: `{ token, expiresAt }`. */
const tokens = new Map();

function oauthOf(settings, env) {
  if (!env.CRM_REFRESH_TOKEN || !settings.crm || settings.crm.type === "webhook") return null;
  const adapter = ADAPTERS[settings.crm.type];
  return { url: adapter.tokenUrl(settings.crm, trimBase(settings.crmUrl)), clientId: env.CRM_CLIENT_ID ?? "", clientSecret: env.CRM_CLIENT_SECRET ?? "", refreshToken: env.CRM_REFRESH_TOKEN };
}

/** A bearer token for the CRM: CRM_TOKEN, or an OAuth access token (renewed when `renew`). */
async function bearer(settings, env, now, renew) {
  const oauth = oauthOf(settings, env);
  if (!oauth) return { token: env.CRM_TOKEN ?? null };
  const key = `${oauth.url} ${oauth.clientId}`;
  const cached = tokens.get(key);
  if (cached && !renew && (cached.expiresAt === null || cached.expiresAt > now)) return { token: cached.token };
  let res;
  try {
    res = await fetch(oauth.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ grant_type: "refresh_token", client_id: oauth.clientId, client_secret: oauth.clientSecret, refresh_token: oauth.refreshToken }),
      signal: AbortSignal.timeout(settings.retry.timeoutMs),
    });
  } catch (e) {
    return { failed: failure("later", "unavailable", { status: 0 }, `token refresh failed: ${e?.message ?? e}`) };
  }
  const body = await res.json().catch(() => null);
  if (!res.ok || typeof body?.access_token !== "string") {
    tokens.delete(key);
    const why = `token refresh at ${new URL(oauth.url).pathname} answered ${res.status}: ${body?.error ?? ""} ${body?.error_description ?? ""}`.trim();
    if (res.status >= 500 || res.status === 429) return { failed: failure("later", "unavailable", { status: res.status }, why) };
    return { failed: failure("hold", "auth", { status: res.status }, why, { code: body?.error ?? null, holdUntil: now + salesforce.AUTH_HOLD_MS }) };
  }
  // HubSpot says when a token expires; Salesforce does not (a 401 tells us).
  const ttl = Number(body.expires_in);
  const entry = { token: body.access_token, expiresAt: Number.isFinite(ttl) && ttl > 60 ? now + (ttl - 60) * 1000 : null };
  tokens.set(key, entry);
  return { token: entry.token, refreshed: true };
}

// ---- one attempt -----------------------------------------------------------------------

async function httpCall(req, headers, text, timeoutMs) {
  const request = { method: req.method, path: new URL(req.url).pathname };
  let res;
  try {
    res = await fetch(req.url, { method: req.method, headers, body: text, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    return { status: 0, body: null, headers: new Headers(), request, error: `network error: ${e?.message ?? e}` };
  }
  const raw = await res.text().catch(() => "");
  let body = raw;
  try {
    body = raw ? JSON.parse(raw) : null;
  } catch {
    // Not JSON: keep the text for the error message.
  }
  return { status: res.status, body, headers: res.headers, request };
}

/**
 * `call(req)` for the CRM API or a webhook: JSON in and out, the bearer token (renewed once
 * after a 401 when OAuth is set up), Standard Webhooks headers when `req.signed`. Resolves
 * `{ status, body, headers, request }` (status 0: network error); throws a failure when the
 * token cannot be renewed. `id` is the delivery id (`Idempotency-Key`, `webhook-id`).
 */
export function crmCaller(settings, env, now, id, { notify = false } = {}) {
  const type = notify ? "webhook" : settings.crm.type;
  let auth = null;
  return async (req) => {
    const text = req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers = { accept: "application/json", "user-agent": "leadroute-edge", ...(id ? { "idempotency-key": id } : {}), ...(req.headers ?? {}) };
    if (text !== undefined) headers["content-type"] = "application/json";
    if ((req.signed || notify) && env.WEBHOOK_SECRET) Object.assign(headers, await webhookHeaders(env.WEBHOOK_SECRET, id, now, text ?? ""));
    if (notify) {
      if (env.NOTIFY_TOKEN) headers.authorization = `Bearer ${env.NOTIFY_TOKEN}`;
      return httpCall(req, headers, text, settings.retry.timeoutMs);
    }
    // A webhook gets its signature, never the CRM's token.
    if (type === "webhook") return httpCall(req, headers, text, settings.retry.timeoutMs);
    auth ??= await bearer(settings, env, now, false);
    if (auth.failed) throw auth.failed;
    if (auth.token) headers.authorization = `Bearer ${auth.token}`;
    const res = await httpCall(req, headers, text, settings.retry.timeoutMs);
    if (res.status !== 401 || auth.refreshed || !oauthOf(settings, env)) return res;
    // The session expired: one new token, one retry of this request.
    auth = await bearer(settings, env, now, true);
    if (auth.failed) throw auth.failed;
    headers.authorization = `Bearer ${auth.token}`;
    return httpCall(req, headers, text, settings.retry.timeoutMs);
  };
}

/**
 * One delivery attempt at time `now` (ms). Resolves to `{ ok: true, note?, crm_id? }` or a
 * failure `{ ok: false, retry, cause, status, error, field?, holdUntil?, retryAfterMs? }`;
 * never throws.
 */
export async function sendOnce(item, settings, env, now) {
  const notify = item.kind === "notify";
  if (notify ? !settings.notifyUrl : !settings.crm) return { ok: true, skipped: true };
  const call = crmCaller(settings, env, now, item.id, { notify });
  try {
    if (notify) {
      const res = await call({ method: "POST", url: settings.notifyUrl, body: { type: "leadroute.events", events: item.events } });
      return res.status >= 200 && res.status < 300 ? { ok: true } : classifyHttp(res, now);
    }
    return await ADAPTERS[settings.crm.type].deliver(item, { crm: settings.crm, baseUrl: trimBase(settings.crmUrl), now, call });
  } catch (e) {
    if (e && e.ok === false) return e;
    return failure("later", "unavailable", null, describe({ status: 0, error: e?.message ?? String(e) }));
  }
}

/** Exponential backoff with +-20% jitter, at least the CRM's Retry-After, at most `retry.maxMs`. */
export function backoffMs(attempt, retry, hintMs) {
  const exp = Math.min(retry.maxMs, retry.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exp * (0.8 + Math.random() * 0.4);
  return Math.round(Math.min(Math.max(retry.maxMs, hintMs ?? 0), Math.max(jittered, hintMs ?? 0)));
}

/**
 * Stateless mode (no outbox): a few attempts within `waitUntil`'s time, then give up.
 * `clock()` gives the time of each attempt. Resolves `{ ok, attempts, error, cause }`.
 */
export async function deliverWithRetries(item, settings, env, clock = Date.now) {
  const attempts = Math.min(settings.retry.maxAttempts || 5, 5);
  let last;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    last = await sendOnce(item, settings, env, clock());
    if (last.ok) return { ok: true, attempts: attempt };
    if (last.retry !== "later" || attempt === attempts) return { ok: false, attempts: attempt, error: last.error, cause: last.cause, status: last.status };
    await new Promise((r) => setTimeout(r, Math.min(5000, backoffMs(attempt, settings.retry, last.retryAfterMs))));
  }
  return { ok: false, attempts, error: last?.error, cause: last?.cause };
}
