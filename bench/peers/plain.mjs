// The reference policy (bench/reference-config.json) written by hand in plain JS, the way
// a team would code it without an engine: screening, scoring and the routing rules as
// if-statements over already-parsed lead objects, team picks and caps in distribute.mjs.
// String tests are case-insensitive, as in leadroute.
import { createDistributor } from "./distribute.mjs";

export const name = "hand-written JS";

const lc = (v) => (typeof v === "string" ? v.toLowerCase() : null);
const present = (v) => v !== undefined && v !== null && !(typeof v === "string" && v.trim() === "");
const FREE_MAIL = ["@gmail.com", "@yahoo.com", "@hotmail.com", "@outlook.com"];
const SENIOR = ["vp", "head", "director", "chief"];
const EMEA = new Set(["gb", "de", "fr", "es", "it", "nl", "se"]);
const APAC = new Set(["au", "nz", "jp", "sg", "in"]);

const REJECTED = Object.freeze({ outcome: "rejected", rep: null });
const NURTURE = Object.freeze({ outcome: "nurture", rep: null });

export function createRouter(config) {
  const d = createDistributor(config);
  const strategic = d.repIndex("r01");
  const na = d.teamIndex("na-enterprise");
  const emea = d.teamIndex("emea");
  const apac = d.teamIndex("apac");
  const mid = d.teamIndex("mid-market");
  const smb = d.teamIndex("smb");
  const assigned = (rep) => ({ outcome: "assigned", rep });

  return {
    route(lead, now) {
      if (!present(lead.email)) return REJECTED;
      const company = lc(lead.company);
      if (company !== null && company.includes("test")) return REJECTED;
      const title = lc(lead.title);
      if (title !== null && (title.includes("student") || title.includes("intern"))) return REJECTED;
      const email = lc(lead.email);
      if (email !== null && FREE_MAIL.some((f) => email.endsWith(f))) return REJECTED;
      const size = lead.company_size;
      if (size < 5) return REJECTED;

      let firmographic = 0;
      if (title !== null && SENIOR.some((s) => title.includes(s))) firmographic += 30;
      if (size >= 200) firmographic += 15;
      if (size >= 1000) firmographic += 15;
      if (lead.annual_revenue >= 50_000_000) firmographic += 10;
      const industry = lc(lead.industry);
      if (industry === "software" || industry === "financial services" || industry === "healthcare") {
        firmographic += 10;
      }
      if (firmographic > 60) firmographic = 60;
      let behaviour = 0;
      if (lead.demo_requested === true) behaviour += 30;
      const pages = lead.pages_viewed;
      if (pages >= 8) behaviour += 15;
      if (pages >= 3) behaviour += 5;
      const source = lc(lead.source);
      if (source === "referral" || source === "event" || source === "partner") behaviour += 10;
      if (behaviour > 50) behaviour = 50;
      const score = firmographic + behaviour;
      if (score < 30) return NURTURE;

      const k = d.periodKeys(now);
      const country = lc(lead.country);
      if (score >= 90 && size >= 5000) return assigned(d.toRep(strategic, k));
      if ((country === "us" || country === "ca") && size >= 1000) return assigned(d.toTeam(na, lead, k));
      if (EMEA.has(country)) return assigned(d.toTeam(emea, lead, k));
      if (APAC.has(country)) return assigned(d.toTeam(apac, lead, k));
      if (size >= 200) return assigned(d.toTeam(mid, lead, k));
      return assigned(d.toTeam(smb, lead, k));
    },
  };
}
