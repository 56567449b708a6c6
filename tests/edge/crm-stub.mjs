// A contract stand-in CRM on 127.0.0.1 that behaves like the documented APIs, so the edge
// worker is tested against what Salesforce REST and HubSpot CRM v3 really do: their status
// codes and error bodies (`errorCode`, `category`, `policyName`), 207 partial batch
// results, expiring OAuth sessions, assignment rules that replace OwnerId unless
// `Sforce-Auto-Assign: FALSE`, duplicate and validation rules, and NO Idempotency-Key dedupe
// (neither API has one). Also a Standard Webhooks receiver and the notification endpoint.
//
//   node tests/edge/crm-stub.mjs [--port 8788] [--token T]   (GET /_records to inspect)
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

/** Deterministic pseudo-random numbers so a "5% failure" run is reproducible. */
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SF_LEAD_FIELDS = ["Id", "OwnerId", "FirstName", "LastName", "Email", "Company", "Title", "Phone", "Country", "State", "PostalCode", "Industry", "NumberOfEmployees", "AnnualRevenue", "LeadSource", "Description"];
const HS_PROPERTIES = ["email", "firstname", "lastname", "company", "jobtitle", "phone", "country", "state", "zip", "industry", "annualrevenue", "message", "hubspot_owner_id"];
const HS_NUMBERS = new Set(["annualrevenue", "numemployees"]);

/** Verifies Standard Webhooks headers: `{ ok, reason }`. `nowS` is the receiver's clock in seconds. */
export function verifyWebhook(secret, headers, body, nowS, toleranceS = 300) {
  const id = headers["webhook-id"];
  const ts = headers["webhook-timestamp"];
  const sig = headers["webhook-signature"];
  if (!id || !ts || !sig) return { ok: false, reason: "missing webhook-id, webhook-timestamp or webhook-signature" };
  if (!/^[0-9]+$/.test(ts) || Math.abs(nowS - Number(ts)) > toleranceS) return { ok: false, reason: "timestamp outside the tolerance" };
  const key = secret.startsWith("whsec_") ? Buffer.from(secret.slice(6), "base64") : Buffer.from(secret);
  const want = createHmac("sha256", key).update(`${id}.${ts}.${body}`).digest();
  for (const part of sig.split(" ")) {
    const [v, b64] = part.split(",");
    const got = Buffer.from(b64 ?? "", "base64");
    if (v === "v1" && got.length === want.length && timingSafeEqual(got, want)) return { ok: true };
  }
  return { ok: false, reason: "no valid v1 signature" };
}

/** A Salesforce-style record id: prefix, 12 characters, and the 3-character case checksum. */
function sfId(prefix, n) {
  const body = `${prefix}5e00000${String(n).padStart(5, "0")}`.slice(0, 15);
  let suffix = "";
  for (let c = 0; c < 3; c++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) if (/[A-Z]/.test(body[c * 5 + i])) bits |= 1 << i;
    suffix += "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"[bits];
  }
  return body + suffix;
}

/**
 * Starts the stand-in. Options:
 * - `token` / `notifyToken`: the static bearer CRM / notification requests must carry.
 * - `oauth`: `{ clientId, clientSecret, refreshToken }` enables the token endpoints
 *   (`/services/oauth2/token`, `/oauth/v1/token`); tokens they issue are also accepted.
 * - `salesforce`: `{ externalIdField, assignTo, duplicateRule, validation, users, queues, fields }`.
 *   `assignTo`: the owner an active assignment rule gives every created or updated Lead
 *   unless the request says `Sforce-Auto-Assign: FALSE`. `duplicateRule`: "block" refuses a
 *   Lead whose Email another Lead has. `validation(fields)`: `{ field, message }` or null.
 * - `hubspot`: `{ owners, leadIdProperty, validation }`; `validation(properties)` lists
 *   `{ name, error, message }` for a rejected input.
 * - `webhookSecret`: verify Standard Webhooks signatures on /webhook (401 when wrong or stale).
 */
export async function startCrm({ port = 0, token = null, notifyToken = null, seed = 7, oauth = null, salesforce = {}, hubspot = {}, webhookSecret = null } = {}) {
  const sfOpts = { externalIdField: "Leadroute_Id__c", assignTo: null, duplicateRule: null, validation: null, users: [], queues: [], fields: ["Product_Interest__c"], ...salesforce };
  const hsOpts = { owners: [], leadIdProperty: "leadroute_lead_id", validation: null, ...hubspot };
  const state = {
    requests: [],
    leads: new Map(),
    byCrmId: new Map(),
    notifications: [],
    tokens: new Set(),
    tokenRequests: 0,
    refreshToken: oauth?.refreshToken ?? null,
    limit: null,
    clockSkewMs: 0,
    failNext: [],
    failWhen: null,
    random: null,
    randomFails: new Map(),
    ids: 0,
  };

  /**
   * One CRM record, keyed as the tests look it up: by lead id (Salesforce external id,
   * webhook lead_id) or by email (HubSpot). `owners` lists every owner it was given.
   */
  function newRecord(key, prefix, extra = {}) {
    state.ids += 1;
    const id = prefix ? sfId(prefix, state.ids) : String(1000 + state.ids);
    const rec = { key, id, fields: {}, owner: null, owners: [], dataWrites: 0, writes: 0, ...extra };
    state.leads.set(key, rec);
    state.byCrmId.set(id, rec);
    return rec;
  }

  function write(rec, fields, owner) {
    Object.assign(rec.fields, fields);
    if (Object.keys(fields).length) rec.dataWrites += 1;
    rec.writes += 1;
    if (owner !== undefined && owner !== null && owner !== rec.owner) {
      rec.owner = owner;
      rec.owners.push(owner);
    }
  }

  // ---- Salesforce ----------------------------------------------------------------------

  const sfErr = (status, errorCode, message, fields = []) => [status, [{ message, errorCode, fields }]];

  function sfOwnerFor(headers, requested) {
    const auto = String(headers["sforce-auto-assign"] ?? "TRUE").toUpperCase();
    return sfOpts.assignTo && auto !== "FALSE" ? sfOpts.assignTo : requested;
  }

  function sfCheck(fields, existing) {
    const unknown = Object.keys(fields).find((f) => !SF_LEAD_FIELDS.includes(f) && !sfOpts.fields.includes(f) && f !== sfOpts.externalIdField);
    if (unknown) return sfErr(400, "INVALID_FIELD", `No such column '${unknown}' on sobject of type Lead`);
    if (fields.OwnerId !== undefined && !/^(005|00G)/.test(fields.OwnerId)) return sfErr(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["OwnerId"]);
    const merged = { ...(existing?.fields ?? {}), ...fields };
    if (!existing) {
      const missing = ["LastName", "Company"].filter((f) => !merged[f]);
      if (missing.length) return sfErr(400, "REQUIRED_FIELD_MISSING", `Required fields are missing: [${missing.join(", ")}]`, missing);
    }
    const v = sfOpts.validation?.(merged);
    if (v) return sfErr(400, "FIELD_CUSTOM_VALIDATION_EXCEPTION", v.message, [v.field]);
    if (!existing && sfOpts.duplicateRule === "block" && merged.Email) {
      const match = [...state.leads.values()].find((r) => r.crm === "salesforce" && r.fields.Email === merged.Email);
      if (match) {
        return [
          400,
          [
            {
              duplicateResult: {
                allowSave: false,
                duplicateRule: "Standard_Lead_Duplicate_Rule",
                duplicateRuleEntityType: "Lead",
                errorMessage: "Use one of these records?",
                matchResults: [{ entityType: "Lead", matchEngine: "ExactMatchEngine", matchRecords: [{ matchConfidence: 100, record: { attributes: { type: "Lead" }, Id: match.id } }], rule: "Standard_Lead_Match_Rule_v1_0", size: 1, success: true }],
              },
              errorCode: "DUPLICATES_DETECTED",
              message: "Use one of these records?",
            },
          ],
        ];
      }
    }
    return null;
  }

  function sfCreate(headers, body, extValue) {
    const { OwnerId, ...fields } = body;
    const ext = extValue ?? fields[sfOpts.externalIdField];
    if (ext !== undefined && state.leads.get(ext)?.crm === "salesforce") {
      const other = state.leads.get(ext);
      return sfErr(400, "DUPLICATE_VALUE", `duplicate value found: ${sfOpts.externalIdField} duplicates value on record with id: ${other.id}`, []);
    }
    const bad = sfCheck(body, null);
    if (bad) return bad;
    const rec = newRecord(ext ?? `sf-${state.ids + 1}`, "00Q", { crm: "salesforce" });
    if (ext !== undefined) fields[sfOpts.externalIdField] = ext;
    write(rec, fields, sfOwnerFor(headers, OwnerId) ?? "005-api-user");
    return [201, { id: rec.id, success: true, errors: [], created: true }];
  }

  function sfUpdate(headers, rec, body) {
    if (body[sfOpts.externalIdField] !== undefined && body[sfOpts.externalIdField] !== rec.key) {
      return sfErr(400, "INVALID_FIELD_FOR_INSERT_UPDATE", `Unable to create/update fields: ${sfOpts.externalIdField}`, [sfOpts.externalIdField]);
    }
    const bad = sfCheck(body, rec);
    if (bad) return bad;
    const { OwnerId, ...fields } = body;
    // Assignment rules run on updates too: they replace the owner even when none is sent.
    write(rec, fields, sfOwnerFor(headers, OwnerId));
    return null;
  }

  function sfQuery(q) {
    const ids = [...q.matchAll(/'([a-zA-Z0-9]{15,18})'/g)].map((m) => m[1].slice(0, 15));
    if (/FROM\s+User\b/i.test(q)) {
      const records = sfOpts.users.filter((u) => ids.includes(u.slice(0, 15))).map((Id) => ({ attributes: { type: "User" }, Id, IsActive: true }));
      return [200, { totalSize: records.length, done: true, records }];
    }
    if (/FROM\s+QueueSobject\b/i.test(q)) {
      const records = sfOpts.queues.filter((u) => ids.includes(u.slice(0, 15))).map((QueueId) => ({ attributes: { type: "QueueSobject" }, QueueId, SobjectType: "Lead" }));
      return [200, { totalSize: records.length, done: true, records }];
    }
    return sfErr(400, "MALFORMED_QUERY", "unexpected query for the stand-in");
  }

  function salesforceApi(method, path, body, headers, url) {
    const m = /^\/services\/data\/v[0-9.]+(\/.*)$/.exec(path);
    if (!m) return null;
    const rest = m[1];
    if (rest === "/sobjects/Lead/describe" && method === "GET") {
      const fields = [...SF_LEAD_FIELDS, ...sfOpts.fields].map((name) => ({ name, type: "string", createable: name !== "Id", updateable: name !== "Id", externalId: false, unique: false }));
      fields.push({ name: sfOpts.externalIdField, type: "string", createable: true, updateable: true, externalId: true, unique: true });
      return [200, { name: "Lead", fields }];
    }
    if (rest === "/query" && method === "GET") return sfQuery(url.searchParams.get("q") ?? "");
    if (rest === "/sobjects/Lead" && method === "POST") return sfCreate(headers, body);
    const byExt = /^\/sobjects\/Lead\/([^/]+)\/([^/]+)$/.exec(rest);
    if (byExt) {
      const field = decodeURIComponent(byExt[1]);
      const value = decodeURIComponent(byExt[2]);
      if (field !== sfOpts.externalIdField) return sfErr(404, "NOT_FOUND", `Provided external ID field does not exist or is not accessible: ${field}`);
      const rec = state.leads.get(value);
      const found = rec?.crm === "salesforce" ? rec : null;
      if (method === "GET") {
        if (!found) return sfErr(404, "NOT_FOUND", "The requested resource does not exist");
        return [200, { attributes: { type: "Lead", url: `/services/data/v60.0/sobjects/Lead/${found.id}` }, Id: found.id, OwnerId: found.owner, ...found.fields }];
      }
      if (method === "PATCH") {
        // Upsert: creates when no Lead has this external id.
        if (!found) {
          const [status, res] = sfCreate(headers, body, value);
          return [status, res];
        }
        const bad = sfUpdate(headers, found, body);
        return bad ?? [200, { id: found.id, success: true, errors: [], created: false }];
      }
    }
    const byId = /^\/sobjects\/Lead\/([a-zA-Z0-9]{15,18})$/.exec(rest);
    if (byId) {
      const rec = state.byCrmId.get(byId[1]);
      if (!rec) return sfErr(404, "NOT_FOUND", "The requested resource does not exist");
      if (method === "PATCH") return sfUpdate(headers, rec, body) ?? [204, null];
      if (method === "GET") return [200, { Id: rec.id, OwnerId: rec.owner, ...rec.fields }];
    }
    return sfErr(404, "NOT_FOUND", "The requested resource does not exist");
  }

  // ---- HubSpot -------------------------------------------------------------------------

  const hsErr = (status, category, message, extra = {}) => [status, { status: "error", message, correlationId: "00000000-stand-in", category, ...extra }];
  const byEmail = (email) => {
    const rec = state.leads.get(String(email ?? "").toLowerCase());
    return rec?.crm === "hubspot" ? rec : null;
  };
  const byLeadId = (id) => [...state.leads.values()].find((r) => r.crm === "hubspot" && r.fields[hsOpts.leadIdProperty] === id) ?? null;
  const hsView = (rec, props) => ({
    id: rec.id,
    properties: Object.fromEntries([...new Set(["email", ...(props ?? [])])].map((p) => [p, p === "hubspot_owner_id" ? rec.owner : (rec.fields[p] ?? null)])),
    createdAt: "2026-12-01T00:00:00Z",
    updatedAt: "2026-12-01T00:00:00Z",
    archived: false,
  });

  /** Why a contact's properties are refused, as HubSpot's list of invalid properties. */
  function hsInvalid(props) {
    const out = [];
    for (const [name, v] of Object.entries(props)) {
      if (!HS_PROPERTIES.includes(name) && name !== hsOpts.leadIdProperty) out.push({ isValid: false, message: `Property "${name}" does not exist`, error: "PROPERTY_DOESNT_EXIST", name });
      else if (HS_NUMBERS.has(name) && !Number.isFinite(Number(v))) out.push({ isValid: false, message: `${v} was not a valid number.`, error: "INVALID_INTEGER", name });
    }
    if (props.hubspot_owner_id !== undefined && hsOpts.owners.length && !hsOpts.owners.includes(String(props.hubspot_owner_id))) {
      out.push({ isValid: false, message: `${props.hubspot_owner_id} is not a valid owner id`, error: "INVALID_OWNER_ID", name: "hubspot_owner_id" });
    }
    return [...out, ...(hsOpts.validation?.(props) ?? [])];
  }

  const invalidError = (invalid, context) => ({ status: "error", category: "VALIDATION_ERROR", message: `Property values were not valid: ${JSON.stringify(invalid)}`, context });

  function hsWrite(rec, props) {
    const { hubspot_owner_id, ...fields } = props;
    write(rec, fields, hubspot_owner_id === undefined ? undefined : String(hubspot_owner_id));
  }

  /** A batch answer: 200 / 201 when every input worked, else 207 with per-input `errors`. */
  function batch(ok, results, errors) {
    const body = { status: "COMPLETE", results, startedAt: "2026-12-01T00:00:00Z", completedAt: "2026-12-01T00:00:00Z" };
    if (!errors.length) return [ok, body];
    return [207, { ...body, numErrors: errors.length, errors }];
  }

  function hubspotApi(method, path, body, url) {
    if (path === "/crm/v3/owners" && method === "GET") {
      // Pages of at most 10, so a client must follow `paging.next.after`.
      const limit = Math.min(10, Number(url.searchParams.get("limit") ?? 100));
      const start = Number(url.searchParams.get("after") ?? 0);
      const page = hsOpts.owners.slice(start, start + limit).map((id) => ({ id, email: `owner${id}@example.com`, userId: Number(id) + 1, archived: false }));
      const next = start + limit < hsOpts.owners.length ? { paging: { next: { after: String(start + limit) } } } : {};
      return [200, { results: page, ...next }];
    }
    if (path === "/crm/v3/properties/contacts" && method === "GET") {
      return [200, { results: [...HS_PROPERTIES, hsOpts.leadIdProperty].map((name) => ({ name, hasUniqueValue: name === hsOpts.leadIdProperty })) }];
    }
    const prop = /^\/crm\/v3\/properties\/contacts\/([^/]+)$/.exec(path);
    if (prop && method === "GET") {
      const name = decodeURIComponent(prop[1]);
      if (name !== hsOpts.leadIdProperty && !HS_PROPERTIES.includes(name)) return hsErr(404, "OBJECT_NOT_FOUND", `Unable to find property ${name}`);
      return [200, { name, type: "string", hasUniqueValue: name === hsOpts.leadIdProperty }];
    }
    const base = "/crm/v3/objects/contacts";
    if (path === `${base}/batch/read` && method === "POST") {
      if (body.idProperty !== "email") return hsErr(400, "VALIDATION_ERROR", "this stand-in reads contacts by email");
      const results = [];
      const missing = [];
      for (const { id } of body.inputs ?? []) {
        const rec = byEmail(id);
        if (rec) results.push(hsView(rec, body.properties));
        else missing.push(id);
      }
      const errors = missing.length ? [{ status: "error", category: "OBJECT_NOT_FOUND", message: "Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.", context: { ids: missing } }] : [];
      return batch(200, results, errors);
    }
    if (path === `${base}/batch/create` && method === "POST") {
      const results = [];
      const errors = [];
      for (const input of body.inputs ?? []) {
        const props = input.properties ?? {};
        const trace = input.objectWriteTraceId ? { objectWriteTraceId: [input.objectWriteTraceId] } : {};
        const invalid = hsInvalid(props);
        if (invalid.length) {
          errors.push(invalidError(invalid, trace));
          continue;
        }
        const existing = byEmail(props.email) ?? (props[hsOpts.leadIdProperty] ? byLeadId(props[hsOpts.leadIdProperty]) : null);
        if (existing) {
          errors.push({ status: "error", category: "CONFLICT", message: `Contact already exists. Existing ID: ${existing.id}`, context: trace });
          continue;
        }
        const rec = newRecord(String(props.email).toLowerCase(), null, { crm: "hubspot" });
        hsWrite(rec, props);
        results.push({ ...hsView(rec, Object.keys(props)), ...(input.objectWriteTraceId ? { objectWriteTraceId: input.objectWriteTraceId } : {}) });
      }
      return batch(201, results, errors);
    }
    if (path === `${base}/batch/upsert` && method === "POST") {
      const results = [];
      const errors = [];
      for (const input of body.inputs ?? []) {
        if (input.idProperty !== "email" || !input.id) return hsErr(400, "VALIDATION_ERROR", "idProperty email and id are required");
        const props = input.properties ?? {};
        const invalid = hsInvalid(props);
        if (invalid.length) {
          errors.push(invalidError(invalid, { ids: [input.id] }));
          continue;
        }
        const rec = byEmail(input.id) ?? newRecord(String(input.id).toLowerCase(), null, { crm: "hubspot" });
        rec.fields.email ??= input.id;
        hsWrite(rec, props);
        results.push(hsView(rec, Object.keys(props)));
      }
      return batch(200, results, errors);
    }
    const one = /^\/crm\/v3\/objects\/contacts\/([^/]+)$/.exec(path);
    if (one && method === "PATCH") {
      const id = decodeURIComponent(one[1]);
      const idProperty = url.searchParams.get("idProperty");
      const rec = idProperty === hsOpts.leadIdProperty ? byLeadId(id) : idProperty === "email" ? byEmail(id) : (state.byCrmId.get(id) ?? null);
      if (!rec) return hsErr(404, "OBJECT_NOT_FOUND", "resource not found");
      const invalid = hsInvalid(body.properties ?? {});
      if (invalid.length) return [400, invalidError(invalid, {})];
      hsWrite(rec, body.properties ?? {});
      return [200, hsView(rec, Object.keys(body.properties ?? {}))];
    }
    return null;
  }

  // ---- webhook and notifications ---------------------------------------------------------

  function webhookApi(body) {
    if (!body.lead_id || !body.type) return [400, { error: "type and lead_id are required" }];
    const rec = state.leads.get(body.lead_id) ?? newRecord(body.lead_id, null, { crm: "webhook" });
    if (body.type === "lead.routed") {
      Object.assign(rec.fields, body.lead ?? {});
      rec.decision = body.decision;
      rec.dataWrites += 1;
    }
    rec.writes += 1;
    rec.owner = body.owner_id ?? null;
    rec.owners.push(rec.owner);
    return [202, { accepted: true }];
  }

  // ---- auth, limits, told failures -------------------------------------------------------

  function tokenEndpoint(text) {
    state.tokenRequests += 1;
    const p = new URLSearchParams(text);
    if (!oauth || p.get("grant_type") !== "refresh_token") return [400, { error: "unsupported_grant_type", error_description: "grant type not supported" }];
    if (p.get("client_id") !== oauth.clientId || p.get("client_secret") !== oauth.clientSecret) return [400, { error: "invalid_client", error_description: "invalid client credentials" }];
    if (p.get("refresh_token") !== state.refreshToken) return [400, { error: "invalid_grant", error_description: "expired access/refresh token" }];
    const access = `00D!stand-in-access-${state.tokenRequests}`;
    state.tokens.add(access);
    return [200, { access_token: access, token_type: "Bearer", instance_url: "http://127.0.0.1", issued_at: String(Date.now()), expires_in: 1800, refresh_token: state.refreshToken }];
  }

  function authorized(auth) {
    if (!token && !oauth) return true;
    const t = /^Bearer (.+)$/.exec(auth ?? "")?.[1];
    return Boolean(t) && (t === token || state.tokens.has(t));
  }

  function unauthorized(api) {
    if (api === "salesforce") return sfErr(401, "INVALID_SESSION_ID", "Session expired or invalid");
    return hsErr(401, "EXPIRED_AUTHENTICATION", "The OAuth token used to make this call expired.");
  }

  function limited(api) {
    const l = state.limit;
    if (!l || l.api !== api) return null;
    if (l.count !== null && l.count-- <= 0) {
      state.limit = null;
      return null;
    }
    if (api === "salesforce") return sfErr(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
    const name = l.policy === "DAILY" ? "daily" : "ten_secondly_rolling";
    return [429, { status: "error", message: `You have reached your ${name} limit.`, errorType: "RATE_LIMIT", correlationId: "00000000-stand-in", policyName: l.policy }];
  }

  function failureFor(entry) {
    if (state.failNext.length) return state.failNext.shift();
    if (state.failWhen) {
      const f = state.failWhen(entry);
      if (f) return f;
    }
    // Random failures are transient: at most two per record, so a lead is dead-lettered
    // only when the test asks for it (4 attempts), however the retries interleave.
    if (state.random && state.random.next() < state.random.rate) {
      const key = entry.lead ?? entry.path;
      const n = state.randomFails.get(key) ?? 0;
      if (n < 2) {
        state.randomFails.set(key, n + 1);
        return { status: state.random.status };
      }
    }
    return null;
  }

  /** Which lead a request is about, so tests can fail or find it by lead id. */
  function leadOf(path, body, url) {
    const ext = /\/sobjects\/Lead\/[^/]+__c\/([^/]+)$/.exec(path);
    if (ext) return decodeURIComponent(ext[1]);
    const id = /\/sobjects\/Lead\/([a-zA-Z0-9]{15,18})$/.exec(path);
    if (id) return state.byCrmId.get(id[1])?.key ?? null;
    if (path.endsWith("/sobjects/Lead")) return body?.[sfOpts.externalIdField] ?? null;
    if (url.searchParams.get("idProperty") === hsOpts.leadIdProperty) return decodeURIComponent(path.split("/").pop());
    const input = body?.inputs?.[0];
    if (input) {
      const email = input.properties?.email ?? input.id;
      return input.properties?.[hsOpts.leadIdProperty] ?? byEmail(email)?.fields[hsOpts.leadIdProperty] ?? email ?? null;
    }
    return body?.lead_id ?? null;
  }

  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url, "http://127.0.0.1");
      const send = (status, body) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(body === null || body === undefined ? "" : JSON.stringify(body));
      };
      if (url.pathname === "/_records" && req.method === "GET") {
        return send(200, { requests: state.requests, leads: [...state.leads.values()], notifications: state.notifications });
      }
      if (url.pathname === "/services/oauth2/token" || url.pathname === "/oauth/v1/token") {
        const [status, body] = tokenEndpoint(text);
        state.requests.push({ method: req.method, path: url.pathname, status, token: true, at: Date.now() });
        return send(status, body);
      }
      let body = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        return send(400, [{ errorCode: "JSON_PARSER_ERROR", message: "body is not JSON" }]);
      }
      const api = url.pathname.startsWith("/services/data/") ? "salesforce" : url.pathname.startsWith("/crm/v3/") ? "hubspot" : url.pathname === "/webhook" ? "webhook" : url.pathname === "/notify" ? "notify" : null;
      const entry = {
        method: req.method,
        path: url.pathname,
        query: url.search,
        api,
        lead: api === "notify" ? null : leadOf(url.pathname, body, url),
        key: req.headers["idempotency-key"] ?? null,
        auth: req.headers.authorization ?? null,
        headers: { ...req.headers },
        body,
        raw: text,
        at: Date.now(),
      };
      state.requests.push(entry);
      const answer = (status, b) => {
        entry.status = status;
        entry.answer = b;
        return send(status, b);
      };
      if (api === "notify") {
        if (notifyToken && entry.auth !== `Bearer ${notifyToken}`) return answer(401, { error: "invalid token" });
      } else if (api === "webhook") {
        if (webhookSecret) {
          const v = verifyWebhook(webhookSecret, req.headers, text, Math.floor((Date.now() + state.clockSkewMs) / 1000));
          entry.verified = v.ok;
          if (!v.ok) return answer(401, { error: v.reason });
        }
      } else if (api && !authorized(entry.auth)) {
        const [status, b] = unauthorized(api);
        return answer(status, b);
      }
      const failure = failureFor(entry);
      if (failure && !failure.afterStore) {
        if (failure.status === 0) {
          entry.status = 0;
          return req.socket.destroy();
        }
        return answer(failure.status, failure.body ?? { error: "told to fail" });
      }
      const limit = api === "salesforce" || api === "hubspot" ? limited(api) : null;
      if (limit) return answer(limit[0], limit[1]);
      let result;
      if (api === "salesforce") result = salesforceApi(req.method, url.pathname, body ?? {}, req.headers, url);
      else if (api === "hubspot") result = hubspotApi(req.method, url.pathname, body ?? {}, url);
      else if (api === "webhook" && req.method === "POST") result = webhookApi(body ?? {});
      else if (api === "notify" && req.method === "POST") {
        state.notifications.push(...(body?.events ?? []));
        result = [204, null];
      }
      result ??= [404, { error: `no route ${req.method} ${url.pathname}` }];
      // Stored, then the answer is lost: the sender cannot tell it from a failure.
      if (failure?.afterStore) {
        entry.stored = result[0];
        return answer(failure.status, { error: "stored, then failed" });
      }
      return answer(result[0], result[1]);
    });
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    /** The Salesforce and HubSpot behaviour options, changeable between tests. */
    salesforce: sfOpts,
    hubspot: hsOpts,
    get requests() {
      return state.requests;
    },
    get leads() {
      return state.leads;
    },
    get notifications() {
      return state.notifications;
    },
    get tokenRequests() {
      return state.tokenRequests;
    },
    /** Requests about one lead (by lead id; HubSpot reads by email count too). */
    requestsFor(lead) {
      return state.requests.filter((r) => r.lead === lead);
    },
    /** Every issued OAuth access token stops working (the session timeout passed). */
    expireSessions() {
      state.tokens.clear();
    },
    /** The refresh token is revoked (or rotated elsewhere): renewals get invalid_grant. */
    revokeRefreshToken(next = null) {
      state.refreshToken = next;
    },
    /**
     * The API answers with its limit error: Salesforce 403 REQUEST_LIMIT_EXCEEDED, HubSpot
     * 429 with `policyName` ("TEN_SECONDLY_ROLLING" or "DAILY"), until `endLimit()` (or
     * for the next `count` requests).
     */
    limit(api, policy = null, count = null) {
      state.limit = { api, policy, count };
    },
    endLimit() {
      state.limit = null;
    },
    /** A contact a rep already works on (HubSpot), or a Lead created outside leadroute. */
    seedContact(email, { owner, fields = {} }) {
      const rec = newRecord(email.toLowerCase(), null, { crm: "hubspot" });
      write(rec, { email, ...fields }, owner);
      rec.dataWrites = 0;
      rec.writes = 0;
      return rec;
    },
    /** A rep edits the record in the CRM. */
    edit(key, fields) {
      Object.assign(state.leads.get(key).fields, fields);
    },
    /** The record is deleted in the CRM. */
    remove(key) {
      const rec = state.leads.get(key);
      state.leads.delete(key);
      if (rec) state.byCrmId.delete(rec.id);
    },
    /** The receiver's clock runs `ms` ahead (webhook timestamps look that old). */
    skewClock(ms) {
      state.clockSkewMs = ms;
    },
    /** The next `n` requests fail with `status` (0 = connection dropped). */
    failNext(n, status = 503, { afterStore = false, body } = {}) {
      for (let i = 0; i < n; i++) state.failNext.push({ status, afterStore, body });
    },
    /** `fn(entry)` returns `{ status, afterStore?, body? }` to fail a request, or null. */
    failWhen(fn) {
      state.failWhen = fn;
    },
    failRandomly(rate, status = 503) {
      state.random = rate > 0 ? { rate, status, next: prng(seed) } : null;
    },
    healthy() {
      state.failNext = [];
      state.failWhen = null;
      state.random = null;
      state.limit = null;
    },
    reset() {
      state.requests = [];
      state.leads = new Map();
      state.byCrmId = new Map();
      state.notifications = [];
      this.healthy();
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const crm = await startCrm({ port: Number(arg("--port") ?? 8788), token: arg("--token") ?? null });
  console.log(`stand-in CRM on ${crm.url} (GET ${crm.url}/_records)`);
  process.on("SIGINT", () => crm.close().then(() => process.exit(0)));
}
