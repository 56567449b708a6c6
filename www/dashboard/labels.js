// Words, not ids: rep, team, pool and rule names and metric labels, from the report's own
// `labels` (the core names them) with the config as a fallback for older reports.

let current = { reps: {}, teams: {}, pools: {}, rules: {}, metrics: {} };

/** Takes the names of a report (and the config it ran) for everything drawn next. */
export function useLabels(report, config) {
  const l = report?.labels ?? {};
  const from = (list) => Object.fromEntries((list ?? []).map((x) => [x.id, x.name ?? x.id]));
  current = {
    reps: { ...from(config?.reps), ...l.reps },
    teams: { ...from(config?.teams), ...l.teams },
    pools: { ...from(config?.pools), ...l.pools },
    rules: { ...l.rules },
    metrics: { ...l.metrics },
  };
}

const words = (s) => String(s ?? "").replaceAll("_", " ").replaceAll("-", " ");
export const repName = (id) => (id ? current.reps[id] ?? id : "–");
export const teamName = (id) => (id ? current.teams[id] ?? id : "–");
export const poolName = (id) => (id ? current.pools[id] ?? id : "–");
export const ruleName = (id) => (id ? current.rules[id] ?? words(id) : "–");
/** A metric key (`reps.r-jake.peak_month`) in words. */
export const metricName = (key) => current.metrics[key] ?? words(key.split(".").map((p) => current.reps[p] ?? current.teams[p] ?? current.pools[p] ?? p).join(": "));
/** Whoever owns a decision, in words. */
export const ownerName = (row) =>
  row.rep_name ?? (row.rep ? repName(row.rep) : row.pool ? `pool ${poolName(row.pool)}` : row.outcome ?? "–");
