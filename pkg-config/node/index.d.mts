export * from "./leadroute_wasm.js";
