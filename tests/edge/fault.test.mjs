// The per-team design survives a crash: workerd is killed (SIGKILL) in the middle of a
// load of 1,000 submissions, restarted on the same storage, and every submission is sent
// again. Every lead is then in exactly one object, each answered before the crash is
// replayed with the same placement, no rep is over a cap, and each object's engine counts
// (caps and rotation state) hold every assignment it made, before and after the crash.
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
