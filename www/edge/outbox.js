// The Durable Object's delivery queue: CRM writes and notifications kept in storage until
// delivered, one lane per lead (a lead's create and each owner change go in order), a time
// budget for retries, CRM-wide holds (rate limits, credentials) and dead letters by cause.
import { sendOnce, backoffMs } from "./delivery.js";

const REPLAY_WAIT_MS = 20_000;

/**
 * `host`: `{ settings, env, write(key, value), commit(), clock() }`. `write` stages a
 * storage change (undefined deletes), `commit` makes staged changes durable, `clock` is
 * the time of attempts the runtime starts itself (timers); calls from the object pass
 * their own `now`.
 */
export class Outbox {
  constructor(host) {
    this.host = host;
    this.items = new Map();
    this.lanes = new Map();
    this.held = new Set();
    this.ready = [];
    this.parked = [];
    this.sleeping = new Set();
    this.timers = new Map();
    this.active = 0;
    this.dead = new Map();
    this.hold = null;
    this.holdTimer = null;
    this.seq = 0;
    this.tickedAt = 0;
    this.settleWaiters = new Map();
    this.stats = { delivered: 0, attempts: 0, retries: 0, dead_lettered: 0, holds: 0, known_contacts: 0 };
  }

  get settings() {
    return this.host.settings;
  }

  /** Restores items, dead letters and the hold from storage; sends what is due at `now`. */
  async load(storage, now) {
    const items = [...(await storage.list({ prefix: "out:" })).values()].sort((a, b) => a.seq - b.seq);
    for (const [, d] of await storage.list({ prefix: "dead:" })) this.dead.set(d.id, d);
    this.hold = (await storage.get("crm:hold")) ?? null;
    // A loop, not Math.max(...list): a spread of 150,000 values overflows the stack.
    for (const i of items) this.seq = Math.max(this.seq, i.seq + 1);
    for (const d of this.dead.values()) this.seq = Math.max(this.seq, d.item.seq + 1);
    if (this.hold) this.armHold(now);
    for (const item of items) {
      this.items.set(item.id, item);
      this.schedule(item, false, now);
    }
  }

  stop() {
    for (const t of this.timers.values()) clearTimeout(t);
    clearTimeout(this.holdTimer);
    this.timers.clear();
  }

  nextSeq() {
    return this.seq++;
  }

  has(id) {
    return this.items.has(id);
  }

  laneOf(item) {
    return item.kind === "notify" ? null : item.lead_id;
  }

  /** Stores a new item; it is sent after `release(item)` (once its commit is durable). */
  add(item) {
    this.items.set(item.id, item);
    this.host.write(`out:${item.id}`, item);
    this.schedule(item, true, item.created_at);
  }

  schedule(item, hold, now) {
    if (hold) this.held.add(item.id);
    const key = this.laneOf(item);
    if (key === null) {
      if (!hold) this.due(item, now);
      return;
    }
    const lane = this.lanes.get(key) ?? [];
    // In seq order behind the head (which may be in flight): a replayed create goes before
    // the lead's later owner changes still waiting.
    let at = lane.length;
    while (at > 1 && (this.items.get(lane[at - 1])?.seq ?? -1) > item.seq) at -= 1;
    lane.splice(at, 0, item.id);
    this.lanes.set(key, lane);
    if (lane.length === 1 && !hold) this.due(item, now);
  }

  release(item) {
    if (!item || !this.held.delete(item.id)) return;
    const key = this.laneOf(item);
    if (key === null || this.lanes.get(key)?.[0] === item.id) this.due(item, item.created_at);
  }

  /** Sends `item` now if its retry time has come, else waits for a timer or the tick. */
  due(item, now) {
    const wait = (item.next_at ?? 0) - now;
    if (wait <= 0) {
      this.ready.push(item.id);
      this.pump();
    } else if (wait <= this.settings.retry.timerMaxMs) {
      const t = setTimeout(() => {
        this.timers.delete(item.id);
        this.ready.push(item.id);
        this.pump();
      }, wait);
      this.timers.set(item.id, t);
    } else {
      this.sleeping.add(item.id);
    }
  }

  /** The time of an attempt: the clock, or the latest tick when that is later (tests set it). */
  now() {
    return Math.max(this.host.clock(), this.tickedAt);
  }

  /** The cron tick: lifts a hold that has ended and sends every item whose time has come. */
  wake(now) {
    this.tickedAt = Math.max(this.tickedAt, now);
    if (this.hold && this.hold.until <= now) this.lift();
    let woken = 0;
    for (const id of [...this.sleeping]) {
      const item = this.items.get(id);
      if (!item || (item.next_at ?? 0) <= now) {
        this.sleeping.delete(id);
        if (item) {
          this.ready.push(id);
          woken += 1;
        }
      }
    }
    this.pump();
    return woken;
  }

  pump() {
    while (this.active < this.settings.retry.concurrency && this.ready.length) {
      const id = this.ready.shift();
      const item = this.items.get(id);
      if (!item) continue;
      if (this.hold && item.kind !== "notify") {
        this.parked.push(id);
        continue;
      }
      this.active += 1;
      this.attempt(item, this.now()).finally(() => {
        this.active -= 1;
        this.pump();
      });
    }
  }

  // ---- holds: the whole CRM waits (rate limit windows, refused credentials) --------------

  setHold(f, now) {
    const until = Math.max(f.holdUntil ?? now, this.hold?.until ?? 0);
    this.hold = { until, cause: f.cause, code: f.code ?? null, error: f.error, since: this.hold?.since ?? now };
    this.host.write("crm:hold", this.hold);
    this.stats.holds += 1;
    this.armHold(now);
  }

  armHold(now) {
    clearTimeout(this.holdTimer);
    const wait = this.hold.until - now;
    if (wait <= this.settings.retry.timerMaxMs) this.holdTimer = setTimeout(() => this.lift(), Math.max(0, wait));
  }

  lift() {
    clearTimeout(this.holdTimer);
    this.hold = null;
    this.host.write("crm:hold", undefined);
    this.host.commit();
    this.ready.push(...this.parked);
    this.parked = [];
    this.pump();
  }

  // ---- one attempt and its outcome -------------------------------------------------------

  async attempt(item, now) {
    item.attempts = (item.attempts ?? 0) + 1;
    item.first_attempt_at ??= now;
    this.stats.attempts += 1;
    const r = await sendOnce(item, this.settings, this.host.env, now);
    if (r.ok) return this.settle(item, null, r, now);
    item.last_error = r.error;
    item.last_cause = r.cause;
    const retry = this.settings.retry;
    const since = item.budget_from ?? item.created_at;
    if (r.retry === "never") return this.settle(item, r, null, now);
    if (retry.maxAttempts && item.attempts >= retry.maxAttempts) return this.settle(item, r, null, now);
    if (now - since >= retry.budgetMs) {
      const hours = Math.round(retry.budgetMs / 360_000) / 10;
      return this.settle(item, { ...r, error: `${r.error} (the retry budget of ${hours} h is used up after ${item.attempts} attempts)` }, null, now);
    }
    this.stats.retries += 1;
    if (r.retry === "hold") {
      this.setHold(r, now);
      item.next_at = now;
      this.host.write(`out:${item.id}`, item);
      this.host.commit();
      this.parked.push(item.id);
      return undefined;
    }
    // The last attempt lands on the budget's end rather than past it.
    item.next_at = Math.min(now + backoffMs(item.attempts, retry, r.retryAfterMs), since + retry.budgetMs);
    this.host.write(`out:${item.id}`, item);
    this.host.commit();
    this.due(item, now);
    return undefined;
  }

  settle(item, failure, result, now) {
    this.items.delete(item.id);
    this.host.write(`out:${item.id}`, undefined);
    const key = this.laneOf(item);
    const lane = key === null ? [] : (this.lanes.get(key) ?? []);
    if (lane[0] === item.id) lane.shift();
    let outcome;
    if (failure) {
      const { attempts, last_error: _e, last_cause: _c, next_at: _n, ...rest } = item;
      const dead = {
        id: item.id,
        item: rest,
        cause: failure.cause,
        field: failure.field ?? null,
        code: failure.code ?? null,
        status: failure.status,
        error: failure.error,
        attempts,
        dead_at: now,
      };
      this.dead.set(dead.id, dead);
      this.host.write(`dead:${dead.id}`, dead);
      this.stats.dead_lettered += 1;
      outcome = { id: item.id, result: "dead", cause: dead.cause, error: failure.error };
    } else {
      this.stats.delivered += 1;
      if (result?.note === "known_contact_owner_kept") this.stats.known_contacts += 1;
      outcome = { id: item.id, result: "delivered", attempts: item.attempts, ...(result?.note ? { note: result.note } : {}) };
    }
    // The lane goes on either way: each owner change is its own delivery, in order.
    if (key !== null) {
      if (lane.length) {
        const next = this.items.get(lane[0]);
        if (next && !this.held.has(next.id)) this.due(next, now);
      } else {
        this.lanes.delete(key);
      }
    }
    this.host.commit();
    for (const resolve of this.settleWaiters.get(item.id) ?? []) resolve(outcome);
    this.settleWaiters.delete(item.id);
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

  // ---- operators -------------------------------------------------------------------------

  /** Dead letters oldest first, with counts by cause (and the fields validation named). */
  deadLetters() {
    const list = [...this.dead.values()].sort((a, b) => a.item.seq - b.item.seq);
    const byCause = {};
    for (const d of list) {
      const c = (byCause[d.cause ?? "unknown"] ??= { count: 0, fields: {}, ids: [] });
      c.count += 1;
      c.ids.push(d.id);
      if (d.field) c.fields[d.field] = (c.fields[d.field] ?? 0) + 1;
    }
    return { count: list.length, by_cause: byCause, dead_letters: list };
  }

  /**
   * Queues dead letters again (`ids`, or all of `cause`, or all), oldest first, each with a
   * fresh retry budget from `now`; resolves when each settled (or after 20 s: "pending").
   * `commit` must make the queued items durable before they are released.
   */
  async replay({ ids, cause } = {}, now, commit) {
    let chosen = [...this.dead.values()];
    if (Array.isArray(ids) && ids.length) chosen = ids.map((id) => this.dead.get(id)).filter(Boolean);
    else if (cause) chosen = chosen.filter((d) => d.cause === cause);
    // A lead's later dead owner changes follow its replayed create, so the CRM ends with
    // the latest owner.
    const creates = new Map(chosen.filter((d) => d.item.kind === "create").map((d) => [d.item.lead_id, d.item.seq]));
    for (const d of this.dead.values()) if (creates.get(d.item.lead_id) < d.item.seq && !chosen.includes(d)) chosen.push(d);
    chosen.sort((a, b) => a.item.seq - b.item.seq);
    const items = [];
    for (const d of chosen) {
      this.dead.delete(d.id);
      this.host.write(`dead:${d.id}`, undefined);
      const item = { ...d.item, attempts: 0, replayed_at: now, budget_from: now, next_at: 0 };
      this.items.set(item.id, item);
      this.host.write(`out:${item.id}`, item);
      this.schedule(item, true, now);
      items.push(item);
    }
    const waits = items.map((i) => this.settled(i.id, REPLAY_WAIT_MS));
    await commit();
    for (const item of items) {
      if (!this.held.delete(item.id)) continue;
      const key = this.laneOf(item);
      if (key === null || this.lanes.get(key)?.[0] === item.id) this.due(item, now);
    }
    return { replayed: items.length, results: await Promise.all(waits) };
  }

  overview() {
    const byCause = {};
    for (const d of this.dead.values()) byCause[d.cause ?? "unknown"] = (byCause[d.cause ?? "unknown"] ?? 0) + 1;
    const next = [...this.items.values()].reduce((m, i) => (i.next_at && (m === null || i.next_at < m) ? i.next_at : m), null);
    return {
      pending: this.items.size,
      in_flight: this.active,
      waiting_retry: this.timers.size + this.sleeping.size,
      held: this.parked.length,
      hold: this.hold,
      next_retry_at: next,
      dead_letters: this.dead.size,
      dead_by_cause: byCause,
      ...this.stats,
    };
  }
}
