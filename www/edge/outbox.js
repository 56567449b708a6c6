// The durable CRM outbox: items in `out:<id>` until delivered, dead letters in `dead:<id>`.
// One lane per lead keeps a lead's create and owner changes in order.
import { sendOnce, backoffMs } from "./delivery.js";

const REPLAY_WAIT_MS = 20_000;

/** The next sequence number after every item and dead letter (no spread: lists are long). */
function nextSeq(items, dead) {
  let seq = 0;
  for (const i of items) if (i.seq + 1 > seq) seq = i.seq + 1;
  for (const d of dead) if (d.item.seq + 1 > seq) seq = d.item.seq + 1;
  return seq;
}

export class Outbox {
  constructor(store, settings, env) {
    this.store = store;
    this.settings = settings;
    this.env = env;
    this.items = new Map();
    this.dead = new Map();
    this.deadByLead = new Map();
    this.lanes = new Map();
    this.held = new Set();
    this.ready = [];
    this.active = 0;
    this.timers = new Set();
    this.settleWaiters = new Map();
    this.stats = { delivered: 0, attempts: 0, retries: 0, dead_lettered: 0 };
  }

  async load() {
    const pending = [];
    for await (const [, item] of this.store.list("out:")) pending.push(item);
    for await (const [, d] of this.store.list("dead:")) this.keepDead(d);
    pending.sort((a, b) => a.seq - b.seq);
    this.seq = nextSeq(pending, this.dead.values());
    for (const item of pending) {
      this.items.set(item.id, item);
      this.schedule(item, false);
    }
  }

  stop() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  laneOf(item) {
    return item.kind === "notify" ? null : item.lead_id;
  }

  /** Adds an item (stored with the caller's commit); it is sent after `release`. */
  add(item) {
    item.seq = this.seq++;
    this.items.set(item.id, item);
    this.store.put(`out:${item.id}`, item);
    this.schedule(item, true);
    return item;
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
      const item = this.items.get(this.ready.shift());
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
    this.store.delete(`dead:${id}`);
  }

  /** A later owner change for a lead whose earlier write is dead: replaying sends the latest owner. */
  fold(dead, next) {
    const it = dead.item;
    if (it.kind === "create") {
      const outcome = next.rep ? "assigned" : "pooled";
      it.decision = { ...it.decision, outcome, via: next.via, rep: next.rep, rep_name: next.rep_name ?? null, pool: next.pool ?? null };
    } else {
      Object.assign(it, { rep: next.rep, rep_name: next.rep_name ?? null, pool: next.pool ?? null, via: next.via, reason: next.reason });
    }
    this.held.delete(next.id);
    dead.folded = [...(dead.folded ?? []), next.id];
    this.store.put(`dead:${dead.id}`, dead);
    this.notifySettled(next.id, { id: next.id, result: "dead", folded_into: dead.id });
  }

  settle(item, failure) {
    this.items.delete(item.id);
    this.store.delete(`out:${item.id}`);
    const key = this.laneOf(item);
    const lane = key === null ? [] : (this.lanes.get(key) ?? []);
    if (lane[0] === item.id) lane.shift();
    let outcome;
    if (failure) {
      const { attempts, last_error: _e, ...rest } = item;
      const dead = { id: item.id, item: rest, attempts, status: failure.status, error: failure.error, dead_at: Date.now() };
      while (lane.length) {
        const next = this.items.get(lane.shift());
        if (!next) continue;
        this.items.delete(next.id);
        this.store.delete(`out:${next.id}`);
        this.fold(dead, next);
      }
      this.keepDead(dead);
      this.store.put(`dead:${dead.id}`, dead);
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
    this.store.commit(this.store.bump()).catch(() => {});
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

  /** The CRM write for a routed lead, when its outcome is forwarded; else null. */
  create(lead, decision, at) {
    if (!this.settings.crm?.forward.includes(decision.outcome)) return null;
    return this.add({ id: `create:${lead.id}`, kind: "create", lead_id: lead.id, lead, decision, created_at: at, attempts: 0 });
  }

  /** An owner change (to `rep`, or to `pool` when the lead waits in one); null without a CRM. */
  ownerChange(leadId, { rep, pool = null }, via, reason, at, email) {
    if (!this.settings.crm) return null;
    const repName = rep ? (this.settings.config.reps.find((r) => r.id === rep)?.name ?? null) : null;
    const item = {
      id: `owner:${leadId}:${rep ?? pool}:${at}`,
      kind: "owner",
      lead_id: leadId,
      email: email ?? null,
      rep: rep ?? null,
      rep_name: repName,
      pool,
      via,
      reason,
      created_at: at,
      attempts: 0,
    };
    if (this.items.has(item.id)) return null;
    const deadId = this.deadByLead.get(leadId);
    if (deadId && !this.lanes.has(leadId)) {
      item.seq = this.seq++;
      this.fold(this.dead.get(deadId), item);
      return null;
    }
    return this.add(item);
  }

  notify(events, now) {
    return this.add({ id: `notify:${now}:${this.seq}`, kind: "notify", events, created_at: now, attempts: 0 });
  }

  list() {
    return [...this.dead.values()].sort((a, b) => a.item.seq - b.item.seq);
  }

  /** Sends dead letters again (all, or `ids`), oldest first; waits for each to settle. */
  async replay(ids) {
    const chosen = Array.isArray(ids) && ids.length ? ids.map((id) => this.dead.get(id)).filter(Boolean) : [...this.dead.values()];
    chosen.sort((a, b) => a.item.seq - b.item.seq);
    const v = this.store.bump();
    const items = [];
    for (const d of chosen) {
      this.dropDead(d.id);
      const item = { ...d.item, attempts: 0, replayed_at: Date.now() };
      this.items.set(item.id, item);
      this.store.put(`out:${item.id}`, item);
      this.schedule(item, true);
      items.push(item);
    }
    const waits = items.map((i) => this.settled(i.id, REPLAY_WAIT_MS));
    await this.store.commit(v);
    for (const item of items) this.release(item);
    const results = await Promise.all(waits);
    return { status: 200, replayed: items.length, results };
  }

  counts() {
    return { pending: this.items.size, in_flight: this.active, waiting_retry: this.timers.size, dead_letters: this.dead.size, ...this.stats };
  }
}
