// The reference policy with json-logic-js: screening, scoring and routing rules are JSON
// Logic expressions (two small custom operations, `lower` and `ends_with`, give the
// case-insensitive string tests leadroute has); team picks and caps in distribute.mjs.
import { createRequire } from "node:module";
import { createDistributor } from "./distribute.mjs";

export const name = "json-logic-js";
export const packageName = "json-logic-js";

const v = (field) => ({ lower: { var: field } });
const anyContains = (field, needles) => ({ or: needles.map((n) => ({ in: [n, v(field)] })) });

const REQUIRED = { missing: ["email"] };
const SCREENING = [
  { in: ["test", v("company")] },
  anyContains("title", ["student", "intern"]),
  { or: ["@gmail.com", "@yahoo.com", "@hotmail.com", "@outlook.com"].map((d) => ({ ends_with: [v("email"), d] })) },
  { "<": [{ var: "company_size" }, 5] },
];
const SCORING = [
  { max: 60, rules: [
    [anyContains("title", ["vp", "head", "director", "chief"]), 30],
    [{ ">=": [{ var: "company_size" }, 200] }, 15],
    [{ ">=": [{ var: "company_size" }, 1000] }, 15],
    [{ ">=": [{ var: "annual_revenue" }, 50000000] }, 10],
    [{ in: [v("industry"), ["software", "financial services", "healthcare"]] }, 10],
  ] },
  { max: 50, rules: [
    [{ "===": [{ var: "demo_requested" }, true] }, 30],
    [{ ">=": [{ var: "pages_viewed" }, 8] }, 15],
    [{ ">=": [{ var: "pages_viewed" }, 3] }, 5],
    [{ in: [v("source"), ["referral", "event", "partner"]] }, 10],
  ] },
];
const MQL = 30;
/** Routing rules in config order (the last one matches every lead). */
const RULES = [
  { and: [{ ">=": [{ var: "score" }, 90] }, { ">=": [{ var: "company_size" }, 5000] }] },
  { and: [{ in: [v("country"), ["us", "ca"]] }, { ">=": [{ var: "company_size" }, 1000] }] },
  { in: [v("country"), ["gb", "de", "fr", "es", "it", "nl", "se"]] },
  { in: [v("country"), ["au", "nz", "jp", "sg", "in"]] },
  { ">=": [{ var: "company_size" }, 200] },
  true,
];

export function load() {
  const jsonLogic = createRequire(import.meta.url)("json-logic-js");
  jsonLogic.add_operation("lower", (s) => (typeof s === "string" ? s.toLowerCase() : null));
  jsonLogic.add_operation("ends_with", (s, suffix) => typeof s === "string" && s.endsWith(suffix));
  return jsonLogic;
}

export function createRouter(config, jsonLogic = load()) {
  const d = createDistributor(config);
  const targets = d.targets;
  const REJECTED = { outcome: "rejected", rep: null };
  const NURTURE = { outcome: "nurture", rep: null };
  return {
    route(lead, now) {
      if (jsonLogic.apply(REQUIRED, lead).length > 0) return REJECTED;
      for (const rule of SCREENING) if (jsonLogic.truthy(jsonLogic.apply(rule, lead))) return REJECTED;
      let score = 0;
      for (const group of SCORING) {
        let raw = 0;
        for (const [rule, points] of group.rules) {
          if (jsonLogic.truthy(jsonLogic.apply(rule, lead))) raw += points;
        }
        score += raw > group.max ? group.max : raw;
      }
      if (score < MQL) return NURTURE;
      const data = { ...lead, score };
      const k = d.periodKeys(now);
      for (let i = 0; i < RULES.length; i++) {
        if (jsonLogic.truthy(jsonLogic.apply(RULES[i], data))) {
          const t = targets[i];
          const rep = t.rep !== undefined ? d.toRep(t.rep, k) : d.toTeam(t.team, lead, k);
          return { outcome: "assigned", rep };
        }
      }
      return { outcome: "assigned", rep: d.toFallback(k) };
    },
  };
}
