// The service worker: the only place that holds the token and calls NexusOne.
// Extension pages (popup, options) pair, disconnect and save settings; CJ pages may only look up and import.

import { ApiClient, ApiError, ERROR_KINDS } from "./lib/api.js";
import { checkDefaults, checkServerUrl, storage } from "./lib/config.js";
import { jobFinished } from "./lib/states.js";

const POLL_INTERVAL_MS = 1000;
const POLL_LIMIT_MS = 10 * 60 * 1000;
const FROM_PAGES = new Set(["lookup"]);

function asError(error) {
  if (error instanceof ApiError) return error.toJSON();
  console.warn("NexusOne extension:", error);
  return { kind: ERROR_KINDS.SERVER, message: "Something went wrong in the extension; reload the page and try again." };
}

async function apiClient() {
  const { server, token } = await storage.get();
  return new ApiClient({ server, token });
}

const handlers = {
  async status() {
    const config = await storage.get();
    const base = { server: config.server, defaults: config.defaults };
    if (!config.token) return { ...base, paired: false };
    try {
      const me = await new ApiClient(config).me();
      await storage.set({ me });
      return { ...base, paired: true, me };
    } catch (error) {
      return { ...base, paired: false, error: asError(error) };
    }
  },

  async pair({ token }) {
    const clean = String(token || "").trim();
    if (!clean) throw new ApiError(ERROR_KINDS.INVALID, "Paste the token from the dashboard's Extension page.");
    const { server } = await storage.get();
    let me;
    try {
      me = await new ApiClient({ server, token: clean }).me();
    } catch (error) {
      if (error.kind === ERROR_KINDS.UNAUTHORIZED) {
        throw new ApiError(error.kind, "This token is expired, revoked or mistyped; generate a new one on the dashboard's Extension page.");
      }
      throw error;
    }
    await storage.set({ token: clean, me });
    return { paired: true, me, server };
  },

  async disconnect() {
    await storage.forget();
    return { paired: false };
  },

  async saveDefaults({ form }) {
    const checked = checkDefaults(form || {});
    if (checked.error) throw new ApiError(ERROR_KINDS.INVALID, checked.error);
    await storage.set({ defaults: checked.defaults });
    return { defaults: checked.defaults };
  },

  async setServer({ server }) {
    const checked = checkServerUrl(server);
    if (checked.error) throw new ApiError(ERROR_KINDS.INVALID, checked.error);
    const current = await storage.get();
    if (checked.server !== current.server) await storage.forget(); // a token belongs to the server that made it
    await storage.set({ server: checked.server });
    return { server: checked.server };
  },

  async lookup({ pids }) {
    const found = await (await apiClient()).lookup(Array.isArray(pids) ? pids : []);
    return { imported: Object.fromEntries(found) };
  },
};

function fromExtensionPage(sender) {
  return typeof sender.url === "string" && sender.url.startsWith(chrome.runtime.getURL(""));
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const handler = handlers[message?.type];
  if (!handler || !(fromExtensionPage(sender) || FROM_PAGES.has(message.type))) return false;
  handler(message).then(
    (result) => sendResponse({ ok: true, ...result }),
    (error) => sendResponse({ ok: false, error: asError(error) }),
  );
  return true; // answered asynchronously
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Start an import, follow the job to its end, and report every item's status on the port. */
async function runImport(port, pids) {
  let open = true;
  port.onDisconnect.addListener(() => {
    open = false; // the page went away; the server finishes the job anyway
  });
  const send = (message) => open && port.postMessage(message);
  try {
    const config = await storage.get();
    const api = new ApiClient(config);
    let job = await api.startImport(pids, config.defaults);
    send({ type: "progress", job });
    const deadline = Date.now() + POLL_LIMIT_MS;
    while (!jobFinished(job) && open) {
      if (Date.now() > deadline) {
        throw new ApiError(ERROR_KINDS.SERVER, "The import is still running; follow it on the dashboard's Imports page.");
      }
      await sleep(POLL_INTERVAL_MS);
      job = await api.job(job.id);
      send({ type: "progress", job });
    }
    if (!open) return;
    const landed = job.items.filter((item) => ["imported", "duplicate"].includes(item.status)).map((i) => i.pid);
    const links = landed.length ? await api.lookup(landed) : new Map();
    send({ type: "done", job, imported: Object.fromEntries(links) });
  } catch (error) {
    send({ type: "error", error: asError(error) });
  }
}

chrome.runtime.onConnect.addListener((port) => {
  if (port.name !== "import") return;
  port.onMessage.addListener((message) => {
    const pids = Array.isArray(message?.pids) ? message.pids.filter((p) => typeof p === "string") : [];
    if (pids.length) runImport(port, pids);
  });
});
