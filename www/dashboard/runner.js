// Where a simulation starts. The page asks `start(msg)` for something that behaves like a
// Worker (postMessage, onmessage, onerror, terminate); parallel.js may replace it with
// `setStart` to spread one run over several Web Workers.

let factory = () => new Worker(new URL("./worker.js", import.meta.url), { type: "module" });

export function setStart(f) {
  factory = f;
}

/** A worker for `msg` (already sent). */
export function start(msg) {
  const w = factory(msg);
  w.postMessage(msg);
  return w;
}
