// The config as forms: reps in a table, teams with their selection pipeline, pools,
// screening, scoring groups and grades, the ordered rules, and the SLA of rules and teams. Every input carries the core's path of what it edits
// (data-path), so a validation error from the core lands beside the field it is about.
import { el } from "../render.js";
import { conditionEditor } from "./condition.js";
import { getIn, pathText } from "./doc.js";

const STATUSES = ["available", "busy", "away", "out_of_office"];
const ATTRIBUTES = ["languages", "industries", "products", "segments", "seniority"];
const PERIODS = ["day", "week", "month"];
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const words = (s) => String(s).replaceAll("_", " ");

/** Everything a form needs: the doc to write to and the config it shows. */
function kit(doc) {
  const config = doc.config ?? {};
  const set = (parts, value) => doc.update(parts, value);
  const input = (parts, { type = "text", label, read = (s) => s, show = (v) => v ?? "", cls, placeholder } = {}) => {
    const i = el("input", { type, "data-path": pathText(parts), "aria-label": label, class: cls, placeholder });
    i.value = show(getIn(config, parts));
    i.addEventListener("change", () => set(parts, i.value.trim() === "" ? undefined : read(i.value)));
    return i;
  };
  const number = (parts, label, opts = {}) =>
    input(parts, { ...opts, type: "number", label, cls: "num", read: (s) => (Number.isFinite(Number(s)) ? Number(s) : s) });
  const list = (parts, label, opts = {}) =>
    input(parts, { ...opts, label, show: (v) => (Array.isArray(v) ? v.join(", ") : v ?? ""), read: (s) => s.split(",").map((x) => x.trim()).filter(Boolean) });
  const select = (parts, options, { label, blank } = {}) => {
    const cur = getIn(config, parts);
    const s = el("select", { "data-path": pathText(parts), "aria-label": label },
      blank !== undefined ? el("option", { value: "" }, blank) : null,
      options.map(([v, text]) => el("option", { value: v, selected: v === cur }, text)),
      cur !== undefined && !options.some(([v]) => v === cur) ? el("option", { value: cur, selected: true }, cur) : null);
    s.addEventListener("change", () => set(parts, s.value === "" ? undefined : s.value));
    return s;
  };
  const check = (parts, label) => {
    const c = el("input", { type: "checkbox", "data-path": pathText(parts), checked: Boolean(getIn(config, parts)) });
    c.addEventListener("change", () => set(parts, c.checked ? true : undefined));
    return el("label", { class: "check" }, c, ` ${label}`);
  };
  const reps = config.reps ?? [];
  const repName = (id) => reps.find((r) => r.id === id)?.name ?? id;
  const repOptions = reps.map((r) => [r.id, r.name ?? r.id]);
  const teamOptions = (config.teams ?? []).map((t) => [t.id, t.name ?? t.id]);
  const poolOptions = (config.pools ?? []).map((p) => [p.id, p.name ?? p.id]);
  /** Checkboxes over reps for a list of ids (members, pool reps). */
  const picks = (parts, options, label) => {
    const cur = getIn(config, parts) ?? [];
    return el("div", { class: "picks", "data-path": pathText(parts), role: "group", "aria-label": label },
      options.map(([id, name]) => {
        const c = el("input", { type: "checkbox", value: id, checked: cur.includes(id) });
        c.addEventListener("change", () => {
          const now = getIn(doc.config ?? {}, parts) ?? [];
          set(parts, c.checked ? [...now, id] : now.filter((x) => x !== id));
        });
        return el("label", { class: "check", "data-id": id }, c, ` ${name}`);
      }),
      cur.filter((id) => !options.some(([o]) => o === id)).map((id) => el("span", { class: "unknown" }, `${id} (unknown)`)));
  };
  const move = (parts, i, by) => {
    const arr = [...(getIn(config, parts) ?? [])];
    const j = i + by;
    if (j < 0 || j >= arr.length) return;
    [arr[i], arr[j]] = [arr[j], arr[i]];
    set(parts, arr);
  };
  const remove = (parts, i) => set([...parts, i], undefined);
  const add = (parts, item) => set(parts, [...(getIn(config, parts) ?? []), item]);
  const unique = (prefix, taken) => {
    for (let n = 1; ; n++) if (!taken.includes(`${prefix}-${n}`)) return `${prefix}-${n}`;
  };
  return { doc, config, set, input, number, list, select, check, picks, move, remove, add, unique, repName, repOptions, teamOptions, poolOptions };
}

// ---- reps ---------------------------------------------------------------------------------
/** `US: NY, NJ; CA; US #941, 940` (regions after a colon, postal prefixes after #). */
const territoriesText = (ts) =>
  (ts ?? []).map((t) => `${t.country}${t.regions?.length ? `: ${t.regions.join(", ")}` : ""}${t.postal_prefixes?.length ? ` #${t.postal_prefixes.join(", ")}` : ""}`).join("; ");
const readTerritories = (s) =>
  s.split(";").map((x) => x.trim()).filter(Boolean).map((x) => {
    const [head, prefixes] = x.split("#");
    const [country, regions] = head.split(":");
    const t = { country: country.trim() };
    const r = (regions ?? "").split(",").map((y) => y.trim()).filter(Boolean);
    const p = (prefixes ?? "").split(",").map((y) => y.trim()).filter(Boolean);
    if (r.length) t.regions = r;
    if (p.length) t.postal_prefixes = p;
    return t;
  });
/** `mon-fri 08:00-18:00, sat 10:00-14:00`: consecutive days with the same hours joined. */
function hoursText(h) {
  if (!h) return "";
  const parts = [];
  for (let i = 0; i < DAYS.length; ) {
    const v = h[DAYS[i]];
    if (!v) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < DAYS.length && h[DAYS[j + 1]] === v) j++;
    parts.push(`${j > i ? `${DAYS[i]}-${DAYS[j]}` : DAYS[i]} ${v}`);
    i = j + 1;
  }
  return parts.join(", ");
}
function readHours(s, tz) {
  const out = tz ? { tz } : {};
  for (const part of s.split(",").map((x) => x.trim()).filter(Boolean)) {
    const [days, span] = part.split(/\s+/, 2);
    const [a, b] = days.toLowerCase().split("-");
    const from = DAYS.indexOf(a);
    const to = b ? DAYS.indexOf(b) : from;
    // An unknown day is kept as written, so the core names it in its error.
    if (from < 0 || to < 0) out[days] = span;
    else for (let d = from; d <= to; d++) out[DAYS[d]] = span;
  }
  return out;
}
const oooText = (list) => (list ?? []).map((r) => (r.from === r.to ? r.from : `${r.from}..${r.to}`)).join(", ");
const readOoo = (s) =>
  s.split(",").map((x) => x.trim()).filter(Boolean).map((x) => {
    const [from, to] = x.split("..").map((y) => y.trim());
    return { from, to: to ?? from };
  });

function repsForm(k) {
  const reps = k.config.reps ?? [];
  const rows = reps.map((r, i) => {
    const p = ["reps", i];
    const hours = el("input", { "data-path": pathText([...p, "hours"]), "aria-label": "working hours", placeholder: "mon-fri 09:00-17:00", class: "wide" });
    hours.value = hoursText(r.hours);
    const tz = el("input", { "data-path": pathText([...p, "hours", "tz"]), "aria-label": "time zone", placeholder: "time zone", class: "tz" });
    tz.value = r.hours?.tz ?? "";
    const putHours = () => k.set([...p, "hours"], hours.value.trim() === "" && tz.value.trim() === "" ? undefined : readHours(hours.value, tz.value.trim()));
    hours.addEventListener("change", putHours);
    tz.addEventListener("change", putHours);
    return el("tr", { "data-rep": r.id },
      el("td", {}, k.input([...p, "name"], { label: "name", cls: "name" }), el("div", { class: "id muted" }, k.input([...p, "id"], { label: "id", cls: "id" }))),
      el("td", {}, k.list([...p, "languages"], "languages", { placeholder: "en, fr", cls: "short" })),
      el("td", {}, k.input([...p, "territories"], { label: "territories", placeholder: "US: NY, NJ; CA", show: territoriesText, read: readTerritories, cls: "wide" })),
      el("td", { class: "caps" }, ["day", "week", "month"].map((per) =>
        el("label", {}, `${per} `, k.number([...p, "caps", per], `${per} cap`, { placeholder: per === "month" && !r.caps ? "150" : "–" })))),
      el("td", {}, hours, tz),
      el("td", {}, k.select([...p, "status"], STATUSES.map((s) => [s, words(s)]), { label: "status", blank: "available" })),
      el("td", {}, k.input([...p, "out_of_office"], { label: "out of office", placeholder: "2026-12-24..2026-12-31", show: oooText, read: readOoo })),
      el("td", {}, el("button", { type: "button", class: "small danger", title: "remove this rep", onclick: () => k.remove(["reps"], i) }, "✕")));
  });
  const addRep = () => {
    const id = k.unique("rep", reps.map((r) => r.id));
    k.add(["reps"], { id, name: `New rep ${reps.length + 1}`, caps: { month: 50 } });
  };
  return el("div", { class: "form reps" },
    el("table", { class: "data form-table" },
      el("thead", {}, el("tr", {}, ["rep", "languages", "territories", "caps (leads per)", "working hours", "status", "out of office", ""].map((h) => el("th", {}, h)))),
      el("tbody", {}, rows)),
    el("button", { type: "button", "data-action": "add-rep", onclick: addRep }, "+ rep"));
}

// ---- teams --------------------------------------------------------------------------------
const CRITERIA = [
  ["attribute", "rep's list covers a lead field"], ["territory", "territory covers the lead"],
  ["rep_attribute", "rep attribute is one of"], ["on_shift", "on shift now"],
  ["performance", "higher performance"], ["load", "fewer leads"],
];
const PICKS = [["round_robin", "next in line (round robin)"], ["weighted", "weighted by performance"], ["least_loaded", "fewest leads"], ["rendezvous", "stable hash of the lead id"]];

function criterion(k, parts, c, { require, weighted, fields }) {
  const bits = [k.select([...parts, "type"], (require ? CRITERIA.slice(0, 3) : CRITERIA).map(([v, t]) => [v, t]), { label: "criterion" })];
  if (c.type === "attribute") {
    bits.push(k.select([...parts, "attribute"], ATTRIBUTES.map((a) => [a, words(a)]), { label: "rep attribute" }), " matches ",
      k.select([...parts, "field"], fields.map((f) => [f, words(f)]), { label: "lead field" }));
  } else if (c.type === "rep_attribute") {
    bits.push(k.select([...parts, "attribute"], ATTRIBUTES.map((a) => [a, words(a)]), { label: "rep attribute" }), " in ",
      k.list([...parts, "values"], "values", { placeholder: "senior, principal" }));
  } else if (c.type === "load") {
    bits.push(" in the ", k.select([...parts, "period"], PERIODS.map((x) => [x, x]), { label: "period", blank: "month" }));
  }
  if (require && c.type !== "on_shift") bits.push(k.check([...parts, "relaxable"], "relaxable"));
  if (weighted) bits.push(el("label", {}, " weight ", k.number([...parts, "weight"], "weight", { placeholder: "1" })));
  return bits;
}

function pipeline(k, p, team) {
  const sel = team.select ?? {};
  const fields = Object.keys(k.config.fields ?? {});
  const weighted = sel.rank === "weighted";
  const crits = (key, require) => {
    const items = sel[key] ?? [];
    return el("ol", { class: "criteria", "data-path": pathText([...p, "select", key]) },
      items.map((c, i) => el("li", { "data-path": pathText([...p, "select", key, i]) },
        criterion(k, [...p, "select", key, i], c, { require, weighted, fields }),
        require ? null : el("button", { type: "button", class: "small", title: "more important", onclick: () => k.move([...p, "select", key], i, -1) }, "↑"),
        require ? null : el("button", { type: "button", class: "small", title: "less important", onclick: () => k.move([...p, "select", key], i, 1) }, "↓"),
        el("button", { type: "button", class: "small danger", title: "remove", onclick: () => k.remove([...p, "select", key], i) }, "✕"))),
      el("li", { class: "add" }, el("button", {
        type: "button", class: "small", "data-action": `add-${key}`,
        onclick: () => k.add([...p, "select", key], require ? { type: "attribute", attribute: "languages", field: fields.includes("language") ? "language" : fields[0] } : { type: "load" }),
      }, require ? "+ requirement" : "+ preference")));
  };
  const pickType = sel.pick?.type ?? "round_robin";
  return el("div", { class: "pipeline" },
    el("div", {}, el("b", {}, "Requirements "), el("span", { class: "muted" }, "(reps must meet all; a relaxable one is dropped when it would leave nobody)"), crits("require", true)),
    el("div", {}, el("b", {}, "Preferences "), el("span", { class: "muted" }, "(most important first) rank "),
      k.select([...p, "select", "rank"], [["ordered", "in order"], ["weighted", "by weighted sum"]], { label: "rank mode", blank: "in order" }), crits("prefer", false)),
    el("div", {}, el("b", {}, "Pick "), k.select([...p, "select", "pick", "type"], PICKS, { label: "pick" }),
      pickType === "weighted" ? el("label", {}, " hot score ", k.number([...p, "select", "pick", "hot_score"], "hot score")) : null,
      pickType === "least_loaded" ? k.select([...p, "select", "pick", "period"], PERIODS.map((x) => [x, x]), { label: "period", blank: "month" }) : null,
      " · working hours ", k.select([...p, "select", "working_hours"], [["require", "required"], ["ignore", "ignored"]], { label: "working hours", blank: "required" })),
    el("div", {}, el("b", {}, "Overflow "), el("span", { class: "muted" }, "the default owner may take a lead "),
      k.check([...p, "select", "overflow", "ignore_caps"], "even at a cap"),
      k.check([...p, "select", "overflow", "ignore_availability"], "even when away or off shift")));
}

function strategy(k, p, team) {
  const s = team.strategy ?? { type: "round_robin" };
  return el("div", { class: "pipeline" },
    el("b", {}, "Strategy "),
    k.select([...p, "strategy", "type"], [["round_robin", "round robin"], ["weighted", "weighted by performance"], ["least_loaded", "fewest leads"], ["territory", "by territory"], ["demographic", "by attributes"]], { label: "strategy" }),
    s.type === "weighted" ? el("label", {}, " hot score ", k.number([...p, "strategy", "hot_score"], "hot score")) : null,
    " ",
    el("button", {
      type: "button", class: "small", "data-action": "use-pipeline",
      title: "replace the strategy with a pipeline you build (requirements, preferences, pick, overflow)",
      onclick: () => k.set(p, { ...Object.fromEntries(Object.entries(team).filter(([key]) => key !== "strategy")), select: { pick: { type: "round_robin" } } }),
    }, "build a selection pipeline instead"));
}

// ---- SLA (a rule's or a team's) ----------------------------------------------------------
/** First touch, reminders, escalation and re-route of the SLA at `parts` (`sla` of a rule or
 * team); none until a first-touch time is given (the core requires it with the rest). */
function slaRow(k, parts) {
  return el("div", { class: "row sla", "data-path": pathText(parts) },
    el("b", {}, "SLA "),
    el("label", {}, "first touch within ", k.number([...parts, "first_touch_minutes"], "first touch minutes", { placeholder: "none" }), " minutes"),
    el("label", {}, "remind after ", k.input([...parts, "remind_after_minutes"], {
      label: "reminder minutes",
      placeholder: "e.g. 10, 20",
      show: (v) => (Array.isArray(v) ? v.join(", ") : v ?? ""),
      // Numbers where they read as numbers; anything else is kept for the core to name.
      read: (s) => s.split(",").map((x) => x.trim()).filter(Boolean).map((x) => (Number.isFinite(Number(x)) ? Number(x) : x)),
    }), " minutes"),
    el("label", {}, "on breach tell ", k.select([...parts, "escalate_to"], k.repOptions, { label: "escalate to", blank: "(nobody)" })),
    k.check([...parts, "reroute"], "re-route to the next rep on breach"));
}

function teamsForm(k) {
  const teams = k.config.teams ?? [];
  const cards = teams.map((t, i) => {
    const p = ["teams", i];
    return el("div", { class: "card-form", "data-team": t.id, "data-path": pathText(p) },
      el("div", { class: "row" },
        el("label", {}, "name ", k.input([...p, "name"], { label: "team name" })),
        el("label", { class: "muted" }, "id ", k.input([...p, "id"], { label: "team id", cls: "id" })),
        el("label", {}, "default owner ", k.select([...p, "default_owner"], k.repOptions, { label: "default owner", blank: "(none: the fallback)" })),
        el("button", { type: "button", class: "small danger", onclick: () => k.remove(["teams"], i) }, "remove team")),
      el("div", {}, el("b", {}, "Members "), k.picks([...p, "members"], k.repOptions, "members")),
      t.strategy && !t.select ? strategy(k, p, t) : pipeline(k, p, t),
      slaRow(k, [...p, "sla"]));
  });
  const addTeam = () => {
    const id = k.unique("team", teams.map((t) => t.id));
    k.add(["teams"], { id, name: `New team ${teams.length + 1}`, members: [], select: { pick: { type: "round_robin" } } });
  };
  return el("div", { class: "form teams" }, cards, el("button", { type: "button", "data-action": "add-team", onclick: addTeam }, "+ team"));
}

// ---- pools --------------------------------------------------------------------------------
function poolsForm(k) {
  const pools = k.config.pools ?? [];
  const cards = pools.map((pool, i) => {
    const p = ["pools", i];
    return el("div", { class: "card-form", "data-pool": pool.id, "data-path": pathText(p) },
      el("div", { class: "row" },
        el("label", {}, "name ", k.input([...p, "name"], { label: "pool name" })),
        el("label", { class: "muted" }, "id ", k.input([...p, "id"], { label: "pool id", cls: "id" })),
        el("label", {}, "reps see ", k.select([...p, "visibility"], [["cherry_pick", "the lead's fields (cherry-pick)"], ["blind", "only the visible fields (blind)"]], { label: "visibility" })),
        el("label", {}, "visible fields ", k.list([...p, "visible_fields"], "visible fields")),
        el("button", { type: "button", class: "small danger", onclick: () => k.remove(["pools"], i) }, "remove pool")),
      el("div", {}, el("b", {}, "Reps who may claim "), k.picks([...p, "reps"], k.repOptions, "pool reps")),
      el("div", {}, el("b", {}, "Teams whose members may claim "), k.picks([...p, "teams"], k.teamOptions, "pool teams")),
      el("div", { class: "row" },
        el("label", {}, "claims per day ", k.number([...p, "claim_limit", "per_day"], "claims per day")),
        el("label", {}, "open claims at once ", k.number([...p, "claim_limit", "open"], "open claims")),
        el("label", {}, "unclaimed leads expire after ", k.number([...p, "expire_after_minutes"], "expire after minutes"), " minutes to "),
        k.select([...p, "expire_to"], k.teamOptions, { label: "expire to", blank: "the fallback owner" })));
  });
  const addPool = () => k.add(["pools"], { id: k.unique("pool", pools.map((x) => x.id)), name: `New pool ${pools.length + 1}`, reps: [], visibility: "cherry_pick", expire_after_minutes: 60 });
  return el("div", { class: "form pools" }, cards, el("button", { type: "button", "data-action": "add-pool", onclick: addPool }, "+ pool"));
}

// ---- screening ----------------------------------------------------------------------------
function screeningForm(k) {
  const rules = k.config.screening?.rules ?? [];
  const p = ["screening", "rules"];
  const items = rules.map((r, i) => {
    const rp = [...p, i];
    return el("li", { class: "card-form rule", "data-screening": r.id, "data-path": pathText(rp) },
      el("div", { class: "row" },
        el("span", { class: "order" }, `${i + 1}.`),
        el("label", {}, "rule ", k.input([...rp, "id"], { label: "screening rule id" })),
        el("label", {}, "rejects with the reason ", k.input([...rp, "reason"], { label: "reason" })),
        el("button", { type: "button", class: "small", title: "checked earlier", onclick: () => k.move(p, i, -1) }, "↑"),
        el("button", { type: "button", class: "small", title: "checked later", onclick: () => k.move(p, i, 1) }, "↓"),
        el("button", { type: "button", class: "small danger", onclick: () => k.remove(p, i) }, "remove rule")),
      el("div", { class: "when" }, el("b", {}, "when "), conditionEditor(r.when, (c) => k.set([...rp, "when"], c), { path: pathText([...rp, "when"]), config: k.config })));
  });
  const field = Object.keys(k.config.fields ?? {})[0] ?? "email";
  const addRule = () => k.add(p, { id: k.unique("screen", rules.map((r) => r.id)), when: { field, op: "missing" }, reason: "incomplete lead" });
  return el("div", { class: "form screening" },
    el("div", { class: "row" }, el("label", {}, "a lead without any of ", k.list(["screening", "required"], "required fields", { placeholder: "e.g. email, company" }), " is rejected")),
    el("p", { class: "muted" }, "Then these rules are checked in order; the first that matches rejects the lead with its reason."),
    el("ol", { class: "rule-list" }, items),
    el("button", { type: "button", "data-action": "add-screening", onclick: addRule }, "+ screening rule"));
}

// ---- scoring ------------------------------------------------------------------------------
function scoringForm(k) {
  const groups = k.config.scoring?.groups ?? [];
  const cards = groups.map((g, gi) => {
    const p = ["scoring", "groups", gi];
    return el("div", { class: "card-form", "data-group": g.id, "data-path": pathText(p) },
      el("div", { class: "row" },
        el("label", {}, "group ", k.input([...p, "id"], { label: "group id" })),
        el("label", {}, "at most ", k.number([...p, "max"], "group maximum", { placeholder: "no limit" }), " points"),
        el("button", { type: "button", class: "small danger", onclick: () => k.remove(["scoring", "groups"], gi) }, "remove group")),
      el("table", { class: "data form-table" },
        el("tbody", {}, (g.rules ?? []).map((r, ri) => {
          const rp = [...p, "rules", ri];
          return el("tr", { "data-path": pathText(rp) },
            el("td", {}, k.input([...rp, "id"], { label: "scoring rule id" })),
            el("td", {}, "+", k.number([...rp, "points"], "points"), " points when"),
            el("td", {}, conditionEditor(r.when, (c) => k.set([...rp, "when"], c), { path: pathText([...rp, "when"]), config: k.config })),
            el("td", {}, el("button", { type: "button", class: "small danger", onclick: () => k.remove([...p, "rules"], ri) }, "✕")));
        }))),
      el("button", { type: "button", class: "small", onclick: () => k.add([...p, "rules"], { id: k.unique(`${g.id}-rule`, (g.rules ?? []).map((r) => r.id)), points: 5, when: { field: Object.keys(k.config.fields ?? {})[0] ?? "country", op: "exists" } }) }, "+ scoring rule"));
  });
  const grades = k.config.scoring?.grades ?? [];
  const gradeRows = grades.map((g, i) => {
    const gp = ["scoring", "grades", i];
    return el("tr", { "data-grade": g.grade, "data-path": pathText(gp) },
      el("td", {}, "grade ", k.input([...gp, "grade"], { label: "grade", cls: "id" })),
      el("td", {}, "from ", k.number([...gp, "min"], "grade minimum"), " points"),
      el("td", {}, el("button", { type: "button", class: "small danger", onclick: () => k.remove(["scoring", "grades"], i) }, "✕")));
  });
  const addGrade = () => {
    const used = grades.map((g) => g.grade);
    const grade = [..."ABCDEFGH"].find((c) => !used.includes(c)) ?? k.unique("grade", used);
    k.add(["scoring", "grades"], { grade, min: 0 });
  };
  return el("div", { class: "form scoring" },
    el("div", { class: "row" }, el("label", {}, "leads scoring under ", k.number(["scoring", "mql"], "MQL threshold", { placeholder: "none" }), " points go to nurture")),
    el("div", { class: "grades", "data-path": pathText(["scoring", "grades"]) },
      el("b", {}, "Grades "), el("span", { class: "muted" }, "(the highest whose minimum the score reaches)"),
      el("table", { class: "data form-table" }, el("tbody", {}, gradeRows)),
      el("button", { type: "button", class: "small", "data-action": "add-grade", onclick: addGrade }, "+ grade")),
    cards,
    el("button", { type: "button", onclick: () => k.add(["scoring", "groups"], { id: k.unique("group", groups.map((g) => g.id)), rules: [] }) }, "+ scoring group"));
}

// ---- routing rules ------------------------------------------------------------------------
const TARGETS = [["team", "a team"], ["rep", "a rep"], ["pool", "a pool"], ["account_owner", "the account's owner"]];

function rulesForm(k) {
  const rules = k.config.rules ?? [];
  const items = rules.map((r, i) => {
    const p = ["rules", i];
    const kind = TARGETS.find(([t]) => r[t] !== undefined)?.[0] ?? "team";
    const options = kind === "rep" ? k.repOptions : kind === "pool" ? k.poolOptions : k.teamOptions;
    const kindSel = el("select", { "aria-label": "goes to", "data-role": "target-kind" }, TARGETS.map(([v, t]) => el("option", { value: v, selected: v === kind }, t)));
    kindSel.addEventListener("change", () => {
      const next = Object.fromEntries(Object.entries(r).filter(([key]) => !TARGETS.some(([t]) => t === key)));
      const v = kindSel.value;
      next[v] = v === "account_owner" ? true : (v === "rep" ? k.repOptions : v === "pool" ? k.poolOptions : k.teamOptions)[0]?.[0] ?? "";
      k.set(p, next);
    });
    return el("li", { class: "card-form rule", "data-rule": r.id, "data-path": pathText(p) },
      el("div", { class: "row" },
        el("span", { class: "order" }, `${i + 1}.`),
        el("label", {}, "rule ", k.input([...p, "id"], { label: "rule id" })),
        el("span", {}, "sends to ", kindSel, " ", kind === "account_owner" ? null : k.select([...p, kind], options, { label: "target" })),
        el("button", { type: "button", class: "small", title: "checked earlier", onclick: () => k.move(["rules"], i, -1) }, "↑"),
        el("button", { type: "button", class: "small", title: "checked later", onclick: () => k.move(["rules"], i, 1) }, "↓"),
        el("button", { type: "button", class: "small danger", onclick: () => k.remove(["rules"], i) }, "remove rule")),
      el("div", { class: "when" }, el("b", {}, "when "), conditionEditor(r.when, (c) => k.set([...p, "when"], c), { path: pathText([...p, "when"]), config: k.config })),
      slaRow(k, [...p, "sla"]));
  });
  const addRule = () => k.add(["rules"], { id: k.unique("rule", rules.map((r) => r.id)), when: { field: "country", op: "eq", value: "US" }, team: k.teamOptions[0]?.[0] ?? "" });
  return el("div", { class: "form rules" },
    el("p", { class: "muted" }, "Rules are checked in order; the first that matches decides. A lead no rule takes goes to the fallback owner: ",
      k.select(["fallback"], k.repOptions, { label: "fallback owner", blank: "(none)" })),
    el("ol", { class: "rule-list" }, items),
    el("button", { type: "button", "data-action": "add-rule", onclick: addRule }, "+ rule"));
}

export const SECTIONS = [
  ["reps", "Reps", repsForm],
  ["teams", "Teams", teamsForm],
  ["pools", "Pools", poolsForm],
  ["screening", "Screening", screeningForm],
  ["scoring", "Scoring", scoringForm],
  ["rules", "Rules", rulesForm],
];

/** Draws the section `name` of the doc's config into `host`, keeping focus where it was. */
export function renderForm(host, doc, name) {
  const active = document.activeElement;
  const focusPath = host.contains(active) ? active.dataset.path : null;
  const section = SECTIONS.find(([n]) => n === name) ?? SECTIONS[0];
  host.replaceChildren(doc.config ? section[2](kit(doc)) : el("p", { class: "muted" }, "The JSON does not parse: fix it in the JSON view."));
  if (focusPath) host.querySelector(`[data-path="${CSS.escape(focusPath)}"]`)?.focus?.();
}

/** Shows each of the core's errors beside the input it is about (the longest path that
 * is a prefix of the error's path); returns the errors no input on screen shows. */
export function showErrors(host, errors) {
  for (const x of host.querySelectorAll(".field-error")) x.remove();
  for (const x of host.querySelectorAll(".invalid")) x.classList.remove("invalid");
  const nodes = [...host.querySelectorAll("[data-path]")];
  const rest = [];
  for (const e of errors) {
    let best = null;
    for (const n of nodes) {
      const p = n.dataset.path;
      if (p === e.path || (e.path.startsWith(p) && /^[.[]/.test(e.path.slice(p.length)))) {
        if (!best || p.length > best.dataset.path.length) best = n;
      }
    }
    if (!best) {
      rest.push(e);
      continue;
    }
    best.classList.add("invalid");
    const msg = el("span", { class: "field-error", "data-error-path": e.path, role: "alert" }, e.message);
    if (["INPUT", "SELECT", "TEXTAREA"].includes(best.tagName)) best.after(msg);
    else best.append(msg);
  }
  return rest;
}
