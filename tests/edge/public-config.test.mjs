// The public config (engine `publicConfig`) that the form ships to browsers: nothing private
// from the full config survives, and what the preview needs to route is still there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ROOT, crmMapping, defaultConfig } from "./harness.mjs";
import { privateValues } from "./private-values.mjs";

const { publicConfig, validate } = createRequire(import.meta.url)(join(ROOT, "pkg", "node", "leadroute_wasm.js"));

for (const type of ["salesforce", "hubspot", "webhook"]) {
  test(`no rep email, phone, performance figure, account or ${type} CRM setting is left`, () => {
    const full = { ...defaultConfig(), crm: crmMapping(type) };
    const secrets = privateValues(full);
    // The search is only meaningful if the full config really holds these values.
    const fullText = JSON.stringify(full);
    for (const v of secrets) assert.ok(fullText.includes(v), `fixture lacks ${v}`);
    assert.ok(secrets.length > 40, `${secrets.length} private values searched`);

    const pub = publicConfig(full);
    const text = JSON.stringify(pub);
    for (const v of secrets) assert.ok(!text.includes(v), `public config leaks ${JSON.stringify(v)}`);
    assert.equal(pub.crm, undefined);
    assert.equal(pub.accounts, undefined);
    for (const r of pub.reps) {
      assert.deepEqual(["email", "phone", "performance"].filter((k) => k in r), [], r.id);
    }
  });
}

test("the public config keeps what the preview shows and routes with", () => {
  const full = defaultConfig();
  const pub = publicConfig(full);
  assert.deepEqual(validate(pub), { ok: true, errors: [], warnings: [] });
  assert.deepEqual(
    pub.reps.map((r) => [r.id, r.name, r.calendar_url, r.territories?.length ?? 0]),
    full.reps.map((r) => [r.id, r.name, r.calendar_url, r.territories?.length ?? 0]),
  );
  assert.deepEqual(pub.rules, full.rules);
  assert.deepEqual(pub.teams, full.teams);
  assert.deepEqual(pub.fields, full.fields);
});
