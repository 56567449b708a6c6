// CRM payload mappings: Salesforce (Lead upsert by external id, OwnerId), HubSpot
// (contact upsert by email, hubspot_owner_id) and a generic JSON webhook. Pure functions.

const SALESFORCE_FIELDS = {
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

const HUBSPOT_FIELDS = {
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
 * `owners.nurture` for nurture leads, else `owners.default`; null when nothing is mapped.
 */
export function ownerFor(crm, { outcome, rep, pool }) {
  const o = crm.owners ?? {};
  if (rep && o[rep]) return o[rep];
  if (pool && o[pool]) return o[pool];
  if (outcome === "nurture" && o.nurture) return o.nurture;
  return o.default ?? null;
}

function mapFields(lead, defaults, extra) {
  const out = {};
  const map = { ...defaults, ...extra };
  for (const [field, target] of Object.entries(map)) {
    if (target && lead[field] !== undefined) out[target] = lead[field];
  }
  return out;
}

function trimBase(url) {
  return String(url ?? "").replace(/\/+$/, "");
}

/**
 * The HTTP request that delivers one outbox item to the CRM: `{ url, method, body }`.
 * `item.kind` is `create` (a routed lead: `item.lead`, `item.decision`) or `owner` (an
 * owner change after a claim or re-route: `item.lead_id`, `item.email`, `item.rep`).
 */
export function crmRequest(crm, baseUrl, item) {
  const owner = ownerFor(crm, item.kind === "create" ? item.decision : { outcome: "assigned", rep: item.rep, pool: item.pool });
  if (crm.type === "salesforce") {
    const version = crm.api_version ?? "v60.0";
    const ext = crm.external_id_field ?? "Leadroute_Id__c";
    const leadId = item.kind === "create" ? item.lead.id : item.lead_id;
    const body = item.kind === "create" ? mapFields(item.lead, SALESFORCE_FIELDS, crm.fields) : {};
    if (item.kind === "create") {
      // Salesforce requires both on a Lead; a form may not ask for a last name.
      body.LastName ??= "[not provided]";
      body.Company ??= "[not provided]";
    }
    if (owner) body.OwnerId = owner;
    return {
      method: "PATCH",
      url: `${trimBase(baseUrl)}/services/data/${version}/sobjects/Lead/${encodeURIComponent(ext)}/${encodeURIComponent(leadId)}`,
      body,
    };
  }
  if (crm.type === "hubspot") {
    const email = item.kind === "create" ? item.lead.email : item.email;
    const properties = item.kind === "create" ? mapFields(item.lead, HUBSPOT_FIELDS, crm.fields) : {};
    if (owner) properties.hubspot_owner_id = owner;
    return {
      method: "POST",
      url: `${trimBase(baseUrl ?? "https://api.hubapi.com")}/crm/v3/objects/contacts/batch/upsert`,
      body: { inputs: [{ idProperty: "email", id: email, properties }] },
    };
  }
  const body =
    item.kind === "create"
      ? { type: "lead.routed", lead_id: item.lead.id, owner_id: owner, lead: item.lead, decision: item.decision }
      : { type: "lead.owner_changed", lead_id: item.lead_id, owner_id: owner, rep: item.rep, reason: item.reason };
  return { method: "POST", url: trimBase(baseUrl), body };
}
