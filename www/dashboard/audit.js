// The audit log screen: every simulated decision, searchable by lead id, email, company,
// rep, team, pool, rule and outcome (the core searches), each opened with its full
// explanation (the core re-derives the exact trace), and the matching rows exported.
import { el, fmt, why } from "./render.js";
import { ownerName, poolName, repName, ruleName, teamName } from "./labels.js";

const OUTCOMES = ["assigned", "pooled", "nurture", "rejected"];

function options(list, name, blank) {
  return [el("option", { value: "" }, blank), ...list.map((x) => el("option", { value: x.id }, name(x.id)))];
}

/** `ask(question)` sends a question to the worker holding the run. */
export function renderAudit(host, { ask, report, arms, download }) {
  const text = el("input", { type: "search", "data-testid": "audit-text", placeholder: "lead id, email or company", "aria-label": "lead id, email or company", class: "wide" });
  const rep = el("select", { "aria-label": "rep", "data-testid": "audit-rep" }, options(report.reps, repName, "any rep"));
  const team = el("select", { "aria-label": "team", "data-testid": "audit-team" }, options(report.teams, teamName, "any team"));
  const pool = el("select", { "aria-label": "pool", "data-testid": "audit-pool" }, options(report.pools, poolName, "any pool"));
  const rule = el("select", { "aria-label": "rule", "data-testid": "audit-rule" }, options(report.rules.filter((r) => r.kind === "routing"), ruleName, "any rule"));
  const outcome = el("select", { "aria-label": "outcome", "data-testid": "audit-outcome" },
    el("option", { value: "" }, "any outcome"), OUTCOMES.map((o) => el("option", { value: o }, o)));
  const arm = el("select", { "aria-label": "config", hidden: arms < 2 }, el("option", { value: "0" }, "config A"), el("option", { value: "1" }, "config B"));
  const total = el("span", { class: "muted", "data-testid": "audit-total" });
  const body = el("tbody");
  const more = el("button", { type: "button", hidden: true }, "more rows");
  const exportBtn = el("button", { type: "button", "data-testid": "audit-export" }, "Export these rows (CSV)");
  const links = el("span");
  let offset = 0;

  const query = () => {
    const q = {};
    if (text.value.trim()) q.text = text.value.trim();
    for (const [k, s] of [["rep", rep], ["team", team], ["pool", pool], ["rule", rule], ["outcome", outcome]]) if (s.value) q[k] = s.value;
    return q;
  };
  const row = (r) => {
    const detail = el("tr", { class: "detail", hidden: true }, el("td", { colspan: 7 }));
    const tr = el("tr", {
      class: `decision ${r.outcome}`, "data-index": r.index, "data-lead": r.lead_id ?? "", tabindex: 0,
      onclick: async () => {
        if (!detail.hidden) return (detail.hidden = true);
        detail.hidden = false;
        detail.firstChild.replaceChildren(el("span", { class: "muted" }, "explaining…"));
        const d = await ask({ type: "explain", arm: Number(arm.value), index: r.index });
        detail.firstChild.replaceChildren(d ? why(d) : "no such decision");
        detail.firstChild.dataset.explained = "true";
      },
    },
    el("td", {}, new Date(r.at).toISOString().replace("T", " ").slice(0, 16)),
    el("td", { "data-col": "lead" }, r.lead_id ?? `line ${r.line}`),
    el("td", {}, [r.email, r.company].filter(Boolean).join(" · ")),
    el("td", { "data-col": "outcome" }, r.outcome),
    el("td", { "data-col": "owner" }, ownerName(r), r.claimed_at ? el("span", { class: "muted" }, " (claimed)") : null),
    el("td", {}, r.team ? r.team_name ?? teamName(r.team) : r.pool ? poolName(r.pool) : "–"),
    el("td", {}, ruleName(r.rule)));
    return [tr, detail];
  };
  const search = async (append = false) => {
    offset = append ? offset : 0;
    const page = await ask({ type: "search", arm: Number(arm.value), query: query(), page: { limit: 100, offset } });
    total.textContent = `${fmt(page.total)} decision(s) match`;
    total.dataset.value = page.total;
    if (!append) body.replaceChildren();
    for (const r of page.rows) body.append(...row(r));
    offset += page.rows.length;
    more.hidden = offset >= page.total;
  };
  more.addEventListener("click", () => search(true));
  exportBtn.addEventListener("click", async () => {
    const csv = await ask({ type: "search-csv", arm: Number(arm.value), query: query() });
    links.replaceChildren(download("matching rows (CSV)", "leadroute-audit.csv", csv, "text/csv", "audit-csv"));
  });
  const form = el("form", { class: "row audit-search", onsubmit: (e) => {
    e.preventDefault();
    search();
  } }, text, rep, team, pool, rule, outcome, arm, el("button", { type: "submit", class: "primary", "data-testid": "audit-search" }, "Search"), total);
  host.replaceChildren(
    el("p", { class: "muted" }, "Every decision of the run, in routing order. Click a row for the full explanation."),
    form, el("div", { class: "row" }, exportBtn, links),
    el("div", { class: "audit-rows" }, el("table", { class: "data sample", "data-testid": "audit-table" },
      el("thead", {}, el("tr", {}, ["time (UTC)", "lead", "email · company", "outcome", "owner", "team or pool", "rule"].map((h) => el("th", {}, h)))),
      body)),
    more);
  search();
}
