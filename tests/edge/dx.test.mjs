// The edge developer commands: dev.mjs runs the worker in workerd with a user's config file,
// deploy.mjs refuses a bad config before anything is uploaded, token.mjs mints rep tokens the
// worker accepts, and GET / answers a status document with nothing private in it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EDGE, call, postLead, requirePkg } from "./harness.mjs";
import { createHash } from "node:crypto";

const REP_SECRET = "dx-rep-secret";
const dir = mkdtempSync(join(tmpdir(), "leadroute-dx-"));

/** Two reps, a round-robin team and a pool (leads with `interest: "pool"`). */
function smallConfig() {
  return {
    fields: { id: "string", email: "string", interest: "string" },
    reps: [
      { id: "r-ana", name: "Ana Silva", email: "ana.silva@example.com" },
      { id: "r-ben", name: "Ben Okafor", email: "ben.okafor@example.com" },
    ],
    teams: [{ id: "t", name: "Team", members: ["r-ana", "r-ben"], strategy: { type: "round_robin" } }],
    pools: [{ id: "p", name: "Pool", reps: ["r-ana", "r-ben"], visibility: "cherry_pick" }],
    rules: [
      { id: "pooled", when: 'interest == "pool"', pool: "p" },
      { id: "all", team: "t" },
    ],
    fallback: "r-ana",
  };
}

function writeJson(name, value) {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

function runNode(script, args, env = {}) {
  const r = spawnSync(process.execPath, [join(EDGE, script), ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, encoding: "utf8", timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts dev.mjs and resolves once it printed its URL and tokens. */
function startDev(args, env) {
  const proc = spawn(process.execPath, [join(EDGE, "dev.mjs"), ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout.on("data", (d) => (out += d));
  proc.stderr.on("data", (d) => (out += d));
  const exited = new Promise((resolve) => proc.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev.mjs printed no URL in 30 s:\n${out}`)), 30_000);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`dev.mjs exited (${code}):\n${out}`));
    });
    proc.stdout.on("data", () => {
      if (!out.includes("Ctrl-C stops it.")) return;
      clearTimeout(timer);
      const field = (re) => re.exec(out)?.[1];
      resolve({
        out,
        url: field(/ at (http:\/\/127\.0\.0\.1:\d+)\n/),
        adminToken: field(/admin token +(\S+)/),
        repToken: (rep) => field(new RegExp(`^ +${rep} +(\\S+)$`, "m")),
        stop: async () => {
          proc.kill("SIGTERM");
          return exited;
        },
      });
    });
  });
}

after(() => rmSync(dir, { recursive: true, force: true }));

describe("dev.mjs: the worker in workerd with the user's config", () => {
  let dev;
  const configPath = writeJson("rules.json", smallConfig());

  before(async () => {
    requirePkg();
    // ADMIN_TOKEN is left unset: dev.mjs makes one up and prints it.
    dev = await startDev(["--config", configPath, "--port", "0"], { REP_TOKEN_SECRET: REP_SECRET });
  });

  after(async () => {
    await dev?.stop();
  });

  test("a lead posted to the printed URL is routed by the user's config, not the sample", async () => {
    assert.match(dev.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const first = await postLead(dev.url, { id: "D-1", email: "d1@example.com" });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.deepEqual([first.body.outcome, first.body.team, first.body.rep, first.body.rep_name], ["assigned", "t", "r-ana", "Ana Silva"]);
    const second = await postLead(dev.url, { id: "D-2", email: "d2@example.com" });
    assert.deepEqual([second.body.team, second.body.rep], ["t", "r-ben"]);
  });

  test("the printed admin token opens the admin endpoints; the printed rep tokens are signed with the env's secret", async () => {
    assert.ok(dev.adminToken, dev.out);
    assert.equal((await call(dev.url, "GET", "/admin/outbox", { token: dev.adminToken })).status, 200);
    assert.equal((await call(dev.url, "GET", "/admin/outbox", { token: "not-the-token" })).status, 401);
    const minted = runNode("token.mjs", ["--rep", "r-ben"], { REP_TOKEN_SECRET: REP_SECRET });
    assert.equal(dev.repToken("r-ben"), minted.stdout.trim());
  });

  test("GET / answers the status document: package, mode, config hash, counts, nothing private", async () => {
    const res = await fetch(`${dev.url}/`);
    assert.equal(res.status, 200);
    const text = await res.text();
    const body = JSON.parse(text);
    const pkg = JSON.parse(readFileSync(join(EDGE, "..", "..", "pkg", "package.json"), "utf8"));
    const { crm: _crm, ...routing } = smallConfig();
    assert.deepEqual(body, {
      name: "leadroute",
      version: pkg.version,
      mode: "durable_object",
      // The fingerprint the object keeps (migration.js): SHA-256 of the routing config's JSON.
      config_hash: createHash("sha256").update(JSON.stringify(routing)).digest("hex"),
      reps: 2,
      teams: 1,
      pools: 1,
      endpoints: ["POST /leads", "POST /outcomes", "GET /public-config", "GET /health"],
    });
    for (const secret of [dev.adminToken, REP_SECRET, "ana.silva@example.com", "ben.okafor@example.com", "Ana Silva"]) {
      assert.ok(!text.includes(secret), `GET / shows ${secret}`);
    }
  });

  test("a token minted by token.mjs is accepted for its rep and refused for another rep's lead", async () => {
    const mint = (rep) => runNode("token.mjs", ["--rep", rep, "--secret-env", "MY_SECRET"], { MY_SECRET: REP_SECRET }).stdout.trim();
    const ana = mint("r-ana");
    const ben = mint("r-ben");
    const pooled = await postLead(dev.url, { id: "D-pool-1", email: "p1@example.com", interest: "pool" });
    assert.deepEqual([pooled.status, pooled.body.outcome, pooled.body.pool], [201, "pooled", "p"]);
    const listed = await call(dev.url, "GET", "/pools/p/leads", { token: ana });
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    const claimed = await call(dev.url, "POST", "/leads/D-pool-1/claim", { token: ana });
    assert.equal(claimed.status, 200, JSON.stringify(claimed.body));
    // Ben's own valid token cannot act on Ana's lead; a token signed with another secret is no token.
    assert.equal((await call(dev.url, "POST", "/leads/D-pool-1/touch", { token: ben })).body.error.code, "not_lead_owner");
    assert.equal((await call(dev.url, "POST", "/leads/D-pool-1/claim", { token: ben })).body.error.code, "already_claimed");
    const forged = runNode("token.mjs", ["--rep", "r-ana"], { REP_TOKEN_SECRET: "another-secret" }).stdout.trim();
    assert.equal((await call(dev.url, "POST", "/leads/D-pool-1/touch", { token: forged })).status, 401);
    assert.equal((await call(dev.url, "POST", "/leads/D-pool-1/touch", { token: ana })).status, 200);
  });

  test("stopping dev.mjs stops workerd: the port no longer answers", async () => {
    assert.equal(await dev.stop(), 0);
    await assert.rejects(fetch(`${dev.url}/health`));
  });
});

test("dev.mjs --stateless runs the worker without a Durable Object, and GET / says so", async () => {
  const dev = await startDev(["--config", writeJson("stateless.json", smallConfig()), "--port", "0", "--stateless"], {});
  try {
    const status = await (await fetch(`${dev.url}/`)).json();
    assert.deepEqual([status.mode, status.reps, status.teams, status.pools], ["stateless", 2, 1, 1]);
    const r = await postLead(dev.url, { id: "S-1", email: "s1@example.com" });
    assert.deepEqual([r.status, r.body.team], [201, "t"]);
    const pool = await call(dev.url, "GET", "/pools/p/leads", { token: dev.repToken("r-ana") });
    assert.equal(pool.body.error.code, "needs_durable_object");
  } finally {
    await dev.stop();
  }
});

describe("dev.mjs and deploy.mjs refuse a bad config with every problem", () => {
  const bad = smallConfig();
  bad.reps[1] = { id: "r-ben", nmae: "Ben" };
  bad.teams[0].strategy = { type: "round_robbin" };
  const badPath = writeJson("bad.json", bad);
  const problems = [
    'reps[1].nmae: unknown key "nmae" (did you mean "name"?)',
    'teams[0].strategy.type: unknown value "round_robbin" (did you mean "round_robin"?)',
  ];

  test("deploy.mjs --config bad.json lists both problems, exits 1 and never runs wrangler", () => {
    const marker = join(dir, "wrangler-ran");
    const fake = join(dir, "fake-wrangler.mjs");
    writeFileSync(fake, `import { writeFileSync } from "node:fs"; writeFileSync(${JSON.stringify(marker)}, process.argv.slice(2).join(" "));`);
    const r = runNode("deploy.mjs", ["--config", badPath], { WRANGLER: `${process.execPath} ${fake}` });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.deepEqual(r.stderr.trim().split("\n"), [...problems, `2 problem(s) in ${badPath}: nothing was deployed`]);
    assert.equal(existsSync(marker), false, "wrangler was run for a bad config");
  });

  test("LEADROUTE_CONFIG names the file too; a CRM mapping that misses a rep is a problem", () => {
    const cfg = smallConfig();
    cfg.crm = { type: "webhook", url: "https://hooks.example.com/x", owners: { "r-ana": "ana", p: "pool", default: "ana" } };
    const r = runNode("deploy.mjs", ["--check"], { LEADROUTE_CONFIG: writeJson("crm-missing.json", cfg) });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^crm\.owners\.r-ben: rep "r-ben" has no CRM owner id/m);
    cfg.crm.owners["r-ben"] = "ben";
    const ok = runNode("deploy.mjs", ["--check"], { LEADROUTE_CONFIG: writeJson("crm-ok.json", cfg) });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), "config ok: 2 reps, 1 teams, 1 pools, webhook mapping");
  });

  test("deploy.mjs without a config says how to give one", () => {
    const r = runNode("deploy.mjs", ["--check"]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no config given: pass --config FILE or set LEADROUTE_CONFIG=FILE/);
  });

  test("dev.mjs does not start workerd for a bad config", () => {
    const r = runNode("dev.mjs", ["--config", badPath, "--port", "0"]);
    assert.equal(r.status, 1);
    assert.deepEqual(r.stderr.trim().split("\n"), [...problems, `2 problem(s) in ${badPath}: the worker was not started`]);
  });

  test("token.mjs refuses --ttl-hours (the worker's tokens do not expire) and a missing secret", () => {
    const ttl = runNode("token.mjs", ["--rep", "r-ana", "--ttl-hours", "24"], { REP_TOKEN_SECRET: REP_SECRET });
    assert.equal(ttl.status, 1);
    assert.match(ttl.stderr, /rep tokens do not expire/);
    const none = runNode("token.mjs", ["--rep", "r-ana"]);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /REP_TOKEN_SECRET is not set/);
  });
});
