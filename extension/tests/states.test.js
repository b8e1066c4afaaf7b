import assert from "node:assert/strict";
import { test } from "node:test";

import { STATES, buttonLabel, describeQuota, formatExpiry, jobFinished, stateOfItem } from "../src/lib/states.js";

test("imported and duplicate items both show the product as imported", () => {
  assert.equal(stateOfItem({ status: "imported" }).state, STATES.IMPORTED);
  assert.deepEqual(stateOfItem({ status: "duplicate" }), { state: STATES.IMPORTED, message: "Already in your catalog." });
});

test("an item over the plan limit says so with the server's words", () => {
  const shown = stateOfItem({ status: "plan_limit", error: "Your Free plan allows 10 products; upgrade to Pro." });
  assert.deepEqual(shown, { state: STATES.PLAN_LIMIT, message: "Your Free plan allows 10 products; upgrade to Pro." });
  assert.equal(buttonLabel(shown.state), "Over plan limit");
});

test("queued items are importing; invalid, not found and failed ones are errors", () => {
  assert.equal(stateOfItem({ status: "queued" }).state, STATES.IMPORTING);
  for (const status of ["invalid", "not_found", "failed", "something_new"]) {
    const shown = stateOfItem({ status, error: "" });
    assert.equal(shown.state, STATES.ERROR, status);
    assert.ok(shown.message.length > 10, status);
  }
});

test("a job is finished once it succeeded, partly succeeded or failed", () => {
  assert.deepEqual(
    ["queued", "running", "succeeded", "partial", "failed"].map((status) => jobFinished({ status })),
    [false, false, true, true, true],
  );
});

test("imports left read as a number of products, or unlimited", () => {
  assert.equal(describeQuota(null), "Unlimited");
  assert.equal(describeQuota(1), "1 product");
  assert.equal(describeQuota(7), "7 products");
});

test("a session expiry shows the UTC time and how far away it is", () => {
  const now = new Date("2026-12-05T10:00:00Z");
  assert.equal(formatExpiry("2026-12-12T10:00:00Z", now), "2026-12-12 10:00 UTC (in 7 days)");
  assert.equal(formatExpiry("2026-12-05T15:00:00Z", now), "2026-12-05 15:00 UTC (in 5 hours)");
  assert.equal(formatExpiry("2026-12-05T09:00:00Z", now), "2026-12-05 09:00 UTC (expired)");
});
