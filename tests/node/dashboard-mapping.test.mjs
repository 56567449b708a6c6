// The dashboard's column mapping reads a CSV header through the core's CSV reader (the
// simulation's own), not a splitter of its own: a stray quote in a header stays text.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import test from "node:test";
import { PKG } from "./helpers.mjs";
import { initSync } from "../../pkg/web/leadroute_wasm.js";
import { csvHeader } from "../../www/dashboard/mapping.js";

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
