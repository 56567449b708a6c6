// The leadroute engine for workerd / Cloudflare Workers: the `web` build of the package,
// instantiated synchronously from the Wasm module the runtime compiled at deploy time.
import { initSync, Router, publicConfig, validate } from "leadroute/web";
import wasmModule from "leadroute/web/leadroute_wasm_bg.wasm";

initSync({ module: wasmModule });

export { Router, publicConfig, validate };
