// One config being edited: the parsed object the forms change, the JSON text the text view
// shows, and the undo/redo history. Both views write through `set`, so they stay in sync.

/** Paths as the core writes them: `reps[2].caps.month`, `accounts.owners.x.com`. */
export function pathText(parts) {
  let out = "";
  for (const p of parts) out += typeof p === "number" ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

export function getIn(obj, parts) {
  let v = obj;
  for (const p of parts) {
    if (v === null || typeof v !== "object") return undefined;
    v = v[p];
  }
  return v;
}

/** A copy of `obj` with the value at `parts` replaced (`undefined` removes the key and
 * any object it leaves empty, so a cleared form field leaves no `{}` behind). */
export function setIn(obj, parts, value) {
  const root = structuredClone(obj ?? {});
  let v = root;
  const trail = [];
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i];
    if (v[p] === null || typeof v[p] !== "object") v[p] = typeof parts[i + 1] === "number" ? [] : {};
    trail.push([v, p]);
    v = v[p];
  }
  const last = parts[parts.length - 1];
  if (value === undefined) {
    if (Array.isArray(v)) v.splice(last, 1);
    else delete v[last];
    for (let i = trail.length - 1; i >= 0; i--) {
      const [parent, key] = trail[i];
      const child = parent[key];
      if (!Array.isArray(child) && Object.keys(child).length === 0 && !Array.isArray(parent)) delete parent[key];
      else break;
    }
  } else {
    v[last] = value;
  }
  return root;
}

export class ConfigDoc extends EventTarget {
  constructor() {
    super();
    this.text = "";
    this.config = null;
    this.past = [];
    this.future = [];
  }

  /** The JSON text changed (typed, pasted, loaded): the forms follow when it parses. */
  setText(text, { record = true, source = "text" } = {}) {
    if (text === this.text) return;
    if (record) this.remember();
    this.text = text;
    try {
      this.config = text.trim() ? JSON.parse(text) : null;
    } catch {
      // Keep the last object the forms showed; the text view shows the syntax error.
    }
    this.emit(source);
  }

  /** The forms changed the object: the text is rewritten from it. */
  setConfig(config, { record = true, source = "form" } = {}) {
    const text = config === null ? "" : JSON.stringify(config, null, 2);
    // A field left again without a change (a second change event) is not a new step.
    if (text === this.text) return;
    if (record) this.remember();
    this.config = config;
    this.text = text;
    this.emit(source);
  }

  /** Sets one value by path (the forms' edits). */
  update(parts, value) {
    this.setConfig(setIn(this.config ?? {}, parts, value));
  }

  remember() {
    this.past.push(this.text);
    if (this.past.length > 200) this.past.shift();
    this.future = [];
  }

  undo() {
    if (!this.past.length) return;
    this.future.push(this.text);
    this.setText(this.past.pop(), { record: false, source: "history" });
  }

  redo() {
    if (!this.future.length) return;
    this.past.push(this.text);
    this.setText(this.future.pop(), { record: false, source: "history" });
  }

  emit(source) {
    this.dispatchEvent(new CustomEvent("change", { detail: { source } }));
  }
}
