// Where a config error's path (`reps[2].caps.month`, `accounts.owners.x.com`) is in the
// JSON text being edited: a small JSON scanner that keeps the offsets of every value.

/** Parses `text`, returning a tree of { start, end, kind, keys?: Map, items?: [] }. */
export function scan(text) {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const fail = () => {
    throw new SyntaxError(`unexpected input at position ${i}`);
  };
  const string = () => {
    const start = i++;
    let out = "";
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") {
        const c = text[i + 1];
        if (c === "u") {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          out += { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" }[c] ?? c;
          i += 2;
        }
      } else {
        out += text[i++];
      }
    }
    if (text[i] !== '"') fail();
    i++;
    return { start, end: i, kind: "string", value: out };
  };
  const value = () => {
    ws();
    const start = i;
    const c = text[i];
    if (c === "{") {
      i++;
      const keys = new Map();
      ws();
      if (text[i] === "}") {
        i++;
        return { start, end: i, kind: "object", keys };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const key = string();
        ws();
        if (text[i] !== ":") fail();
        i++;
        const v = value();
        v.keyStart = key.start;
        keys.set(key.value, v);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return { start, end: i, kind: "object", keys };
        }
        fail();
      }
    }
    if (c === "[") {
      i++;
      const items = [];
      ws();
      if (text[i] === "]") {
        i++;
        return { start, end: i, kind: "array", items };
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return { start, end: i, kind: "array", items };
        }
        fail();
      }
    }
    if (c === '"') return string();
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += m[0].length;
    return { start, end: i, kind: "scalar" };
  };
  const root = value();
  ws();
  if (i < text.length) fail();
  return root;
}

/** Splits `a.b[2].c` into ["a", "b", 2, "c"]. */
function segments(path) {
  const out = [];
  for (const part of path.split(".")) {
    const m = /^([^[\]]*)((\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1] !== "") out.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/**
 * The node a path points at (or its deepest existing ancestor): keys may contain dots
 * (`accounts.owners.x.com`), so at each object the longest key that matches wins.
 */
export function find(tree, path) {
  let node = tree;
  const segs = segments(path ?? "");
  let k = 0;
  while (k < segs.length && node) {
    const s = segs[k];
    if (typeof s === "number") {
      if (node.kind !== "array" || !node.items[s]) break;
      node = node.items[s];
      k++;
      continue;
    }
    if (node.kind !== "object") break;
    let matched = false;
    for (let n = segs.length - k; n >= 1; n--) {
      const parts = segs.slice(k, k + n);
      if (parts.some((p) => typeof p === "number")) continue;
      const key = parts.join(".");
      if (node.keys.has(key)) {
        node = node.keys.get(key);
        k += n;
        matched = true;
        break;
      }
    }
    if (!matched) break;
  }
  return node;
}

/** 1-based line of an offset. */
export function lineOf(text, offset) {
  let line = 1;
  for (let j = 0; j < offset && j < text.length; j++) if (text.charCodeAt(j) === 10) line++;
  return line;
}

/** { line, start, end } of the value at `path` in `text`, or null if the text is not JSON. */
export function locate(text, path) {
  let tree;
  try {
    tree = scan(text);
  } catch {
    return null;
  }
  const node = find(tree, path);
  const start = node.keyStart ?? node.start;
  return { line: lineOf(text, start), start, end: node.end };
}
