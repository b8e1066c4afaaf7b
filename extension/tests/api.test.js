import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiClient, ERROR_KINDS, SESSION_ENDED, importBody } from "../src/lib/api.js";

const SERVER = "http://127.0.0.1:8000";

function answer(status, body = {}, headers = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

function errors(code, detail, attr = null) {
  return { type: "client_error", errors: [{ code, detail, attr }] };
}

function clientAnswering(...responses) {
  const calls = [];
  const fetchImpl = async (url, init) => {
    calls.push({ url, init });
    const next = responses.shift();
    if (next instanceof Error) throw next;
    return next;
  };
  return { client: new ApiClient({ server: `${SERVER}/`, token: "tok", fetchImpl }), calls };
}

test("a 401 means the session ended: pair again", async () => {
  const { client } = clientAnswering(answer(401, errors("session_inactive", "This extension session was revoked.")));
  await assert.rejects(client.me(), { kind: ERROR_KINDS.UNAUTHORIZED, message: SESSION_ENDED });
});

test("a 403 plan_required names the plan that lifts it", async () => {
  const detail = "The Chrome extension needs the Premium plan; upgrade in Settings → Plan.";
  const { client } = clientAnswering(answer(403, errors("plan_required", detail)));
  await assert.rejects(client.me(), { kind: ERROR_KINDS.PLAN_REQUIRED, message: detail });
});

test("another 403 is a missing permission, not an ended session", async () => {
  const detail = "This extension session lacks the “Import products” permission; pair again with a token that has it.";
  const { client } = clientAnswering(answer(403, errors("permission_denied", detail)));
  await assert.rejects(client.startImport(["1452365879215469568"]), { kind: ERROR_KINDS.FORBIDDEN, message: detail });
});

test("a 400 names the field", async () => {
  const { client } = clientAnswering(answer(400, errors("invalid", "A decimal number is required.", "markup.value")));
  await assert.rejects(client.startImport(["1"]), {
    kind: ERROR_KINDS.INVALID,
    message: "markup.value: A decimal number is required.",
  });
});

test("a 429 says when to try again; a 500 says the server had a problem", async () => {
  const { client } = clientAnswering(answer(429, errors("throttled", "Slow down."), { "Retry-After": "12" }), answer(500, {}));
  await assert.rejects(client.me(), { kind: ERROR_KINDS.RATE_LIMITED, message: "NexusOne is busy; try again in 12 seconds." });
  await assert.rejects(client.me(), { kind: ERROR_KINDS.SERVER, message: /HTTP 500/ });
});

test("a network failure says the server cannot be reached, naming it", async () => {
  const { client } = clientAnswering(new TypeError("Failed to fetch"));
  await assert.rejects(client.me(), { kind: ERROR_KINDS.NETWORK, message: /Cannot reach the NexusOne server at http:\/\/127\.0\.0\.1:8000\./ });
});

test("without a token nothing is sent", async () => {
  const calls = [];
  const client = new ApiClient({ server: SERVER, token: "", fetchImpl: async (...args) => calls.push(args) });
  await assert.rejects(client.me(), { kind: ERROR_KINDS.UNPAIRED });
  assert.equal(calls.length, 0);
});

test("requests carry the bearer token and no cookies", async () => {
  const { client, calls } = clientAnswering(answer(200, { plan: "premium" }));
  assert.deepEqual(await client.me(), { plan: "premium" });
  assert.equal(calls[0].url, `${SERVER}/api/chrome-extension/me`);
  assert.equal(calls[0].init.headers.Authorization, "Bearer tok");
  assert.equal(calls[0].init.credentials, "omit");
});

test("a lookup asks once per 200 PIDs and maps them by PID", async () => {
  const pids = Array.from({ length: 250 }, (_, n) => String(1500000000000000000 + n));
  const { client, calls } = clientAnswering(
    answer(200, { results: [{ external_id: pids[0], id: "a", dashboard_url: "u" }] }),
    answer(200, { results: [] }),
  );
  const found = await client.lookup(pids);
  assert.equal(calls.length, 2);
  assert.equal(new URL(calls[0].url).searchParams.get("external_id").split(",").length, 200);
  assert.deepEqual([...found.keys()], [pids[0]]);
});

test("an import sends only the default settings that are set", () => {
  assert.deepEqual(importBody(["P1"], { markup: null, category: "", tags: [] }), { source: "extension", product_ids: ["P1"] });
  assert.deepEqual(importBody(["P1"], { markup: { type: "fixed", value: "3" }, category: "Home", tags: ["new"] }), {
    source: "extension",
    product_ids: ["P1"],
    markup: { type: "fixed", value: "3" },
    category: "Home",
    tags: ["new"],
  });
});
