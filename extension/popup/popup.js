import { describeQuota, formatExpiry } from "../src/lib/states.js";

const $ = (selector) => document.querySelector(selector);

function send(message) {
  return chrome.runtime.sendMessage(message);
}

function showError(error) {
  $("#error").hidden = !error;
  $("#error").textContent = error?.message ?? "";
}

function fillDefaults(defaults) {
  $("#markup-value").value = defaults.markup?.value ?? "";
  $("#markup-type").value = defaults.markup?.type ?? "percent";
  $("#category").value = defaults.category ?? "";
  $("#tags").value = (defaults.tags ?? []).join(", ");
}

function render(status) {
  $("#server").textContent = status.server ?? "";
  $("#server-hint").textContent = status.server ?? "";
  $("#unpaired").hidden = Boolean(status.paired);
  $("#paired").hidden = !status.paired;
  if (!status.paired) return;
  const { me } = status;
  $("#store").textContent = me.merchant.name;
  $("#plan").textContent = me.plan.charAt(0).toUpperCase() + me.plan.slice(1);
  $("#quota").textContent = describeQuota(me.import_quota_left);
  $("#expires").textContent = formatExpiry(me.expires_at);
  $("#permissions").textContent = me.permissions.join(", ");
  fillDefaults(status.defaults ?? {});
}

async function refresh() {
  const status = await send({ type: "status" });
  render(status);
  showError(status.error);
}

$("#pair-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const answer = await send({ type: "pair", token: $("#token").value });
  if (!answer.ok) return showError(answer.error);
  $("#token").value = "";
  await refresh();
});

$("#defaults-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = {
    markupValue: $("#markup-value").value,
    markupType: $("#markup-type").value,
    category: $("#category").value,
    tags: $("#tags").value,
  };
  const answer = await send({ type: "saveDefaults", form });
  showError(answer.ok ? null : answer.error);
  $("#saved").textContent = answer.ok ? "Saved." : "";
});

$("#disconnect").addEventListener("click", async () => {
  await send({ type: "disconnect" });
  await refresh();
});

$("#open-options").addEventListener("click", (event) => {
  event.preventDefault();
  chrome.runtime.openOptionsPage();
});

refresh();
