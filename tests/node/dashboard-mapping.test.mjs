// The dashboard's column mapping reads a CSV header and first rows through the core's CSV
// reader (the simulation's own), not a splitter of its own: a stray quote in a header stays
// text. Headers are matched to fields by names, synonyms and similarity; text conditions
// reach the condition builder through the core's parser.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import test from "node:test";
import { PKG } from "./helpers.mjs";
import { csvHead, initSync, parseCondition } from "../../pkg/web/leadroute_wasm.js";
import { csvHeader, suggestAll, unfed } from "../../www/dashboard/mapping.js";

initSync({ module: readFileSync(join(PKG, "web/leadroute_wasm_bg.wasm")) });

test("csvHeader reads the header row by the core's rules", () => {
  assert.deepEqual(csvHeader('\uFEFF"id", Email Address ,Screen 5" wide,"a ""b"""\r\nL1,x,y,z\r\n'), [
    "id",
    "Email Address",
    'Screen 5" wide',
    'a "b"',
  ]);
  assert.deepEqual(csvHeader('"multi\nline",b\n1,2\n'), ["multi\nline", "b"]);
  assert.deepEqual(csvHeader('a;"b;c"\n1;2\n'), ["a", "b;c"]);
  assert.deepEqual(csvHeader(""), []);
});

test("csvHead gives the first records split as a simulation splits them", () => {
  assert.deepEqual(csvHead(new TextEncoder().encode('id,"a, b"\nL1,"x\ny"\nL2,z\nL3,w\n'), 3), [
    ["id", "a, b"],
    ["L1", "x\ny"],
    ["L2", "z"],
  ]);
});

test("headers match fields by name, CRM synonyms and similarity, one header per field", () => {
  const fields = ["id", "created_at", "email", "region", "language", "product_interest", "pages_viewed", "demo_requested", "converted", "deal_value", "company_size"];
  const headers = ["Lead ID", "Created Date", "E-mail", "State/Province", "Lang", "Product", "Page Views", "Wants Demo", "Won", "Amount", "No. of Employees", "Favourite Colour", "email"];
  assert.deepEqual(suggestAll(headers, fields), {
    "Lead ID": "id",
    "Created Date": "created_at",
    // `email` is a field name itself, so it keeps the field and E-mail is left unused.
    "E-mail": "",
    "State/Province": "region",
    Lang: "language",
    Product: "product_interest",
    "Page Views": "pages_viewed",
    "Wants Demo": "demo_requested",
    Won: "converted",
    Amount: "deal_value",
    "No. of Employees": "company_size",
    "Favourite Colour": "",
    email: "email",
  });
  assert.deepEqual(unfed(fields, { Lang: "language", email: "email" }), fields.filter((f) => f !== "language" && f !== "email"));
});

test("parseCondition reads text conditions with the core's parser, or says where they went wrong", () => {
  assert.deepEqual(parseCondition('country in ["FR", "BE"] and company_size < 1000'), {
    ok: true,
    tree: { all: [{ field: "country", op: "in", value: ["FR", "BE"] }, { field: "company_size", op: "lt", value: 1000 }] },
  });
  const bad = parseCondition("country in FR");
  assert.equal(bad.ok, false);
  assert.equal(bad.line, 1);
  assert.equal(bad.column, 12);
  assert.match(bad.message, /expected `\[`/);
});
