// The edge Worker: HTTP endpoints for lead capture, the pull pool and operators, and the
// cron handler. Routing state lives in the LeadRouter Durable Object (or nowhere, stateless).
import { Router, armOf } from "./engine.js";
import { armBEnv, loadSettings, sha256 } from "./settings.js";
import { readBody } from "./body.js";
import { checkLead, canonical } from "./validate.js";
import { repOf, adminRefusal } from "./auth.js";
import { readOutcomes } from "./outcomes.js";
import { deliverWithRetries } from "./delivery.js";
import { LeadRouter, LeadRouterB, slim } from "./router-object.js";
import { fingerprint, stateName } from "./migration.js";
import pkg from "leadroute/package.json";
import { STATUS, coreFailure } from "./errors.js";
import { TeamRouter, KeyDirectory } from "./team-object.js";
import { bulkImport, placeOne, repCall, teamsOverview, tickAll } from "./per-team.js";

export { LeadRouter, LeadRouterB, TeamRouter, KeyDirectory };

// Stateless mode keeps no shared state; the isolate's router is renewed so pooled leads
// and counters it accumulates stay bounded.
const STATELESS_RENEW_AFTER = 500;
let stateless = null;

function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });
}

/** An error answer; its status comes from the code (errors.js). */
function errorResponse(code, message, field = null) {
  return json(STATUS[code] ?? 500, { error: { code, field, message } });
}

function fromObject(r) {
  const { status, ...body } = r;
  return json(status, body);
}

function corsHeaders(request, settings) {
  const origin = request.headers.get("origin");
  const allowed = settings.allowedOrigins;
  if (!origin || !allowed.length) return {};
  const allow = allowed.includes("*") ? "*" : allowed.includes(origin) ? origin : null;
  if (!allow) return {};
  return {
    "access-control-allow-origin": allow,
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": "content-type, idempotency-key, authorization",
    "access-control-max-age": "600",
    vary: "Origin",
  };
}

function stubOf(env, settings, arm = "a") {
  const ns = arm === "b" ? env.ROUTER_B : env.ROUTER;
  if (!ns) throw new Error(arm === "b" ? "the ROUTER_B Durable Object binding (arm B of the split) is missing" : "the ROUTER Durable Object binding is missing (or set MODE=stateless)");
  return ns.get(ns.idFromName(stateName(settings)));
}

/** The arm of a lead id: the core's rule (`armOf`), "a" when there is no split. */
function armFor(settings, leadId) {
  return settings.split ? armOf(leadId, settings.split) : "a";
}

/** Every arm's object: one without a split, arm A's then arm B's with one. */
function armStubs(env, settings) {
  return settings.split ? [stubOf(env, settings, "a"), stubOf(env, armSettings(env, "b"), "b")] : [stubOf(env, settings)];
}

function armSettings(env, arm) {
  return arm === "b" ? loadSettings(armBEnv(env)) : loadSettings(env);
}

/** What the form may see of a decision: who and how to book, never why. */
function answer(r, ignored) {
  const d = r.decision;
  return {
    lead_id: d.lead_id,
    outcome: d.outcome,
    rep: d.rep,
    rep_name: d.rep_name,
    calendar_url: d.calendar_url,
    team: d.team,
    pool: d.pool,
    replayed: r.replayed,
    routed_at: r.routed_at,
    crm: r.crm,
    ...(d.arm ? { arm: d.arm } : {}),
    ignored_fields: ignored,
  };
}

/**
 * A compiled router for checking submissions, one per config (compile once, check many):
 * one per arm of a split, since arm B's config may declare other fields.
 */
const checkers = { a: null, b: null };
function checkerFor(settings) {
  const arm = settings.arm === "b" ? "b" : "a";
  const c = checkers[arm];
  if (c?.config !== settings.config) {
    c?.router.free();
    checkers[arm] = { config: settings.config, router: new Router(settings.config) };
  }
  return checkers[arm].router;
}

/**
 * POST /outcomes: each outcome goes to the arm that holds its lead (the same hash that
 * placed it), the answers back in the order given.
 */
async function outcomesByArm(env, settings, items) {
  if (!settings.split) return stubOf(env, settings).outcomes(items);
  const groups = { a: [], b: [] };
  items.forEach((it, i) => groups[armFor(settings, it.leadId)].push([i, it]));
  const results = new Array(items.length);
  for (const arm of ["a", "b"]) {
    if (!groups[arm].length) continue;
    const r = await stubOf(env, armSettings(env, arm), arm).outcomes(groups[arm].map(([, it]) => it));
    // One outcome comes back as itself, several as `results`; a failure of the whole call
    // (no `results`) is each item's answer.
    groups[arm].forEach(([i, it], j) => (results[i] = r.results?.[j] ?? (r.results ? undefined : { lead_id: it.leadId, ...r })));
  }
  if (results.length === 1) return results[0];
  return { status: 200, results };
}

async function submitLead(request, env, ctx, settings) {
  const read = await readBody(request, settings.maxBodyBytes);
  if (!read.ok) return json(read.status, { error: read.error });
  const header = request.headers.get("idempotency-key");
  let checked = checkLead(read.body, settings.config, header, checkerFor(settings));
  if (!checked.ok) return json(checked.status, { error: checked.error });
  // A/B split: the lead id picks the arm, then the lead is read as that arm's config reads it.
  const arm = armFor(settings, checked.lead.id);
  const armed = arm === "b" ? armSettings(env, "b") : settings;
  if (arm === "b") {
    checked = checkLead({ ...read.body, id: checked.lead.id }, armed.config, header, checkerFor(armed));
    if (!checked.ok) return json(checked.status, { error: checked.error });
  }
  const { lead, key, ignored } = checked;
  let r;
  if (settings.mode === "stateless") {
    r = submitStateless(lead, env, ctx, settings);
  } else if (settings.mode === "per_team") {
    r = await placeOne(env, settings, checkerFor(settings), lead, key);
  } else {
    const hash = await sha256(canonical(lead));
    r = await stubOf(env, armed, arm).submit(lead, key, hash);
  }
  if (r.error) return json(r.status, { error: r.error });
  const thanks = typeof env.THANK_YOU_URL === "string" && env.THANK_YOU_URL.trim();
  // A plain HTML form post lands on the site's thank-you page instead of a JSON answer.
  if (thanks && read.kind !== "json" && /\btext\/html\b/i.test(request.headers.get("accept") ?? "")) {
    const to = new URL(thanks, request.url);
    to.searchParams.set("lead_id", r.decision.lead_id);
    return new Response(null, { status: 303, headers: { location: to.href } });
  }
  return json(r.status, answer(r, ignored));
}

function submitStateless(lead, env, ctx, settings) {
  if (!stateless || stateless.uses >= STATELESS_RENEW_AFTER) {
    stateless?.router.free();
    stateless = { router: new Router(settings.config), uses: 0 };
  }
  stateless.uses += 1;
  const now = Date.now();
  let decision;
  try {
    decision = slim(stateless.router.route(lead, { now, trace: false, stateless: true }));
  } catch (e) {
    return coreFailure(e, "invalid_lead");
  }
  let crm = "not_forwarded";
  if (settings.crm?.forward.includes(decision.outcome)) {
    crm = "queued";
    const typed = { ...lead, ...stateless.router.readLead(lead) };
    const item = { id: `create:${lead.id}`, kind: "create", lead_id: lead.id, lead: typed, decision, created_at: now };
    // No Durable Object, so no dead-letter store: a lead that cannot be delivered is
    // reported to the notification webhook and the log.
    ctx.waitUntil(
      deliverWithRetries(item, settings, env).then(async (r) => {
        if (r.ok) return;
        console.error(`leadroute: CRM delivery of ${lead.id} failed after ${r.attempts} attempts: ${r.error}`);
        const event = { kind: "dead_letter", at: Date.now(), lead_id: lead.id, rep: decision.rep ?? "", reason: r.error, item };
        await deliverWithRetries({ id: `dead:${lead.id}`, kind: "notify", events: [event] }, settings, env);
      }),
    );
  }
  return { status: 201, decision, replayed: false, routed_at: now, crm };
}

/**
 * `GET /`: what is running, for a person or a monitor: the package, the routing config's
 * fingerprint (the one the object keeps to notice a new config) and its size. Nothing
 * private: no secrets, no rep names or emails, no CRM mapping.
 */
async function status(settings) {
  const c = settings.config;
  return {
    name: pkg.name,
    version: pkg.version,
    mode: { stateless: "stateless", per_team: "per_team" }[settings.mode] ?? "durable_object",
    config_hash: await fingerprint(settings),
    reps: c.reps?.length ?? 0,
    teams: c.teams?.length ?? 0,
    pools: c.pools?.length ?? 0,
    endpoints: ["POST /leads", "POST /outcomes", "GET /public-config", "GET /health"],
  };
}

/**
 * `GET /admin/export`: every routed lead as JSONL, both arms of a split, oldest first: the
 * history file the dashboard's split mode reads (each row's `arm` is the arm it ran in).
 */
async function exportLeads(env, settings) {
  const rows = [];
  for (const stub of armStubs(env, settings)) rows.push(...(await stub.exportLeads()).rows);
  rows.sort((x, y) => (x.created_at < y.created_at ? -1 : x.created_at > y.created_at ? 1 : 0));
  const body = rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : "");
  return new Response(body, { status: 200, headers: { "content-type": "application/x-ndjson; charset=utf-8", "content-disposition": 'attachment; filename="leadroute-export.jsonl"', "cache-control": "no-store" } });
}

async function handle(request, env, ctx, settings) {
  const url = new URL(request.url);
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const method = request.method;
  let parts;
  try {
    parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    return errorResponse("invalid_path", `the path ${JSON.stringify(path)} has malformed %-encoding`);
  }

  if (path === "/" && method === "GET") return json(200, await status(settings), { "cache-control": "no-store" });
  if (path === "/health" && method === "GET") return json(200, { ok: true, mode: settings.mode });
  if (path === "/public-config" && method === "GET") {
    return json(200, settings.publicConfig, { "cache-control": "public, max-age=300" });
  }
  if (path === "/leads/bulk") {
    if (method !== "POST") return errorResponse("method_not_allowed", "use POST /leads/bulk");
    if (settings.mode !== "per_team") return errorResponse("not_found", "POST /leads/bulk needs MODE=per_team");
    return fromObject(await bulkImport(request, env, settings, checkerFor(settings)));
  }
  if (path === "/leads") {
    if (method !== "POST") return errorResponse("method_not_allowed", "use POST /leads");
    return submitLead(request, env, ctx, settings);
  }

  if (path === "/outcomes") {
    if (method !== "POST") return errorResponse("method_not_allowed", "use POST /outcomes");
    const refusal = adminRefusal(request, env);
    if (refusal) return errorResponse(refusal.code, refusal.message);
    if (settings.mode === "stateless") return errorResponse("needs_durable_object", "outcomes need the Durable Object");
    const read = await readOutcomes(request, Date.now());
    return fromObject(read.error ?? (await outcomesByArm(env, settings, read.items)));
  }

  // Rep endpoints: /pools/:pool/leads, /pools/:pool/claim, /leads/:id/claim, /leads/:id/touch
  const repRoute =
    (parts[0] === "pools" && parts.length === 3 && ["leads", "claim"].includes(parts[2])) ||
    (parts[0] === "leads" && parts.length === 3 && ["claim", "touch"].includes(parts[2]));
  if (repRoute) {
    const expected = parts[0] === "pools" && parts[2] === "leads" ? "GET" : "POST";
    if (method !== expected) return errorResponse("method_not_allowed", `use ${expected} ${path}`);
    if (settings.mode === "stateless") {
      return errorResponse("needs_durable_object", "pools, claims and touches need the Durable Object (MODE is stateless)");
    }
    const who = await repOf(request, env);
    if (!who.rep) return errorResponse(who.code, who.message);
    const [kind, id, action] = parts;
    if (settings.mode === "per_team") return fromObject(await repCall(env, settings, kind, id, action, who.rep));
    const stub = stubOf(env, settings);
    if (kind === "pools" && action === "leads") return fromObject(await stub.listPool(id, who.rep));
    if (kind === "pools") return fromObject(await stub.claim({ pool: id }, who.rep));
    if (action === "claim") return fromObject(await stub.claim({ leadId: id }, who.rep));
    return fromObject(await stub.touch(id, who.rep));
  }

  if (parts[0] === "admin") {
    const refusal = adminRefusal(request, env);
    if (refusal) return errorResponse(refusal.code, refusal.message);
    if (settings.mode === "stateless") return errorResponse("needs_durable_object", "admin endpoints need the Durable Object");
    const sub = parts.slice(1).join("/");
    if (settings.mode === "per_team") {
      if (sub === "teams" && method === "GET") return fromObject(await teamsOverview(env, settings, url.searchParams.get("snapshots") === "1"));
      if (sub === "teams/tick" && method === "POST") {
        const time = Number(url.searchParams.get("time") ?? Date.now());
        if (!Number.isFinite(time)) return errorResponse("wrong_type", "time must be ms since the epoch", "time");
        return fromObject(await tickAll(env, settings, time));
      }
      return errorResponse("not_found", `no endpoint ${method} ${path} in the per-team design (GET /admin/teams gathers every object)`);
    }
    if (sub === "export" && method === "GET") return exportLeads(env, settings);
    const stub = stubOf(env, settings);
    if (sub === "dead-letters" && method === "GET") return fromObject(await stub.deadLetters());
    if (sub === "dead-letters/replay" && method === "POST") {
      let ids;
      let cause;
      const body = await request.text();
      if (body.trim()) {
        try {
          ({ ids, cause } = JSON.parse(body) ?? {});
        } catch (e) {
          return errorResponse("invalid_json", `body is not valid JSON: ${e.message}`);
        }
        if (ids !== undefined && !(Array.isArray(ids) && ids.every((i) => typeof i === "string"))) {
          return errorResponse("wrong_type", 'field "ids" must be a list of dead-letter ids', "ids");
        }
        if (cause !== undefined && typeof cause !== "string") return errorResponse("wrong_type", 'field "cause" must be a dead-letter cause', "cause");
      }
      return fromObject(await stub.replay(ids, cause));
    }
    if (sub === "outbox" && method === "GET") return fromObject(await stub.outboxStats());
    if (sub === "snapshot" && method === "GET") return fromObject(await stub.snapshot());
  }
  return errorResponse("not_found", `no endpoint ${method} ${path}`);
}

export default {
  async fetch(request, env, ctx) {
    let settings;
    try {
      settings = loadSettings(env);
    } catch (e) {
      return errorResponse("config_error", e.message);
    }
    const cors = corsHeaders(request, settings);
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: cors });
    let res;
    try {
      res = await handle(request, env, ctx, settings);
    } catch (e) {
      console.error("leadroute:", e?.stack ?? e);
      res = errorResponse("internal", "the lead could not be processed; retry with the same Idempotency-Key");
    }
    for (const [k, v] of Object.entries(cors)) res.headers.set(k, v);
    return res;
  },

  /** Cron trigger: `tick` at the trigger's time; due events go to NOTIFY_URL. */
  async scheduled(controller, env) {
    const settings = loadSettings(env);
    // The per-team objects tick themselves with alarms (team-object.js).
    if (settings.mode === "stateless" || settings.mode === "per_team") return;
    const r = await stubOf(env, settings).tick(Number(controller.scheduledTime));
    console.log(`leadroute: tick ${JSON.stringify(r)}`);
  },
};
