// Where the extension keeps its settings (chrome.storage.local) and how a server URL is checked.

export const DEFAULT_SERVER = "http://127.0.0.1:8000";
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost"]);

/**
 * A server URL as the extension stores it (origin, no trailing slash), or an error message.
 * Plain HTTP is accepted on this computer only; any other server must use HTTPS.
 */
export function checkServerUrl(text) {
  let url;
  try {
    url = new URL(String(text || "").trim());
  } catch {
    return { error: "Enter the address of your NexusOne server, e.g. https://nexusone.example.com." };
  }
  if (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
    return { error: "Use https:// for a server that is not on this computer (127.0.0.1 or localhost)." };
  }
  if (!["http:", "https:"].includes(url.protocol)) {
    return { error: "The server address must start with https:// (or http:// on this computer)." };
  }
  return { server: url.origin };
}

/** The host permission a server needs at run time (none for the loopback servers granted at install). */
export function runtimeOriginFor(server) {
  const url = new URL(server);
  return LOOPBACK_HOSTS.has(url.hostname) ? null : `${url.origin}/*`;
}

/** Import defaults from the popup's form values, or an error message naming the field. */
export function checkDefaults({ markupType = "percent", markupValue = "", category = "", tags = "" }) {
  const value = String(markupValue).trim();
  if (value && !/^\d+(\.\d+)?$/.test(value)) {
    return { error: "Markup: enter a number such as 40 (no % sign)." };
  }
  if (!["percent", "fixed", "multiplier"].includes(markupType)) {
    return { error: "Markup: choose percent, fixed or multiplier." };
  }
  const tagList = String(tags)
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  if (tagList.length > 20) return { error: "Tags: at most 20." };
  return {
    defaults: { markup: value ? { type: markupType, value } : null, category: String(category).trim(), tags: tagList },
  };
}

export const storage = {
  async get() {
    const stored = await chrome.storage.local.get(["server", "token", "me", "defaults"]);
    return {
      server: stored.server || DEFAULT_SERVER,
      token: stored.token || "",
      me: stored.me || null,
      defaults: stored.defaults || { markup: null, category: "", tags: [] },
    };
  },
  set(values) {
    return chrome.storage.local.set(values);
  },
  forget() {
    return chrome.storage.local.remove(["token", "me"]);
  },
};
