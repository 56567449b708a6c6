// The command line as a user gets it: `npm pack pkg`, installed from the tarball once into a
// scratch project, then `npx leadroute simulate | diff` on the sample data, with exact
// numbers, files written and exit codes. README's CLI blocks (```sh lines starting with
// `npx leadroute`) run here too, each with the exit code its `# exits N` comment states.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, test } from "node:test";
import { PKG, ROOT } from "./helpers.mjs";

let dir;
let bin;

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 120_000, ...opts });
  return { status: r.status, stdout: r.stdout ?? "", stderr: `${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

before(() => {
  assert.ok(existsSync(join(PKG, "package.json")), "pkg/ is missing: run scripts/build.sh first");
  dir = mkdtempSync(join(tmpdir(), "leadroute-cli-"));
  const pack = run("npm", ["pack", PKG, "--pack-destination", dir, "--json"], { cwd: dir });
  assert.equal(pack.status, 0, `npm pack failed:\n${pack.stderr}`);
  const tarball = JSON.parse(pack.stdout)[0].filename;
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "cli-check", private: true, type: "module" }));
  const install = run(
    "npm",
    ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", `./${basename(tarball)}`],
    { cwd: dir },
  );
  assert.equal(install.status, 0, `npm install of the tarball failed:\n${install.stderr}`);
  bin = join(dir, "node_modules", ".bin", "leadroute");
  const b = JSON.parse(readFileSync(join(ROOT, "data", "default-config.json"), "utf8"));
  // The change under review: small leads pushed to the SMB team instead of its pool.
  const rule = b.rules.find((r) => r.id === "smb-cherry-pick");
  delete rule.pool;
  rule.team = "smb";
  writeFileSync(join(dir, "b.json"), JSON.stringify(b));
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const CONFIG = join(ROOT, "data", "default-config.json");
const LEADS = join(ROOT, "data", "sample-leads.jsonl");
const cli = (args) => run(bin, args, { cwd: dir });

test("npx leadroute simulate prints the report in words and writes JSON and CSV", () => {
  const r = run("npx", ["--offline", "leadroute", "simulate", "--config", CONFIG, LEADS, "--out", "report.json"], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split("\n");
  assert.equal(lines[0], `400 leads from ${LEADS}, 2026-11-02 to 2026-11-27`);
  assert.equal(lines[1], "outcomes: 174 assigned, 52 pooled, 75 nurture, 99 rejected");
  assert.ok(lines.includes("  Morgan Hayes: 110 leads, 48.7% (month cap 150)"), r.stdout);
  assert.ok(lines.includes("  SMB cherry-pick: 41 pooled, 0 claimed, 41 expired, 0 waiting"), r.stdout);
  assert.ok(
    lines.includes(
      "  ! The fallback owner Morgan Hayes took 42 of 174 assigned leads (24.1%), above 10.0%; with pool expiries and re-routes Morgan Hayes owns 48.7% of all leads",
    ),
    r.stdout,
  );
  const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
  assert.equal(report.leads, 400);
  assert.deepEqual(report.outcomes, { assigned: 174, pooled: 52, nurture: 75, rejected: 99 });
  assert.equal(report.labels.reps["r-morgan"], "Morgan Hayes");
  const csv = cli(["simulate", "--config", CONFIG, LEADS, "--out", "report.csv", "--audit-out", "audit.csv"]);
  assert.equal(csv.status, 0, csv.stderr);
  const rows = readFileSync(join(dir, "report.csv"), "utf8").split("\n");
  assert.equal(rows[0], "section,key,metric,value");
  assert.ok(rows.includes("outcome,assigned,leads,174"));
  const audit = readFileSync(join(dir, "audit.csv"), "utf8").trimEnd().split("\n");
  assert.equal(audit.length, 401);
  assert.equal(
    audit[1],
    "0,1,1793592346000,L0001,sanjay.verma@redworks.in,Redworks Industries Ltd,pooled,pool,,,,,smb-pool,smb-cherry-pick,",
  );
});

test("assertions give exit code 1 and say which limit was missed", () => {
  const fail = cli(["simulate", "--config", CONFIG, LEADS, "--max-fallback-share", "0.1", "--max-cap-days", "3"]);
  assert.equal(fail.status, 1, fail.stderr);
  const tail = fail.stdout.trimEnd().split("\n").slice(-2);
  assert.deepEqual(tail, [
    "FAIL max_fallback_share: fallback owner Morgan Hayes: 24.1% of assigned leads (at most 10.0%)",
    "FAIL max_cap_days: Olivia Bennett at the month cap for 4 days from 2026-11-26 (at most 3)",
  ]);
  const pass = cli(["simulate", "--config", CONFIG, LEADS, "--max-fallback-share", "0.25", "--max-cap-days", "4"]);
  assert.equal(pass.status, 0, pass.stderr);
  assert.deepEqual(pass.stdout.trimEnd().split("\n").slice(-2), [
    "PASS max_fallback_share: fallback owner Morgan Hayes: 24.1% of assigned leads (at most 25.0%)",
    "PASS max_cap_days: Olivia Bennett at the month cap for 4 days from 2026-11-26 (at most 4)",
  ]);
});

test("the claim model: pooled leads are claimed, with time to claim", () => {
  const r = cli(["simulate", "--config", CONFIG, LEADS, "--claim-minutes", "30", "--seed", "1", "--progress"]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(
    r.stdout.includes("  SMB cherry-pick: 41 pooled, 18 claimed, 23 expired, 0 waiting, time to claim p50 17.0 min, p90 25.8 min\n"),
    r.stdout,
  );
  assert.match(r.stderr, /^progress: 100% \(\d+ leads\)$/m);
});

test("npx leadroute diff lists the moved leads and the moves between reps", () => {
  const r = cli(["diff", CONFIG, "b.json", LEADS, "--limit", "2", "--out", "moved.csv"]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trimEnd().split("\n"), [
    `41 of 400 leads moved from ${CONFIG} to b.json`,
    "moves:",
    "  pooled -> Ava Martinez: 17",
    "  pooled -> Emma Chen: 17",
    "  pooled -> Morgan Hayes: 7",
    "moved leads:",
    "  #0 L0001: pooled (rule smb-cherry-pick) -> Morgan Hayes (rule smb-cherry-pick)",
    "  #7 L0008: pooled (rule smb-cherry-pick) -> Emma Chen (rule smb-cherry-pick)",
    "  ... 39 more (--limit, --out)",
  ]);
  const moved = readFileSync(join(dir, "moved.csv"), "utf8").trimEnd().split("\n");
  assert.equal(moved.length, 42);
  assert.equal(moved[1], "0,L0001,pooled,,,,smb-cherry-pick,assigned,r-morgan,Morgan Hayes,smb,smb-cherry-pick");
  const byRep = cli(["diff", CONFIG, "b.json", LEADS, "--rep", "Emma Chen", "--limit", "0"]);
  assert.equal(byRep.status, 0, byRep.stderr);
  assert.deepEqual(byRep.stdout.trimEnd().split("\n").slice(0, 4), [
    `41 of 400 leads moved from ${CONFIG} to b.json`,
    "17 of them match the filter",
    "moves:",
    "  pooled -> Emma Chen: 17",
  ]);
});

test("a created_at that cannot be read stops the run with exit code 2 and what it saw", () => {
  writeFileSync(join(dir, "us.csv"), "id,email,created_at\nA,a@x.com,11/2/2026 04:05\n");
  const r = cli(["simulate", "--config", CONFIG, "us.csv"]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, "");
  assert.deepEqual(r.stderr.trimEnd().split("\n"), [
    "leadroute: ambiguous_created_at: created_at `11/2/2026 04:05` (line 2) can be read day first or month first, and no earlier value decided which",
    '  seen: "11/2/2026 04:05"',
    '  help: choose the day order: created_at.format "us" (month first) or "eu" (day first)',
  ]);
  const us = cli(["simulate", "--config", CONFIG, "us.csv", "--date-format", "us", "--zone", "UTC"]);
  assert.equal(us.status, 0, us.stderr);
  assert.equal(us.stdout.split("\n")[0], "1 leads from us.csv, 2026-11-02 to 2026-11-02");
  const usage = cli(["simulate", LEADS]);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /^leadroute: simulate needs --config rules\.json$/m);
});

test("README: every `npx leadroute` line runs with the exit code it states", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/^```sh\n(npx leadroute[\s\S]*?)^```$/gm)].map((m) => ({
    line: readme.slice(0, m.index).split("\n").length,
    code: m[1],
  }));
  assert.ok(blocks.length > 0, "README has no `npx leadroute` block");
  for (const b of blocks) {
    for (const line of b.code.split("\n").filter((l) => l.trim())) {
      const [command, comment = ""] = line.split(" #");
      const expected = Number(/exits (\d)/.exec(comment)?.[1] ?? 0);
      const args = command.trim().split(/\s+/).slice(2);
      const r = run(bin, args, { cwd: ROOT });
      assert.equal(r.status, expected, `README.md:${b.line}: ${line}\n${r.stdout}${r.stderr}`);
    }
  }
});
