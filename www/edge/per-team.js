// The per-team design (MODE=per_team), the Worker's half: classify each lead here with the
// compiled config (pure: screening, score, rule match), answer rejected and plain nurture
// leads at once, and send the rest as tickets to the object of their team (shares.js
// names it), after the key directory has bound the idempotency key to that object.
import { Router } from "./engine.js";
import { objectConfig } from "./engine-state.js";
import { slim } from "./router-object.js";
import { objectKey, objectKeys } from "./shares.js";
import { checkLead, canonical } from "./validate.js";
import { sha256 } from "./settings.js";
import { failure } from "./errors.js";

const KEY_SHARDS = 16;
const BULK_MAX_LEADS = 5000;
// A final decision needs no state, but assignTicket counts it: renewed to stay bounded.
const RENEW_AFTER = 5000;
let finisher = null;

function finalDecision(settings, ticket, lead, now) {
  if (!finisher || finisher.config !== settings.config || finisher.uses >= RENEW_AFTER) {
    finisher?.router.free();
    finisher = { config: settings.config, router: new Router(objectConfig(settings.config)), uses: 0 };
  }
  finisher.uses += 1;
  return slim(finisher.router.assignTicket(ticket, lead, { now, trace: false }));
}

/** FNV-1a of a string, for the key's directory shard. */
function shardOf(key) {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h % KEY_SHARDS;
}

export function teamStub(env, settings, key) {
  if (!env.TEAMS) throw new Error("the TEAMS Durable Object binding is missing (MODE=per_team)");
  return env.TEAMS.get(env.TEAMS.idFromName(`${settings.stateName ?? "leadroute"}:${key}`));
}

function keyStub(env, settings, shard) {
  return env.KEYS.get(env.KEYS.idFromName(`${settings.stateName ?? "leadroute"}:keys:${shard}`));
}

/**
 * Places clean leads `{ lead, key }` (in order): classified here, bound in the key
 * directory, one call per team object. Answers in input order, each as `submit` does.
 */
export async function placeMany(env, settings, router, checked) {
  const now = Date.now();
  const answers = new Array(checked.length);
  const pending = [];
  for (const [i, { lead, key }] of checked.entries()) {
    const ticket = router.classify(lead, { trace: false });
    // A rejected or nurture lead the CRM wants goes to `rest` for its outbox.
    if (!ticket.needs_state && !settings.crm?.forward.includes(ticket.target.kind)) {
      answers[i] = { status: 201, decision: finalDecision(settings, ticket, lead, now), replayed: false, routed_at: now, crm: "not_forwarded" };
      continue;
    }
    pending.push({ i, lead, key, hash: await sha256(canonical(lead)), ticket, object: objectKey(ticket) });
  }
  // The directory first: a key keeps the object it was first sent to (the same lead
  // classifies the same way), and a key reused for another lead stops here.
  const shards = new Map();
  for (const p of pending) {
    const s = shardOf(p.key);
    if (!shards.has(s)) shards.set(s, []);
    shards.get(s).push(p);
  }
  await Promise.all(
    [...shards].map(async ([s, list]) => {
      const bound = await keyStub(env, settings, s).bindMany(list.map((p) => ({ key: p.key, lead_id: p.lead.id, hash: p.hash, object: p.object })));
      for (const [j, b] of bound.entries()) list[j].bound = b;
    }),
  );
  const byObject = new Map();
  for (const p of pending) {
    if (p.bound.lead_id !== p.lead.id || p.bound.hash !== p.hash) {
      answers[p.i] = failure("idempotency_key_reused", `idempotency key "${p.key}" was already used for a different lead`, "Idempotency-Key");
      continue;
    }
    if (!byObject.has(p.bound.object)) byObject.set(p.bound.object, []);
    byObject.get(p.bound.object).push(p);
  }
  await Promise.all(
    [...byObject].map(async ([key, list]) => {
      const got = await teamStub(env, settings, key).assign(
        key,
        list.map(({ lead, key: k, hash, ticket }) => ({ lead, key: k, hash, ticket })),
      );
      for (const [j, a] of got.entries()) answers[list[j].i] = a;
    }),
  );
  return answers;
}

/** One lead: `placeMany` of one. */
export async function placeOne(env, settings, router, lead, key) {
  const [a] = await placeMany(env, settings, router, [{ lead, key }]);
  return a;
}

/** Reads a bulk body: JSONL, one lead object a line (blank lines skipped). */
function readBulk(text) {
  const rows = [];
  for (const [n, line] of text.split("\n").entries()) {
    if (!line.trim()) continue;
    try {
      rows.push({ line: n + 1, body: JSON.parse(line) });
    } catch (e) {
      rows.push({ line: n + 1, error: failure("invalid_json", `line ${n + 1} is not valid JSON: ${e.message}`) });
    }
  }
  return rows;
}

/**
 * `POST /leads/bulk` (JSONL): every line checked and classified here, one call per team
 * object; the answer lists each line's result in order. Each lead's idempotency key is
 * its id, so sending the same batch again gives the same placements, marked `replayed`.
 */
export async function bulkImport(request, env, settings, router) {
  const text = await request.text();
  const rows = readBulk(text);
  if (rows.length > BULK_MAX_LEADS) return { status: 413, ...failure("too_large", `at most ${BULK_MAX_LEADS} leads a batch, found ${rows.length}`) };
  const results = new Array(rows.length);
  const clean = [];
  for (const [i, row] of rows.entries()) {
    if (row.error) {
      results[i] = { line: row.line, ok: false, error: row.error.error };
      continue;
    }
    if (!row.body || typeof row.body !== "object" || Array.isArray(row.body) || row.body.id == null) {
      results[i] = { line: row.line, ok: false, error: failure("missing_id", `line ${row.line}: a bulk lead needs an "id" (it is its idempotency key)`, "id").error };
      continue;
    }
    const c = checkLead(row.body, settings.config, undefined, router);
    if (!c.ok) results[i] = { line: row.line, ok: false, error: c.error };
    else clean.push({ i, lead: c.lead, key: c.key });
  }
  const answers = await placeMany(env, settings, router, clean);
  for (const [j, a] of answers.entries()) {
    const { i, lead } = clean[j];
    results[i] = a.error
      ? { line: rows[i].line, ok: false, lead_id: lead.id, error: a.error }
      : { line: rows[i].line, ok: true, lead_id: lead.id, outcome: a.decision.outcome, rep: a.decision.rep, team: a.decision.team, pool: a.decision.pool, via: a.decision.via, replayed: a.replayed };
  }
  const count = (f) => results.filter(f).length;
  return { status: 200, leads: results.length, placed: count((r) => r.ok && !r.replayed), replayed: count((r) => r.ok && r.replayed), failed: count((r) => !r.ok), results };
}

/** `GET /admin/teams`: every object's counts (and snapshot with `?snapshots=1`), gathered. */
export async function teamsOverview(env, settings, withSnapshots) {
  const keys = objectKeys(settings.config);
  const objects = await Promise.all(keys.map((k) => teamStub(env, settings, k).overview(k, withSnapshots)));
  return { status: 200, objects };
}

/** `POST /admin/teams/tick?time=<ms>`: every object ticks at `time` (default now), as its alarm would. */
export async function tickAll(env, settings, now) {
  const keys = objectKeys(settings.config);
  const objects = await Promise.all(keys.map(async (k) => ({ key: k, ...(await teamStub(env, settings, k).tickIn(k, now)) })));
  return { status: 200, objects: objects.map(({ status: _s, ...o }) => o) };
}

/** A rep call in the per-team design: pools live in `rest`; a touch asks every object. */
export async function repCall(env, settings, kind, id, action, rep) {
  const rest = teamStub(env, settings, "rest");
  if (kind === "pools" && action === "leads") return rest.listPoolIn("rest", id, rep);
  if (kind === "pools") return rest.claimIn("rest", { pool: id }, rep);
  if (action === "claim") return rest.claimIn("rest", { leadId: id }, rep);
  const all = await Promise.all(objectKeys(settings.config).map((k) => teamStub(env, settings, k).touchIn(k, id, rep)));
  return all.find((r) => r.status === 200) ?? all.find((r) => r.error?.code !== "unknown_lead") ?? all[0];
}
