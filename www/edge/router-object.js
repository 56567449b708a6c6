// The Durable Object that owns a config's routing state (one object per config): it
// serialises submissions and claims, keeps idempotency records, the CRM outbox and dead letters.
import { DurableObject } from "cloudflare:workers";
import { Router } from "./engine.js";
import { loadSettings } from "./settings.js";
import { sendOnce, backoffMs } from "./delivery.js";

// Storage values stay far below the 128 KiB per-value limit of KV-backed objects.
const CHUNK_CHARS = 32 * 1024;
const KEYS_PER_CALL = 128;
const REPLAY_WAIT_MS = 20_000;

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
  };
}

function fieldOf(message) {
  return /field "([^"]+)"/.exec(message)?.[1] ?? null;
}

/** HTTP status for an engine refusal of a claim or touch. */
function refusalStatus(message) {
  if (/unknown rep|not eligible|not assigned to rep/.test(message)) return 403;
  if (/not waiting in any pool|not tracked|unknown pool|has expired/.test(message)) return 404;
  if (/claim limit/.test(message)) return 429;
  return 409;
}

export class LeadRouter extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.settings = loadSettings(env);
    this.timers = new Set();
    ctx.blockConcurrencyWhile(() => this.load());
  }

  // ---- state: load, group commit -------------------------------------------------------

  async load() {
    const storage = this.ctx.storage;
    for (const t of this.timers ?? []) clearTimeout(t);
    const meta = await storage.get("snap:meta");
    let snapshot;
    if (meta) {
      const keys = Array.from({ length: meta.chunks }, (_, i) => `snap:${i}`);
      const parts = new Map();
      for (let i = 0; i < keys.length; i += KEYS_PER_CALL) {
        for (const [k, v] of await storage.get(keys.slice(i, i + KEYS_PER_CALL))) parts.set(k, v);
      }
      snapshot = keys.map((k) => parts.get(k) ?? "").join("");
    }
    this.router?.free();
    this.router = new Router(this.settings.config, snapshot);
    this.snapChunks = meta?.chunks ?? 0;
    this.idem = new Map();
    this.byLead = new Map();
    for (const [k, rec] of await storage.list({ prefix: "idem:" })) {
      this.idem.set(k.slice(5), rec);
      this.byLead.set(rec.lead_id, k.slice(5));
    }
    this.dead = new Map();
    this.deadByLead = new Map();
    for (const [, d] of await storage.list({ prefix: "dead:" })) this.keepDead(d);
    const outbox = [...(await storage.list({ prefix: "out:" })).values()].sort((a, b) => a.seq - b.seq);
    this.seq = Math.max(0, ...outbox.map((i) => i.seq + 1), ...[...this.dead.values()].map((d) => d.item.seq + 1));
    this.version = 0;
    this.durable = 0;
    this.pending = new Map();
    this.snapDirty = false;
    this.commitWaiters = [];
    this.writing = false;
    this.broken = null;
    // Delivery: per-lead lanes keep a lead's CRM writes in order.
    this.outbox = new Map();
    this.lanes = new Map();
    this.held = new Set();
    this.ready = [];
    this.active = 0;
    this.timers = new Set();
    this.settleWaiters = new Map();
    this.stats = { delivered: 0, attempts: 0, retries: 0, dead_lettered: 0, storage_writes: 0, snapshot_writes: 0 };
    for (const item of outbox) {
      this.outbox.set(item.id, item);
      this.schedule(item, false);
    }
  }

  async ensureLoaded() {
    if (this.broken) await this.ctx.blockConcurrencyWhile(() => this.load());
  }

  write(key, value) {
    this.pending.set(key, value);
  }

  bump() {
    this.version += 1;
    return this.version;
  }

  /** Resolves once every change up to version `v` is in storage (one write serves many calls). */
  commit(v) {
    if (this.durable >= v) return Promise.resolve();
    const p = new Promise((resolve, reject) => this.commitWaiters.push({ v, resolve, reject }));
    if (!this.writing) this.flush();
    return p;
  }

  async flush() {
    this.writing = true;
    const storage = this.ctx.storage;
    try {
      while (this.durable < this.version) {
        // Yields once so calls already queued for this object make their changes first
        // and share this write (and its snapshot) instead of each paying for one.
        await new Promise((resolve) => setTimeout(resolve, 0));
        const v = this.version;
        const puts = [];
        const dels = [];
        for (const [k, val] of this.pending) (val === undefined ? dels : puts).push(val === undefined ? k : [k, val]);
        this.pending = new Map();
        if (this.snapDirty) {
          this.snapDirty = false;
          const text = JSON.stringify(this.router.snapshot());
          const n = Math.max(1, Math.ceil(text.length / CHUNK_CHARS));
          for (let i = 0; i < n; i++) puts.push([`snap:${i}`, text.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS)]);
          for (let i = n; i < this.snapChunks; i++) dels.push(`snap:${i}`);
          puts.push(["snap:meta", { chunks: n, version: v }]);
          this.snapChunks = n;
          this.stats.snapshot_writes += 1;
        }
        // Issued without an await in between, so the runtime applies them as one batch.
        // allowConcurrency keeps the input gate open: calls arriving during this write join
        // the next one (group commit) instead of queueing behind it one by one. Every
        // caller still waits for the write that holds its change before it answers.
        const opts = { allowConcurrency: true };
        const ops = [];
        for (let i = 0; i < puts.length; i += KEYS_PER_CALL) ops.push(storage.put(Object.fromEntries(puts.slice(i, i + KEYS_PER_CALL)), opts));
        for (let i = 0; i < dels.length; i += KEYS_PER_CALL) ops.push(storage.delete(dels.slice(i, i + KEYS_PER_CALL), opts));
        await Promise.all(ops);
        this.stats.storage_writes += 1;
        this.durable = v;
        this.commitWaiters = this.commitWaiters.filter((w) => (w.v <= v ? (w.resolve(), false) : true));
      }
    } catch (e) {
      // Memory may now be ahead of storage: fail the waiting calls and reload before the next.
      this.broken = e;
      for (const w of this.commitWaiters) w.reject(e);
      this.commitWaiters = [];
    } finally {
      this.writing = false;
    }
  }

  // ---- outbox and delivery ---------------------------------------------------------------

  laneOf(item) {
    return item.kind === "notify" ? null : item.lead_id;
  }

  /** Queues an item; `hold` keeps it from being sent until `release` (after its commit). */
  schedule(item, hold) {
    if (hold) this.held.add(item.id);
    const key = this.laneOf(item);
    if (key === null) {
      if (!hold) this.makeReady(item.id);
      return;
    }
    const lane = this.lanes.get(key) ?? [];
    lane.push(item.id);
    this.lanes.set(key, lane);
    if (lane.length === 1 && !hold) this.makeReady(item.id);
  }

  release(item) {
    if (!item || !this.held.delete(item.id)) return;
    const key = this.laneOf(item);
    if (key === null || this.lanes.get(key)?.[0] === item.id) this.makeReady(item.id);
  }

  makeReady(id) {
    this.ready.push(id);
    this.pump();
  }

  pump() {
    while (this.active < this.settings.retry.concurrency && this.ready.length) {
      const item = this.outbox.get(this.ready.shift());
      if (!item) continue;
      this.active += 1;
      this.attempt(item).finally(() => {
        this.active -= 1;
        this.pump();
      });
    }
  }

  async attempt(item) {
    item.attempts = (item.attempts ?? 0) + 1;
    this.stats.attempts += 1;
    const r = await sendOnce(item, this.settings, this.env);
    if (r.ok) return this.settle(item, null);
    item.last_error = r.error;
    if (r.retryable && item.attempts < this.settings.retry.maxAttempts) {
      this.stats.retries += 1;
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.makeReady(item.id);
      }, backoffMs(item.attempts, this.settings.retry, r.retryAfterMs));
      this.timers.add(t);
      return undefined;
    }
    return this.settle(item, r);
  }

  keepDead(d) {
    this.dead.set(d.id, d);
    if (d.item.kind !== "notify") this.deadByLead.set(d.item.lead_id, d.id);
  }

  dropDead(id) {
    const d = this.dead.get(id);
    if (!d) return;
    this.dead.delete(id);
    if (this.deadByLead.get(d.item.lead_id) === id) this.deadByLead.delete(d.item.lead_id);
    this.write(`dead:${id}`, undefined);
  }

  /** A later owner change for a lead whose earlier write is dead: replaying sends the latest owner. */
  fold(dead, next) {
    const it = dead.item;
    if (it.kind === "create") {
      it.decision = { ...it.decision, outcome: "assigned", via: next.via, rep: next.rep, rep_name: next.rep_name ?? null, pool: null };
    } else {
      Object.assign(it, { rep: next.rep, rep_name: next.rep_name ?? null, via: next.via, reason: next.reason });
    }
    this.held.delete(next.id);
    dead.folded = [...(dead.folded ?? []), next.id];
    this.write(`dead:${dead.id}`, dead);
    this.notifySettled(next.id, { id: next.id, result: "dead", folded_into: dead.id });
  }

  settle(item, failure) {
    this.outbox.delete(item.id);
    this.write(`out:${item.id}`, undefined);
    const key = this.laneOf(item);
    const lane = key === null ? [] : (this.lanes.get(key) ?? []);
    if (lane[0] === item.id) lane.shift();
    let outcome;
    if (failure) {
      const { attempts, last_error: _e, ...rest } = item;
      const dead = { id: item.id, item: rest, attempts, status: failure.status, error: failure.error, dead_at: Date.now() };
      while (lane.length) {
        const next = this.outbox.get(lane.shift());
        if (!next) continue;
        this.outbox.delete(next.id);
        this.write(`out:${next.id}`, undefined);
        this.fold(dead, next);
      }
      this.keepDead(dead);
      this.write(`dead:${dead.id}`, dead);
      this.stats.dead_lettered += 1;
      outcome = { id: item.id, result: "dead", error: failure.error };
    } else {
      this.stats.delivered += 1;
      outcome = { id: item.id, result: "delivered", attempts: item.attempts };
    }
    if (key !== null) {
      if (lane.length) {
        if (!this.held.has(lane[0])) this.makeReady(lane[0]);
      } else {
        this.lanes.delete(key);
      }
    }
    this.commit(this.bump()).catch(() => {});
    this.notifySettled(item.id, outcome);
  }

  notifySettled(id, outcome) {
    for (const resolve of this.settleWaiters.get(id) ?? []) resolve(outcome);
    this.settleWaiters.delete(id);
  }

  settled(id, ms) {
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve({ id, result: "pending" }), ms);
      const list = this.settleWaiters.get(id) ?? [];
      list.push((o) => {
        clearTimeout(t);
        resolve(o);
      });
      this.settleWaiters.set(id, list);
    });
  }

  /** Adds an owner change to the outbox (or to the lead's dead letter); returns the item. */
  ownerChange(leadId, rep, via, reason, at, email) {
    if (!this.settings.crm) return null;
    const repName = this.settings.config.reps.find((r) => r.id === rep)?.name ?? null;
    const item = {
      id: `owner:${leadId}:${rep}:${at}`,
      kind: "owner",
      seq: this.seq++,
      lead_id: leadId,
      email: email ?? this.idem.get(this.byLead.get(leadId))?.email ?? null,
      rep,
      rep_name: repName,
      via,
      reason,
      created_at: at,
      attempts: 0,
    };
    if (this.outbox.has(item.id)) return null;
    const deadId = this.deadByLead.get(leadId);
    if (deadId && !this.lanes.has(leadId)) {
      this.fold(this.dead.get(deadId), item);
      return null;
    }
    this.outbox.set(item.id, item);
    this.write(`out:${item.id}`, item);
    this.schedule(item, true);
    return item;
  }

  // ---- calls from the worker (RPC) -------------------------------------------------------

  /** Routes a clean lead once per idempotency key. */
  async submit(lead, key, hash) {
    await this.ensureLoaded();
    const prev = this.idem.get(key);
    if (prev) {
      if (prev.hash !== hash) {
        const message = `idempotency key "${key}" was already used for a different lead`;
        return { status: 422, error: { code: "idempotency_key_reused", field: "Idempotency-Key", message } };
      }
      await this.commit(prev.v ?? 0);
      return { status: 200, decision: prev.decision, replayed: true, routed_at: prev.at, crm: prev.crm };
    }
    if (this.byLead.has(lead.id)) {
      const message = `lead id "${lead.id}" was already routed under another idempotency key`;
      return { status: 409, error: { code: "duplicate_lead_id", field: "id", message } };
    }
    const now = Date.now();
    let decision;
    try {
      decision = slim(this.router.route(lead, { now, trace: false }));
    } catch (e) {
      return { status: 422, error: { code: "invalid_lead", field: fieldOf(e.message), message: e.message } };
    }
    const v = this.bump();
    this.snapDirty = true;
    const crm = this.settings.crm && this.settings.crm.forward.includes(decision.outcome) ? "queued" : "not_forwarded";
    const rec = { key, lead_id: lead.id, hash, decision, at: now, email: lead.email ?? null, crm };
    this.idem.set(key, { ...rec, v });
    this.byLead.set(lead.id, key);
    this.write(`idem:${key}`, rec);
    let item = null;
    if (crm === "queued") {
      item = { id: `create:${lead.id}`, kind: "create", seq: this.seq++, lead_id: lead.id, lead, decision, created_at: now, attempts: 0 };
      this.outbox.set(item.id, item);
      this.write(`out:${item.id}`, item);
      this.schedule(item, true);
    }
    await this.commit(v);
    this.release(item);
    return { status: 201, decision, replayed: false, routed_at: now, crm };
  }

  async listPool(pool, rep) {
    await this.ensureLoaded();
    try {
      return { status: 200, leads: this.router.listPool(pool, rep, { now: Date.now() }) };
    } catch (e) {
      return { status: refusalStatus(e.message), error: { code: "pool_refused", message: e.message } };
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
      return { status: refusalStatus(e.message), error: { code: "claim_refused", message: e.message } };
    }
    // A repeated claim by the winner returns the first claim unchanged.
    const fresh = c.claimed_at === now;
    const v = this.bump();
    this.snapDirty = true;
    const item = fresh ? this.ownerChange(c.lead_id, rep, "claim", `claimed from pool ${c.pool}`, now, c.fields?.email) : null;
    await this.commit(v);
    this.release(item);
    return { status: 200, claim: c };
  }

  async touch(leadId, rep) {
    await this.ensureLoaded();
    try {
      this.router.touch(leadId, rep, { now: Date.now() });
    } catch (e) {
      return { status: refusalStatus(e.message), error: { code: "touch_refused", message: e.message } };
    }
    this.snapDirty = true;
    await this.commit(this.bump());
    return { status: 200, touched: leadId };
  }

  /** The scheduled job: SLA reminders, escalations, re-routes, pool expiries, record pruning. */
  async tick(now) {
    await this.ensureLoaded();
    const events = this.router.tick({ now });
    const v = this.bump();
    this.snapDirty = true;
    let pruned = 0;
    for (const [key, rec] of this.idem) {
      if (rec.at < now - this.settings.idempotencyTtlMs) {
        this.idem.delete(key);
        if (this.byLead.get(rec.lead_id) === key) this.byLead.delete(rec.lead_id);
        this.write(`idem:${key}`, undefined);
        pruned += 1;
      }
    }
    const reps = new Map(this.settings.config.reps.map((r) => [r.id, r]));
    const items = [];
    for (const e of events) {
      if (e.kind === "reassigned" || e.kind === "pool_expired") {
        items.push(this.ownerChange(e.lead_id, e.rep, e.kind === "reassigned" ? "reroute" : "pool_expired", e.reason, e.at));
      }
    }
    if (events.length && this.settings.notifyUrl) {
      const enriched = events.map((e) => ({
        ...e,
        rep_name: reps.get(e.rep)?.name ?? null,
        rep_email: reps.get(e.rep)?.email ?? null,
        from_rep_name: e.from_rep ? (reps.get(e.from_rep)?.name ?? null) : undefined,
      }));
      const item = { id: `notify:${now}:${this.seq}`, kind: "notify", seq: this.seq++, events: enriched, created_at: now, attempts: 0 };
      this.outbox.set(item.id, item);
      this.write(`out:${item.id}`, item);
      this.schedule(item, true);
      items.push(item);
    }
    await this.commit(v);
    for (const item of items) this.release(item);
    const kinds = {};
    for (const e of events) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
    return { status: 200, now, events: events.length, kinds, pruned_idempotency_records: pruned };
  }

  // ---- operator calls --------------------------------------------------------------------

  async deadLetters() {
    await this.ensureLoaded();
    const list = [...this.dead.values()].sort((a, b) => a.item.seq - b.item.seq);
    return { status: 200, count: list.length, dead_letters: list };
  }

  /** Sends dead letters again (all, or `ids`), oldest first; waits for each to settle. */
  async replay(ids) {
    await this.ensureLoaded();
    const chosen = (Array.isArray(ids) && ids.length ? ids.map((id) => this.dead.get(id)).filter(Boolean) : [...this.dead.values()]).sort(
      (a, b) => a.item.seq - b.item.seq,
    );
    const v = this.bump();
    const items = [];
    for (const d of chosen) {
      this.dropDead(d.id);
      const item = { ...d.item, attempts: 0, replayed_at: Date.now() };
      this.outbox.set(item.id, item);
      this.write(`out:${item.id}`, item);
      this.schedule(item, true);
      items.push(item);
    }
    const waits = items.map((i) => this.settled(i.id, REPLAY_WAIT_MS));
    await this.commit(v);
    for (const item of items) this.release(item);
    const results = await Promise.all(waits);
    return { status: 200, replayed: items.length, results };
  }

  async outboxStats() {
    await this.ensureLoaded();
    return {
      status: 200,
      pending: this.outbox.size,
      in_flight: this.active,
      waiting_retry: this.timers.size,
      dead_letters: this.dead.size,
      idempotency_records: this.idem.size,
      ...this.stats,
    };
  }

  async snapshot() {
    await this.ensureLoaded();
    return { status: 200, snapshot: this.router.snapshot() };
  }
}
