// A stand-in CRM on 127.0.0.1: speaks enough of Salesforce (Lead upsert by external id),
// HubSpot (contacts batch upsert) and a JSON webhook to record what the edge worker sends,
// dedupes on Idempotency-Key like a careful CRM, and can be told to fail.
//
//   node tests/edge/crm-stub.mjs [--port 8788] [--token T]   (GET /_records to inspect)
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

/**
 * Starts the stand-in. `token` / `notifyToken`: when set, CRM / notification requests must
 * carry `Authorization: Bearer <token>`.
 * Returns `{ url, leads, requests, notifications, failNext, failWhen, failRandomly, reset, close }`.
 */
export async function startCrm({ port = 0, token = null, notifyToken = null, seed = 7 } = {}) {
  const state = {
    requests: [],
    leads: new Map(),
    notifications: [],
    seen: new Map(),
    failNext: [],
    failWhen: null,
    random: null,
    randomFails: new Map(),
  };

  function leadRecord(key) {
    let rec = state.leads.get(key);
    if (!rec) {
      rec = { key, fields: {}, owner: null, owners: [], dataWrites: 0, writes: 0 };
      state.leads.set(key, rec);
    }
    return rec;
  }

  /** Records an upsert: its fields (a data write when there are any) and its owner if set. */
  function upsert(key, fields, owner) {
    const rec = leadRecord(key);
    Object.assign(rec.fields, fields);
    if (Object.keys(fields).length) rec.dataWrites += 1;
    rec.writes += 1;
    if (owner !== undefined) {
      rec.owner = owner;
      rec.owners.push(owner);
    }
  }

  /** Applies one CRM write; returns [status, body]. */
  function apply(method, path, body) {
    const sf = /^\/services\/data\/[^/]+\/sobjects\/Lead\/([^/]+)\/([^/]+)$/.exec(path);
    if (sf && method === "PATCH") {
      const id = decodeURIComponent(sf[2]);
      const exists = state.leads.has(id);
      const { OwnerId, ...fields } = body;
      if (!exists && (!fields.LastName || !fields.Company)) {
        return [400, [{ errorCode: "REQUIRED_FIELD_MISSING", message: "Required fields are missing: [LastName, Company]" }]];
      }
      upsert(id, fields, OwnerId);
      return [exists ? 200 : 201, { id: `00Q${String(state.leads.size).padStart(15, "0")}`, success: true, created: !exists }];
    }
    if (path === "/crm/v3/objects/contacts/batch/upsert" && method === "POST") {
      const results = [];
      for (const input of body.inputs ?? []) {
        if (input.idProperty !== "email" || !input.id) return [400, { status: "error", message: "idProperty email and id are required" }];
        const { hubspot_owner_id, ...fields } = input.properties ?? {};
        upsert(input.id, fields, hubspot_owner_id);
        results.push({ id: String(state.leads.size), properties: input.properties });
      }
      return [200, { status: "COMPLETE", results }];
    }
    if (path === "/webhook" && method === "POST") {
      if (!body.lead_id || !body.type) return [400, { error: "type and lead_id are required" }];
      const rec = leadRecord(body.lead_id);
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
    if (path === "/notify" && method === "POST") {
      state.notifications.push(...(body.events ?? []));
      return [204, null];
    }
    return [404, { error: `no route ${method} ${path}` }];
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
      const n = state.randomFails.get(entry.path) ?? 0;
      if (n < 2) {
        state.randomFails.set(entry.path, n + 1);
        return { status: state.random.status };
      }
    }
    return null;
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
      let body = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        return send(400, { error: "body is not JSON" });
      }
      const entry = {
        method: req.method,
        path: url.pathname,
        key: req.headers["idempotency-key"] ?? null,
        auth: req.headers.authorization ?? null,
        signature: req.headers["x-leadroute-signature"] ?? null,
        body,
        raw: text,
        at: Date.now(),
      };
      state.requests.push(entry);
      const required = url.pathname === "/notify" ? notifyToken : token;
      if (required && entry.auth !== `Bearer ${required}`) {
        entry.status = 401;
        return send(401, { error: "invalid token" });
      }
      const failure = failureFor(entry);
      if (failure && !failure.afterStore) {
        entry.status = failure.status;
        if (failure.status === 0) return req.socket.destroy();
        return send(failure.status, { error: "told to fail" });
      }
      let result;
      if (entry.key && state.seen.has(entry.key)) {
        entry.duplicate = true;
        result = state.seen.get(entry.key);
      } else {
        result = apply(req.method, url.pathname, body ?? {});
        if (entry.key && result[0] < 300) state.seen.set(entry.key, result);
      }
      // Stored, then the answer is lost: the sender must retry with the same key.
      if (failure?.afterStore) {
        entry.status = failure.status;
        return send(failure.status, { error: "stored, then failed" });
      }
      entry.status = result[0];
      return send(result[0], result[1]);
    });
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    get requests() {
      return state.requests;
    },
    get leads() {
      return state.leads;
    },
    get notifications() {
      return state.notifications;
    },
    /** The next `n` requests fail with `status` (0 = connection dropped). */
    failNext(n, status = 503, { afterStore = false } = {}) {
      for (let i = 0; i < n; i++) state.failNext.push({ status, afterStore });
    },
    /** `fn(entry)` returns `{ status }` to fail a request, or null. */
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
    },
    reset() {
      state.requests = [];
      state.leads = new Map();
      state.notifications = [];
      state.seen = new Map();
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
