// Checks a lead submission before it reaches the engine: declared fields, string limits,
// required fields and ids. Keeps only declared fields, so a forged owner, decision or CRM
// field in the payload can never reach routing or the CRM. Form strings for number and
// boolean fields pass through: the engine coerces them (and refuses what does not convert).
import { failure } from "./errors.js";

const ID_RE = /^[A-Za-z0-9._:@-]{1,128}$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_STRING = 5000;
const WANTED = { string: "a string", number: "a number", boolean: "true or false" };

function fail(code, message, field = null) {
  return { ok: false, ...failure(code, message, field) };
}

function describe(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * The clean lead from a parsed body: declared fields only, types checked. `key` is the
 * idempotency key (the header, else the lead id); a lead without either gets a fresh id.
 */
export function checkLead(body, config, idempotencyHeader) {
  const fields = config.fields ?? {};
  const lead = {};
  const ignored = [];
  for (const [name, value] of Object.entries(body)) {
    if (name === "id") continue;
    const type = fields[name];
    if (!type) {
      ignored.push(name);
      continue;
    }
    if (value === null || value === undefined || value === "") continue;
    if (typeof value === "string") {
      const v = value.trim();
      if (v.length > MAX_STRING) return fail("too_long", `field "${name}" is ${v.length} characters; the limit is ${MAX_STRING}`, name);
      if (v !== "") lead[name] = v;
      continue;
    }
    const fits = type === "number" ? typeof value === "number" && Number.isFinite(value) : type === "boolean" && typeof value === "boolean";
    if (!fits) return fail("wrong_type", `field "${name}" must be ${WANTED[type] ?? "a string"}, found ${describe(value)}`, name);
    lead[name] = value;
  }
  for (const name of config.screening?.required ?? []) {
    if (lead[name] === undefined) return fail("missing_field", `field "${name}" is required`, name);
  }
  if (fields.email === "string" && lead.email !== undefined && !EMAIL_RE.test(lead.email)) {
    return fail("invalid_email", `field "email" is not an email address: ${JSON.stringify(lead.email.slice(0, 80))}`, "email");
  }
  let id = body.id;
  if (id !== undefined && id !== null) {
    if (typeof id !== "string" || !ID_RE.test(id)) {
      return fail("invalid_id", `field "id" must be 1-128 characters of letters, digits and . _ : @ -, found ${describe(id)}`, "id");
    }
  }
  let key = idempotencyHeader ?? undefined;
  if (key !== undefined && !ID_RE.test(key)) {
    return fail("invalid_idempotency_key", "header Idempotency-Key must be 1-128 characters of letters, digits and . _ : @ -", "Idempotency-Key");
  }
  id = id ?? key ?? crypto.randomUUID();
  key = key ?? id;
  lead.id = id;
  return { ok: true, lead, key, ignored };
}

/** Canonical text of a clean lead (sorted keys), for detecting a reused idempotency key. */
export function canonical(lead) {
  return JSON.stringify(Object.keys(lead).sort().map((k) => [k, lead[k]]));
}
