// The objects of the per-team design: `team:<id>` per team and `rest`. The cap protocol
// that splits each rep's caps between them is the core's (`shareConfig`, `capHomes`:
// src/shares.rs; README, "The cap protocol"); these are the names it uses.

/** `team:<id>` for a ticket sent to a team, `rest` for everything else that needs state. */
export function objectKey(ticket) {
  return ticket.target.kind === "team" ? `team:${ticket.target.id}` : "rest";
}

/** Every object key of a config, teams first. */
export function objectKeys(config) {
  return [...(config.teams ?? []).map((t) => `team:${t.id}`), "rest"];
}
