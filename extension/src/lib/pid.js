// CJ product URLs → PIDs (CJ_API.md §13): /product/<slug>-p-<PID>.html on cjdropshipping.com or a subdomain,
// and the same pages of the CJ sandbox that `make run` serves on this computer under /sandbox/cj/.

const UUID_PID = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}";
const DIGIT_PID = "\\d{15,20}";
const PID_IN_PATH = new RegExp(`-p-(${UUID_PID}|${DIGIT_PID})\\.html$`);
const CJ_DOMAIN = "cjdropshipping.com";
const SANDBOX_PREFIX = "/sandbox/cj";
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost"]);

export function isCjHost(hostname) {
  const host = String(hostname || "").toLowerCase();
  return host === CJ_DOMAIN || host.endsWith(`.${CJ_DOMAIN}`);
}

function decodedPath(url) {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return url.pathname; // a malformed escape: the PID part is plain ASCII anyway
  }
}

/** The path of a page in CJ's terms, or null when the page is neither CJ's nor the local CJ sandbox's. */
function cjPath(url) {
  if (url.protocol === "https:" && isCjHost(url.hostname)) return decodedPath(url);
  const local = url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
  if (local && url.pathname.startsWith(`${SANDBOX_PREFIX}/`)) return decodedPath(url).slice(SANDBOX_PREFIX.length);
  return null;
}

/** The PID of a CJ product page URL (upper-case), or null. Query strings and fragments are ignored. */
export function parsePid(href, base = undefined) {
  let url;
  try {
    url = new URL(href, base);
  } catch {
    return null;
  }
  const path = cjPath(url);
  if (path === null || !path.startsWith("/product/")) return null;
  const match = PID_IN_PATH.exec(path);
  return match ? match[1].toUpperCase() : null;
}

/** Product links on a page grouped by PID, in page order: Map(PID → [anchor, ...]). */
export function productLinks(root) {
  const byPid = new Map();
  for (const anchor of root.querySelectorAll("a[href*='-p-']")) {
    const pid = parsePid(anchor.href);
    if (!pid) continue;
    if (!byPid.has(pid)) byPid.set(pid, []);
    byPid.get(pid).push(anchor);
  }
  return byPid;
}

/**
 * The card of a product on a listing page: the largest ancestor of its links that holds no other product's link.
 * Works whatever CJ's markup, as long as each card links to its own product page.
 */
export function cardOf(anchor, pid) {
  let card = anchor;
  for (let parent = anchor.parentElement; parent && parent.tagName !== "BODY"; parent = parent.parentElement) {
    const others = [...parent.querySelectorAll("a[href*='-p-']")].some((a) => {
      const other = parsePid(a.href);
      return other !== null && other !== pid;
    });
    if (others) break;
    card = parent;
  }
  return card;
}
