// The Learning screen: for a config with a learned team, the core's seeded simulator
// (simulateLearning, report::learning) runs learned against a static top performer and
// round robin on planted truth, in a Web Worker (this same file), and the curves are drawn
// here. Nothing is computed in JS: every number shown is the report's, and each one
// carries it in data-value (the tests read what people see). Also draws a simulation
// report's off-policy line (report.off_policy).
import { chart, el, fmt, pct } from "./render.js";

const POLICY_COLORS = { learned: "#2e7d32", static: "#ef6c00", round_robin: "#3949ab" };
const REP_COLORS = ["#3949ab", "#ef6c00", "#2e7d32", "#c62828", "#6a1b9a", "#00838f", "#6d4c41", "#f9a825", "#546e7a", "#ad1457"];

// ---- the worker half: runs when this file is loaded as a module worker ---------------------
if (typeof document === "undefined") {
  const ready = import("../../pkg/web/leadroute_wasm.js").then(async (m) => {
    await m.default({ module_or_path: new URL("../../pkg/web/leadroute_wasm_bg.wasm", import.meta.url) });
    return m;
  });
  self.onmessage = async ({ data }) => {
    const m = await ready;
    const t0 = performance.now();
    try {
      postMessage({ ok: true, report: m.simulateLearning(data.config, data.options), ms: performance.now() - t0 });
    } catch (e) {
      postMessage({ ok: false, code: e.code, message: e.message });
    }
  };
}

/** The ids of the config's teams whose pick is `learned` (to offer them; the core decides). */
function learnedTeams(text) {
  try {
    const c = JSON.parse(text);
    return (c?.teams ?? []).filter((t) => t?.select?.pick?.type === "learned").map((t) => String(t.id));
  } catch {
    return [];
  }
}

const num = (label, id, value, attrs = {}) =>
  el("label", {}, `${label} `, el("input", { id, type: "number", value, "aria-label": label, ...attrs }));

/**
 * Mounts the screen in `panel` (hidden until the config has a learned team). Returns
 * `update(configText)`, to call whenever config A changes, and keeps the last report in
 * `state.report`.
 */
export function mountLearning(panel, state = {}) {
  const host = el("div", { id: "learning-view" });
  const teams = el("select", { id: "learning-team", "aria-label": "learned team" });
  const run = el("button", { id: "learning-run", type: "button", class: "primary" }, "Run the learning simulation");
  const status = el("span", { id: "learning-status", class: "muted", "data-testid": "learning-status" });
  panel.append(
    el("p", { class: "muted" },
      "Planted truth: each member's true conversion rate per segment of the learned pick (seeded, within ± the spread " +
        "of the base rate; halfway, the first segment's best and worst members swap), leads arriving evenly each month, " +
        "outcomes coming back after a delay, the caps as configured. The same leads convert on the same draw under " +
        "all three policies: learned (as configured, from no history), a static top performer (performance set once " +
        "from a round-robin quarter before) and round robin."),
    el("div", { class: "row learning-options" },
      el("label", {}, "team ", teams),
      num("seed", "learning-seed", 19, { min: 0 }),
      num("months", "learning-months", 12, { min: 1, max: 36 }),
      num("leads a month", "learning-leads", 600, { min: 1, max: 5000 }),
      num("true-rate spread ±", "learning-spread", 0.1, { min: 0, max: 0.5, step: 0.01 }),
      num("outcome delay from (days)", "learning-delay-min", 14, { min: 0, max: 365 }),
      num("to", "learning-delay-max", 45, { min: 0, max: 365 }),
      run, status),
    host,
  );
  let text = "";
  let worker = null;
  const value = (id) => Number(panel.querySelector(`#${id}`).value);
  run.addEventListener("click", () => {
    worker?.terminate();
    worker = new Worker(new URL("./learning.js", import.meta.url), { type: "module" });
    const options = {
      seed: value("learning-seed"),
      months: value("learning-months"),
      leads_per_month: value("learning-leads"),
      spread: value("learning-spread"),
      delay_days: [value("learning-delay-min"), value("learning-delay-max")],
      team: teams.value || null,
    };
    status.textContent = "running…";
    status.removeAttribute("data-done");
    run.disabled = true;
    worker.onmessage = ({ data }) => {
      worker.terminate();
      worker = null;
      run.disabled = false;
      if (!data.ok) {
        state.report = null;
        status.textContent = `${data.code}: ${data.message}`;
        status.dataset.error = data.code;
        host.replaceChildren();
      } else {
        state.report = data.report;
        status.textContent = `${fmt(data.report.leads)} leads, ${fmt(data.ms)} ms`;
        delete status.dataset.error;
        draw(host, data.report);
      }
      status.dataset.done = "true";
    };
    worker.postMessage({ config: text, options });
  });
  return function update(configText) {
    text = configText;
    const ids = learnedTeams(configText);
    panel.hidden = ids.length === 0;
    const keep = teams.value;
    teams.replaceChildren(...ids.map((id) => el("option", { value: id, selected: id === keep }, id)));
  };
}

function draw(host, r) {
  const months = r.policies[0].months.map((m) => `M${m.month + 1}`);
  const card = (testid, title, v, text, sub) =>
    el("div", { class: "card", "data-testid": testid },
      el("div", { class: "title" }, title),
      el("div", { class: "value", "data-value": v }, text),
      sub ? el("div", { class: "sub" }, sub) : null);
  const [learned, , rr] = r.policies;
  const gain = rr.conversions ? learned.conversions / rr.conversions - 1 : 0;
  const rows = r.policies.map((p) =>
    el("tr", { "data-policy": p.policy },
      el("td", {}, p.label),
      el("td", { "data-col": "conversions", "data-value": p.conversions }, fmt(p.conversions)),
      el("td", { "data-col": "rate", "data-value": p.conversions / Math.max(1, p.leads) }, pct(p.conversions / Math.max(1, p.leads))),
      el("td", { "data-col": "revenue", "data-value": p.revenue }, fmt(p.revenue)),
      el("td", { "data-col": "regret", "data-value": p.regret }, fmt(p.regret)),
      el("td", { "data-col": "min_share", "data-value": p.min_share }, pct(p.min_share)),
      el("td", { "data-col": "max_share", "data-value": p.max_share }, pct(p.max_share))));
  const truth = el("table", { class: "data", "data-testid": "learning-truth" },
    el("thead", {}, el("tr", {}, el("th", {}, "true rate"), r.segments.map((s) => el("th", {}, s)), el("th", {}, "static weight"))),
    el("tbody", {}, r.truth.map((t, i) => el("tr", {}, el("td", {}, t.rep),
      t.rates.map((p) => el("td", { "data-value": p }, pct(p))),
      el("td", { "data-value": r.static_weights[i] }, fmt(r.static_weights[i], 3))))));
  const changes = r.changes.map((c) => `from M${c.month + 1}, ${c.rep} in ${r.segments[c.segment]}: ${pct(c.rate)}`).join("; ");
  const op = r.off_policy;
  const figure = (id, caption) => el("figure", {}, el("figcaption", {}, caption), el("canvas", { id }));
  host.replaceChildren(
    el("div", { class: "cards" },
      card("learning-gain", "Learned vs round robin", gain, `${gain >= 0 ? "+" : ""}${pct(gain)}`, "conversions"),
      card("learning-regret", "Learned regret", learned.regret, fmt(learned.regret), `round robin ${fmt(rr.regret)}`),
      card("learning-floor", "Floor", r.floor, pct(r.floor), `least share ${pct(learned.min_share)}`),
      op ? card("learning-ips", "Uniform choice, estimated from the learned log", op.ips, pct(op.ips),
        `self-normalised ${pct(op.snips)} · worth ${fmt(op.effective_n)} of ${fmt(op.n)} · truth ${pct(op.truth)}`) : null),
    el("table", { class: "data", "data-testid": "learning-table" },
      el("thead", {}, el("tr", {}, ["policy", "conversions", "rate", "revenue", "regret", "least rep share", "most rep share"].map((h) => el("th", {}, h)))),
      el("tbody", {}, rows)),
    el("div", { class: "charts two" },
      figure("chart-learning-conversions", "Conversions so far, by policy"),
      figure("chart-learning-revenue", "Revenue so far, by policy"),
      figure("chart-learning-regret", "Regret so far (expected conversions lost against each segment's best rep)"),
      figure("chart-learning-shares", "Learned: each rep's share of the month's leads"),
      figure("chart-learning-floor", "Learned: the least rep share, against the floor")),
    el("h3", {}, "The planted truth"), truth,
    changes ? el("p", { class: "muted", "data-testid": "learning-changes" }, changes) : null,
  );
  const perPolicy = (key) => ({
    type: "line",
    data: {
      labels: months,
      datasets: r.policies.map((p) => ({
        label: p.label,
        data: p.months.map((m) => m[key]),
        borderColor: POLICY_COLORS[p.policy],
        backgroundColor: POLICY_COLORS[p.policy],
      })),
    },
    options: { scales: { y: { min: 0 } } },
  });
  chart("chart-learning-conversions", perPolicy("cumulative_conversions"));
  chart("chart-learning-revenue", perPolicy("cumulative_revenue"));
  chart("chart-learning-regret", perPolicy("cumulative_regret"));
  chart("chart-learning-shares", {
    type: "line",
    data: {
      labels: months,
      datasets: r.members.map((rep, i) => ({
        label: rep,
        data: learned.months.map((m) => m.per_rep[i] / Math.max(1, m.leads)),
        borderColor: REP_COLORS[i % REP_COLORS.length],
        backgroundColor: REP_COLORS[i % REP_COLORS.length],
      })),
    },
    options: { scales: { y: { min: 0, max: 1 } } },
  });
  chart("chart-learning-floor", {
    type: "line",
    data: {
      labels: months,
      datasets: [
        { label: "least share of the leads so far", data: learned.months.map((m) => m.cumulative_min_share), borderColor: "#2e7d32", backgroundColor: "#2e7d32" },
        { label: "least share of the month's leads", data: learned.months.map((m) => m.min_share), borderColor: "#90a4ae", backgroundColor: "#90a4ae" },
        { label: "floor", data: months.map(() => r.floor), borderColor: "#c62828", backgroundColor: "#c62828", borderDash: [6, 4], pointRadius: 0 },
      ],
    },
    options: { scales: { y: { min: 0 } } },
  });
}

/** The report's off-policy line (a learned team's replay with known outcomes), or nothing. */
export function renderOffPolicy(host, r) {
  const op = r?.off_policy;
  host.replaceChildren();
  host.hidden = !op;
  if (!op) return;
  host.append(el("p", { "data-testid": "off-policy", "data-ips": op.ips, "data-snips": op.snips, "data-effective-n": op.effective_n, "data-decisions": op.decisions },
    el("b", {}, "Off-policy estimate: "),
    `from ${fmt(op.decisions)} learned decisions with a known outcome (converting ${pct(op.logged_rate)}), ` +
      `a uniform choice among the same eligible reps (round robin's random counterpart) would have converted ` +
      `${pct(op.ips)} (inverse propensity; self-normalised ${pct(op.snips)}), an estimate worth ${fmt(op.effective_n)} decisions.`));
}
