// Sends one outbox item (a CRM write or a notification batch) over HTTP with the secrets
// from the Worker env, and decides what a failure means: retry later or give up.
import { crmRequest } from "./crm.js";

async function hmacHex(secret, text) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text));
  return [...new Uint8Array(sig)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The request for an item, or null when there is nowhere to send it. */
export function requestFor(item, settings) {
  if (item.kind === "notify") {
    if (!settings.notifyUrl) return null;
    return { method: "POST", url: settings.notifyUrl, body: { type: "leadroute.events", events: item.events } };
  }
  if (!settings.crm) return null;
  return crmRequest(settings.crm, settings.crmUrl, item);
}

function retryable(status) {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

function retryAfterMs(res) {
  const v = res.headers.get("retry-after");
  if (!v) return undefined;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/**
 * One attempt. Resolves to `{ ok, status, retryable, error, retryAfterMs }`; never throws.
 * The same `Idempotency-Key` (the item id) is sent on every attempt, so a retry after a
 * lost response is not a second lead.
 */
export async function sendOnce(item, settings, env) {
  const req = requestFor(item, settings);
  if (!req) return { ok: true, status: 0, skipped: true };
  const text = JSON.stringify(req.body);
  const headers = { "content-type": "application/json", "idempotency-key": item.id, "user-agent": "leadroute-edge" };
  const secretName = item.kind === "notify" ? "NOTIFY_TOKEN" : "CRM_TOKEN";
  if (env[secretName]) headers.authorization = `Bearer ${env[secretName]}`;
  if ((item.kind === "notify" || settings.crm?.type === "webhook") && env.WEBHOOK_SECRET) {
    headers["x-leadroute-signature"] = `sha256=${await hmacHex(env.WEBHOOK_SECRET, text)}`;
  }
  let res;
  try {
    res = await fetch(req.url, {
      method: req.method,
      headers,
      body: text,
      signal: AbortSignal.timeout(settings.retry.timeoutMs),
    });
  } catch (e) {
    return { ok: false, status: 0, retryable: true, error: `network error: ${e?.message ?? e}` };
  }
  if (res.ok) {
    await res.body?.cancel();
    return { ok: true, status: res.status };
  }
  let detail = "";
  try {
    detail = (await res.text()).slice(0, 300);
  } catch {
    // The status is enough to decide.
  }
  return {
    ok: false,
    status: res.status,
    retryable: retryable(res.status),
    retryAfterMs: retryAfterMs(res),
    error: `${req.method} ${new URL(req.url).pathname} answered ${res.status}${detail ? `: ${detail}` : ""}`,
  };
}

/** Exponential backoff with +-20% jitter, honouring Retry-After up to the cap. */
export function backoffMs(attempt, retry, hintMs) {
  const exp = Math.min(retry.maxMs, retry.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exp * (0.8 + Math.random() * 0.4);
  return Math.round(Math.min(retry.maxMs, Math.max(jittered, hintMs ?? 0)));
}

/** All attempts in one go (stateless mode, no outbox): `{ ok, attempts, error }`. */
export async function deliverWithRetries(item, settings, env) {
  let last;
  for (let attempt = 1; attempt <= settings.retry.maxAttempts; attempt++) {
    last = await sendOnce(item, settings, env);
    if (last.ok) return { ok: true, attempts: attempt };
    if (!last.retryable || attempt === settings.retry.maxAttempts) return { ok: false, attempts: attempt, error: last.error, status: last.status };
    await new Promise((r) => setTimeout(r, backoffMs(attempt, settings.retry, last.retryAfterMs)));
  }
  return { ok: false, attempts: settings.retry.maxAttempts, error: last?.error };
}
