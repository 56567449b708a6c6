// One cold start, run by node-bench.mjs in a fresh Node process per sample:
// import + build (compile the reference config) + route the first lead, in ms.
//
//   node bench/cold-start.mjs leadroute|leadroute-route|plain|jsonlogic|rules-engine
//
// `leadroute` is the full module (pkg/node), `leadroute-route` the route module that forms
// and edge workers load (pkg/route/node).
//
// The config and the lead are read before the clock starts; the process start itself is
// not counted (the same for every implementation). Prints one JSON line.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const which = process.argv[2];
const config = JSON.parse(readFileSync(join(HERE, "reference-config.json"), "utf8"));
const lead = {
  id: "L1", created_at: "2026-03-02T10:00:00Z", email: "kim.novak@acme.com", company: "Acme Inc",
  title: "VP Sales", company_size: 1200, annual_revenue: 90000000, industry: "Software",
  country: "US", region: "NY", postal_code: "10001", language: "en",
  product_interest: "Dashboards", pages_viewed: 9, demo_requested: true, source: "web",
};
const now = Date.parse(lead.created_at);
const url = (p) => pathToFileURL(join(HERE, p)).href;

const t0 = performance.now();
let rep;
if (which === "leadroute" || which === "leadroute-route") {
  const entry = which === "leadroute" ? "../pkg/node/index.mjs" : "../pkg/route/node/index.mjs";
  const { Router } = await import(url(entry));
  const router = new Router(config);
  rep = router.route(lead, { now, trace: false }).rep;
} else {
  const file = { plain: "peers/plain.mjs", jsonlogic: "peers/jsonlogic.mjs", "rules-engine": "peers/rules-engine.mjs" }[which];
  if (!file) {
    process.stderr.write(`unknown implementation ${which}\n`);
    process.exit(2);
  }
  const peer = await import(url(file));
  const router = peer.createRouter(config);
  rep = (await router.route(lead, now)).rep;
}
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ which, ms, rep }) + "\n");
