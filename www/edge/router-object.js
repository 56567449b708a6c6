// The Durable Object that owns a config's routing state (one object per config): it
// serialises submissions and claims, keeps idempotency records, the CRM outbox and dead letters.
import { DurableObject } from "cloudflare:workers";
import { Router } from "./engine.js";
import { loadSettings } from "./settings.js";
import { Outbox } from "./outbox.js";

// Storage values stay far below the 128 KiB per-value limit of KV-backed objects.
const CHUNK_CHARS = 32 * 1024;
const KEYS_PER_CALL = 128;

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
    ctx.blockConcurrencyWhile(() => this.load());
  }

  // ---- state: load, group commit -------------------------------------------------------

  async load() {
    const storage = this.ctx.storage;
    this.out?.stop();
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
    this.version = 0;
    this.durable = 0;
    this.pending = new Map();
    this.snapDirty = false;
    this.commitWaiters = [];
    this.writing = false;
    this.broken = null;
    this.stats = { storage_writes: 0, snapshot_writes: 0 };
    this.out = new Outbox({
      settings: this.settings,
      env: this.env,
      write: (k, v) => this.write(k, v),
      commit: () => this.commit(this.bump()).catch(() => {}),
      clock: () => Date.now(),
    });
    await this.out.load(storage, Date.now());
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

  // ---- outbox (outbox.js delivers) -------------------------------------------------------

  release(item) {
    this.out.release(item);
  }

  /** Adds an owner change to the outbox, its own delivery after the lead's earlier ones. */
  ownerChange(leadId, rep, via, reason, at, email) {
    if (!this.settings.crm) return null;
    const repName = this.settings.config.reps.find((r) => r.id === rep)?.name ?? null;
    const item = {
      id: `owner:${leadId}:${rep}:${at}`,
      kind: "owner",
      seq: this.out.nextSeq(),
      lead_id: leadId,
      email: email ?? this.idem.get(this.byLead.get(leadId))?.email ?? null,
      rep,
      rep_name: repName,
      via,
      reason,
      created_at: at,
      attempts: 0,
    };
    if (this.out.has(item.id)) return null;
    this.out.add(item);
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
      item = { id: `create:${lead.id}`, kind: "create", seq: this.out.nextSeq(), lead_id: lead.id, lead, decision, created_at: now, attempts: 0 };
      this.out.add(item);
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
      const seq = this.out.nextSeq();
      const item = { id: `notify:${now}:${seq}`, kind: "notify", seq, events: enriched, created_at: now, attempts: 0 };
      this.out.add(item);
      items.push(item);
    }
    await this.commit(v);
    for (const item of items) this.release(item);
    // Deliveries waiting longer than a timer (backoff, a rate-limit hold) resume here.
    this.out.wake(now);
    const kinds = {};
    for (const e of events) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
    return { status: 200, now, events: events.length, kinds, pruned_idempotency_records: pruned };
  }

  // ---- operator calls --------------------------------------------------------------------

  async deadLetters() {
    await this.ensureLoaded();
    return { status: 200, ...this.out.deadLetters() };
  }

  /** Sends dead letters again (`ids`, or all of `cause`, or all), oldest first; waits for each. */
  async replay(ids, cause) {
    await this.ensureLoaded();
    const r = await this.out.replay({ ids, cause }, this.out.now(), () => this.commit(this.bump()));
    return { status: 200, ...r };
  }

  async outboxStats() {
    await this.ensureLoaded();
    return { status: 200, ...this.out.overview(), idempotency_records: this.idem.size, ...this.stats };
  }

  async snapshot() {
    await this.ensureLoaded();
    return { status: 200, snapshot: this.router.snapshot() };
  }
}
