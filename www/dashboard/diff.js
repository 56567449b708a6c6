// The diff screen: two configs over the same leads, lead by lead (the core compares): the
// moves between owners, the moved leads filtered by team, rep or rule, and any moved lead
// opened with both explanations side by side.
import { el, fmt, why } from "./render.js";
import { ownerName, repName, ruleName, teamName } from "./labels.js";

export function renderDiff(host, { ask, first, a, b }) {
  const ids = (key) => [...new Set([...a[key], ...b[key]].map((x) => x.id))];
  const sel = (label, list, name) => el("select", { "aria-label": label, "data-testid": `diff-${label}` },
    el("option", { value: "" }, `any ${label}`), list.map((id) => el("option", { value: id }, name(id))));
  const team = sel("team", ids("teams"), teamName);
  const rep = sel("rep", ids("reps"), repName);
  const rule = sel("rule", [...new Set([...a.rules, ...b.rules].filter((r) => r.kind === "routing").map((r) => r.id))], ruleName);
  // B may be the baseline (a copy of A taken before A was edited): then read B → A.
  const direction = el("select", { "aria-label": "direction", "data-testid": "diff-direction" },
    el("option", { value: "ab" }, "from A to B"), el("option", { value: "ba" }, "from B to A (B is the config before)"));
  const arms = () => (direction.value === "ba" ? ["B", "A", 1, 0] : ["A", "B", 0, 1]);
  const summary = el("p", { "data-testid": "diff-summary" });
  const moves = el("div", { class: "moves" });
  const body = el("tbody");

  const row = (m) => {
    const detail = el("tr", { class: "detail", hidden: true }, el("td", { colspan: 5 }));
    const tr = el("tr", {
      class: "decision moved", "data-index": m.index, "data-lead": m.a.lead_id ?? "", tabindex: 0,
      onclick: async () => {
        if (!detail.hidden) return (detail.hidden = true);
        detail.hidden = false;
        const [from, to, armFrom, armTo] = arms();
        const [da, db] = await Promise.all([ask({ type: "explain", arm: armFrom, index: m.a.index }), ask({ type: "explain", arm: armTo, index: m.b.index })]);
        detail.firstChild.replaceChildren(el("div", { class: "both" },
          el("div", { "data-testid": `why-${from.toLowerCase()}` }, el("h4", {}, `${from}: ${ownerName(m.a)}`), da ? why(da) : "–"),
          el("div", { "data-testid": `why-${to.toLowerCase()}` }, el("h4", {}, `${to}: ${ownerName(m.b)}`), db ? why(db) : "–")));
        detail.firstChild.dataset.explained = "true";
      },
    },
    el("td", { "data-col": "lead" }, m.a.lead_id ?? `line ${m.a.line}`),
    el("td", { "data-col": "a" }, `${ownerName(m.a)}`, el("div", { class: "muted" }, `${m.a.outcome} · ${ruleName(m.a.rule)}`)),
    el("td", {}, "→"),
    el("td", { "data-col": "b" }, `${ownerName(m.b)}`, el("div", { class: "muted" }, `${m.b.outcome} · ${ruleName(m.b.rule)}`)),
    el("td", {}, [m.a.email, m.a.company].filter(Boolean).join(" · ")));
    return [tr, detail];
  };
  const show = (d) => {
    summary.textContent = `${fmt(d.moved)} of ${fmt(d.leads)} leads change outcome or owner` + (d.total !== d.moved ? ` (${fmt(d.total)} with this filter)` : "");
    summary.dataset.moved = d.moved;
    summary.dataset.total = d.total;
    const [from, to] = arms();
    head.replaceChildren(...["lead", from, "", to, "email · company"].map((h) => el("th", {}, h)));
    moves.replaceChildren(el("table", { class: "data small", "data-testid": "diff-moves" },
      el("thead", {}, el("tr", {}, el("th", {}, `from (${from})`), el("th", {}, `to (${to})`), el("th", { class: "num" }, "leads"))),
      el("tbody", {}, d.moves.map((m) => el("tr", { "data-from": m.from, "data-to": m.to },
        el("td", {}, m.from_name ?? m.from), el("td", {}, m.to_name ?? m.to), el("td", { class: "num", "data-value": m.count }, fmt(m.count)))))));
    body.replaceChildren(...d.rows.flatMap(row));
  };
  const filter = async () => {
    const f = {};
    for (const [k, s] of [["team", team], ["rep", rep], ["rule", rule]]) if (s.value) f[k] = s.value;
    show(await ask({ type: "diff", filter: f, page: { limit: 200 }, reverse: direction.value === "ba" }));
  };
  for (const s of [team, rep, rule, direction]) s.addEventListener("change", filter);
  const head = el("tr");
  host.replaceChildren(
    el("div", { class: "row" }, "Leads whose outcome or owner changes, ", direction),
    summary,
    el("h4", {}, "Moves between owners"), moves,
    el("div", { class: "row" }, el("b", {}, "Moved leads "), team, rep, rule, el("span", { class: "muted" }, "click a lead: why A and why B")),
    el("div", { class: "audit-rows" }, el("table", { class: "data sample", "data-testid": "diff-table-leads" },
      el("thead", {}, head), body)));
  show(first);
}
