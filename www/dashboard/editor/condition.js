// The condition builder: a rule's `when` as nested all/any/not groups of field tests
// (field, operator, value), or as text in the core's condition syntax. The core's parser
// turns text into the tree (parseCondition) and the core validates both forms.
import { conditionText, parseCondition } from "../../../pkg/web/leadroute_wasm.js";
import { el } from "../render.js";

/** Operators in words, with the kind of value each takes. */
export const OPERATORS = [
  ["eq", "is", "one"], ["ne", "is not", "one"],
  ["gt", "is more than", "one"], ["gte", "is at least", "one"],
  ["lt", "is less than", "one"], ["lte", "is at most", "one"],
  ["between", "is between", "two"],
  ["in", "is one of", "list"], ["not_in", "is none of", "list"],
  ["contains", "contains", "one"], ["contains_any", "contains any of", "list"],
  ["starts_with", "starts with", "one"], ["ends_with", "ends with", "one"],
  ["matches", "matches the pattern", "one"],
  ["domain_in", "has an email domain among", "list"],
  ["exists", "is present", "none"], ["missing", "is missing", "none"],
  ["free_email", "is a free email", "none"], ["business_email", "is a business email", "none"],
  ["valid_email", "is a valid email", "none"],
];
const KIND = Object.fromEntries(OPERATORS.map(([op, , kind]) => [op, kind]));
/** The tree as condition text (the core's printer), or null when it has no exact text form. */
export function toText(c) {
  return conditionText(c ?? null);
}

/** The text as a tree, by the core's parser: { tree } or { error }. */
export function fromText(text) {
  const r = parseCondition(text);
  return r.ok ? { tree: r.tree } : { error: `line ${r.line}, column ${r.column}: ${r.message}` };
}

/** Key order does not matter: a hand-written tree may list `op` before `field`. */
const canon = (v) =>
  Array.isArray(v) ? v.map(canon) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])])) : v;
const same = (a, b) => JSON.stringify(canon(a)) === JSON.stringify(canon(b));

/** The field names a condition can test, with their declared types. */
export function fieldsOf(config) {
  const out = Object.entries(config?.fields ?? {}).map(([name, type]) => [name, typeof type === "string" ? type : type?.type ?? "string"]);
  out.push(["score", "number"], ["grade", "string"]);
  if (config?.accounts) out.push(["account.matched", "boolean"], ["account.match", "string"], ["account.match_score", "number"]);
  return out;
}

/** A value typed into the builder, as the field's declared type asks. */
function valueFor(type, raw) {
  const s = raw.trim();
  if (type === "number" && s !== "" && Number.isFinite(Number(s))) return Number(s);
  if (type === "boolean" && (s === "true" || s === "false")) return s === "true";
  return raw;
}

const listText = (v) => (Array.isArray(v) ? v.join(", ") : v === undefined ? "" : String(v));
const splitList = (type, s) => s.split(",").map((x) => x.trim()).filter((x) => x !== "").map((x) => valueFor(type, x));

/**
 * The editor for a `when`; `set(next)` receives the new condition (undefined: every lead).
 * `path` is the core's path of this condition, so an error there shows beside it.
 */
export function conditionEditor(cond, set, { path, config }) {
  const fields = fieldsOf(config);
  const typeOf = (f) => fields.find(([n]) => n === f)?.[1] ?? "string";
  const box = el("div", { class: "condition", "data-path": path });

  if (cond === undefined || cond === null) {
    box.append(el("span", { class: "muted" }, "every lead "),
      el("button", { type: "button", class: "small", "data-action": "add-condition", onclick: () => set({ field: fields[0]?.[0] ?? "country", op: "eq", value: "" }) }, "+ condition"),
      el("button", { type: "button", class: "small", "data-action": "add-text", onclick: () => set("") }, "write as text"));
    return box;
  }

  if (typeof cond === "string") {
    const message = el("div", { class: "text-problem", "data-testid": "text-problem" });
    const ta = el("textarea", { class: "condition-text", "data-path": path, spellcheck: "false", rows: 2, "aria-label": "condition as text" });
    ta.value = cond;
    ta.addEventListener("change", () => set(ta.value));
    const toBuilder = el("button", { type: "button", class: "small", "data-action": "to-builder", onclick: () => {
      const r = fromText(ta.value);
      if (r.error) message.textContent = r.error;
      else set(r.tree);
    } }, "use the builder");
    box.append(el("div", { class: "text-mode" }, ta, el("div", {}, toBuilder,
      el("button", { type: "button", class: "small", onclick: () => set(undefined) }, "remove"))), message);
    return box;
  }

  const node = (c, setC, p, depth) => {
    if (c.all || c.any) {
      const key = c.all ? "all" : "any";
      const items = c[key];
      const put = (list) => setC({ [key]: list });
      return el("div", { class: `group ${key}`, "data-path": p },
        el("div", { class: "group-head" },
          el("select", { "aria-label": "group kind", "data-role": "group-kind", onchange: (e) => setC({ [e.target.value]: items }) },
            el("option", { value: "all", selected: key === "all" }, "all of"),
            el("option", { value: "any", selected: key === "any" }, "any of")),
          el("button", { type: "button", class: "small", "data-action": "add-test", onclick: () => put([...items, { field: fields[0]?.[0], op: "eq", value: "" }]) }, "+ condition"),
          el("button", { type: "button", class: "small", onclick: () => put([...items, { any: [{ field: fields[0]?.[0], op: "eq", value: "" }] }]) }, "+ group"),
          depth ? el("button", { type: "button", class: "small", onclick: () => setC({ not: c }) }, "not") : null,
          depth ? el("button", { type: "button", class: "small danger", onclick: () => setC(undefined) }, "✕") : null),
        el("div", { class: "group-items" }, items.map((x, i) =>
          node(x, (nx) => put(nx === undefined ? items.filter((_, j) => j !== i) : items.map((y, j) => (j === i ? nx : y))), `${p}.${key}[${i}]`, depth + 1))));
    }
    if (c.not !== undefined) {
      return el("div", { class: "group not", "data-path": p },
        el("div", { class: "group-head" }, el("b", {}, "not"),
          el("button", { type: "button", class: "small", onclick: () => setC(c.not) }, "remove not")),
        node(c.not, (nx) => setC(nx === undefined ? undefined : { not: nx }), `${p}.not`, depth + 1));
    }
    // A field test.
    const kind = KIND[c.op] ?? "one";
    const type = typeOf(c.field);
    const fieldSel = el("select", { "data-role": "field", "aria-label": "field", onchange: (e) => setC({ ...c, field: e.target.value }) },
      fields.map(([f]) => el("option", { value: f, selected: f === c.field }, f.replaceAll("_", " "))),
      fields.some(([f]) => f === c.field) ? null : el("option", { value: c.field, selected: true }, c.field));
    const opSel = el("select", { "data-role": "op", "aria-label": "operator", onchange: (e) => {
      const op = e.target.value;
      const k = KIND[op];
      const next = { field: c.field, op };
      if (k === "list") next.value = Array.isArray(c.value) ? c.value : c.value === undefined || c.value === "" ? [] : [c.value];
      else if (k === "two") next.value = Array.isArray(c.value) ? c.value.slice(0, 2) : [c.value ?? 0, c.value ?? 0];
      else if (k === "one") next.value = Array.isArray(c.value) ? c.value[0] ?? "" : c.value ?? "";
      setC(next);
    } }, OPERATORS.map(([op, words]) => el("option", { value: op, selected: op === c.op }, words)),
    KIND[c.op] ? null : el("option", { value: c.op, selected: true }, c.op));
    let value = null;
    if (kind === "one") {
      const i = el("input", { "data-role": "value", "aria-label": "value", value: c.value === undefined ? "" : String(c.value) });
      i.addEventListener("change", () => setC({ ...c, value: valueFor(type, i.value) }));
      value = i;
    } else if (kind === "list") {
      const i = el("input", { "data-role": "value", "aria-label": "values, comma separated", placeholder: "a, b, c", value: listText(c.value) });
      i.addEventListener("change", () => setC({ ...c, value: splitList(type, i.value) }));
      value = i;
    } else if (kind === "two") {
      const [lo, hi] = Array.isArray(c.value) ? c.value : ["", ""];
      const a = el("input", { "data-role": "value-from", "aria-label": "from", value: lo ?? "", class: "short" });
      const b = el("input", { "data-role": "value-to", "aria-label": "to", value: hi ?? "", class: "short" });
      const put = () => setC({ ...c, value: [valueFor(type, a.value), valueFor(type, b.value)] });
      a.addEventListener("change", put);
      b.addEventListener("change", put);
      value = el("span", {}, a, " and ", b);
    }
    const textual = type === "string" && ["eq", "ne", "in", "not_in", "contains", "contains_any", "starts_with", "ends_with"].includes(c.op);
    const cs = textual
      ? el("label", { class: "check small", title: "by default text compares without regard to case" },
        el("input", { type: "checkbox", "data-role": "case-sensitive", checked: Boolean(c.case_sensitive), onchange: (e) => {
          const next = { ...c };
          if (e.target.checked) next.case_sensitive = true;
          else delete next.case_sensitive;
          setC(next);
        } }), " case sensitive")
      : null;
    return el("div", { class: "test", "data-path": p }, fieldSel, opSel, value, cs,
      el("button", { type: "button", class: "small", title: "negate", onclick: () => setC({ not: c }) }, "not"),
      depth ? el("button", { type: "button", class: "small danger", "aria-label": "remove condition", onclick: () => setC(undefined) }, "✕") : null);
  };

  // A single test at the top is shown inside an "all of" group, so more can be added.
  const top = cond.all || cond.any ? cond : { all: [cond] };
  const setTop = (next) => {
    if (next === undefined) return set(undefined);
    const list = next.all ?? next.any;
    set(list && list.length === 1 && next.all && !(cond.all || cond.any) ? list[0] : list && list.length === 0 ? undefined : next);
  };
  const asText = () => {
    const text = toText(cond);
    const r = text === null ? { error: "this condition has no text form" } : fromText(text);
    if (r.error || !same(r.tree, cond)) box.querySelector(".text-problem").textContent = r.error ?? "this condition has no exact text form";
    else set(text);
  };
  box.append(node(top, setTop, cond.all || cond.any ? path : path, 0),
    el("div", {}, el("button", { type: "button", class: "small", "data-action": "to-text", onclick: asText }, "edit as text"),
      el("button", { type: "button", class: "small", onclick: () => set(undefined) }, "match every lead")),
    el("div", { class: "text-problem" }));
  return box;
}
