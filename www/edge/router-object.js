// The Durable Object that owns a deployment's routing state, and the calls the worker makes
// on it (RPC). Storage, idempotency, the engine's state and the outbox live in their files.
import { DurableObject } from "cloudflare:workers";
import { Router } from "./engine.js";
import { armBEnv, loadSettings } from "./settings.js";
import { Store } from "./storage.js";
import { EngineState, apply, objectConfig } from "./engine-state.js";
import { Idempotency } from "./idempotency.js";
import { Outbox } from "./outbox.js";
import { fingerprint, planMigration } from "./migration.js";
import { coreFailure, failure } from "./errors.js";
import { recordOutcomes } from "./outcomes.js";

const HOUR_MS = 3_600_000;
// The export's columns the dashboard's simulation reads besides the lead's fields.
const SIMULATION_KEYS = new Set(["arm", "converted", "deal_value"]);

/** The decision as stored and answered: no trace, score reduced to its total and grade. */
export function slim(d) {
  return {
    lead_id: d.lead_id,
    outcome: d.outcome,
    via: d.via,
    rep: d.rep ?? null,
    rep_name: d.rep_name ?? null,
    calendar_url: d.calendar_url ?? null,
    team: d.team ?? null,
    pool: d.pool ?? null,
    rule: d.rule ?? null,
    reason: d.reason,
    score: d.score ? { total: d.score.total, grade: d.score.grade ?? null, mql: d.score.mql } : null,
    // The learned pick's: the chosen rep's sampling probability and the lead's segment.
    ...(d.propensity != null ? { propensity: d.propensity, segment: d.segment ?? null } : {}),
  };
}

/** How long a tracked lead may stay in the engine's hot state (STATE_HORIZON_HOURS, 7 days). */
function horizonMs(env) {
  const h = Number(env.STATE_HORIZON_HOURS);
  return (Number.isFinite(h) && h > 0 ? h : 7 * 24) * HOUR_MS;
}

export class LeadRouter extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.settings = loadSettings(env);
    this.config = objectConfig(this.settings.config);
    this.horizonMs = horizonMs(env);
    ctx.blockConcurrencyWhile(() => this.load());
  }

  // ---- state -------------------------------------------------------------------------------

  async load() {
    this.out?.stop();
    this.router?.free();
    this.router = null;
    this.store = new Store(this.ctx.storage, () => this.engine.persist(this.router, this.fingerprint));
    this.engine = new EngineState(this.store);
    this.idem = new Idempotency(this.store, this.settings.idempotencyTtlMs);
    this.out = new Outbox({
      settings: this.settings,
      env: this.env,
      write: (k, v) => (v === undefined ? this.store.delete(k) : this.store.put(k, v)),
      commit: () => this.store.commit(this.store.bump()).catch(() => {}),
      clock: () => Date.now(),
    });
    this.fingerprint = await fingerprint(this.settings);
    const saved = await this.engine.read();
    await this.out.load(this.ctx.storage, Date.now());
    this.migration = null;
    if (saved && saved.fingerprint === null) await this.idem.upgrade();
    const same = saved?.fingerprint === this.fingerprint;
    let snapshot = saved?.snapshot;
    if (saved?.log.length) {
      // The calls since the last checkpoint, under the config they were made with.
      const replayed = new Router(same || !saved.configText ? this.config : objectConfig(saved.configText), snapshot);
      for (const call of saved.log) {
        try {
          apply(replayed, call);
        } catch (e) {
          console.error(`leadroute: replaying ${call.op} failed: ${e?.message ?? e}`);
        }
      }
      if (same) this.router = replayed;
      else {
        snapshot = replayed.snapshot();
        replayed.free();
      }
    }
    if (!this.router && saved && saved.fingerprint !== null && !same) this.migrate(snapshot);
    else if (!this.router) this.router = new Router(this.config, snapshot);
    if (!same) this.engine.saveConfig(this.settings.configText);
    this.engine.checkpoint();
    await this.store.commit(this.store.bump());
    for (const item of this.migration?.items ?? []) this.out.release(item);
  }

  /**
   * Applies a new config to the saved state: counters and rotations carry over by id;
   * leads of removed reps and pools are routed again (each an owner change for the CRM).
   */
  migrate(snapshot) {
    const plan = planMigration(snapshot, this.config);
    this.router = new Router(this.config, plan.snapshot);
    const now = Date.now();
    const report = { at: now, rerouted: [], failed: [], finished: plan.finished.map((a) => a.lead_id) };
    const items = [];
    for (const a of plan.finished) this.store.put(`track:${a.lead_id}`, JSON.stringify(a));
    for (const { lead_id, lead, from } of plan.reroute) {
      let d;
      try {
        // Out of the restored state and not remembered by id (objectConfig): routed as new.
        d = slim(this.router.route(lead, { now, trace: false }));
      } catch (e) {
        report.failed.push({ lead_id, from, error: String(e?.message ?? e) });
        continue;
      }
      report.rerouted.push({ lead_id, from, outcome: d.outcome, rep: d.rep, pool: d.pool });
      const reason = `config changed: ${from.rep ? `rep ${from.rep}` : `pool ${from.pool}`} removed; ${d.reason}`;
      items.push(this.ownerChange(lead_id, { rep: d.rep, pool: d.pool }, "config_change", reason, now, lead.email));
    }
    this.store.put("engine:migration", report);
    this.migration = { report, items: items.filter(Boolean) };
  }

  async ensureLoaded() {
    if (this.store.broken) await this.ctx.blockConcurrencyWhile(() => this.load());
  }

  /** Logs an engine call that changed the state; resolves once it (and every queued write) is stored. */
  changed(call) {
    this.engine.record(call);
    return this.store.commit(this.store.bump());
  }

  // ---- outbox (outbox.js delivers) -----------------------------------------------------------

  /** Numbers and stores an outbox item (sent after `out.release`, once committed). */
  add(item) {
    item.seq = this.out.nextSeq();
    this.out.add(item);
    return item;
  }

  /** An owner change (to `rep`, or to `pool` when the lead waits in one), its own delivery. */
  ownerChange(leadId, { rep, pool = null }, via, reason, at, email) {
    if (!this.settings.crm) return null;
    const repName = rep ? (this.settings.config.reps.find((r) => r.id === rep)?.name ?? null) : null;
    const id = `owner:${leadId}:${rep ?? pool}:${at}`;
    if (this.out.has(id)) return null;
    return this.add({ id, kind: "owner", lead_id: leadId, email: email ?? null, rep: rep ?? null, rep_name: repName, pool, via, reason, created_at: at, attempts: 0 });
  }

  // ---- lead capture ------------------------------------------------------------------------

  /** Routes a clean lead once: a retry gets the stored decision, a reused id a 409. */
  async submit(lead, key, hash) {
    await this.ensureLoaded();
    const unlock = await this.idem.lock(key, lead.id);
    let out;
    try {
      out = await this.decide(lead, key, hash);
    } finally {
      unlock();
    }
    await this.store.commit(out.version);
    this.out.release(out.item);
    return out.answer;
  }

  /** The answer for a submission, with the version that must be stored before it is given. */
  async decide(lead, key, hash, ticket = null) {
    const now = Date.now();
    const seen = await this.idem.check(lead, key, hash, now);
    if (seen.error) return { answer: seen, version: 0 };
    if (seen.replay) {
      const r = seen.replay;
      return { answer: { status: 200, decision: r.decision, replayed: true, routed_at: r.at, crm: r.crm }, version: this.store.version };
    }
    let decision;
    try {
      // A ticket (per-team design) was classified by the Worker: only its assignment is left.
      decision = slim(ticket ? this.router.assignTicket(ticket, lead, { now, trace: false }) : this.router.route(lead, { now, trace: false }));
    } catch (e) {
      return { answer: coreFailure(e, "invalid_lead"), version: 0 };
    }
    // Under an A/B split the arm travels with the decision: the answer, the stored record,
    // the CRM payload and the export all say which config routed the lead.
    if (this.settings.arm) decision.arm = this.settings.arm;
    // The CRM gets what was routed on: declared fields as the engine read them ("2500"
    // from a form is the number 2500), other fields as they came.
    const typed = { ...lead, ...this.router.readLead(lead) };
    const item = this.settings.crm?.forward.includes(decision.outcome)
      ? this.add({ id: `create:${lead.id}`, kind: "create", lead_id: lead.id, lead: typed, decision, created_at: now, attempts: 0 })
      : null;
    const crm = item ? "queued" : "not_forwarded";
    this.idem.record(lead, key, hash, decision, now, crm);
    this.engine.record(ticket ? { op: "assign", ticket, lead, now } : { op: "route", lead, now });
    return { answer: { status: 201, decision, replayed: false, routed_at: now, crm }, item, version: this.store.bump() };
  }

  // ---- pools, claims, touches ----------------------------------------------------------------

  async listPool(pool, rep) {
    await this.ensureLoaded();
    try {
      return { status: 200, leads: this.router.listPool(pool, rep, { now: Date.now() }) };
    } catch (e) {
      return coreFailure(e, "refused");
    }
  }

  /** Claims a pooled lead (`leadId`) or the oldest of `pool`; exactly one rep wins. */
  async claim({ leadId, pool }, rep) {
    await this.ensureLoaded();
    const now = Date.now();
    let c;
    try {
      c = leadId ? this.router.claim(leadId, rep, { now }) : this.router.claimNext(pool, rep, { now });
    } catch (e) {
      const f = coreFailure(e, "refused");
      return leadId && f.error.code === "unknown_lead" ? this.claimedBefore(leadId, rep, f) : f;
    }
    // A repeated claim by the winner returns the first claim unchanged.
    const fresh = c.claimed_at === now;
    const item = fresh ? this.ownerChange(c.lead_id, { rep }, "claim", `claimed from pool ${c.pool}`, now, c.fields?.email) : null;
    await (fresh ? this.changed(leadId ? { op: "claim", lead_id: leadId, rep, now } : { op: "claimNext", pool, rep, now }) : this.store.commit());
    this.out.release(item);
    return { status: 200, claim: c };
  }

  /** A claim the engine no longer holds (finished and evicted): the winner gets it again. */
  async claimedBefore(leadId, rep, refusal) {
    const a = await this.engine.evicted(leadId);
    if (!a?.pool) return refusal;
    if (a.rep !== rep) return failure("already_claimed", `lead "${leadId}" is already claimed by someone else`);
    return { status: 200, claim: { lead_id: a.lead_id, pool: a.pool, rep: a.rep, claimed_at: a.assigned_at, score: a.score ?? null, fields: a.fields } };
  }

  async touch(leadId, rep) {
    await this.ensureLoaded();
    const now = Date.now();
    try {
      this.router.touch(leadId, rep, { now });
    } catch (e) {
      const f = coreFailure(e, "refused");
      if (f.error.code !== "unknown_lead") return f;
      const a = await this.engine.evicted(leadId);
      if (!a) return f;
      if (a.rep !== rep) return failure("not_lead_owner", `lead "${leadId}" is not assigned to rep "${rep}"`);
      return { status: 200, touched: leadId };
    }
    await this.changed({ op: "touch", lead_id: leadId, rep, now });
    return { status: 200, touched: leadId };
  }

  // ---- the scheduled job -------------------------------------------------------------------

  /** SLA reminders, escalations, re-routes, pool expiries; then pruning of finished records. */
  async tick(now) {
    await this.ensureLoaded();
    const snap = this.router.snapshot();
    const fields = new Map([...(snap.pooled ?? []), ...(snap.assignments ?? [])].map((r) => [r.lead_id, r.fields]));
    const events = this.router.tick({ now });
    this.engine.record({ op: "tick", now });
    const reps = new Map(this.settings.config.reps.map((r) => [r.id, r]));
    const items = [];
    for (const e of events) {
      if (e.kind === "reassigned" || e.kind === "pool_expired") {
        const via = e.kind === "reassigned" ? "reroute" : "pool_expired";
        items.push(this.ownerChange(e.lead_id, { rep: e.rep || null, pool: e.pool ?? null }, via, e.reason, e.at, fields.get(e.lead_id)?.email));
      }
    }
    if (events.length && this.settings.notifyUrl) {
      const enriched = events.map((e) => ({
        ...e,
        rep_name: reps.get(e.rep)?.name ?? null,
        rep_email: reps.get(e.rep)?.email ?? null,
        from_rep_name: e.from_rep ? (reps.get(e.from_rep)?.name ?? null) : undefined,
      }));
      items.push(this.add({ id: `notify:${now}:${this.out.seq}`, kind: "notify", events: enriched, created_at: now, attempts: 0 }));
    }
    const { router, evicted } = this.engine.evict(this.router, this.config, now, this.horizonMs);
    this.router = router;
    const pruned = await this.idem.prune(now);
    await this.store.commit(this.store.bump());
    for (const item of items) this.out.release(item);
    // Deliveries waiting longer than a timer (backoff, a rate-limit hold) resume here.
    this.out.wake(now);
    const kinds = {};
    for (const e of events) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
    return { status: 200, now, events: events.length, kinds, evicted: evicted.length, pruned_idempotency_records: pruned };
  }

  // ---- operator calls ----------------------------------------------------------------------

  async deadLetters() {
    await this.ensureLoaded();
    return { status: 200, ...this.out.deadLetters() };
  }

  /** Sends dead letters again (`ids`, or all of `cause`, or all), oldest first; waits for each. */
  async replay(ids, cause) {
    await this.ensureLoaded();
    const r = await this.out.replay({ ids, cause }, this.out.now(), () => this.store.commit(this.store.bump()));
    return { status: 200, ...r };
  }

  async outboxStats() {
    await this.ensureLoaded();
    return {
      status: 200,
      ...this.out.overview(),
      ...this.store.stats,
      state_bytes: this.engine.bytes,
      state_leads: this.engine.leads,
      last_migration: this.migration?.report ?? (await this.store.get(["engine:migration"])).get("engine:migration") ?? null,
    };
  }

  /** POST /outcomes (outcomes.js). */
  outcomes(items) {
    return recordOutcomes(this, items);
  }

  async snapshot() {
    await this.ensureLoaded();
    return { status: 200, snapshot: this.router.snapshot() };
  }

  /**
   * GET /admin/export: every lead this object routed, one row each, as the dashboard's
   * simulation reads a history file: the fields as received, `created_at` (when it was
   * routed), `arm`, the decision (`outcome`, `rep`, `team`, `pool`, `rule`) and the known
   * result (`converted`, `deal_value`) once POST /outcomes reported it.
   */
  async exportLeads() {
    await this.ensureLoaded();
    const outcomes = new Map();
    for await (const [k, o] of this.store.list("outcome:")) outcomes.set(k.slice("outcome:".length), o);
    const rows = [];
    for await (const [k, rec] of this.store.list("lead:")) {
      const id = k.slice("lead:".length);
      const d = rec.decision ?? {};
      const o = outcomes.get(id);
      const lead = rec.lead ?? (rec.email ? { email: rec.email } : {});
      const routed = {
        ...(d.arm ? { arm: d.arm } : {}),
        outcome: d.outcome ?? null,
        rep: d.rep ?? null,
        team: d.team ?? null,
        pool: d.pool ?? null,
        rule: d.rule ?? null,
        // The learned pick's sampling probability: an off-policy estimate reads it.
        ...(d.propensity != null ? { propensity: d.propensity, segment: d.segment ?? null } : {}),
        ...(o ? { converted: o.converted ?? null, ...(o.value !== undefined ? { deal_value: o.value } : {}) } : {}),
      };
      const row = { ...lead, id, created_at: new Date(rec.at).toISOString() };
      // A lead field of the same name stays as received (a replay routes on it) and the
      // decision's value is `routed_<name>`; the columns the simulation reads keep theirs.
      for (const [k, v] of Object.entries(routed)) row[k in lead && !SIMULATION_KEYS.has(k) ? `routed_${k}` : k] = v;
      rows.push(row);
    }
    return { status: 200, rows };
  }
}

/** Arm B of an A/B split: the same object with the config under test (LEADROUTE_CONFIG_B). */
export class LeadRouterB extends LeadRouter {
  constructor(ctx, env) {
    super(ctx, armBEnv(env));
  }
}
