// One compiled WebAssembly.Module per .wasm file per process. The glue compiles its .wasm
// when it is loaded; a second load in the same process (a test runner that resets its
// module registry, the package installed twice, `leadroute` beside `leadroute/route`'s
// copy in a bundle-free setup) reuses the compiled module and only instantiates it.
// Keyed by path, size and modification time, so a rebuilt .wasm is compiled again.
"use strict";
const fs = require("fs");

const CACHE = Symbol.for("leadroute.compiledWasm");

module.exports = function compiledWasm(path) {
  const cache = (globalThis[CACHE] ??= new Map());
  const st = fs.statSync(path);
  const key = `${path}\0${st.size}\0${st.mtimeMs}`;
  let compiled = cache.get(key);
  if (!compiled) {
    compiled = new WebAssembly.Module(fs.readFileSync(path));
    cache.set(key, compiled);
  }
  return compiled;
};
