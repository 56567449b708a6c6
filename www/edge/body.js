// Reads a submission body: JSON, a URL-encoded form or multipart form data, never more than
// the size limit (a chunked body is cut off at the limit, not buffered whole).
import { failure } from "./errors.js";

const TYPES = {
  "application/json": "json",
  "application/x-www-form-urlencoded": "urlencoded",
  "multipart/form-data": "multipart",
};

function fail(code, message, field = null) {
  return { ok: false, ...failure(code, message, field) };
}

function describe(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v;
}

/** The body's bytes, or null as soon as more than `maxBytes` have arrived. */
async function readLimited(stream, maxBytes) {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const parts = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Form entries as a plain object of strings (the last value of a repeated name wins). */
function formObject(entries) {
  const body = {};
  for (const [name, value] of entries) {
    // Uploaded files are not lead fields.
    if (typeof value === "string") body[name] = value;
  }
  return body;
}

/**
 * `{ ok: true, body, kind }` (kind: json | urlencoded | multipart), or
 * `{ ok: false, status, error }`: 413 too large, 415 another type, 400 malformed.
 */
export async function readBody(request, maxBytes) {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    return fail("too_large", `body is ${declared} bytes; the limit is ${maxBytes} bytes`);
  }
  const type = (request.headers.get("content-type") ?? "").trim();
  const kind = TYPES[type.split(";")[0].trim().toLowerCase()];
  if (!kind) {
    return fail(
      "unsupported_media_type",
      `send the lead as application/json, application/x-www-form-urlencoded or multipart/form-data, found ${JSON.stringify(type)}`,
    );
  }
  const bytes = await readLimited(request.body, maxBytes);
  if (!bytes) return fail("too_large", `body is larger than the limit of ${maxBytes} bytes`);
  if (kind === "urlencoded") return { ok: true, kind, body: formObject(new URLSearchParams(new TextDecoder().decode(bytes))) };
  if (kind === "multipart") {
    try {
      const form = await new Response(bytes, { headers: { "content-type": type } }).formData();
      return { ok: true, kind, body: formObject(form) };
    } catch (e) {
      return fail("invalid_form", `body is not valid multipart/form-data: ${e.message}`);
    }
  }
  let body;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    return fail("invalid_json", `body is not valid JSON: ${e.message}`);
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return fail("invalid_body", `body must be a JSON object of lead fields, found ${describe(body)}`);
  }
  return { ok: true, kind, body };
}
