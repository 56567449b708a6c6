// Configs kept in this browser (IndexedDB): each saved by name with every earlier version,
// and the working copy restored on reload. Nothing leaves the machine.

const DB = "leadroute-dashboard";
const VERSIONS = 50;

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore("configs", { keyPath: "name" });
      req.result.createObjectStore("session");
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx(store, mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(store, mode);
    const s = t.objectStore(store);
    let out;
    const req = fn(s);
    if (req) req.onsuccess = () => (out = req.result);
    t.oncomplete = () => {
      db.close();
      resolve(out);
    };
    t.onerror = () => reject(t.error);
  });
}

/** Saves `text` (and the CSV mapping) under `name`, keeping the earlier versions. */
export async function save(name, text, mapping = {}) {
  const old = await tx("configs", "readonly", (s) => s.get(name));
  const versions = old?.versions ?? [];
  if (versions.at(-1)?.text !== text || JSON.stringify(versions.at(-1)?.mapping) !== JSON.stringify(mapping)) {
    versions.push({ text, mapping, at: new Date().toISOString() });
  }
  await tx("configs", "readwrite", (s) => s.put({ name, versions: versions.slice(-VERSIONS) }));
  return versions.length;
}

/** Every saved config: [{ name, versions: [{ text, mapping, at }] }], by name. */
export async function list() {
  const all = (await tx("configs", "readonly", (s) => s.getAll())) ?? [];
  return all.sort((a, b) => a.name.localeCompare(b.name));
}

export async function get(name) {
  return tx("configs", "readonly", (s) => s.get(name));
}

export async function remove(name) {
  await tx("configs", "readwrite", (s) => s.delete(name));
}

/** The working copy: what is in the editors now, restored on reload. */
export async function keep(session) {
  await tx("session", "readwrite", (s) => s.put(session, "current"));
}

export async function restore() {
  return tx("session", "readonly", (s) => s.get("current"));
}
