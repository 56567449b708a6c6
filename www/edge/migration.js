// What happens to saved routing state when the deployment's config changes: counters and
// rotations carry over by rep and team id; leads held by a removed rep or waiting in a
// removed pool are taken out of the state so they go back through routing.
import { sha256 } from "./settings.js";

/** The Durable Object's name: the deployment (STATE_NAME), never derived from the config. */
export function stateName(settings) {
  return settings.stateName ?? "leadroute";
}

/** A fingerprint of the routing config (CRM mapping excluded) to notice that it changed. */
export function fingerprint(settings) {
  return sha256(settings.configText);
}

/**
 * Splits a saved snapshot for a new config. Returns the snapshot to restore, the leads to
 * route again (`{ lead_id, lead, from }`) and the contacted records of removed reps, which
 * are finished and only kept per lead.
 */
export function planMigration(snapshot, config) {
  const reps = new Set((config.reps ?? []).map((r) => r.id));
  const pools = new Set((config.pools ?? []).map((p) => p.id));
  const reroute = [];
  const finished = [];
  const assignments = [];
  for (const a of snapshot.assignments ?? []) {
    if (reps.has(a.rep)) assignments.push(a);
    else if (a.touched_at != null) finished.push(a);
    else reroute.push({ lead_id: a.lead_id, lead: { ...a.fields, id: a.lead_id }, from: { rep: a.rep, pool: a.pool ?? null } });
  }
  const pooled = [];
  for (const p of snapshot.pooled ?? []) {
    if (pools.has(p.pool)) pooled.push(p);
    else reroute.push({ lead_id: p.lead_id, lead: { ...p.fields, id: p.lead_id }, from: { rep: null, pool: p.pool } });
  }
  return { snapshot: { ...snapshot, assignments, pooled }, reroute, finished };
}
