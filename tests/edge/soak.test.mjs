// Soak on real workerd: many leads with a first-touch SLA through one deployment. Every 1,000
// leads the cron runs ten minutes ahead (untouched leads breach and escalate; a quarter were
// contacted), so finished records leave the engine. Prints snapshot size and latency at each
// 10,000 and asserts the snapshot and the bytes written per lead stay flat: 100,000 leads
// (about a minute on a quiet machine; SOAK_LEADS=n for another count).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { admin, percentile, repToken, startWorkerd, testConfig } from "./harness.mjs";

const COUNT = Number(process.env.SOAK_LEADS) || 100_000;
const WINDOW = 10_000;
const TICK_EVERY = 250;
const IN_FLIGHT = 16;
const TOUCH_EVERY = 4;

// A keep-alive client: fetch costs the test process more CPU than workerd spends per lead,
// and both share the machine.
const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
function post(url, body, headers = {}) {
  const t0 = performance.now();
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers } }, (res) => {
      let data = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (data += d));
      res.on("end", () => resolve({ status: res.statusCode, body: JSON.parse(data), ms: performance.now() - t0 }));
    });
    req.on("error", reject);
    req.end(text);
  });
}

function soakConfig() {
  const c = testConfig();
  // No caps: every lead lands on an enterprise rep and is tracked for its SLA.
  for (const r of c.reps) delete r.caps;
  c.teams.find((t) => t.id === "enterprise").sla = { first_touch_minutes: 5, remind_after_minutes: [2], escalate_to: "r-morgan", reroute: false };
  return c;
}

function lead(i) {
  return {
    id: `SOAK-${i}`,
    first_name: "Ari",
    last_name: `Stone${i}`,
    email: `ari.stone${i}@granite-works.com`,
    company: `Granite Works ${i}`,
    title: "Director of Operations",
    company_size: 2500,
    annual_revenue: 40_000_000,
    industry: "Manufacturing",
    country: "US",
    region: "OH",
    language: "en",
    pages_viewed: 2,
    demo_requested: false,
    source: "website",
  };
}

test(`soak: ${COUNT.toLocaleString("en")} leads with an SLA through one deployment; the state stays bounded`, { timeout: 60_000 + COUNT * 20 }, async () => {
  const w = await startWorkerd({ config: soakConfig() });
  const tokens = new Map();
  const tokenOf = async (rep) => tokens.get(rep) ?? tokens.set(rep, await repToken(rep)).get(rep);
  const windows = [];
  try {
    let next = 0;
    let latencies = [];
    let maxSnapshot = 0;
    let lastStats = (await admin(w.url, "GET", "/admin/outbox")).body;
    let tickAt = Date.now();
    async function submitter(until) {
      while (next < until) {
        const i = next++;
        const r = await post(`${w.url}/leads`, lead(i));
        assert.equal(r.status, 201, JSON.stringify(r.body));
        latencies.push(r.ms);
        if (i % TOUCH_EVERY === 0 && r.body.rep) {
          const t = await post(`${w.url}/leads/${r.body.lead_id}/touch`, {}, { authorization: `Bearer ${await tokenOf(r.body.rep)}` });
          assert.equal(t.status, 200, JSON.stringify(t.body));
        }
      }
    }
    while (next < COUNT) {
      const until = Math.min(COUNT, next + TICK_EVERY);
      await Promise.all(Array.from({ length: IN_FLIGHT }, () => submitter(until)));
      // The largest the state gets: just before finished records are taken out.
      maxSnapshot = Math.max(maxSnapshot, JSON.stringify((await admin(w.url, "GET", "/admin/snapshot")).body.snapshot).length);
      tickAt = Math.max(tickAt + 1, Date.now() + 10 * 60_000);
      assert.equal((await fetch(`${w.cronUrl}/?time=${tickAt}`, { method: "POST" })).status, 200);
      if (next % WINDOW === 0 || next === COUNT) {
        const s = (await admin(w.url, "GET", "/admin/outbox")).body;
        latencies.sort((a, b) => a - b);
        const leads = next - (windows.at(-1)?.leads ?? 0);
        windows.push({
          leads: next,
          maxSnapshot,
          stateBytes: s.state_bytes,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          // Per lead, not per commit: how many calls share a commit depends on the machine.
          bytesPerLead: (s.bytes_written - lastStats.bytes_written) / leads,
        });
        lastStats = s;
        latencies = [];
        maxSnapshot = 0;
      }
    }
  } finally {
    agent.destroy();
    await w.stop();
  }
  const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
  console.log(
    [
      `soak (workerd, Durable Object on local disk, ${IN_FLIGHT} in flight, cron ${TICK_EVERY} leads apart, 1 in ${TOUCH_EVERY} contacted):`,
      ...windows.map(
        (x) =>
          `  ${String(x.leads).padStart(7)} leads  snapshot max ${kib(x.maxSnapshot).padStart(10)} (after cron ${kib(x.stateBytes)})  ` +
          `p50 ${x.p50.toFixed(1)} ms  p99 ${x.p99.toFixed(1)} ms  ${kib(x.bytesPerLead)} written per lead`,
      ),
    ].join("\n"),
  );
  const first = windows[0];
  const last = windows.at(-1);
  // Latency is printed, not asserted: on a shared machine it measures the neighbours too.
  assert.ok(last.maxSnapshot <= 1.5 * first.maxSnapshot + 16 * 1024, `snapshot grew from ${kib(first.maxSnapshot)} to ${kib(last.maxSnapshot)}`);
  assert.ok(last.bytesPerLead <= 1.5 * first.bytesPerLead + 512, `bytes written per lead grew from ${first.bytesPerLead} to ${last.bytesPerLead}`);
  assert.ok(last.stateBytes < first.maxSnapshot, "the cron leaves a small hot state");
});
