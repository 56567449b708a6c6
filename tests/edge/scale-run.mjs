// Shared by tests/edge/scale.test.mjs and bench/workerd-bench.mjs (not a test file): the
// 5-team config with reps in two teams and tight day caps, a bounded load of form posts
// with a fixed number in flight, and the exactly-once checks for both edge designs.
import assert from "node:assert/strict";
import { join } from "node:path";
import { leads as genLeads } from "../../bench/gen.mjs";
import { ROOT, admin, call, percentile, postLead, readJson, repToken } from "./harness.mjs";

export const DAY_CAP = 25;

/**
 * bench/reference-config.json (40 reps, 5 teams) without working hours, every rep capped
 * at DAY_CAP a day, the first member of each team also in the next team, overflow to an
 * uncapped fallback rep, and Brazil's leads to a pool that emea's reps and it claim from.
 */
export function scaleConfig() {
  const c = readJson(join(ROOT, "bench", "reference-config.json"));
  for (const r of c.reps) {
    delete r.hours;
    delete r.out_of_office;
    r.caps = { day: DAY_CAP };
  }
  const firsts = c.teams.map((t) => t.members[0]);
  c.teams.forEach((t, i) => t.members.push(firsts[(i + c.teams.length - 1) % c.teams.length]));
  // Overflow goes to one uncapped rep, so every capped rep's count is checkable.
  for (const t of c.teams) delete t.default_owner;
  // `caps: {}`: no cap at all (without `caps` the core caps a rep at 150 a month).
  c.reps.push({ id: "overflow", name: "Overflow Desk", caps: {} });
  c.fallback = "overflow";
  const emea = c.teams.find((t) => t.id === "emea").members;
  // The uncapped desk claims too, so claims race in both designs whatever the caps left.
  c.pools = [{ id: "br", reps: [...emea, "overflow"] }];
  c.rules.unshift({ id: "brazil", when: 'country == "BR"', pool: "br" });
  return c;
}

/** `n` generated leads as a form posts them (no outcome columns), ids prefixed. */
export function scaleLeads(n, prefix) {
  return genLeads(n).map(({ created_at: _c, converted: _v, deal_value: _d, id, ...l }) => ({ ...l, id: `${prefix}${id}` }));
}

/**
 * Posts every lead (each `dupEvery`th twice at once) with `inFlight` requests open.
 * `progress.answered` counts the answers as they come. Resolves `{ answers: Map(id -> [{status, body}]), ms, leadsPerS, p50, p99 }`.
 */
export async function load(base, leads, { inFlight, dupEvery = 0, progress = {} } = {}) {
  const answers = new Map();
  const lat = [];
  const jobs = [];
  for (const [i, l] of leads.entries()) {
    jobs.push(l);
    if (dupEvery && i % dupEvery === 0) jobs.push(l);
  }
  let next = 0;
  let failed = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < jobs.length) {
      const l = jobs[next++];
      try {
        const r = await postLead(base, l);
        lat.push(r.ms);
        progress.answered = lat.length;
        if (!answers.has(l.id)) answers.set(l.id, []);
        answers.get(l.id).push(r);
      } catch {
        failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const ms = performance.now() - t0;
  lat.sort((a, b) => a - b);
  return { answers, ms, sent: lat.length, failed, leadsPerS: (lat.length / ms) * 1000, p50: percentile(lat, 50), p99: percentile(lat, 99) };
}

/** Day key of `ms` in a zone, the engine's cap period. */
function dayKey(ms, tz) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(ms);
}

/** Claims every pooled lead with all the pool's reps at once; resolves each lead's winners. */
export async function claimAll(base, config) {
  const reps = config.pools[0].reps;
  const winners = new Map();
  await Promise.all(
    reps.map(async (rep) => {
      for (;;) {
        const r = await call(base, "POST", `/pools/br/claim`, { token: await repToken(rep) });
        // Empty, or this rep at a cap or claim limit: this rep is done.
        if (r.status !== 200) return;
        const id = r.body.claim.lead_id;
        if (!winners.has(id)) winners.set(id, []);
        winners.get(id).push({ rep, at: r.body.claim.claimed_at });
      }
    }),
  );
  return winners;
}

/**
 * Every lead answered once (a duplicate with the same decision, replayed), in exactly one
 * place (per-team: one object's records, the one its team names; none for a decision
 * made in the Worker), no rep over its day cap as a team member, no lead claimed twice.
 * Returns the counts by outcome. `retried`: the answers of a full resend after a crash.
 */
export async function checkExactlyOnce({ base, design, config, leads, answers, winners, retried = false }) {
  const per_team = design === "per_team";
  const decisions = new Map();
  // Refused at the door (the core's lead check): answered, and placed nowhere.
  const refused = new Set();
  for (const l of leads) {
    const got = answers.get(l.id) ?? [];
    assert.ok(got.length >= 1, `${design}: ${l.id} unanswered`);
    if (got.every((r) => r.status === 422 && r.body.error?.code === got[0].body.error?.code)) {
      refused.add(l.id);
      continue;
    }
    const fresh = got.filter((r) => r.status === 201 && !r.body.replayed);
    // A decision the Worker makes alone (rejected, nurture with no one to try) is made
    // again for a duplicate, the same; anything an object placed is placed once.
    const stateless = per_team && fresh.length > 1 && ["rejected", "nurture"].includes(fresh[0].body.outcome);
    // After a crash, a lead stored just before it is only ever answered as replayed.
    if (retried && fresh.length === 0) fresh.push(got[0]);
    assert.equal(stateless ? 1 : fresh.length, 1, `${design}: ${l.id} placed ${fresh.length} times: ${JSON.stringify(got.map((r) => r.body))}`);
    const d = fresh[0].body;
    for (const r of got) {
      assert.ok(r.status === 201 || r.status === 200, `${design}: ${l.id}: ${r.status} ${JSON.stringify(r.body)}`);
      assert.deepEqual([r.body.outcome, r.body.rep, r.body.pool], [d.outcome, d.rep, d.pool], `${design}: ${l.id} answered differently`);
    }
    decisions.set(l.id, d);
  }
  const tz = new Map(config.reps.map((r) => [r.id, r.timezone ?? config.timezone ?? "UTC"]));
  if (design === "per_team") {
    const { body } = await admin(base, "GET", "/admin/teams?snapshots=1");
    const where = new Map();
    for (const o of body.objects) {
      for (const [id, outcome, rep] of o.leads) {
        assert.ok(!where.has(id), `${id} is in ${where.get(id)} and ${o.key}`);
        where.set(id, o.key);
        const d = decisions.get(id);
        if (d) assert.deepEqual([outcome, rep], [d.outcome, d.rep], `${id} in ${o.key}`);
      }
    }
    for (const [id, d] of decisions) {
      const placed = d.outcome === "assigned" || d.outcome === "pooled";
      if (placed) assert.ok(where.has(id), `${id} (${d.outcome}) is in no object`);
      if (d.outcome === "rejected") assert.ok(!where.has(id), `rejected ${id} reached ${where.get(id)}`);
    }
    for (const id of refused) assert.ok(!where.has(id), `refused ${id} reached ${where.get(id)}`);
  }
  // Caps: every rep but the uncapped fallback, whatever path gave them the lead.
  const perRepDay = new Map();
  for (const d of decisions.values()) {
    if (d.outcome !== "assigned" || !d.rep || d.rep === config.fallback) continue;
    const k = `${d.rep} ${dayKey(d.routed_at, tz.get(d.rep))}`;
    perRepDay.set(k, (perRepDay.get(k) ?? 0) + 1);
  }
  for (const list of winners?.values() ?? []) {
    for (const { rep, at } of list.filter((c) => c.rep !== config.fallback)) {
      const k = `${rep} ${dayKey(at, tz.get(rep))}`;
      perRepDay.set(k, (perRepDay.get(k) ?? 0) + 1);
    }
  }
  for (const [k, n] of perRepDay) assert.ok(n <= DAY_CAP, `${design}: ${k} took ${n} leads, cap ${DAY_CAP}`);
  if (winners) {
    const pooled = [...decisions].filter(([, d]) => d.outcome === "pooled").map(([id]) => id);
    for (const [id, list] of winners) {
      assert.ok(pooled.includes(id), `${design}: ${id} was claimed but never pooled`);
      assert.equal(list.length, 1, `${design}: ${id} claimed by ${list.map((w) => w.rep)}`);
    }
  }
  const counts = { refused: refused.size };
  for (const d of decisions.values()) counts[d.outcome] = (counts[d.outcome] ?? 0) + 1;
  return counts;
}
