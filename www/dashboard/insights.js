// The report's insights (computed by the core: fallback share, reps at cap early, pools
// expiring unclaimed, rules never hit or shadowed, leads no rep could take), biggest first.
import { el, fmt, pct } from "./render.js";

export function renderInsights(host, reports) {
  const items = [];
  for (const [label, r] of reports) {
    for (const i of r?.insights ?? []) items.push({ ...i, label });
  }
  items.sort((a, b) => b.impact - a.impact);
  host.replaceChildren();
  if (!items.length) return;
  host.append(el("h3", {}, "What stands out"),
    el("ol", { class: "insights" }, items.map((i) =>
      el("li", { class: `insight ${i.severity}`, "data-code": i.code, "data-impact": i.impact },
        el("span", { class: "impact", title: "leads concerned" }, `${fmt(i.impact)} leads`),
        i.share !== null && i.share !== undefined ? el("span", { class: "share" }, pct(i.share)) : null,
        el("span", { class: "message" }, `${i.label}${i.message}`)))));
}
