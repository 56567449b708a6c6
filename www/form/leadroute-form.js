// leadroute-form: attach lead routing to any existing <form>. On submit it previews the
// decision in the browser (WASM engine, public config), then the edge worker's answer wins.
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
//   messages     { assigned(d), contact, error, sending } texts
//   retries      network / 5xx retries of the POST, same lead id (default 2)
// Events on the form: `leadroute:preview` and `leadroute:decision` (detail: { preview,
// decision, changed }), `leadroute:error` (detail: { status, error }).

const DEFAULT_MESSAGES = {
  sending: "Sending...",
  assigned: (d) => `Thanks! ${d.rep_name} will contact you shortly.`,
  book: (d) => `Book a time with ${d.rep_name.split(" ")[0]}`,
  contact: "Thanks! We will contact you shortly.",
  error: "Sorry, we could not send your details. Please try again.",
};

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

/** One form value coerced to the declared type; undefined when empty or not convertible. */
function coerce(value, type, control) {
  if (type === "boolean") {
    if (control?.type === "checkbox") return control.checked;
    if (value === undefined || value === null || value === "") return undefined;
    return ["true", "on", "yes", "1"].includes(String(value).toLowerCase());
  }
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  if (s === "") return undefined;
  if (type === "number") {
    const n = Number(s.replace(/[,\s]/g, ""));
    return Number.isFinite(n) ? n : undefined;
  }
  return s;
}

/**
 * The lead from the form: every declared field with a same-named input, `name` split
 * into first/last name when those are declared, then `options.fields` and `options.extra`.
 */
export function leadFromForm(form, declared, options = {}) {
  const data = new FormData(form);
  const lead = {};
  for (const [field, type] of Object.entries(declared)) {
    if (field === "id") continue;
    const control = form.elements.namedItem(field);
    const v = coerce(data.get(field), type, control instanceof Element ? control : null);
    if (v !== undefined) lead[field] = v;
  }
  const full = data.get("name");
  if (typeof full === "string" && full.trim() && declared.first_name && declared.last_name && !lead.first_name) {
    const parts = full.trim().split(/\s+/);
    lead.first_name = parts.shift();
    if (parts.length) lead.last_name = parts.join(" ");
  }
  for (const [field, source] of Object.entries(options.fields ?? {})) {
    const raw = typeof source === "function" ? source(data, form) : data.get(source);
    const control = typeof source === "string" ? form.elements.namedItem(source) : null;
    const v = coerce(raw, declared[field] ?? "string", control instanceof Element ? control : null);
    if (v === undefined) delete lead[field];
    else lead[field] = v;
  }
  return { ...lead, ...(options.extra ?? {}) };
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

function sameDecision(a, b) {
  return !!a && !!b && a.outcome === b.outcome && (a.rep ?? null) === (b.rep ?? null);
}

async function postLead(endpoint, lead, retries) {
  let last;
  for (let attempt = 0; attempt <= retries; attempt++) {
    try {
      const res = await fetch(`${trim(endpoint)}/leads`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": lead.id },
        body: JSON.stringify(lead),
      });
      const body = await res.json().catch(() => ({}));
      if (res.ok) return { ok: true, body };
      last = { ok: false, status: res.status, error: body.error ?? { message: `HTTP ${res.status}` } };
      if (res.status < 500) return last;
    } catch (e) {
      last = { ok: false, status: 0, error: { message: String(e?.message ?? e) } };
    }
    // Same id and Idempotency-Key on every try: the worker never assigns it twice.
    await new Promise((r) => setTimeout(r, 300 * 2 ** attempt));
  }
  return last;
}

/**
 * Attaches to `target` (a <form> or a selector). Returns `{ form, ready, detach }`;
 * `ready` resolves when the engine and config are loaded (the preview needs both).
 */
export function attachLeadForm(target, options) {
  const form = typeof target === "string" ? document.querySelector(target) : target;
  if (!(form instanceof HTMLFormElement)) throw new Error(`leadroute: no <form> matches ${JSON.stringify(String(target))}`);
  if (!options?.endpoint) throw new Error("leadroute: options.endpoint is required (the edge worker's URL)");
  const messages = { ...DEFAULT_MESSAGES, ...(options.messages ?? {}) };
  let box = typeof options.result === "string" ? document.querySelector(options.result) : options.result;
  if (!box) {
    box = document.createElement("div");
    form.insertAdjacentElement("afterend", box);
  }
  box.classList.add("leadroute-result");
  box.setAttribute("aria-live", "polite");

  let router = null;
  let declared = {};
  const ready = Promise.all([loadEngine(options), loadConfig(options)])
    .then(([engine, config]) => {
      declared = config.fields ?? {};
      router = new engine.Router(config);
      return true;
    })
    .catch((e) => {
      // Without the engine there is no preview; the worker still routes the lead.
      console.warn("leadroute: preview unavailable:", e);
      return false;
    });

  let pendingId = null;
  let pendingText = null;

  async function onSubmit(event) {
    event.preventDefault();
    if (!form.reportValidity()) return;
    await ready;
    const lead = leadFromForm(form, declared, options);
    const text = JSON.stringify(lead);
    // A resubmit of the same details reuses the id, so it cannot become a second lead.
    if (text !== pendingText) {
      pendingText = text;
      pendingId = newId();
    }
    lead.id = pendingId;
    const button = form.querySelector('[type="submit"]');
    if (button) button.disabled = true;
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");

    let preview = null;
    if (router) {
      try {
        preview = router.route(lead, { now: Date.now(), trace: false, stateless: true });
        render(box, preview, "preview", messages);
        form.dispatchEvent(new CustomEvent("leadroute:preview", { detail: { preview } }));
      } catch (e) {
        console.warn("leadroute: preview failed:", e);
      }
    }
    if (!preview) {
      box.replaceChildren(Object.assign(document.createElement("p"), { textContent: messages.sending }));
      box.dataset.leadrouteState = "sending";
    }

    const r = await postLead(options.endpoint, lead, options.retries ?? 2);
    if (button) button.disabled = false;
    if (r.ok) {
      const decision = r.body;
      const changed = !sameDecision(preview, decision);
      render(box, decision, "confirmed", messages);
      box.dataset.changed = String(changed);
      pendingText = null;
      form.dispatchEvent(new CustomEvent("leadroute:decision", { detail: { preview, decision, changed } }));
      return;
    }
    const field = r.error?.field;
    const control = field ? form.elements.namedItem(field) : null;
    box.replaceChildren(
      Object.assign(document.createElement("p"), {
        className: "leadroute-error",
        textContent: r.status >= 400 && r.status < 500 && r.error?.message ? r.error.message : messages.error,
      }),
    );
    box.dataset.leadrouteState = "error";
    if (control instanceof HTMLElement) {
      control.setAttribute("aria-invalid", "true");
      control.focus();
    }
    form.dispatchEvent(new CustomEvent("leadroute:error", { detail: r }));
  }

  form.addEventListener("submit", onSubmit);
  return {
    form,
    ready,
    detach() {
      form.removeEventListener("submit", onSubmit);
      router?.free();
    },
  };
}
