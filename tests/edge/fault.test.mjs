// The per-team design survives a crash: workerd is killed (SIGKILL) in the middle of a
// load of 1,000 submissions, restarted on the same storage, and every submission is sent
// again. Every lead is then in exactly one object, each answered before the crash is
// replayed with the same placement, no rep is over a cap, and each object's engine counts
// (caps and rotation state) hold every assignment it made, before and after the crash.
// Then a bulk import killed mid-batch (after the key directory bound its keys, before the
// team objects committed) and sent again: every lead placed once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { admin, startWorkerd } from "./harness.mjs";
import { checkExactlyOnce, load, scaleConfig, scaleLeads } from "./scale-run.mjs";

const TOTAL = 1000;

test("per_team: killed mid-load and restarted, nothing lost or placed twice, counts carried over", async () => {
  const config = scaleConfig();
  const dir = mkdtempSync(join(tmpdir(), "leadroute-fault-"));
  try {
    const leads = scaleLeads(TOTAL, "F");
    let w = await startWorkerd({ config, storageDir: dir });
    const progress = { answered: 0 };
    const running = load(w.teamsUrl, leads, { inFlight: 100, progress });
    // Kill once about 40% of the answers are in.
    while (progress.answered < TOTAL * 0.4) await new Promise((r) => setTimeout(r, 5));
    process.kill(w.pid, "SIGKILL");
    const before = await running;
    await w.stop({ keepStorage: true });
    assert.ok(before.failed > 0, "the kill cut requests off");
    assert.ok(before.sent > 0 && before.sent < TOTAL, `answers before the kill: ${before.sent}`);

    w = await startWorkerd({ config, storageDir: dir });
    try {
      const after = await load(w.teamsUrl, leads, { inFlight: 100 });
      assert.equal(after.failed, 0);
      for (const [id, got] of before.answers) {
        const a = got[0];
        if (a.status !== 201 || !["assigned", "pooled"].includes(a.body.outcome)) continue;
        const b = after.answers.get(id)[0];
        assert.equal(b.body.replayed, true, id);
        assert.deepEqual([b.body.outcome, b.body.rep, b.body.pool], [a.body.outcome, a.body.rep, a.body.pool], id);
      }
      const counts = await checkExactlyOnce({ base: w.teamsUrl, design: "per_team", config, leads, answers: after.answers, retried: true });
      assert.ok(counts.assigned > 100, JSON.stringify(counts));
      // Each object's engine counted every lead it assigned (its day counters), across the crash.
      const { body } = await admin(w.teamsUrl, "GET", "/admin/teams?snapshots=1");
      for (const o of body.objects) {
        const assigned = new Map();
        for (const [, outcome, rep] of o.leads) if (outcome === "assigned") assigned.set(rep, (assigned.get(rep) ?? 0) + 1);
        for (const [rep, n] of assigned) {
          const day = (o.snapshot.reps[rep]?.day ?? []).reduce((s, [, c]) => s + c, 0);
          assert.equal(day, n, `${o.key}: ${rep} counted ${day}, assigned ${n}`);
        }
      }
      console.log(`# killed after ${before.sent} answers (${before.failed} cut off); after the restart: ${JSON.stringify(counts)}`);
    } finally {
      await w.stop({ keepStorage: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("per_team: a bulk import cut off by a kill and sent again places every lead once", async (t) => {
  const config = scaleConfig();
  const dir = mkdtempSync(join(tmpdir(), "leadroute-fault-bulk-"));
  try {
    const leads = scaleLeads(3000, "FB");
    const body = leads.map((l) => JSON.stringify(l)).join("\n");
    let w = await startWorkerd({ config, storageDir: dir });
    // As long as a batch like it takes here, so the kill lands inside the real one.
    // (The first warm batch also starts every object; the second is timed.)
    let took = 0;
    for (const prefix of ["FW1", "FW2"]) {
      const warm = performance.now();
      const r = await fetch(`${w.teamsUrl}/leads/bulk`, { method: "POST", body: scaleLeads(3000, prefix).map((l) => JSON.stringify(l)).join("\n") });
      assert.equal(r.status, 200);
      await r.json();
      took = performance.now() - warm;
    }
    const cut = fetch(`${w.teamsUrl}/leads/bulk`, { method: "POST", body }).then(
      (r) => r.status,
      () => "cut off",
    );
    await new Promise((r) => setTimeout(r, took * 0.6));
    process.kill(w.pid, "SIGKILL");
    assert.equal(await cut, "cut off");
    await w.stop({ keepStorage: true });
    w = await startWorkerd({ config, storageDir: dir });
    try {
      const res = await fetch(`${w.teamsUrl}/leads/bulk`, { method: "POST", body });
      assert.equal(res.status, 200);
      const again = await res.json();
      t.diagnostic(`killed ${Math.round(took * 0.6)} ms into a batch; sent again: ${again.placed} placed, ${again.replayed} replayed`);
      // Line i is lead i: each result as the single-post answer it stands for.
      assert.equal(again.results.length, leads.length);
      const answers = new Map(
        again.results.map((r, i) => [leads[i].id, [{ status: r.ok ? (r.replayed ? 200 : 201) : 422, body: r.ok ? { ...r, routed_at: Date.now() } : { error: r.error } }]]),
      );
      await checkExactlyOnce({ base: w.teamsUrl, design: "per_team", config, leads, answers, retried: true });
    } finally {
      await w.stop({ keepStorage: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
