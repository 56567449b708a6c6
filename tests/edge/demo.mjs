// Runs the whole capture path locally for a look in a browser: the stand-in CRM, the edge
// worker in workerd (default config, Salesforce mapping) and the demo form. Ctrl-C stops all.
//
//   node tests/edge/demo.mjs        (needs scripts/build.sh to have built pkg/)
import { startCrm } from "./crm-stub.mjs";
import { ADMIN_TOKEN, CRM_TOKEN, crmMapping, defaultConfig, repToken, startStatic, startWorkerd } from "./harness.mjs";

const crm = await startCrm({ token: CRM_TOKEN });
const w = await startWorkerd({ config: defaultConfig(), crm: crmMapping("salesforce"), env: { CRM_URL: crm.url, NOTIFY_URL: `${crm.url}/notify` } });
const site = await startStatic();
console.log(`demo form     ${site.url}/index.html?endpoint=${encodeURIComponent(w.url)}
edge worker   ${w.url}   (admin token: ${ADMIN_TOKEN}; rep token for r-emma: ${await repToken("r-emma")})
stand-in CRM  ${crm.url}/_records
cron trigger  curl -X POST ${w.cronUrl}/?time=$(($(date +%s%3N) + 600000))
Ctrl-C to stop.`);
const stop = async () => {
  await w.stop();
  await site.close();
  await crm.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
