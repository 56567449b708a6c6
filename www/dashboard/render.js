// Draws a simulation report (and an A/B comparison) as cards, Chart.js charts and tables.
// Every figure shown carries its raw value in data-value, so tests read what people see.
/* global Chart */
import { metricName, poolName, repName, ruleName, teamName } from "./labels.js";

const COLORS = {
  assigned: "#2e7d32",
  pooled: "#1565c0",
  nurture: "#f9a825",
  rejected: "#c62828",
  a: "#3949ab",
  b: "#ef6c00",
  cap: "#6d4c41",
  grey: "#90a4ae",
};
const charts = new Map();

export const fmt = (n, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n)
    ? "–"
    : Number(n).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const pct = (x, digits = 1) => (x === null || x === undefined ? "–" : `${fmt(x * 100, digits)}%`);

/** Builds an element: el("td", { "data-col": "leads" }, "12"). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export function chart(id, config) {
  charts.get(id)?.destroy();
  const canvas = document.getElementById(id);
  if (!canvas || typeof Chart === "undefined") return;
  config.options = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    ...config.options,
    plugins: { legend: { position: "bottom" }, ...config.options?.plugins },
  };
  charts.set(id, new Chart(canvas, config));
}

/** A table from column specs { key, label, value(row), text?(row), num? }. */
function table(rows, columns, rowAttrs = () => ({})) {
  return el(
    "table",
    { class: "data" },
    el("thead", {}, el("tr", {}, columns.map((c) => el("th", { class: c.num ? "num" : "" }, c.label)))),
    el(
      "tbody",
      {},
      rows.map((r) =>
        el(
          "tr",
          rowAttrs(r),
          columns.map((c) => {
            const v = c.value(r);
            const text = c.text ? c.text(r) : c.num ? fmt(v, c.digits ?? 0) : v;
            return el("td", { "data-col": c.key, "data-value": typeof v === "object" ? null : v, class: c.num ? "num" : "" }, text);
          }),
        ),
      ),
    ),
  );
}

function put(id, node) {
  const host = document.getElementById(id);
  host.replaceChildren(node);
}

const capText = (peak, cap) => (cap === null || cap === undefined ? `${fmt(peak)}` : `${fmt(peak)} / ${fmt(cap)}`);
const skippedText = (s) =>
  Object.entries(s ?? {})
    .map(([k, v]) => `${k.replaceAll("_", " ")} ${fmt(v)}`)
    .join(", ") || "–";

/** Summary cards; `arm` is "a" or "b" when two reports are shown side by side. */
export function renderSummary(host, r, arm = "") {
  const c = r.conversion;
  const suffix = arm ? `-${arm}` : "";
  const of = (n) => pct(n / Math.max(1, r.leads));
  const card = (key, title, value, sub) =>
    el("div", { class: `card ${key}`, "data-testid": `summary-${key}${suffix}` },
      el("div", { class: "title" }, title),
      el("div", { class: "value", "data-value": value }, typeof value === "number" ? fmt(value) : value),
      sub ? el("div", { class: "sub" }, sub) : null);
  const span = r.first_at ? `${new Date(r.first_at).toISOString().slice(0, 10)} → ${new Date(r.last_at).toISOString().slice(0, 10)}` : "";
  host.append(
    el("div", { class: "cards" },
      card("leads", arm ? `Leads in ${arm.toUpperCase()}` : "Leads", r.leads, span),
      card("assigned", "Assigned", r.outcomes.assigned, of(r.outcomes.assigned)),
      card("pooled", "Pooled", r.outcomes.pooled, of(r.outcomes.pooled)),
      card("nurture", "Nurture", r.outcomes.nurture, of(r.outcomes.nurture)),
      card("rejected", "Rejected", r.outcomes.rejected, of(r.outcomes.rejected)),
      card("conversion", "Conversion", c ? pct(c.rate) : "–", c ? `${fmt(c.converted)} of ${fmt(c.leads)} · $${fmt(c.revenue)}` : "no known outcomes"),
    ),
  );
}

export function renderWarnings(host, r, label = "") {
  const items = [];
  if (r.bad_lines) {
    items.push(el("li", { "data-testid": "bad-lines" }, `${fmt(r.bad_lines)} bad line(s)${label}: `,
      r.errors.map((e) => el("span", { class: "lineerr" }, `line ${e.line}: ${e.message}`))));
  }
  if (r.out_of_order) items.push(el("li", {}, `${fmt(r.out_of_order)} lead(s)${label} were out of created_at order beyond the reorder window and were routed at the simulated clock: sort the file by created_at.`));
  if (r.missing_created_at) items.push(el("li", {}, `${fmt(r.missing_created_at)} lead(s)${label} had no readable created_at.`));
  if (items.length) host.append(el("ul", { class: "warnings" }, items));
}

export function renderReport(r) {
  // Charts.
  const reps = r.reps;
  chart("chart-reps", {
    data: {
      labels: reps.map((x) => x.name || repName(x.id)),
      datasets: [
        { type: "bar", label: "leads owned", data: reps.map((x) => x.leads), backgroundColor: COLORS.a },
        { type: "bar", label: "peak month load", data: reps.map((x) => x.peak.month), backgroundColor: COLORS.grey },
        {
          type: "line", label: "month cap", data: reps.map((x) => x.caps.month),
          borderColor: COLORS.cap, backgroundColor: COLORS.cap, showLine: false, pointStyle: "line", pointRadius: 14, pointBorderWidth: 3,
        },
      ],
    },
    options: { scales: { x: { ticks: { autoSkip: false, maxRotation: 60 } } } },
  });
  const o = r.outcomes;
  chart("chart-outcomes", {
    type: "doughnut",
    data: {
      labels: ["assigned to a rep", "pooled", "nurture", "rejected"],
      datasets: [{ data: [o.assigned, o.pooled, o.nurture, o.rejected], backgroundColor: [COLORS.assigned, COLORS.pooled, COLORS.nurture, COLORS.rejected] }],
    },
  });
  const rules = r.rules.filter((x) => x.hits > 0 || x.kind === "routing");
  // Two datasets so the legend says which bars route and which reject.
  chart("chart-rules", {
    type: "bar",
    data: {
      labels: rules.map((x) => ruleName(x.id)),
      datasets: [
        { label: "leads routed by the rule", data: rules.map((x) => (x.kind === "screening" ? null : x.hits)), backgroundColor: COLORS.a },
        { label: "leads rejected by screening", data: rules.map((x) => (x.kind === "screening" ? x.hits : null)), backgroundColor: COLORS.rejected },
      ],
    },
    options: { indexAxis: "y", scales: { x: { stacked: true }, y: { stacked: true } } },
  });
  chart("chart-pools", {
    type: "bar",
    data: {
      labels: r.pools.map((p) => p.name || poolName(p.id)),
      datasets: [
        { label: "claimed by a member", data: r.pools.map((p) => p.claimed ?? 0), backgroundColor: COLORS.assigned },
        { label: "expired unclaimed", data: r.pools.map((p) => p.expired), backgroundColor: COLORS.rejected },
        { label: "still waiting", data: r.pools.map((p) => p.waiting), backgroundColor: COLORS.grey },
      ],
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true } } },
  });
  chart("chart-fairness", {
    type: "bar",
    data: {
      labels: r.teams.map((t) => t.name),
      datasets: [
        { label: "Gini (0 = perfectly even)", data: r.teams.map((t) => t.fairness.gini), backgroundColor: COLORS.b, yAxisID: "y" },
        { label: "spread: most − least leads", data: r.teams.map((t) => t.fairness.spread), backgroundColor: COLORS.grey, yAxisID: "y1" },
      ],
    },
    options: { scales: { y: { min: 0, max: 1, position: "left" }, y1: { min: 0, position: "right", grid: { drawOnChartArea: false } } } },
  });
  const hist = r.score?.histogram ?? [];
  chart("chart-score", {
    type: "bar",
    data: {
      labels: hist.map((b) => `${fmt(b.from)}–${fmt(b.to)}`),
      datasets: [{ label: `leads per score band (mean score ${fmt(r.score?.mean, 1)})`, data: hist.map((b) => b.count), backgroundColor: COLORS.pooled }],
    },
  });

  // Tables.
  put("reps-table", table(reps, [
    { key: "rep", label: "rep", value: (x) => x.id, text: (x) => x.name || repName(x.id) },
    { key: "leads", label: "leads", value: (x) => x.leads, num: true },
    { key: "share", label: "share", value: (x) => x.share, text: (x) => pct(x.share), num: true },
    { key: "assigned", label: "assigned", value: (x) => x.assigned, num: true },
    { key: "received", label: "received", value: (x) => x.received, num: true },
    { key: "rerouted_away", label: "re-routed away", value: (x) => x.rerouted_away, num: true },
    { key: "peak_day", label: "peak day / cap", value: (x) => x.peak.day, text: (x) => capText(x.peak.day, x.caps.day), num: true },
    { key: "peak_week", label: "peak week / cap", value: (x) => x.peak.week, text: (x) => capText(x.peak.week, x.caps.week), num: true },
    { key: "peak_month", label: "peak month / cap", value: (x) => x.peak.month, text: (x) => capText(x.peak.month, x.caps.month), num: true },
    { key: "skipped", label: "skipped because", value: (x) => skippedText(x.skipped) },
    { key: "missed_sla", label: "missed SLA", value: (x) => x.missed_sla, num: true },
    { key: "conversion", label: "conversion", value: (x) => x.conversion?.rate ?? null, text: (x) => (x.conversion ? `${pct(x.conversion.rate)} (${fmt(x.conversion.converted)}/${fmt(x.conversion.leads)})` : "–"), num: true },
    { key: "revenue", label: "revenue", value: (x) => x.conversion?.revenue ?? 0, num: true },
  ], (x) => ({ "data-rep": x.id })));

  put("teams-table", table(r.teams, [
    { key: "team", label: "team", value: (t) => t.id, text: (t) => t.name || teamName(t.id) },
    { key: "leads", label: "leads", value: (t) => t.leads, num: true },
    { key: "to_default_owner", label: "to default owner", value: (t) => t.to_default_owner, num: true },
    { key: "to_fallback", label: "to fallback", value: (t) => t.to_fallback, num: true },
    { key: "loads", label: "leads per eligible rep", value: (t) => t.fairness.reps.map((id, i) => `${repName(id)} ${t.fairness.loads[i]}`).join(", ") || "–" },
    { key: "spread", label: "spread", value: (t) => t.fairness.spread, num: true },
    { key: "gini", label: "Gini", value: (t) => t.fairness.gini, text: (t) => fmt(t.fairness.gini, 3), num: true },
  ], (t) => ({ "data-team": t.id })));

  put("rules-table", table(r.rules, [
    { key: "rule", label: "rule", value: (x) => x.id, text: (x) => ruleName(x.id) },
    { key: "kind", label: "kind", value: (x) => x.kind },
    { key: "hits", label: "hits", value: (x) => x.hits, num: true },
    { key: "conversion", label: "conversion", value: (x) => x.conversion?.rate ?? null, text: (x) => (x.conversion ? pct(x.conversion.rate) : "–"), num: true },
    { key: "revenue", label: "revenue", value: (x) => x.conversion?.revenue ?? 0, num: true },
  ], (x) => ({ "data-rule": x.id, "data-kind": x.kind })));

  const s = r.sla;
  const slaRows = [
    ["reminders", s.reminders], ["escalations", s.escalations], ["re-routed after a breach", s.reassigned],
    ["pushed from an expired pool", s.pool_expired], ["simulated first touches", s.touched], ["SLAs still open at the end", s.open],
  ];
  put("sla-table", el("div", { class: "two-tables" },
    table(r.pools, [
      { key: "pool", label: "pool", value: (p) => p.id, text: (p) => p.name || poolName(p.id) },
      { key: "pooled", label: "pooled", value: (p) => p.pooled, num: true },
      { key: "claimed", label: "claimed", value: (p) => p.claimed ?? 0, num: true },
      { key: "time_to_claim", label: "time to claim (median / 90%)", value: (p) => p.time_to_claim?.p50_minutes ?? null,
        text: (p) => (p.time_to_claim ? `${fmt(p.time_to_claim.p50_minutes)} / ${fmt(p.time_to_claim.p90_minutes)} min` : "–") },
      { key: "expired", label: "expired", value: (p) => p.expired, num: true },
      { key: "waiting", label: "waiting", value: (p) => p.waiting, num: true },
    ], (p) => ({ "data-pool": p.id })),
    table(slaRows, [
      { key: "event", label: "SLA event", value: (x) => x[0] },
      { key: "count", label: "count", value: (x) => x[1], num: true },
    ], (x) => ({ "data-sla": x[0] })),
  ));

  renderAccounts(r.accounts);
  renderSample(r.sample);
}

/** Match rates by tier (domain, normalised name, fuzzy) and the near misses to check. */
function renderAccounts(a) {
  const box = document.getElementById("accounts-box");
  box.hidden = !a;
  if (!a) return;
  const tiers = Object.keys(a.matched);
  put("accounts-table", el("div", { class: "two-tables" },
    table([...tiers.map((t) => [t, a.matched[t], a.rates[t]]), ["no account", a.unmatched, a.unmatched / Math.max(1, a.leads)], ["all tiers", a.leads - a.unmatched, a.rates.all]], [
      { key: "tier", label: "matched by", value: (x) => x[0], text: (x) => x[0].replaceAll("_", " ") },
      { key: "leads", label: "leads", value: (x) => x[1], num: true },
      { key: "rate", label: "share of leads", value: (x) => x[2], text: (x) => pct(x[2]), num: true },
    ], (x) => ({ "data-tier": x[0] })),
    a.close.length
      ? table(a.close, [
        { key: "lead", label: "near miss: lead", value: (c) => c.lead_id ?? `#${c.index}` },
        { key: "company", label: "company", value: (c) => c.company },
        { key: "account", label: "closest account", value: (c) => c.account_name || c.account },
        { key: "similarity", label: "similarity", value: (c) => c.similarity, text: (c) => fmt(c.similarity, 2), num: true },
      ])
      : el("p", { class: "muted" }, "No near misses: every company either matched an account or is far from all of them.")));
}

/** A decision's explanation: the steps, the score, the rules checked, the candidates. */
export function why(d) {
  const t = d.trace ?? {};
  const rules = (t.rules ?? []).map((x) => el("li", { class: x.matched ? "hit" : "miss" }, `${x.matched ? "✓" : "✗"} ${ruleName(x.rule)}`));
  const cands = (t.candidates ?? []).map((c) =>
    el("tr", { class: c.chosen ? "chosen" : "" }, el("td", { title: c.rep }, repName(c.rep)), el("td", {}, c.chosen ? "chosen" : ""), el("td", {}, c.reason.replaceAll("_", " ")), el("td", {}, c.detail ?? "")));
  const score = d.score
    ? el("p", {}, `score ${fmt(d.score.total, 1)}${d.score.grade ? ` (grade ${d.score.grade})` : ""}: `,
      d.score.breakdown.map((b) => `${b.rule} +${b.points}`).join(", ") || "no scoring rule matched")
    : null;
  return el("div", { class: "why" },
    el("ol", { class: "steps" }, (t.steps ?? []).map((s) => el("li", {}, s))),
    score,
    rules.length ? el("div", {}, el("b", {}, "Rules checked: "), el("ul", { class: "inline" }, rules)) : null,
    cands.length ? el("table", { class: "data small" }, el("thead", {}, el("tr", {}, el("th", {}, "rep"), el("th", {}, ""), el("th", {}, "why"), el("th", {}, "detail"))), el("tbody", {}, cands)) : null);
}

function renderSample(sample) {
  const rows = [];
  for (const s of sample) {
    const d = s.decision;
    const detail = el("tr", { class: "detail", hidden: true }, el("td", { colspan: 7 }, why(d)));
    const row = el("tr", { class: `decision ${d.outcome}`, "data-lead": d.lead_id, tabindex: 0, onclick: () => (detail.hidden = !detail.hidden) },
      el("td", {}, new Date(s.at).toISOString().replace("T", " ").slice(0, 16)),
      el("td", {}, d.lead_id),
      el("td", { "data-col": "outcome" }, d.outcome),
      el("td", { "data-col": "rep" }, d.rep_name ? `${d.rep_name}` : d.pool ? `pool ${poolName(d.pool)}` : "–"),
      el("td", {}, ruleName(d.rule)),
      el("td", { class: "reason" }, d.reason),
      el("td", {}, s.converted === true ? `won $${fmt(s.deal_value ?? 0)}` : s.converted === false ? "lost" : ""));
    rows.push(row, detail);
  }
  put("sample-table", el("table", { class: "data sample" },
    el("thead", {}, el("tr", {}, ["time (UTC)", "lead", "outcome", "went to", "rule", "why", "outcome known"].map((h) => el("th", {}, h)))),
    el("tbody", {}, rows)));
}

export function renderComparison(c, a, b, mode) {
  const z = c.conversion;
  const host = document.getElementById("ztest");
  const test = (t, title, note) =>
    t
      ? el("div", { class: `ztest ${t.significant ? "significant" : ""}` },
        el("b", {}, title), " ",
        `A ${pct(t.a_rate, 2)} (${fmt(t.a_converted)}/${fmt(t.a_leads)}) · B ${pct(t.b_rate, 2)} (${fmt(t.b_converted)}/${fmt(t.b_leads)}) · `,
        el("span", { "data-testid": "z", "data-value": t.z }, `z = ${fmt(t.z, 2)}`), ", ",
        el("span", { "data-testid": "p-value", "data-value": t.p_value }, `p = ${fmt(t.p_value, 4)}`), ": ",
        el("b", { "data-testid": "significant", "data-value": String(t.significant) }, t.significant ? "larger than chance (5% level)" : "not distinguishable from chance (5% level)"),
        note ? el("div", { class: "muted" }, note) : null)
      : el("div", { class: "muted" }, `${title}: no known outcomes (converted) in the leads.`);
  host.replaceChildren(
    test(z, "Conversion of all leads:", mode === "compare"
      ? "Both configs saw the same leads with the same known outcomes, so this cannot differ: a replay cannot change what a past lead did. Use an A/B split of live traffic, then load its leads here in split mode."
      : "Each lead stays in the arm its file's arm column recorded (the edge worker's GET /admin/export of a live split); leads without one are split by the same stable hash of the lead id the worker uses."),
    test(c.assigned_conversion, "Conversion of leads that reached a rep:", mode === "compare" ? "The two samples overlap (same leads), which the test does not assume: a hint only." : null),
  );

  const ids = a.reps.map((r) => r.id);
  for (const r of b.reps) if (!ids.includes(r.id)) ids.push(r.id);
  const leadsOf = (rep, id) => rep.reps.find((x) => x.id === id)?.leads ?? 0;
  chart("chart-ab-reps", {
    type: "bar",
    data: {
      labels: ids.map(repName),
      datasets: [
        { label: "leads under A", data: ids.map((id) => leadsOf(a, id)), backgroundColor: COLORS.a },
        { label: "leads under B", data: ids.map((id) => leadsOf(b, id)), backgroundColor: COLORS.b },
      ],
    },
    options: { scales: { x: { ticks: { autoSkip: false, maxRotation: 60 } } } },
  });
  const keys = ["assigned", "pooled", "nurture", "rejected"];
  chart("chart-ab-outcomes", {
    type: "bar",
    data: {
      labels: keys,
      datasets: [
        { label: "share of leads under A", data: keys.map((k) => a.outcomes[k] / Math.max(1, a.leads)), backgroundColor: COLORS.a },
        { label: "share of leads under B", data: keys.map((k) => b.outcomes[k] / Math.max(1, b.leads)), backgroundColor: COLORS.b },
      ],
    },
    options: { scales: { y: { ticks: { callback: (v) => pct(v, 0) } } } },
  });

  put("diff-table", table(c.metrics, [
    { key: "metric", label: "metric", value: (m) => m.metric, text: (m) => metricName(m.metric) },
    { key: "a", label: "A", value: (m) => m.a, text: (m) => fmt(m.a, Number.isInteger(m.a) ? 0 : 3), num: true },
    { key: "b", label: "B", value: (m) => m.b, text: (m) => fmt(m.b, Number.isInteger(m.b) ? 0 : 3), num: true },
    { key: "diff", label: "B − A", value: (m) => m.diff, text: (m) => `${m.diff > 0 ? "+" : ""}${fmt(m.diff, Number.isInteger(m.diff) ? 0 : 3)}`, num: true },
    { key: "a_rate", label: "A per lead", value: (m) => m.a_rate, text: (m) => (m.a_rate === null ? "" : pct(m.a_rate)), num: true },
    { key: "b_rate", label: "B per lead", value: (m) => m.b_rate, text: (m) => (m.b_rate === null ? "" : pct(m.b_rate)), num: true },
  ], (m) => ({ "data-metric": m.metric, class: m.diff === 0 ? "same" : "changed" })));
}
