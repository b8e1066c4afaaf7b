// The NexusOne API as the extension uses it. Only the service worker builds a client: the token stays there.

export const ERROR_KINDS = Object.freeze({
  UNPAIRED: "unpaired",
  UNAUTHORIZED: "unauthorized",
  PLAN_REQUIRED: "plan_required",
  FORBIDDEN: "forbidden",
  INVALID: "invalid",
  RATE_LIMITED: "rate_limited",
  SERVER: "server",
  NETWORK: "network",
});

export const SESSION_ENDED = "Session expired or revoked — pair again";
export const NOT_PAIRED =
  "Not paired yet: open the NexusOne extension and paste a token from the dashboard's Extension page.";

export class ApiError extends Error {
  constructor(kind, message, { status = 0, code = "" } = {}) {
    super(message);
    this.name = "ApiError";
    this.kind = kind;
    this.status = status;
    this.code = code;
  }

  toJSON() {
    return { kind: this.kind, message: this.message, status: this.status, code: this.code };
  }
}

async function readErrors(response) {
  try {
    const body = await response.json();
    return Array.isArray(body?.errors) ? body.errors : [];
  } catch {
    return [];
  }
}

function describe(errors) {
  return errors.map((e) => (e.attr ? `${e.attr}: ${e.detail}` : e.detail)).join(" ");
}

/** An ApiError from a non-2xx answer, with a message a merchant can act on. */
export async function errorFromResponse(response) {
  const errors = await readErrors(response);
  const first = errors[0] ?? {};
  const status = response.status;
  if (status === 401) {
    return new ApiError(ERROR_KINDS.UNAUTHORIZED, SESSION_ENDED, { status, code: first.code });
  }
  if (status === 403 && first.code === "plan_required") {
    const message = first.detail || "The Chrome extension needs the Premium plan; upgrade in Settings → Plan.";
    return new ApiError(ERROR_KINDS.PLAN_REQUIRED, message, { status, code: first.code });
  }
  if (status === 403) {
    const message = first.detail || "This extension session may not do that; pair again with the right permissions.";
    return new ApiError(ERROR_KINDS.FORBIDDEN, message, { status, code: first.code });
  }
  if (status === 400) {
    return new ApiError(ERROR_KINDS.INVALID, describe(errors) || "NexusOne refused the request.", {
      status,
      code: first.code,
    });
  }
  if (status === 429) {
    const wait = response.headers.get("Retry-After");
    const message = `NexusOne is busy; try again${wait ? ` in ${wait} seconds` : " in a moment"}.`;
    return new ApiError(ERROR_KINDS.RATE_LIMITED, message, { status, code: first.code });
  }
  const detail = first.detail ? `: ${first.detail}` : "";
  return new ApiError(
    ERROR_KINDS.SERVER,
    `The NexusOne server answered HTTP ${status}${detail}. Try again in a moment.`,
    { status, code: first.code },
  );
}

export function unreachable(server) {
  return new ApiError(
    ERROR_KINDS.NETWORK,
    `Cannot reach the NexusOne server at ${server}. Check that it is running and the server URL in the extension's options.`,
  );
}

export class ApiClient {
  constructor({ server, token, fetchImpl = globalThis.fetch.bind(globalThis) }) {
    this.server = server.replace(/\/+$/, "");
    this.token = token;
    this.fetch = fetchImpl;
  }

  async request(method, path, body = undefined) {
    if (!this.token) throw new ApiError(ERROR_KINDS.UNPAIRED, NOT_PAIRED);
    const headers = { Authorization: `Bearer ${this.token}`, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await this.fetch(`${this.server}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit", // the token alone speaks for the extension, never the dashboard's cookies
        cache: "no-store",
      });
    } catch {
      throw unreachable(this.server);
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response.status === 204 ? null : response.json();
  }

  me() {
    return this.request("GET", "/api/chrome-extension/me");
  }

  /** Which of these PIDs are in the catalog: Map(PID → {id, name, dashboard_url}); one request per 200. */
  async lookup(pids) {
    const found = new Map();
    for (let start = 0; start < pids.length; start += 200) {
      const chunk = pids.slice(start, start + 200);
      const query = new URLSearchParams({ external_id: chunk.join(",") });
      const body = await this.request("GET", `/api/dropshipping/products/lookup?${query}`);
      for (const product of body.results) found.set(product.external_id, product);
    }
    return found;
  }

  startImport(pids, defaults = {}) {
    return this.request("POST", "/api/products/import", importBody(pids, defaults));
  }

  job(id) {
    return this.request("GET", `/api/products/import/${encodeURIComponent(id)}`);
  }
}

/** The import request for these PIDs with the merchant's default settings (only those set). */
export function importBody(pids, defaults = {}) {
  const body = { source: "extension", product_ids: pids };
  if (defaults.markup?.value) body.markup = { type: defaults.markup.type || "percent", value: String(defaults.markup.value) };
  if (defaults.category) body.category = defaults.category;
  if (defaults.tags?.length) body.tags = defaults.tags;
  return body;
}
