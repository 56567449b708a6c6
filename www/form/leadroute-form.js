// leadroute-form: attach lead routing to any existing <form>. The lead is every named input,
// sent as the strings the form holds (the engine coerces them); a submission is kept until
// the edge worker answers, so a missing engine, config or network never loses the lead.
//
//   <script type="module">
//     import { attachLeadForm } from "/leadroute/leadroute-form.js";
//     attachLeadForm("#contact", { endpoint: "https://leads.example.com" });
//   </script>
//
// Options (all optional except `endpoint`):
//   endpoint     base URL of the edge worker (POST {endpoint}/leads, GET {endpoint}/public-config)
//   config       the public config object (default: fetched from {endpoint}/public-config)
//   engine       the engine module, for bundlers: `import * as engine from "leadroute/route"`
//   engineUrl    URL of the web build's leadroute_wasm.js (default: ./engine/ next to this file)
//   fields       { leadField: inputName | (FormData, form) => value } to override the mapping
//   extra        fixed lead fields to add, e.g. { source: "website" }
//   result       element or selector for the message (default: inserted after the form)
//   messages     { assigned(d), book(d), contact, error, sending, queued, check, field(code, label) }
//   retry        { baseMs, maxMs }: backoff of resends after a network error or 5xx (1 s doubling to 60 s)
//   previewWaitMs  how long a submit waits for the engine before posting without a preview (1500)
// Events on the form: `leadroute:preview` and `leadroute:decision` (detail: { preview,
// decision, changed }), `leadroute:queued` (detail: { id, status, error }) and
// `leadroute:error` (detail: { status, error }).

const DEFAULT_MESSAGES = {
  sending: "Sending...",
  assigned: (d) => `Thanks! ${d.rep_name} will contact you shortly.`,
  book: (d) => `Book a time with ${d.rep_name.split(" ")[0]}`,
  contact: "Thanks! We will contact you shortly.",
  queued: "We could not reach our server yet. Your details are saved on this device and will be sent automatically.",
  check: "Please check the highlighted field.",
  error: "Sorry, we could not send your details. Please try again.",
  field: (code, label) =>
    ({
      missing_field: `Please fill in ${label}.`,
      invalid_email: `${label} does not look like an email address.`,
      too_long: `${label} is too long.`,
      wrong_type: `${label} has a value we cannot read.`,
    })[code] ?? `Please check ${label}.`,
};

// Submissions older than this are dropped unsent: the worker may have forgotten their id.
const OUTBOX_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

const engines = new Map();

/** Loads and initialises the engine once per URL. */
function loadEngine(options) {
  if (options.engine) {
    // The web build needs its init (idempotent); the bundler build initialises itself.
    const e = options.engine;
    return Promise.resolve(typeof e.default === "function" ? e.default() : undefined).then(() => e);
  }
  const url = String(options.engineUrl ?? new URL("./engine/leadroute_wasm.js", import.meta.url));
  if (!engines.has(url)) {
    engines.set(
      url,
      import(url).then(async (mod) => {
        await mod.default();
        return mod;
      }),
    );
  }
  return engines.get(url);
}

function loadConfig(options) {
  if (options.config) return Promise.resolve(options.config);
  return fetch(`${trim(options.endpoint)}/public-config`).then((r) => {
    if (!r.ok) throw new Error(`public config: HTTP ${r.status}`);
    return r.json();
  });
}

function trim(url) {
  return String(url ?? "").replace(/\/+$/, "");
}

function newId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  return `lead-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The lead from the form: every named input as the text it holds (the last of a repeated
 * name, as a form post sends it; an unchecked checkbox as "false"), `name` split into
 * `first_name` / `last_name` when the form has neither, then `options.fields` and
 * `options.extra`. Values stay strings: the engine converts them to the declared types.
 */
export function leadFromForm(form, options = {}) {
  const data = new FormData(form);
  const lead = {};
  for (const [name, value] of data) {
    // Uploaded files are not lead fields.
    if (typeof value === "string") lead[name] = value;
  }
  for (const el of form.elements) {
    if (el instanceof HTMLInputElement && el.type === "checkbox" && el.name && !el.disabled && !data.has(el.name)) lead[el.name] = "false";
  }
  const full = typeof lead.name === "string" ? lead.name.trim() : "";
  if (full && lead.first_name === undefined && lead.last_name === undefined) {
    const parts = full.split(/\s+/);
    lead.first_name = parts.shift();
    if (parts.length) lead.last_name = parts.join(" ");
  }
  for (const [field, source] of Object.entries(options.fields ?? {})) {
    const raw = typeof source === "function" ? source(data, form) : data.get(source);
    if (raw === undefined || raw === null) delete lead[field];
    else lead[field] = String(raw);
  }
  // Strings only, so the JSON post and the form-encoded beacon are the same lead to the worker.
  for (const [k, v] of Object.entries(options.extra ?? {})) lead[k] = String(v);
  return lead;
}

function safeUrl(u) {
  try {
    const url = new URL(u);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

function render(box, decision, state, messages) {
  box.replaceChildren();
  box.dataset.leadrouteState = state;
  box.dataset.outcome = decision.outcome;
  const p = document.createElement("p");
  p.className = "leadroute-message";
  if (decision.outcome === "assigned" && decision.rep_name) {
    p.textContent = messages.assigned(decision);
    box.dataset.rep = decision.rep ?? "";
    box.append(p);
    const cal = decision.calendar_url && safeUrl(decision.calendar_url);
    if (cal) {
      const a = document.createElement("a");
      a.className = "leadroute-calendar";
      a.href = cal;
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = messages.book(decision);
      box.append(a);
    }
  } else {
    delete box.dataset.rep;
    p.textContent = messages.contact;
    box.append(p);
  }
}

function notice(box, state, text, className = "leadroute-message") {
  box.replaceChildren(Object.assign(document.createElement("p"), { className, textContent: text }));
  box.dataset.leadrouteState = state;
  delete box.dataset.rep;
  delete box.dataset.outcome;
  delete box.dataset.changed;
}

function sameDecision(a, b) {
  return !!a && !!b && a.outcome === b.outcome && (a.rep ?? null) === (b.rep ?? null);
}

/** What the visitor calls a control: its label's own text, without the text of controls inside it. */
function labelOf(control, field) {
  const named = control.getAttribute("data-leadroute-label") ?? control.getAttribute("aria-label");
  if (named) return named;
  const label = control.labels?.[0];
  if (label) {
    const copy = label.cloneNode(true);
    for (const el of copy.querySelectorAll("input, select, textarea, button, .leadroute-field-error")) el.remove();
    const text = copy.textContent.replace(/\s+/g, " ").trim();
    if (text) return text;
  }
  return control.getAttribute("placeholder") || field;
}

/** The pending submissions, in localStorage when the page may use it (else for this page only). */
class Outbox {
  constructor(key) {
    this.key = key;
    this.memory = [];
  }

  read() {
    try {
      const items = JSON.parse(localStorage.getItem(this.key) ?? "[]");
      return Array.isArray(items) ? items.filter((i) => i && typeof i.id === "string" && i.lead && typeof i.lead === "object") : [];
    } catch {
      return this.memory;
    }
  }

  write(items) {
    this.memory = items;
    try {
      if (items.length) localStorage.setItem(this.key, JSON.stringify(items));
      else localStorage.removeItem(this.key);
    } catch {
      // Storage full or refused: the page still retries from memory until it closes.
    }
  }

  put(item) {
    this.write([...this.read().filter((i) => i.id !== item.id), item]);
  }

  remove(id) {
    this.write(this.read().filter((i) => i.id !== id));
  }

  live(now) {
    const items = this.read();
    const keep = items.filter((i) => !(now - Number(i.at) > OUTBOX_MAX_AGE_MS));
    if (keep.length !== items.length) this.write(keep);
    return keep;
  }
}

/**
 * One POST of a submission. `sent`: the worker answered 2xx; `refused`: a 4xx it will not
 * change its mind on; `retry`: no answer, a 5xx, 408 or 429 (same id next time).
 */
async function postLead(endpoint, lead) {
  let res;
  try {
    res = await fetch(`${trim(endpoint)}/leads`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "idempotency-key": lead.id },
      body: JSON.stringify(lead),
    });
  } catch (e) {
    return { kind: "retry", status: 0, error: { message: String(e?.message ?? e) } };
  }
  const body = await res.json().catch(() => ({}));
  if (res.ok) return { kind: "sent", status: res.status, body };
  const error = body?.error ?? { message: `HTTP ${res.status}` };
  if (res.status >= 500 || res.status === 408 || res.status === 429) return { kind: "retry", status: res.status, error };
  return { kind: "refused", status: res.status, error };
}

/**
 * Attaches to `target` (a <form> or a selector). Returns `{ form, ready, pending, flush, detach }`;
 * `ready` resolves to true when the engine and config are loaded (the preview needs both),
 * false when either failed (the form still posts); `pending()` lists unsent submission ids;
 * `flush()` resends them now.
 */
export function attachLeadForm(target, options) {
  const form = typeof target === "string" ? document.querySelector(target) : target;
  if (!(form instanceof HTMLFormElement)) throw new Error(`leadroute: no <form> matches ${JSON.stringify(String(target))}`);
  if (!options?.endpoint) throw new Error("leadroute: options.endpoint is required (the edge worker's URL)");
  const endpoint = trim(options.endpoint);
  const messages = { ...DEFAULT_MESSAGES, ...(options.messages ?? {}) };
  const retryBase = options.retry?.baseMs ?? 1000;
  const retryMax = options.retry?.maxMs ?? 60_000;
  let box = typeof options.result === "string" ? document.querySelector(options.result) : options.result;
  if (!box) {
    box = document.createElement("div");
    form.insertAdjacentElement("afterend", box);
  }
  box.classList.add("leadroute-result");
  box.setAttribute("aria-live", "polite");

  let router = null;
  const ready = Promise.all([loadEngine(options), loadConfig(options)])
    .then(([engine, config]) => {
      router = new engine.Router(config);
      return true;
    })
    .catch((e) => {
      // Without the engine or the config there is no preview; the worker still routes the lead.
      console.warn("leadroute: preview unavailable:", e);
      return false;
    });

  const outbox = new Outbox(`leadroute:outbox:${endpoint}`);
  const sending = new Set();
  let shown = null; // { id, preview }: the submission whose answer the result box shows
  let pendingId = null;
  let pendingText = null;
  let failures = 0;
  let timer = null;
  let detached = false;
  const beaconed = new Set();

  function clearFieldErrors() {
    for (const el of form.querySelectorAll(".leadroute-field-error")) el.remove();
    for (const el of form.querySelectorAll("[aria-invalid]")) {
      el.removeAttribute("aria-invalid");
      const ids = (el.getAttribute("aria-describedby") ?? "").split(/\s+/).filter((i) => i && !i.startsWith("leadroute-error-"));
      if (ids.length) el.setAttribute("aria-describedby", ids.join(" "));
      else el.removeAttribute("aria-describedby");
    }
  }

  function setBusy(busy) {
    const button = form.querySelector('[type="submit"]');
    if (button) button.disabled = busy;
  }

  /** A 4xx: its message next to the input at fault in the visitor's words, never under a filled-in field it does not concern. */
  function showRefusal(r) {
    const field = r.error?.field;
    const named = field ? form.elements.namedItem(field) : null;
    const control = named instanceof RadioNodeList ? named[0] : named;
    const filled = control && "value" in control && String(control.value).trim() !== "";
    const fits = control instanceof HTMLElement && !(r.error?.code === "missing_field" && filled);
    if (!fits) {
      notice(box, "error", r.status >= 400 && r.status < 500 && r.error?.message ? r.error.message : messages.error, "leadroute-error");
      return;
    }
    const id = `leadroute-error-${field}`;
    const note = Object.assign(document.createElement("span"), {
      id,
      className: "leadroute-field-error",
      textContent: messages.field(r.error.code, labelOf(control, field)),
    });
    note.dataset.field = field;
    control.insertAdjacentElement("afterend", note);
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", [control.getAttribute("aria-describedby"), id].filter(Boolean).join(" "));
    control.focus();
    notice(box, "error", messages.check, "leadroute-error");
  }

  function settle(item, r) {
    if (r.kind === "retry") {
      if (shown?.id !== item.id) return;
      // Not the preview: the visitor must not read a rep's name the worker has not confirmed.
      notice(box, "queued", messages.queued);
      setBusy(false);
      form.dispatchEvent(new CustomEvent("leadroute:queued", { detail: { id: item.id, status: r.status, error: r.error } }));
      return;
    }
    outbox.remove(item.id);
    if (shown?.id !== item.id) return;
    setBusy(false);
    if (r.kind === "sent") {
      const decision = r.body;
      const preview = shown.preview;
      const changed = !sameDecision(preview, decision);
      render(box, decision, "confirmed", messages);
      box.dataset.changed = String(changed);
      if (pendingId === item.id) pendingText = null;
      form.dispatchEvent(new CustomEvent("leadroute:decision", { detail: { preview, decision, changed } }));
      return;
    }
    if (pendingId === item.id) pendingText = null;
    showRefusal(r);
    form.dispatchEvent(new CustomEvent("leadroute:error", { detail: { status: r.status, error: r.error } }));
  }

  async function send(item) {
    if (sending.has(item.id)) return null;
    sending.add(item.id);
    try {
      const r = await postLead(endpoint, item.lead);
      if (!detached) settle(item, r);
      return r;
    } finally {
      sending.delete(item.id);
    }
  }

  /** Sends every pending submission; after a failure, schedules the next try with backoff. */
  async function flush() {
    clearTimeout(timer);
    timer = null;
    let again = false;
    for (const item of outbox.live(Date.now())) {
      const r = await send(item);
      if (r?.kind === "retry") again = true;
    }
    if (detached) return;
    if (again) {
      const wait = Math.min(retryMax, retryBase * 2 ** failures);
      failures += 1;
      timer = setTimeout(flush, wait);
    } else {
      failures = 0;
    }
  }

  async function onSubmit(event) {
    event.preventDefault();
    if (!form.reportValidity()) return;
    // A slow engine never holds a lead back: past the wait, it is posted without a preview.
    await Promise.race([ready, delay(options.previewWaitMs ?? 1500)]);
    const lead = leadFromForm(form, options);
    const text = JSON.stringify(lead);
    // A resubmit of the same details reuses the id, so it cannot become a second lead.
    if (text !== pendingText) {
      pendingText = text;
      pendingId = newId();
    }
    lead.id = pendingId;
    setBusy(true);
    clearFieldErrors();
    outbox.put({ id: lead.id, lead, at: Date.now() });

    let preview = null;
    if (router) {
      try {
        preview = router.route(lead, { now: Date.now(), trace: false, stateless: true });
        render(box, preview, "preview", messages);
        form.dispatchEvent(new CustomEvent("leadroute:preview", { detail: { preview } }));
      } catch (e) {
        // The worker decides what a value the preview could not read means.
        console.warn("leadroute: preview failed:", e);
      }
    }
    if (!preview) notice(box, "sending", messages.sending);
    shown = { id: lead.id, preview };
    failures = 0;
    await flush();
  }

  /** The page is going away: hand what is unsent to the browser, which delivers it after the page is gone. */
  function onHide() {
    if (typeof navigator.sendBeacon !== "function") return;
    for (const item of outbox.live(Date.now())) {
      if (beaconed.has(item.id)) continue;
      // Form-encoded, so no preflight; the lead id in the body is the idempotency key.
      if (navigator.sendBeacon(`${endpoint}/leads`, new URLSearchParams(item.lead))) beaconed.add(item.id);
    }
  }
  const onVisibility = () => document.visibilityState === "hidden" && onHide();
  const onOnline = () => flush();

  form.addEventListener("submit", onSubmit);
  addEventListener("pagehide", onHide);
  document.addEventListener("visibilitychange", onVisibility);
  addEventListener("online", onOnline);

  // Submissions a previous visit could not send go now, with their own ids; the newest one's answer is shown.
  const left = outbox.live(Date.now());
  if (left.length) {
    shown = { id: left[left.length - 1].id, preview: null };
    flush();
  }

  return {
    form,
    ready,
    pending: () => outbox.live(Date.now()).map((i) => i.id),
    flush,
    detach() {
      detached = true;
      clearTimeout(timer);
      form.removeEventListener("submit", onSubmit);
      removeEventListener("pagehide", onHide);
      document.removeEventListener("visibilitychange", onVisibility);
      removeEventListener("online", onOnline);
      router?.free();
    },
  };
}
