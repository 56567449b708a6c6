// The submission as the worker hands it on: declared fields only (a forged owner,
// decision or CRM field never reaches routing or the CRM), the id and idempotency key
// settled. Whether the lead is good is the core's rule (`Router.checkLead`: types after
// the documented coercion of form strings, limits, required fields, ids, the email
// address); this file has none of its own.
import { failure } from "./errors.js";

const KEY_RE = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * The clean lead from a parsed body, checked by `checker` (a compiled Router). `key` is
 * the idempotency key (the header, else the lead id); a lead without either gets a fresh
 * id. A refusal carries the first problem as `error` and every problem as `errors`.
 */
export function checkLead(body, config, idempotencyHeader, checker) {
  const fields = config.fields ?? {};
  const lead = {};
  const ignored = [];
  for (const [name, value] of Object.entries(body)) {
    if (name === "id") continue;
    if (!fields[name]) {
      ignored.push(name);
      continue;
    }
    if (value === null || value === undefined) continue;
    const v = typeof value === "string" ? value.trim() : value;
    if (v !== "") lead[name] = v;
  }
  let key = idempotencyHeader ?? undefined;
  if (key !== undefined && !KEY_RE.test(key)) {
    return { ok: false, ...failure("invalid_idempotency_key", "header Idempotency-Key must be 1-128 characters of letters, digits and . _ : @ -", "Idempotency-Key") };
  }
  const id = body.id ?? key ?? crypto.randomUUID();
  key = key ?? (typeof id === "string" ? id : undefined);
  const checked = checker.checkLead({ ...lead, id });
  if (!checked.ok) {
    const [first] = checked.errors;
    const out = failure(first.code, first.message, first.field || null);
    out.error.errors = checked.errors;
    return { ok: false, ...out };
  }
  lead.id = id;
  return { ok: true, lead, key, ignored };
}

/** Canonical text of a clean lead (sorted keys), for detecting a reused idempotency key. */
export function canonical(lead) {
  return JSON.stringify(Object.keys(lead).sort().map((k) => [k, lead[k]]));
}
