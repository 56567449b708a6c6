// ESM entry for Node: re-exports the CommonJS module that `wasm-pack --target nodejs` emits.
// The module loads leadroute_wasm_bg.wasm synchronously, so no init call is needed.
export * from "./leadroute_wasm.js";
