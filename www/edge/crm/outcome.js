// What a CRM answer means for delivery, shared by the adapters: a failure says whether to
// retry later, hold every CRM delivery (limits, credentials) or never (dead letter), and why.

/**
 * A failed delivery. `retry`: "later" (this item backs off), "hold" (every CRM item waits
 * until `holdUntil`), "never" (dead letter now). `cause` groups dead letters; `field` names
 * the CRM field a validation error is about.
 */
export function failure(retry, cause, res, error, extra = {}) {
  return { ok: false, retry, cause, status: res?.status ?? 0, error, ...extra };
}

/** `POST /path answered 400 CODE: message`, short enough for a dead-letter list. */
export function describe(res, code, message) {
  const where = res?.request ? `${res.request.method} ${res.request.path} ` : "";
  if (!res || res.status === 0) return `${where}failed: ${res?.error ?? "network error"}`;
  const text = message ?? (typeof res.body === "string" ? res.body : JSON.stringify(res.body ?? ""));
  return `${where}answered ${res.status}${code ? ` ${code}` : ""}${text ? `: ${String(text).slice(0, 300)}` : ""}`;
}

export function retryAfterMs(res, now) {
  const v = res?.headers?.get?.("retry-after");
  if (!v) return undefined;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** A plain HTTP receiver (webhook, notifications): 5xx, 408, 425, 429 and network errors retry. */
export function classifyHttp(res, now) {
  const error = describe(res);
  if (res.status === 0) return failure("later", "unavailable", res, error);
  if (res.status === 429) return failure("later", "rate_limited", res, error, { retryAfterMs: retryAfterMs(res, now) });
  if (res.status === 408 || res.status === 425 || res.status >= 500) return failure("later", "unavailable", res, error, { retryAfterMs: retryAfterMs(res, now) });
  if (res.status === 401 || res.status === 403) return failure("never", "permission", res, error);
  return failure("never", "rejected", res, error);
}
