// CRM field and owner mappings shared by the adapters in crm/ (Salesforce Lead, HubSpot
// contact, JSON webhook): which lead field goes where and which CRM owner a decision means.

export const SALESFORCE_FIELDS = {
  first_name: "FirstName",
  last_name: "LastName",
  email: "Email",
  company: "Company",
  title: "Title",
  phone: "Phone",
  country: "Country",
  region: "State",
  postal_code: "PostalCode",
  industry: "Industry",
  company_size: "NumberOfEmployees",
  annual_revenue: "AnnualRevenue",
  source: "LeadSource",
  message: "Description",
};

export const HUBSPOT_FIELDS = {
  first_name: "firstname",
  last_name: "lastname",
  email: "email",
  company: "company",
  title: "jobtitle",
  phone: "phone",
  country: "country",
  region: "state",
  postal_code: "zip",
  industry: "industry",
  annual_revenue: "annualrevenue",
  message: "message",
};

/**
 * The CRM owner id for a routing result: the rep's, else the pool's (e.g. a queue), else
 * `owners.nurture` for nurture leads, else `owners.default`; null when nothing is mapped
 * (the deploy-time check refuses such a mapping).
 */
export function ownerFor(crm, { outcome, rep, pool }) {
  const o = crm.owners ?? {};
  if (rep && o[rep]) return String(o[rep]);
  if (pool && o[pool]) return String(o[pool]);
  if (outcome === "nurture" && o.nurture) return String(o.nurture);
  return o.default === undefined || o.default === null ? null : String(o.default);
}

/** The owner an outbox item asks for: a create's decision, or an owner change's rep. */
export function ownerOfItem(crm, item) {
  return ownerFor(crm, item.kind === "create" ? item.decision : { outcome: "assigned", rep: item.rep, pool: item.pool });
}

/** CRM fields for a lead: the defaults for the CRM plus `crm.fields` (null drops one). */
export function mapFields(lead, defaults, extra) {
  const out = {};
  const map = { ...defaults, ...extra };
  for (const [field, target] of Object.entries(map)) {
    if (target && lead[field] !== undefined) out[target] = lead[field];
  }
  return out;
}

/**
 * The fields a create maps from: the lead, plus `leadroute_arm` under an A/B split so
 * `crm.fields` can send the arm to a CRM field (`{ leadroute_arm: "LeadRoute_Arm__c" }`).
 */
export function mappedLead(item) {
  return item.decision?.arm ? { ...item.lead, leadroute_arm: item.decision.arm } : item.lead;
}

export function trimBase(url) {
  return String(url ?? "").replace(/\/+$/, "");
}
