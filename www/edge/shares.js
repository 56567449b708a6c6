// The cap protocol of the per-team design: each rep's caps are split between the objects
// that can give them capped leads (the teams they are members of, and `rest` for rules
// naming them, pools and reps in no team), and each object's engine enforces its share.
// The shares add up to at most the cap, so no rep goes over it across objects, with no
// call between objects on the hot path; the price is that a share left in one team
// cannot be used by another (README, "The cap protocol").

const PERIODS = ["day", "week", "month"];
// The core's cap for a rep without `caps` (DEFAULT_MONTH_CAP in src/model/rep.rs): it is
// split like any other, or each object would grant it whole (tests/edge/per-team.test.mjs
// checks the core still applies it).
export const DEFAULT_CAPS = { month: 150 };

/** `team:<id>` for a ticket sent to a team, `rest` for everything else that needs state. */
export function objectKey(ticket) {
  return ticket.target.kind === "team" ? `team:${ticket.target.id}` : "rest";
}

/** Every object key of a config, teams first. */
export function objectKeys(config) {
  return [...(config.teams ?? []).map((t) => `team:${t.id}`), "rest"];
}

/** rep id -> the object keys that own a share of the rep's caps, in a stable order. */
export function homes(config) {
  const out = new Map((config.reps ?? []).map((r) => [r.id, []]));
  for (const t of config.teams ?? []) for (const m of t.members ?? []) out.get(m)?.push(`team:${t.id}`);
  const rest = new Set();
  for (const rule of config.rules ?? []) if (rule.rep) rest.add(rule.rep);
  for (const p of config.pools ?? []) {
    for (const r of p.reps ?? []) rest.add(r);
    // A pool's leads expire into its `expire_to` team inside `rest`, where the pool is.
    for (const t of [...(p.teams ?? []), ...(p.expire_to ? [p.expire_to] : [])]) {
      for (const m of config.teams?.find((x) => x.id === t)?.members ?? []) rest.add(m);
    }
  }
  for (const [rep, list] of out) if (rest.has(rep) || !list.length) list.push("rest");
  return out;
}

/** `cap` split `n` ways: share `i` (the first `cap % n` shares get one more). */
function share(cap, n, i) {
  return Math.floor(cap / n) + (i < cap % n ? 1 : 0);
}

/**
 * The config as the object `key` runs it: each rep's caps replaced by the object's share
 * (0 where the object owns none), each conditional cap split between the teams it names.
 * Classifying reads none of this, so tickets of the full config stay valid here.
 */
export function shareConfig(config, key) {
  const h = homes(config);
  const reps = (config.reps ?? []).map((r) => {
    const given = r.caps ?? DEFAULT_CAPS;
    const mine = h.get(r.id) ?? [];
    const i = mine.indexOf(key);
    const caps = {};
    for (const p of PERIODS) if (given[p] != null) caps[p] = i < 0 ? 0 : share(given[p], mine.length, i);
    return { ...r, caps };
  });
  const capRules = (config.cap_rules ?? []).map((c) => {
    const owners = c.teams?.length && !c.reps?.length ? c.teams.map((t) => `team:${t}`) : objectKeys(config);
    const i = owners.indexOf(key);
    const out = { ...c };
    for (const p of PERIODS) if (c[p] != null) out[p] = i < 0 ? 0 : share(c[p], owners.length, i);
    return out;
  });
  return { ...config, reps, ...(config.cap_rules ? { cap_rules: capRules } : {}) };
}
