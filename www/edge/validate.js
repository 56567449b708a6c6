// Checks a lead submission before it reaches the engine: size, JSON shape, declared
// field types, required fields and ids. Keeps only declared fields, so a forged owner,
// decision or CRM field in the payload can never reach routing or the CRM.

const ID_RE = /^[A-Za-z0-9._:@-]{1,128}$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_STRING = 5000;

/** A 4xx answer: `{ status, error: { code, field, message } }`. */
export function fail(status, code, message, field = null) {
  return { ok: false, status, error: { code, field, message } };
}

function describe(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Byte length of the body, checked against the limit before parsing. */
export async function readBody(request, maxBytes) {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    return fail(413, "too_large", `body is ${declared} bytes; the limit is ${maxBytes} bytes`);
  }
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type.trim())) {
    return fail(415, "unsupported_media_type", `send the lead as JSON with content-type application/json, found ${JSON.stringify(type)}`);
  }
  const buf = await request.arrayBuffer();
  if (buf.byteLength > maxBytes) {
    return fail(413, "too_large", `body is ${buf.byteLength} bytes; the limit is ${maxBytes} bytes`);
  }
  let body;
  try {
    body = JSON.parse(new TextDecoder().decode(buf));
  } catch (e) {
    return fail(400, "invalid_json", `body is not valid JSON: ${e.message}`);
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return fail(400, "invalid_body", `body must be a JSON object of lead fields, found ${describe(body)}`);
  }
  return { ok: true, body };
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
    if (type === "string") {
      if (typeof value !== "string") return fail(422, "wrong_type", `field "${name}" must be a string, found ${describe(value)}`, name);
      const v = value.trim();
      if (v.length > MAX_STRING) return fail(422, "too_long", `field "${name}" is ${v.length} characters; the limit is ${MAX_STRING}`, name);
      if (v !== "") lead[name] = v;
    } else if (type === "number") {
      if (typeof value !== "number" || !Number.isFinite(value)) {
        return fail(422, "wrong_type", `field "${name}" must be a number, found ${describe(value)}`, name);
      }
      lead[name] = value;
    } else if (type === "boolean") {
      if (typeof value !== "boolean") return fail(422, "wrong_type", `field "${name}" must be true or false, found ${describe(value)}`, name);
      lead[name] = value;
    }
  }
  for (const name of config.screening?.required ?? []) {
    if (lead[name] === undefined) return fail(422, "missing_field", `field "${name}" is required`, name);
  }
  if (fields.email === "string" && lead.email !== undefined && !EMAIL_RE.test(lead.email)) {
    return fail(422, "invalid_email", `field "email" is not an email address: ${JSON.stringify(lead.email.slice(0, 80))}`, "email");
  }
  let id = body.id;
  if (id !== undefined && id !== null) {
    if (typeof id !== "string" || !ID_RE.test(id)) {
      return fail(422, "invalid_id", `field "id" must be 1-128 characters of letters, digits and . _ : @ -, found ${describe(id)}`, "id");
    }
  }
  let key = idempotencyHeader ?? undefined;
  if (key !== undefined && !ID_RE.test(key)) {
    return fail(400, "invalid_idempotency_key", "header Idempotency-Key must be 1-128 characters of letters, digits and . _ : @ -", "Idempotency-Key");
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
