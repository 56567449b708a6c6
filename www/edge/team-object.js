// The per-team design's Durable Objects: `TeamRouter`, one per team (and one `rest` for
// pools, rules naming a rep and the fallback), assigns tickets the Worker classified, ticks
// itself with alarms; `KeyDirectory` shards remember which object holds each idempotency
// key. The storage, idempotency, outbox and replay machinery is LeadRouter's.
import { DurableObject } from "cloudflare:workers";
import { LeadRouter } from "./router-object.js";
import { objectConfig } from "./engine-state.js";
import { shareConfig } from "./engine.js";
import { Store } from "./storage.js";

const KEY = "object:key";

/** How often an object with leads in its state ticks (TICK_INTERVAL_MS, 60 s). */
function tickMs(env) {
  const n = Number(env.TICK_INTERVAL_MS);
  return Number.isFinite(n) && n >= 1000 ? n : 60_000;
}

export class TeamRouter extends LeadRouter {
  // The object's key is not known until the first call names it (an id made from a name
  // does not carry the name everywhere): it is stored, and the state loads under it.
  async load() {
    this.key ??= await this.ctx.storage.get(KEY);
    if (!this.key) return;
    this.config = objectConfig(shareConfig(this.settings.config, this.key));
    await super.load();
  }

  async bind(key) {
    if (this.key === key && this.store) return;
    if (this.key && this.key !== key) throw new Error(`object ${this.key} was called as ${key}`);
    // Calls that arrive together on a new object load it once.
    this.binding ??= (async () => {
      this.key = key;
      await this.ctx.storage.put(KEY, key);
      await this.ctx.blockConcurrencyWhile(() => this.load());
    })();
    await this.binding;
  }

  /**
   * Assigns a batch of `{ lead, key, hash, ticket }` in order, each once (a retried item
   * gets its stored decision); one storage commit for the batch. Answers in input order.
   */
  async assign(objectKey, items) {
    await this.bind(objectKey);
    await this.ensureLoaded();
    const answers = [];
    const released = [];
    let version = 0;
    for (const { lead, key, hash, ticket } of items) {
      const unlock = await this.idem.lock(key, lead.id);
      try {
        const out = await this.decide(lead, key, hash, ticket);
        answers.push(out.answer);
        version = Math.max(version, out.version);
        if (out.item) released.push(out.item);
      } finally {
        unlock();
      }
    }
    await this.store.commit(version);
    for (const item of released) this.out.release(item);
    await this.keepTicking();
    return answers;
  }

  /** One alarm per object while it holds leads: its own SLA reminders, re-routes, expiries. */
  async keepTicking() {
    // Known set: no storage call per submission (the alarm clears it when it runs).
    if (this.alarmSet) return;
    if ((await this.ctx.storage.getAlarm()) == null) await this.ctx.storage.setAlarm(Date.now() + tickMs(this.env));
    this.alarmSet = true;
  }

  async alarm() {
    this.alarmSet = false;
    if (!this.key) return;
    await this.ensureLoaded();
    // The tick commits its state before it releases what it sends, so a retried alarm
    // finds the reminders already made: each goes out once.
    await this.tick(Date.now());
    const snap = this.router.snapshot();
    if (snap.assignments?.length || snap.pooled?.length) {
      await this.ctx.storage.setAlarm(Date.now() + tickMs(this.env));
      this.alarmSet = true;
    }
  }

  /** What the admin view gathers: counts, the snapshot and the next alarm. */
  async overview(objectKey, withSnapshot) {
    await this.bind(objectKey);
    await this.ensureLoaded();
    const snap = this.router.snapshot();
    // Every lead this object placed, for checking that each lead is in exactly one place.
    const leads = [];
    if (withSnapshot) for await (const [k, rec] of this.store.list("lead:")) leads.push([k.slice(5), rec.decision.outcome, rec.decision.rep, rec.decision.via, rec.at]);
    return {
      key: this.key,
      state_leads: this.engine.leads,
      assignments: snap.assignments?.length ?? 0,
      pooled: snap.pooled?.length ?? 0,
      next_alarm: await this.ctx.storage.getAlarm(),
      ...this.store.stats,
      ...(withSnapshot ? { snapshot: snap, leads } : {}),
    };
  }

  /** A tick at `now` (the admin's stand-in for the alarm, as the cron stand-in is for the cron). */
  async tickIn(objectKey, now) {
    await this.bind(objectKey);
    return this.tick(now);
  }

  async claimIn(objectKey, target, rep) {
    await this.bind(objectKey);
    return this.claim(target, rep);
  }

  async listPoolIn(objectKey, pool, rep) {
    await this.bind(objectKey);
    return this.listPool(pool, rep);
  }

  async touchIn(objectKey, leadId, rep) {
    await this.bind(objectKey);
    return this.touch(leadId, rep);
  }
}

/**
 * One shard of the idempotency directory: key -> `{ lead_id, hash, object }`, the first
 * binding wins. A key finds its object whichever team its lead went to, and a key reused
 * for another lead is refused before any team object is called. Writes go through the
 * group-commit Store (one storage write for many calls, the input gate left open): a
 * shard that awaited each write alone served one call at a time.
 */
export class KeyDirectory extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.store = new Store(ctx.storage);
    this.turn = Promise.resolve();
  }

  /** Binds each `{ key, lead_id, hash, object }` (or finds its earlier binding), in order. */
  async bindMany(items) {
    // Reads and binds one call at a time (the read lets other calls run): two calls for one
    // key never both find it free. The commit that makes the bindings durable is shared.
    const mine = this.turn.then(async () => {
      const keys = items.map((i) => `key:${i.key}`);
      const found = await this.store.get(keys);
      return items.map((it, j) => {
        const had = found.get(keys[j]) ?? this.store.pending.get(keys[j]);
        if (had) return had;
        const rec = { lead_id: it.lead_id, hash: it.hash, object: it.object };
        this.store.put(keys[j], rec);
        return rec;
      });
    });
    this.turn = mine.catch(() => {});
    const out = await mine;
    await this.store.commit(this.store.bump());
    return out;
  }
}
