// The leadroute engine for workerd / Cloudflare Workers: the route module's `web` build
// (no simulation or reports: smaller, faster to start), instantiated synchronously from
// the Wasm module the runtime compiled at deploy time.
import { initSync, Router, armOf, publicConfig, shareConfig, validate } from "leadroute/route/web";
import wasmModule from "leadroute/route/web/leadroute_wasm_bg.wasm";

initSync({ module: wasmModule });

export { Router, armOf, publicConfig, shareConfig, validate };
