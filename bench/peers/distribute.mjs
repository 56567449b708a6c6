// The distribution half of the reference policy, in plain JS, shared by the three JS peers
// (a rules engine decides screening, scoring and which rule matches; it has no rotation
// or capacity state, so every peer hands the team pick to this code).
//
// Mirrors leadroute's semantics exactly, so assignments can be compared lead by lead:
// - caps count per rep per UTC day / ISO week / month (src/state.rs `RepState::add`),
//   a rep at any cap is skipped (src/rep.rs);
// - territory: the most specific covering territory ranks highest (country 1, region 2,
//   postal prefix 3 + its length) (src/strategy/territory.rs);
// - demographic: a failed requirement excludes (waived when the lead lacks the field),
//   preferred matches rank (src/strategy/demographic.rs);
// - round robin "keeps_place": the first rep in the queue who is in the best tier gets
//   the lead and moves to the back; skipped reps keep their place (src/strategy/pick.rs);
// - a named rep who cannot take the lead, or a team with no eligible member, sends it to
//   the fallback owner, who is never skipped; every assignment counts toward caps.

const DAY_MS = 86_400_000;
const ATTRIBUTES = {
  languages: "languages", industries: "industries", products: "products",
  segments: "segments", seniority: "seniority",
};

const lower = (list) => (list ?? []).map((s) => s.trim().toLowerCase());

/** A non-empty string value of a lead field, or null (empty strings count as missing). */
function str(v) {
  if (typeof v !== "string") return null;
  return v.trim() === "" ? null : v;
}

export function createDistributor(config) {
  if ((config.timezone ?? "UTC") !== "UTC") throw new Error("the JS peers model UTC periods only");
  const index = new Map();
  const reps = config.reps.map((r, i) => {
    if (r.hours || r.status || (r.out_of_office ?? []).length) {
      throw new Error(`rep ${r.id}: the JS peers do not model hours, status or out of office`);
    }
    index.set(r.id, i);
    const caps = r.caps ? [r.caps.day ?? null, r.caps.week ?? null, r.caps.month ?? null] : [null, null, 150];
    return {
      id: r.id,
      caps,
      // [key, count] per period: day, week, month.
      keys: [0, 0, 0],
      counts: [0, 0, 0],
      territories: (r.territories ?? []).map((t) => ({
        country: t.country.trim().toLowerCase(),
        regions: lower(t.regions),
        postal: lower(t.postal_prefixes),
      })),
      languages: lower(r.languages),
      industries: lower(r.industries),
      products: lower(r.products),
      segments: lower(r.segments),
      seniority: r.seniority ? [r.seniority.trim().toLowerCase()] : [],
    };
  });
  const teamIndex = new Map();
  const teams = config.teams.map((t, ti) => {
    if (t.default_owner) throw new Error("the JS peers do not model default owners");
    teamIndex.set(t.id, ti);
    const s = t.strategy ?? { type: "round_robin" };
    const then = s.then ?? "round_robin";
    if ((s.type === "round_robin" && (s.skipped ?? "keeps_place") !== "keeps_place")
        || ((s.type === "territory" || s.type === "demographic") && then !== "round_robin")
        || !["round_robin", "territory", "demographic"].includes(s.type)) {
      throw new Error(`team ${t.id}: the JS peers model round robin (keeps_place) picks only`);
    }
    const fields = s.fields ?? {};
    const match = (m) => ({ attr: ATTRIBUTES[m.attribute], field: m.field });
    return {
      id: t.id,
      type: s.type,
      members: t.members.map((id) => index.get(id)),
      queue: t.members.map((_, pos) => pos),
      ranks: new Int32Array(t.members.length),
      country: fields.country ?? "country",
      region: fields.region ?? "region",
      postal: fields.postal_code ?? "postal_code",
      required: (s.required ?? []).map(match),
      preferred: (s.preferred ?? []).map(match),
    };
  });
  const fallback = index.get(config.fallback);

  // Period keys for `now`, cached per UTC day (leads arrive in time order).
  let cachedDay = NaN;
  const keys = [0, 0, 0];
  function periodKeys(now) {
    const days = Math.floor(now / DAY_MS);
    if (days !== cachedDay) {
      cachedDay = days;
      const d = new Date(days * DAY_MS);
      keys[0] = days;
      keys[1] = Math.floor((days + 3) / 7);
      keys[2] = d.getUTCFullYear() * 12 + d.getUTCMonth();
    }
    return keys;
  }

  function atCap(rep, k) {
    for (let i = 0; i < 3; i++) {
      const cap = rep.caps[i];
      if (cap !== null && (rep.keys[i] === k[i] ? rep.counts[i] : 0) >= cap) return true;
    }
    return false;
  }

  function assign(ri, k) {
    const rep = reps[ri];
    for (let i = 0; i < 3; i++) {
      if (rep.keys[i] === k[i]) rep.counts[i] += 1;
      else if (k[i] > rep.keys[i] || rep.counts[i] === 0) {
        rep.keys[i] = k[i];
        rep.counts[i] = 1;
      }
    }
    return rep.id;
  }

  function territoryRank(rep, team, lead) {
    const c = str(lead[team.country]);
    if (c === null) return -1;
    const country = c.trim().toLowerCase();
    const rv = str(lead[team.region]);
    const region = rv === null ? null : rv.trim().toLowerCase();
    const pv = str(lead[team.postal]);
    const postal = pv === null ? null : pv.trim().toLowerCase();
    let best = -1;
    for (const t of rep.territories) {
      if (t.country !== country) continue;
      let r = 1;
      if (t.regions.length) {
        if (region === null || !t.regions.includes(region)) continue;
        r = 2;
      }
      if (t.postal.length) {
        let len = -1;
        if (postal !== null) {
          for (const p of t.postal) if (postal.startsWith(p) && p.length > len) len = p.length;
        }
        if (len < 0) continue;
        r = 3 + len;
      }
      if (r > best) best = r;
    }
    return best;
  }

  /** true / false, or null when the lead lacks the field. */
  function covers(rep, m, lead) {
    const v = str(lead[m.field]);
    if (v === null) return null;
    return rep[m.attr].includes(v.trim().toLowerCase());
  }

  function demographicRank(rep, team, lead) {
    for (const m of team.required) if (covers(rep, m, lead) === false) return -1;
    let n = 0;
    for (const m of team.preferred) if (covers(rep, m, lead) === true) n += 1;
    return n;
  }

  /** The rep index a team's strategy picks, or -1; updates the rotation. */
  function pick(team, lead, k) {
    const { members, ranks, queue } = team;
    let best = -1;
    for (let pos = 0; pos < members.length; pos++) {
      ranks[pos] = -1;
      const rep = reps[members[pos]];
      if (atCap(rep, k)) continue;
      let r = 0;
      if (team.type === "territory") r = territoryRank(rep, team, lead);
      else if (team.type === "demographic") r = demographicRank(rep, team, lead);
      if (r < 0) continue;
      ranks[pos] = r;
      if (r > best) best = r;
    }
    if (best < 0) return -1;
    for (let qi = 0; qi < queue.length; qi++) {
      const pos = queue[qi];
      if (ranks[pos] === best) {
        queue.splice(qi, 1);
        queue.push(pos);
        return members[pos];
      }
    }
    return -1;
  }

  return {
    periodKeys,
    repIndex: (id) => index.get(id),
    teamIndex: (id) => teamIndex.get(id),
    /** A rule naming a rep: the rep if available, else the fallback owner. */
    toRep(ri, k) {
      return assign(atCap(reps[ri], k) ? fallback : ri, k);
    },
    /** A rule naming a team: the strategy's pick, else the fallback owner. */
    toTeam(ti, lead, k) {
      const ri = pick(teams[ti], lead, k);
      return assign(ri < 0 ? fallback : ri, k);
    },
    toFallback(k) {
      return assign(fallback, k);
    },
    /** Rule targets in config order: [{ rep } | { team }] as indexes. */
    targets: config.rules.map((r) => (r.rep !== undefined
      ? { rep: index.get(r.rep) }
      : { team: teamIndex.get(r.team) })),
  };
}
