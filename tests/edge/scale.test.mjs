// The two edge designs side by side in one real workerd: the same 2,000 submissions across
// 5 teams with 200 in flight (every 50th sent twice at once) to the single object and to
// the per-team objects, then every pooled lead claimed by all of the pool's reps at once.
// Both: every lead answered and placed exactly once, no rep over a cap (reps in two teams
// included), no lead claimed twice. Prints throughput and latency (bench/workerd-bench.mjs
// runs 10,000). Then a batch import, sent twice.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startWorkerd } from "./harness.mjs";
import { checkExactlyOnce, claimAll, load, scaleConfig, scaleLeads } from "./scale-run.mjs";

const TOTAL = 2000;
const IN_FLIGHT = 200;
const config = scaleConfig();
let w;

before(async () => {
  w = await startWorkerd({ config });
});
after(() => w?.stop());

for (const design of ["durable", "per_team"]) {
  test(`${design}: ${TOTAL} submissions, ${IN_FLIGHT} in flight, exactly once`, async () => {
    const base = design === "per_team" ? w.teamsUrl : w.url;
    const leads = scaleLeads(TOTAL, "S");
    const r = await load(base, leads, { inFlight: IN_FLIGHT, dupEvery: 50 });
    assert.equal(r.failed, 0);
    const winners = await claimAll(base, config);
    const counts = await checkExactlyOnce({ base, design, config, leads, answers: r.answers, winners });
    assert.ok(counts.assigned > 0 && counts.pooled > 0 && counts.rejected > 0, JSON.stringify(counts));
    assert.equal(winners.size, counts.pooled, "every pooled lead claimed once");
    console.log(`# ${design}: ${r.sent} posts in ${(r.ms / 1000).toFixed(1)} s: ${r.leadsPerS.toFixed(0)}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; ${JSON.stringify(counts)}, ${winners.size} claimed`);
  });
}

test("per_team: a bulk import places each lead once, and the same batch again replays it", async () => {
  const leads = scaleLeads(300, "B");
  const body = leads.map((l) => JSON.stringify(l)).join("\n") + '\n{"nope"\n{"company": "no id"}\n';
  const send = async () => {
    const res = await fetch(`${w.teamsUrl}/leads/bulk`, { method: "POST", body });
    assert.equal(res.status, 200);
    return res.json();
  };
  const first = await send();
  assert.equal(first.leads, 302);
  const refused = first.results.slice(0, 300).filter((r) => !r.ok);
  assert.ok(refused.every((r) => r.error.code === "missing_field"), JSON.stringify(refused[0]));
  assert.equal(first.results[300].error.code, "invalid_json");
  assert.equal(first.results[301].error.code, "missing_id");
  const again = await send();
  assert.equal(again.failed, first.failed);
  assert.equal(first.failed, refused.length + 2);
  for (const [i, l] of leads.entries()) {
    const a = first.results[i];
    const b = again.results[i];
    if (!a.ok) {
      assert.deepEqual(b.error, a.error);
      continue;
    }
    assert.equal(a.lead_id, l.id);
    assert.equal(a.replayed, false);
    assert.deepEqual([b.outcome, b.rep, b.pool], [a.outcome, a.rep, a.pool], l.id);
    // What an object placed is replayed; what the Worker decided alone is decided again.
    assert.equal(b.replayed, a.outcome === "assigned" || a.outcome === "pooled", l.id);
  }
  assert.equal(again.placed, first.placed - again.replayed);
});
