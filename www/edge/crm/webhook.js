// Generic JSON webhook adapter: one signed POST per outbox item (the Standard Webhooks
// headers are added by delivery.js from WEBHOOK_SECRET; the CRM token is never sent here).
import { ownerOfItem } from "../crm.js";
import { classifyHttp } from "./outcome.js";

export function bodyOf(crm, item) {
  const owner_id = ownerOfItem(crm, item);
  return item.kind === "create"
    ? { type: "lead.routed", delivery_id: item.id, lead_id: item.lead.id, owner_id, lead: item.lead, decision: item.decision }
    : { type: "lead.owner_changed", delivery_id: item.id, lead_id: item.lead_id, owner_id, rep: item.rep, reason: item.reason };
}

/** Delivers one outbox item; `ctx`: `{ crm, baseUrl, now, call }`. Never throws. */
export async function deliver(item, ctx) {
  const res = await ctx.call({ method: "POST", url: ctx.baseUrl, body: bodyOf(ctx.crm, item), signed: true });
  return res.status >= 200 && res.status < 300 ? { ok: true } : classifyHttp(res, ctx.now);
}
