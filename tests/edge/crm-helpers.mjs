// Shared parts of the CRM contract suites (not a test file): a lead that routes without an
// SLA or pool (so moving time does not move it), cron ticks at a chosen time, outbox views.
import { admin, until } from "./harness.mjs";

/** A North America mid-market lead: territory routing, no SLA, no pool. */
export function midMarketLead(id, extra = {}) {
  return {
    id,
    first_name: "Noor",
    last_name: `Haddad ${id}`,
    email: `noor.${id.toLowerCase()}@fieldline.io`,
    company: `Fieldline ${id}`,
    title: "Head of Operations",
    company_size: 300,
    annual_revenue: 12_000_000,
    industry: "Software",
    country: "US",
    region: "TX",
    postal_code: "75001",
    language: "en",
    source: "website",
    ...extra,
  };
}

/** The same lead sized for the SMB cherry-pick pool. */
export const smbLead = (id, extra = {}) => midMarketLead(id, { company_size: 60, annual_revenue: 3_000_000, ...extra });

/** Runs the worker's scheduled handler at `time` (ms): SLA tick and delayed deliveries. */
export const tick = (w, time) => fetch(`${w.cronUrl}/?time=${time}`, { method: "POST" }).then((r) => r.json());

export const outbox = async (w) => (await admin(w.url, "GET", "/admin/outbox")).body;

export const deadOf = async (w, leadId) => (await admin(w.url, "GET", "/admin/dead-letters")).body.dead_letters.filter((d) => d.item.lead_id === leadId);

/** Waits until every CRM delivery is held (a rate limit or refused credentials). */
export const holdOf = (w) =>
  until(async () => {
    const o = await outbox(w);
    return o.hold ? o : null;
  }, 10_000, "a hold");
