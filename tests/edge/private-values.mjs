// What a public config must never contain, as strings to search its JSON text for: rep
// emails and phones, performance figures, the account list and every CRM setting.

/** Strings taken from the FULL config whose presence in public JSON is a leak. */
export function privateValues(full) {
  const out = new Set(['"performance"', '"accounts"', '"crm"']);
  for (const r of full.reps) {
    if (r.email) out.add(r.email);
    if (r.phone) out.add(r.phone);
  }
  for (const domain of Object.keys(full.accounts?.owners ?? {})) out.add(domain);
  const crm = full.crm ?? {};
  for (const v of Object.values(crm.owners ?? {})) out.add(String(v));
  for (const k of ["url", "external_id_field"]) if (crm[k]) out.add(String(crm[k]));
  return [...out];
}
