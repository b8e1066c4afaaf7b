// What the page shows for a product: one state and a message, from an import item, a lookup or an API error.

export const STATES = Object.freeze({
  CHECKING: "checking",
  NOT_IMPORTED: "not_imported",
  IMPORTING: "importing",
  IMPORTED: "imported",
  PLAN_LIMIT: "plan_limit",
  ERROR: "error",
});

const BUTTON_LABELS = {
  checking: "Import to NexusOne",
  not_imported: "Import to NexusOne",
  importing: "Importing…",
  imported: "Imported to NexusOne",
  plan_limit: "Over plan limit",
  error: "Import to NexusOne",
};

export function buttonLabel(state) {
  return BUTTON_LABELS[state] ?? BUTTON_LABELS.not_imported;
}

/** The state of one import item (`status` as in the API: queued, imported, duplicate, invalid, not_found...). */
export function stateOfItem(item) {
  switch (item.status) {
    case "queued":
      return { state: STATES.IMPORTING, message: "Importing…" };
    case "imported":
      return { state: STATES.IMPORTED, message: "Imported." };
    case "duplicate":
      return { state: STATES.IMPORTED, message: "Already in your catalog." };
    case "plan_limit":
      return {
        state: STATES.PLAN_LIMIT,
        message: item.error || "Your plan's product limit is reached; upgrade your plan to import more.",
      };
    case "not_found":
      return { state: STATES.ERROR, message: item.error || "CJ no longer sells this product." };
    case "invalid":
      return { state: STATES.ERROR, message: item.error || "This is not a CJ product id." };
    default:
      return { state: STATES.ERROR, message: item.error || "The import failed; try again in a moment." };
  }
}

/** Whether an import job is over (no more polling). */
export function jobFinished(job) {
  return ["succeeded", "partial", "failed"].includes(job.status);
}

/** The state every product on the page takes after an API error (nothing was imported). */
export function stateOfError(error) {
  return { state: STATES.ERROR, message: error.message };
}

/** "Unlimited" or how many more products the plan allows (`import_quota_left` of /api/chrome-extension/me). */
export function describeQuota(left) {
  if (left === null || left === undefined) return "Unlimited";
  return `${left} product${left === 1 ? "" : "s"}`;
}

/** A session expiry for people: "2026-12-12 14:05 UTC (in 6 days)". */
export function formatExpiry(iso, now = new Date()) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return "unknown";
  const stamp = `${when.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const hours = Math.round((when - now) / 3600000);
  if (hours <= 0) return `${stamp} (expired)`;
  const span = hours < 48 ? `${hours} hour${hours === 1 ? "" : "s"}` : `${Math.round(hours / 24)} days`;
  return `${stamp} (in ${span})`;
}
