// The reference policy with json-rules-engine: one engine holds the screening and
// scoring rules (every rule is evaluated, events carry reject reasons and points), a
// second holds the routing rules by priority and stops at the first success. Custom
// operators give leadroute's case-insensitive string tests. Team picks and caps in
// distribute.mjs. `route` is async, as the engine is.
import { createRequire } from "node:module";
import { createDistributor } from "./distribute.mjs";

export const name = "json-rules-engine";
export const packageName = "json-rules-engine";

const fact = (f, operator, value) => ({ fact: f, operator, value });

const OPERATORS = {
  isMissing: (a) => a === undefined || a === null || (typeof a === "string" && a.trim() === ""),
  containsCI: (a, b) => typeof a === "string" && a.toLowerCase().includes(b),
  containsAnyCI: (a, b) => typeof a === "string" && b.some((n) => a.toLowerCase().includes(n)),
  endsWithCI: (a, b) => typeof a === "string" && a.toLowerCase().endsWith(b),
  inCI: (a, b) => typeof a === "string" && b.includes(a.toLowerCase()),
};

const screen = (id, order, conditions) => ({
  name: id, conditions, event: { type: "reject", params: { id, order } },
});
const points = (id, group, n, condition) => ({
  name: id, conditions: { all: [condition] }, event: { type: "points", params: { group, points: n } },
});
const FREE_MAIL = ["@gmail.com", "@yahoo.com", "@hotmail.com", "@outlook.com"];

const SCREEN_AND_SCORE = [
  screen("required-email", 0, { all: [fact("email", "isMissing", true)] }),
  screen("test-lead", 1, { all: [fact("company", "containsCI", "test")] }),
  screen("student", 2, { all: [fact("title", "containsAnyCI", ["student", "intern"])] }),
  screen("free-mail", 3, { any: FREE_MAIL.map((d) => fact("email", "endsWithCI", d)) }),
  screen("tiny-company", 4, { all: [fact("company_size", "lessThan", 5)] }),
  points("senior-title", "firmographic", 30, fact("title", "containsAnyCI", ["vp", "head", "director", "chief"])),
  points("mid-size", "firmographic", 15, fact("company_size", "greaterThanInclusive", 200)),
  points("large", "firmographic", 15, fact("company_size", "greaterThanInclusive", 1000)),
  points("revenue", "firmographic", 10, fact("annual_revenue", "greaterThanInclusive", 50000000)),
  points("target-industry", "firmographic", 10, fact("industry", "inCI", ["software", "financial services", "healthcare"])),
  points("demo", "behaviour", 30, fact("demo_requested", "equal", true)),
  points("engaged", "behaviour", 15, fact("pages_viewed", "greaterThanInclusive", 8)),
  points("browsing", "behaviour", 5, fact("pages_viewed", "greaterThanInclusive", 3)),
  points("warm-source", "behaviour", 10, fact("source", "inCI", ["referral", "event", "partner"])),
];
const GROUP_MAX = { firmographic: 60, behaviour: 50 };
const MQL = 30;
/** Routing rules in config order; priority makes the engine try them in that order. */
const ROUTING = [
  { all: [fact("score", "greaterThanInclusive", 90), fact("company_size", "greaterThanInclusive", 5000)] },
  { all: [fact("country", "inCI", ["us", "ca"]), fact("company_size", "greaterThanInclusive", 1000)] },
  { all: [fact("country", "inCI", ["gb", "de", "fr", "es", "it", "nl", "se"])] },
  { all: [fact("country", "inCI", ["au", "nz", "jp", "sg", "in"])] },
  { all: [fact("company_size", "greaterThanInclusive", 200)] },
  { all: [] },
].map((conditions, order, all) => ({
  name: `rule-${order}`, conditions, priority: all.length - order,
  event: { type: "route", params: { order } },
}));

export function load() {
  return createRequire(import.meta.url)("json-rules-engine");
}

export function createRouter(config, { Engine } = load()) {
  const d = createDistributor(config);
  const targets = d.targets;
  const engine = (rules) => {
    const e = new Engine(rules, { allowUndefinedFacts: true });
    for (const [op, fn] of Object.entries(OPERATORS)) e.addOperator(op, fn);
    return e;
  };
  const screening = engine(SCREEN_AND_SCORE);
  const routing = engine(ROUTING);
  // First match wins: once a routing rule succeeds, lower priorities are not evaluated.
  routing.on("success", () => routing.stop());
  const REJECTED = { outcome: "rejected", rep: null };
  const NURTURE = { outcome: "nurture", rep: null };
  return {
    async route(lead, now) {
      const { events } = await screening.run(lead);
      const totals = { firmographic: 0, behaviour: 0 };
      for (const e of events) {
        if (e.type === "reject") return REJECTED;
        totals[e.params.group] += e.params.points;
      }
      let score = 0;
      for (const g of Object.keys(totals)) score += Math.min(totals[g], GROUP_MAX[g]);
      if (score < MQL) return NURTURE;
      const routed = await routing.run({ ...lead, score });
      let order = Infinity;
      for (const e of routed.events) if (e.params.order < order) order = e.params.order;
      const k = d.periodKeys(now);
      const t = targets[order];
      if (!t) return { outcome: "assigned", rep: d.toFallback(k) };
      const rep = t.rep !== undefined ? d.toRep(t.rep, k) : d.toTeam(t.team, lead, k);
      return { outcome: "assigned", rep };
    },
  };
}
