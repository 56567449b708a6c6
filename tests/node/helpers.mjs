// Shared fixtures for the node:test suites in this directory (not a test file itself).
// The suites exercise the BUILT package in pkg/ (run scripts/build.sh first).
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const PKG = join(ROOT, "pkg");

/** Loads pkg/node (CommonJS, wasm loaded synchronously) or fails with a clear message. */
export function loadNodePkg() {
  const entry = join(PKG, "node", "leadroute_wasm.js");
  if (!existsSync(entry)) {
    throw new Error(`${entry} is missing: run scripts/build.sh first`);
  }
  return createRequire(import.meta.url)(entry);
}

/**
 * Loads pkg/web into this process with `initSync` (its own wasm instance), returning the
 * exports and the instance's `memory`, which pkg/node does not expose.
 */
export async function loadWebPkg() {
  const dir = join(PKG, "web");
  const mod = await import(pathToFileURL(join(dir, "leadroute_wasm.js")).href);
  const exports = mod.initSync({ module: readFileSync(join(dir, "leadroute_wasm_bg.wasm")) });
  return { ...mod, memory: exports.memory };
}

export function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Monday 2026-01-05 15:00 UTC, in ms. Reps without `hours` are always in hours. */
export const NOW = Date.UTC(2026, 0, 5, 15, 0, 0);

/**
 * Two reps, one round-robin team, one catch-all rule. `employees` is a declared number
 * field (a non-numeric value is a per-lead error); `note` a declared string field.
 */
export function rrConfig() {
  return {
    fields: { employees: "number", note: "string" },
    reps: [
      { id: "a", name: "Ann", calendar_url: "https://cal.example.com/ann" },
      { id: "b", name: "Bob" },
    ],
    teams: [{ id: "t", name: "Team", members: ["a", "b"], strategy: { type: "round_robin" } }],
    rules: [{ id: "all", team: "t" }],
    fallback: "a",
  };
}

/** The same config with exactly two mistakes, and the errors they must produce. */
export function badConfig() {
  const c = rrConfig();
  c.reps[1] = { id: "b", nmae: "Bob" };
  c.teams[0].strategy = { type: "round_robbin" };
  return c;
}
export const BAD_CONFIG_ERRORS = [
  { path: "reps[1].nmae", message: 'unknown key "nmae" (did you mean "name"?)' },
  { path: "teams[0].strategy.type", message: 'unknown value "round_robbin" (did you mean "round_robin"?)' },
];

export function lead(i, extra = {}) {
  return { id: `L${i}`, employees: 10 * i, ...extra };
}

/** Sort {path, message} lists so order does not matter (JS object key order may vary). */
export function byPath(errors) {
  return [...errors]
    .map((e) => ({ path: e.path, message: e.message }))
    .sort((x, y) => (x.path + x.message).localeCompare(y.path + y.message));
}
